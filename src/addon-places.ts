// Where the native addon may be, in the order tried: an explicit location, the package itself (a
// local build in build/Release/ or this platform's file in prebuilds/), and prebuilds/ beside the
// running bundle, beside the main module, or beside the executable (single-file executables).
import { fs, path, url } from './builtins';
import { permission } from './env';

/** The addon file inside a place (a directory, or the .node file itself), or undefined. */
export function addonFileIn(place: string): string | undefined {
  if (place.endsWith('.node')) return exists(place) ? place : undefined;
  const local = path.join(place, 'build', 'Release', 'fastpbkdf2.node');
  if (exists(local)) return local;
  const dir = path.join(place, 'prebuilds', `${process.platform}-${process.arch}`);
  return prebuildNames().map((name) => path.join(dir, name)).find(exists);
}

/** This platform's prebuild file names, most specific first (the tags tools/prebuild.mjs writes). */
export function prebuildNames(): string[] {
  if (process.platform !== 'linux') return ['fastpbkdf2.napi.node'];
  // The C library test node-gyp-build uses at install time, so both pick the same file.
  const libc = exists('/etc/alpine-release') ? 'musl' : 'glibc';
  return [`fastpbkdf2.napi.${libc}.node`, 'fastpbkdf2.napi.node'];
}

/**
 * The default places, without duplicates: the package (the parent of dist/), the directory of the
 * running bundle, of the main module and of the executable.
 */
export function defaultPlaces(): string[] {
  const code = codeFile();
  const main = process.argv[1];
  const dirs = [
    code && path.dirname(path.dirname(code)),
    code && path.dirname(code),
    main && path.isAbsolute(main) ? path.dirname(main) : undefined,
    path.dirname(process.execPath),
  ];
  return [...new Set(dirs.filter((d): d is string => !!d))];
}

/** The file this code runs from: dist/addon-places.js, or the bundle it was bundled into. */
function codeFile(): string | undefined {
  if (typeof __filename === 'string' && path.isAbsolute(__filename)) return __filename;
  // An ES-module bundle has no __filename; the stack names the bundle as a file: URL.
  const match = /file:\/\/[^\s)]+?(?=:\d+:\d+)/.exec(new Error().stack ?? '');
  try {
    return match ? url.fileURLToPath(match[0]) : undefined;
  } catch {
    return undefined;
  }
}

function exists(file: string): boolean {
  if (permission({ name: 'read', path: file }) !== 'granted') return false; // Deno would prompt
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
