// Bun only (the "bun" condition of #embedded-addon in package.json): each prebuild is named in a
// literal require(), which `bun build --compile` follows to embed the binary in the executable.
// Bun's bundler skips a require() it cannot resolve only inside a try block, hence the one switch in
// one try. Unbundled, the file required is the package's own; `bun build` without --compile copies
// it beside the bundle as an asset.
import { prebuildNames } from './addon-places';
import { fs, path } from './builtins';

/** The prebuilds this file can embed (test/pack.test.ts checks it against the tarball's prebuilds/). */
export const embeddable = [
  'linux-x64/fastpbkdf2.napi.glibc.node',
  'linux-x64/fastpbkdf2.napi.musl.node',
  'linux-arm64/fastpbkdf2.napi.glibc.node',
  'linux-arm64/fastpbkdf2.napi.musl.node',
  'darwin-x64/fastpbkdf2.napi.node',
  'darwin-arm64/fastpbkdf2.napi.node',
  'win32-x64/fastpbkdf2.napi.node',
];

/* eslint-disable @typescript-eslint/no-require-imports */
function load(key: string): unknown {
  try {
    switch (key) {
      case 'linux-x64/fastpbkdf2.napi.glibc.node': return require('../prebuilds/linux-x64/fastpbkdf2.napi.glibc.node');
      case 'linux-x64/fastpbkdf2.napi.musl.node': return require('../prebuilds/linux-x64/fastpbkdf2.napi.musl.node');
      case 'linux-arm64/fastpbkdf2.napi.glibc.node': return require('../prebuilds/linux-arm64/fastpbkdf2.napi.glibc.node');
      case 'linux-arm64/fastpbkdf2.napi.musl.node': return require('../prebuilds/linux-arm64/fastpbkdf2.napi.musl.node');
      case 'darwin-x64/fastpbkdf2.napi.node': return require('../prebuilds/darwin-x64/fastpbkdf2.napi.node');
      case 'darwin-arm64/fastpbkdf2.napi.node': return require('../prebuilds/darwin-arm64/fastpbkdf2.napi.node');
      case 'win32-x64/fastpbkdf2.napi.node': return require('../prebuilds/win32-x64/fastpbkdf2.napi.node');
    }
  } catch {
    // not in this package or executable: the ordinary search follows
  }
  return undefined;
}

export function embeddedAddon(): { addon: unknown; file: string } | undefined {
  for (const name of prebuildNames()) {
    const key = `${process.platform}-${process.arch}/${name}`;
    const addon = load(key);
    if (!addon) continue;
    // Bundled, the binary is an asset beside the bundle or inside the executable, under another name.
    const file = path.join(__dirname, '..', 'prebuilds', key);
    return { addon, file: isFile(file) ? file : `(embedded by bun build) ${key}` };
  }
  return undefined;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
