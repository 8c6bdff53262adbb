// Module hooks (run by Node in its loader thread, see scripts/register-ts.mjs) that let this
// checkout's TypeScript run without a build step, and nothing more:
//  - `./x.js` imported from a .ts file is `./x.ts` when that exists (TypeScript's NodeNext convention);
//  - the "proto-ts-source" export condition, so `proto-ts/<module>` is the sources (package.json);
//  - .ts files are transpiled by esbuild (types dropped, nothing bundled), the result kept in
//    node_modules/.cache/proto-ts-js by the sha256 of the source and esbuild's version and options,
//    so that the many processes of a test run each read JavaScript instead of compiling (entries
//    unused for a week are pruned: scripts/transpile-cache.mjs).
// tsx does all this and much more (tsconfig paths, CommonJS, every extension), for ~0.3 s more CPU
// per process; a test run starts a few hundred processes.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEntry, writeEntry } from './transpile-cache.mjs';


const root = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = join(root, 'node_modules/.cache/proto-ts-js');
const require = createRequire(import.meta.url);
const esbuildVersion = require('esbuild/package.json').version;
// Class fields as tsc emits them for tsconfig.json's target (ES2022).
const OPTIONS = { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline', tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } } };
const optionsKey = JSON.stringify([esbuildVersion, OPTIONS]);
let esbuild;

export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent?.startsWith('file:') && parent.endsWith('.ts') && specifier.endsWith('.js') && (specifier.startsWith('./') || specifier.startsWith('../'))) {
    const url = new URL(`${specifier.slice(0, -3)}.ts`, parent);
    if (existsSync(fileURLToPath(url))) return { url: url.href, format: 'module', shortCircuit: true };
  }
  const conditions = context.conditions.includes('proto-ts-source') ? context.conditions : [...context.conditions, 'proto-ts-source'];
  return next(specifier, { ...context, conditions });
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const path = fileURLToPath(url);
  const source = readFileSync(path, 'utf8');
  const key = createHash('sha256').update(optionsKey).update('\0').update(path).update('\0').update(source).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  let code = readEntry(cached);
  if (code === undefined) {
    esbuild ??= await import('esbuild');
    code = (await esbuild.transform(source, { ...OPTIONS, sourcefile: path })).code;
    writeEntry(cached, code);
  }
  return { format: 'module', source: withPackageInterop(code), shortCircuit: true };
}

/**
 * `import("<package>")` as tsx (and the esbuild bundle the CLI runs from) give it: a CommonJS
 * package compiled from ES modules (`exports.__esModule`) is its exports, not `{ default: exports }`,
 * so `const { XzReadableStream } = await import('xz-decompress')` works in tests as in the CLI.
 * Only package names: our own modules are ES modules. esbuild prints these calls with double quotes.
 */
export function withPackageInterop(code) {
  const replaced = code.replace(/\bimport\("([^"./][^"]*)"\)/g, (call) => `${call}.then(__protoTsInterop)`);
  if (replaced === code) return code;
  // Below the code and above the source map comment, which stays last; lines above keep their numbers.
  const mapAt = replaced.lastIndexOf('\n//# sourceMappingURL=');
  const helper = "\nfunction __protoTsInterop(m) { return m.default && typeof m.default === 'object' && '__esModule' in m.default ? m.default : m; }";
  return mapAt === -1 ? `${replaced}${helper}\n` : `${replaced.slice(0, mapAt)}${helper}${replaced.slice(mapAt)}`;
}
