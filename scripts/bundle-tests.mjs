// `npm test` runs each test file as one ES module bundled by esbuild (our TypeScript inside, the
// packages of node_modules left as imports) instead of loading its ~50-200 modules through
// scripts/ts-hooks.mjs. On Node 20 module hooks run in a separate loader thread that every import
// waits on: ~0.06 s of CPU to start it in each process and ~1 ms per module, 0.1-0.25 s per test
// file, which the bundles do not pay (Node >= 22.15's in-thread module.registerHooks would not either).
//
// What a module sees stays the same: `import.meta.url` is its own source file's URL (snapshots, fixtures
// and the repo root are found from it), `proto-ts/<module>` is the sources ("proto-ts-source"), class
// fields are emitted as tsc does, `import("<package>")` gets the interop the hooks give it, and stack
// traces point into the .ts sources through linked source maps (test-utils' callerFile reads them).
// What differs: an `import()` of a path computed at run time is resolved from the bundle's directory
// (esbuild bundles only literal ones), and process.argv[1] is the bundle.
//
// A bundle is rebuilt only when a file it was made from changed since it was built, or the options
// did: its inputs (esbuild's metafile) are kept next to it (`<bundle>.inputs.json`).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { withPackageInterop } from './ts-hooks.mjs';

const require = createRequire(import.meta.url);
const esbuildVersion = require('esbuild/package.json').version;

/** Where the bundles of `root`'s test files go: node_modules' packages are found from there. */
export function bundleDir(root) {
  return join(root, 'node_modules/.cache/proto-test-bundles');
}

/** The test file (relative to root) that a bundle path (absolute or relative) was made from, or the path itself. */
export function testFileOfBundle(root, path) {
  const prefix = `${relative(root, bundleDir(root))}/`;
  const rel = relative(root, join(root, path));
  return rel.startsWith(prefix) && rel.endsWith('.mjs') ? `${rel.slice(prefix.length, -'.mjs'.length)}.ts` : path;
}

/**
 * Bundles (or reuses the bundles of) `files`, test files or scripts that tests run in child processes,
 * paths relative to root; returns their bundle paths, in order: undefined for a file that does not
 * bundle among others (asked for that file alone, it throws). Several processes may bundle the same
 * file at once: each file is written whole (temp + rename), and the bundle's record of its inputs last.
 */
export async function bundleTests(root, files) {
  const outdir = bundleDir(root);
  const options = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['proto-ts-source'],
    sourcemap: 'linked',
    // Stack traces need the mappings only; Node reads and parses a bundle's whole map when it loads
    // it (a third the size without the sources: ~10 ms less per process).
    sourcesContent: false,
    outbase: root,
    outdir,
    outExtension: { '.js': '.mjs' },
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
    absWorkingDir: root,
    logLevel: 'warning',
  };
  const optionsKey = JSON.stringify([esbuildVersion, options, withPackageInterop.toString(), ownImportMetaUrl.setup.toString()]);
  const bundleOf = (file) => join(outdir, file.replace(/\.ts$/, '.mjs'));
  const stale = files.filter((file) => !isFresh(root, bundleOf(file), optionsKey));
  if (stale.length === 0) return files.map(bundleOf);
  const esbuild = await import('esbuild');
  const build = async (entries) => {
    const started = Date.now();
    const result = await esbuild.build({
      ...options,
      entryPoints: entries.map((file) => join(root, file)),
      plugins: [ownImportMetaUrl],
      metafile: true,
      write: false,
    });
    for (const output of result.outputFiles) {
      writeWhole(output.path, output.path.endsWith('.mjs') ? withPackageInterop(output.text) : output.contents);
    }
    for (const [output, { entryPoint, inputs }] of Object.entries(result.metafile.outputs)) {
      if (entryPoint) writeWhole(`${join(root, output)}.inputs.json`, JSON.stringify({ optionsKey, builtAt: started, inputs: Object.keys(inputs) }));
    }
  };
  try {
    await build(stale);
    return files.map(bundleOf);
  } catch (error) {
    if (files.length === 1) throw error;
  }
  // One file that does not bundle must not send every other file back to its sources: each is
  // bundled alone, and only those that fail have no bundle (undefined).
  // A broken shared module fails them all with one error: each distinct error is printed once.
  const failed = new Set();
  const errors = new Map();
  await Promise.all(
    stale.map((file) =>
      build([file]).catch((error) => {
        failed.add(file);
        errors.set(error.message, [...(errors.get(error.message) ?? []), file]);
      }),
    ),
  );
  for (const [message, where] of errors) console.error(`could not bundle ${where.join(', ')}: ${message}`);
  return files.map((file) => (failed.has(file) ? undefined : bundleOf(file)));
}

/** Removes the bundles (and their maps and records) whose source file is gone: a renamed test leaves none behind. */
export function pruneBundles(root) {
  const outdir = bundleDir(root);
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.mjs') && !existsSync(join(root, relative(outdir, path)).replace(/\.mjs$/, '.ts'))) {
        for (const file of [path, `${path}.map`, `${path}.inputs.json`]) rmSync(file, { force: true });
      }
    }
  };
  walk(outdir);
}

function writeWhole(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
}

/** A bundle is fresh when it was built with these options and none of its inputs changed (or vanished) since its build began. */
function isFresh(root, bundle, optionsKey) {
  try {
    const record = JSON.parse(readFileSync(`${bundle}.inputs.json`, 'utf8'));
    return record.optionsKey === optionsKey && record.inputs.every((input) => statSync(join(root, input)).mtimeMs < record.builtAt);
  } catch {
    return false;
  }
}

/** Each module's `import.meta.url` and `import.meta.dirname` are its own file's (in a bundle they would be the bundle's). */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    // Packages stay imports (resolved from the bundle's place in node_modules/.cache); our own (the
    // CLI's and the workspaces', whose entries are TypeScript) are bundled.
    const ours = /^(proto-ts|@proto-ts\/[^/]+)(\/|$)/;
    build.onResolve({ filter: /^[^./]/ }, (args) => (ours.test(args.path) ? undefined : { external: true }));
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const loader = args.path.endsWith('ts') ? 'ts' : 'js';
      if (!source.includes('import.meta')) return { contents: source, loader };
      // esbuild's own define replaces the expressions only, never the words in a string or a
      // comment (a text replace broke a test whose name says "import.meta.dirname"). The inline
      // source map keeps stack traces pointing into the source.
      const { code } = await build.esbuild.transform(source, {
        loader,
        sourcefile: args.path,
        sourcemap: 'inline',
        tsconfigRaw: build.initialOptions.tsconfigRaw,
        define: {
          'import.meta.url': JSON.stringify(pathToFileURL(args.path).href),
          'import.meta.dirname': JSON.stringify(dirname(args.path)),
        },
      });
      return { contents: code, loader: 'js' };
    });
  },
};
