// TypeScript users of the installed package: every entry point under each moduleResolution, strict,
// skipLibCheck false, against a given @types/node. Through the compiler API, which reports the errors
// of the user's file and of fastpbkdf2's declarations only (tsc with skipLibCheck false also checks
// all of @types/node: many seconds per run, and nothing about this package). Parsed files are
// shared between runs.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const ts = createRequire(import.meta.url)('typescript');

/** The resolution modes users have: name, compiler options, the user's files in that mode. */
export const modes = [
  { name: 'node10', options: { module: 'commonjs', moduleResolution: 'node10', target: 'es2020' }, files: ['use.ts'] },
  { name: 'node16', options: { module: 'node16', moduleResolution: 'node16' }, files: ['use.cts', 'use.mts'] },
  { name: 'nodenext', options: { module: 'nodenext', moduleResolution: 'nodenext' }, files: ['use.cts', 'use.mts'] },
  { name: 'bundler', options: { module: 'esnext', moduleResolution: 'bundler', target: 'es2020' }, files: ['use.ts'] },
];

// Every entry point, with the types a user writes down.
const use = `
import { backendFor, createPool, nativePath, pbkdf2, pbkdf2Sync, setNativePath, type BackendInfo, type HashPool } from 'fastpbkdf2';
import { pbkdf2 as pbkdf2Promise } from 'fastpbkdf2/promises';
import { hashSync, verify } from 'fastpbkdf2/password';
import { register } from 'fastpbkdf2/register';
import { createRemotePool } from 'fastpbkdf2/remote';
import { HashService } from 'fastpbkdf2/service';

export const key: Buffer = pbkdf2Sync('password', 'salt', 1, 32, 'sha256');
pbkdf2('password', 'salt', 1, 32, 'sha512', (err: Error | null, derived: Buffer) => void [err, derived]);
export const info: BackendInfo = backendFor('sha256');
export const later: Promise<Buffer> = pbkdf2Promise('password', 'salt', 1, 32, 'sha256');
export const pool: HashPool = createPool({ threads: 1 });
export const pooled: Promise<Buffer> = pool.pbkdf2('p', 's', 1, 32, 'sha1');
export const where: string | null = nativePath();
export const setWhere: (location: string) => void = setNativePath;
export const stored: string = hashSync('secret', { format: 'django', iterations: 2 });
export const ok: Promise<boolean> = verify('secret', stored);
export const again: () => void = register;
export const remote = createRemotePool;
export const service = HashService;
// @ts-expect-error iterations must be a number
pbkdf2Sync('password', 'salt', '1', 32, 'sha256');
`;

const cache = new Map();

/**
 * Type-checks the user's files in `project` (fastpbkdf2 installed there) in one mode against the
 * @types/node package in `typesNode`; returns the error messages (none is a pass).
 */
export function typeErrors(project, mode, typesNode) {
  for (const f of mode.files) fs.writeFileSync(path.join(project, f), use);
  // A typeRoots directory whose only package is the given @types/node.
  const roots = path.join(project, `types-${path.basename(typesNode)}`);
  if (!fs.existsSync(roots)) {
    fs.mkdirSync(roots);
    fs.symlinkSync(typesNode, path.join(roots, 'node'), 'dir');
  }
  const { options, errors } = ts.convertCompilerOptionsFromJson(
    { ...mode.options, strict: true, skipLibCheck: false, noEmit: true, types: ['node'], typeRoots: [roots] },
    project,
  );
  if (errors.length) return errors.map(format);
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => {
    if (name.startsWith(project) && !name.includes(`${path.sep}node_modules${path.sep}`)) return getSourceFile(name, language, ...rest);
    const key = `${name}|${typeof language === 'object' ? `${language.languageVersion}/${language.impliedNodeFormat}` : language}`;
    if (!cache.has(key)) cache.set(key, getSourceFile(name, language, ...rest));
    return cache.get(key);
  };
  const program = ts.createProgram({ rootNames: mode.files.map((f) => path.join(project, f)), options, host });
  const ours = (sf) => !sf.fileName.includes(`${path.sep}node_modules${path.sep}`) || sf.fileName.includes(`${path.sep}node_modules${path.sep}fastpbkdf2${path.sep}`);
  const files = program.getSourceFiles().filter((sf) => ours(sf) && sf.fileName.startsWith(project));
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...files.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]),
  ];
  // A run that did not load our declarations proves nothing.
  if (!files.some((sf) => sf.fileName.endsWith(`${path.sep}fastpbkdf2${path.sep}dist${path.sep}index.d.ts`))) {
    diagnostics.push({ messageText: 'fastpbkdf2/dist/index.d.ts was not loaded' });
  }
  return diagnostics.map(format);
}

function format(d) {
  const where = d.file ? `${path.basename(d.file.fileName)}(${d.file.getLineAndCharacterOfPosition(d.start).line + 1}): ` : '';
  return `${where}TS${d.code ?? ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
}
