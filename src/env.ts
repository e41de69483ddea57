// Reads of the environment and of the runtime's permissions that never throw. Deno without
// --allow-env throws (or, in a terminal, prompts) on any process.env read; a library must load
// and work without asking, so an unreadable variable counts as unset.

type Descriptor = { name: 'env'; variable: string } | { name: 'ffi' } | { name: 'read'; path?: string };
interface DenoPermissions {
  permissions?: { querySync?(d: Descriptor): { state: string } };
}
const deno = (globalThis as { Deno?: DenoPermissions }).Deno;

/** Deno's answer for a permission ('granted', 'prompt' or 'denied'); 'granted' elsewhere. */
export function permission(descriptor: Descriptor): string {
  try {
    return deno?.permissions?.querySync?.(descriptor).state ?? 'granted';
  } catch {
    return 'denied';
  }
}

/** process.env as far as it can be read: an unreadable variable is undefined. */
export const env: NodeJS.ProcessEnv = new Proxy({}, { get: (_, name) => (typeof name === 'string' ? readEnv(name) : undefined) });

/** process.env[name], or undefined when unset or not readable here. */
export function readEnv(name: string): string | undefined {
  if (permission({ name: 'env', variable: name }) !== 'granted') return undefined;
  try {
    return process.env[name];
  } catch {
    return undefined;
  }
}
