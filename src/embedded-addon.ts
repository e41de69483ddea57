// The addon as a bundler embeds it: nothing, except under Bun (package.json "imports" maps
// #embedded-addon to embedded-addon-bun.ts for the "bun" condition).
export function embeddedAddon(): { addon: unknown; file: string } | undefined {
  return undefined;
}
