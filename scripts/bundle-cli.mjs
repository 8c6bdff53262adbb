#!/usr/bin/env node
// Part of `npm run build`, after tsc: bundles the compiled CLI into CommonJS files that the
// launcher (bin/proto.js) loads instead of the ~120 ES modules behind them:
//  - dist/bundle/fast-path.cjs: the --version and help answers (cli/fast-path), loaded first
//    when the command line may ask for one of them: they need no decision about Node;
//  - dist/bundle/start.cjs: which command runs (cli/command-line) and where the store is (V8's
//    code caches of the two bundles below are kept there on Node 20, see bin/proto.js loadBundle);
//  - dist/bundle/launcher.cjs: the Node check (node-runtime) alone, for a Node older than the two
//    bundles below are built for; on others, the bundle that runs the command checks the Node;
//  - dist/bundle/cli.cjs: the program (cli/main) and every module it reaches, commander,
//    smol-toml and undici's dispatchers included, and the Node check;
//  - dist/bundle/cached.cjs: the answers from disk (cli/cached-answers: list-remote with a cached
//    version list, bin, list, status) without commander and the other commands, and the Node
//    check. Every module the
//    program loads on demand (each `import()`: the plugin host, the network, installs) is, in
//    this bundle, a call of `handOver`: reaching it means the program must answer;
//  - dist/bundle/plugin-worker.cjs: the plugin worker thread (host/plugin-worker) with the Extism
//    SDK, which cli.cjs's worker pool starts instead of the ES modules: an ES module entry costs
//    each worker the start of Node's ES module loader, and the SDK and our two modules its
//    resolution and linking (~8 ms of CPU per command that starts a plugin).
// Why: on Node 20 each ES module costs resolution, a module record and linking, about 0.7 ms of
// CPU; the program's ~120 modules were most of a cold command's time. One CommonJS file keeps
// what is lazy lazy: a module reached only through `await import()` (the plugin host, the install
// pipeline, TOML editing, ...) is wrapped in a function run on first use, and the dependencies
// it requires (@extism/extism, undici, tar, ...) stay outside the bundle, required only then.
//
// `import.meta.url` (package.json, schemas, bin/proto.js are found relative to a module) is
// replaced in each module by the URL the module has in dist/, so paths resolve as they did.
// The launcher uses the bundles only when they are at least as new as dist/cli/main.js: a bare
// `tsc` since makes it fall back to the modules in dist/.
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const outDir = join(dist, 'bundle');
const { dependencies } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
// Needed by every command, so bundled; the rest is loaded by some commands only.
const BUNDLED_PACKAGES = new Set(['commander', 'smol-toml']);
const external = Object.keys(dependencies).filter((name) => !BUNDLED_PACKAGES.has(name));

/**
 * Edits of the compiled modules in the program's bundles, by path in dist/: the text, which must
 * be there (a build that no longer finds it fails), and what it becomes.
 */
const BUNDLE_EDITS = {
  // undici's two dispatchers and its connector, required where esbuild sees it: bundled into
  // cli.cjs, they are compiled once into the code caches of the commands that download, instead
  // of ~25 modules resolved and compiled from source on every such run (~10 ms of CPU).
  'net/dispatcher.js': [
    ["load('undici/lib/dispatcher/agent.js')", "require('undici/lib/dispatcher/agent.js')"],
    ["load('undici/lib/dispatcher/env-http-proxy-agent.js')", "require('undici/lib/dispatcher/env-http-proxy-agent.js')"],
    ["load('undici/lib/core/connect.js')", "require('undici/lib/core/connect.js')"],
  ],
};

/** Each module's `import.meta.url` and `import.meta.dirname` become its URL and directory in dist/, computed from the bundle's place. */
const moduleUrls = {
  name: 'module-urls',
  setup(builder) {
    builder.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(`${dist}/`)) return undefined;
      let text = await readFile(args.path, 'utf8');
      const edits = BUNDLE_EDITS[relative(dist, args.path)];
      if (edits) {
        for (const [from, to] of edits) {
          if (!text.includes(from)) throw new Error(`bundle-cli: ${from} is no longer in ${args.path}; see BUNDLE_EDITS`);
          text = text.replace(from, to);
        }
        if (!text.includes('import.meta.url') && !text.includes('import.meta.dirname')) return { contents: text, loader: 'js' };
      }
      if (!text.includes('import.meta.url') && !text.includes('import.meta.dirname')) return undefined;
      const url = `__protoModuleUrl(${JSON.stringify(relative(dist, args.path))})`;
      const dir = `__protoModuleDir(${JSON.stringify(relative(dist, dirname(args.path)))})`;
      return { contents: text.replaceAll('import.meta.url', url).replaceAll('import.meta.dirname', dir), loader: 'js' };
    });
  },
};
/**
 * commander requires node:child_process at its top, for executable subcommands (proto has none);
 * loading it costs every command a few ms (it brings the stream and net modules). Inside
 * commander it becomes a stand-in that loads the real module on first use.
 */
const lazyChildProcessInCommander = {
  name: 'lazy-child-process-in-commander',
  setup(builder) {
    builder.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('/node_modules/commander/') ? { path: 'child_process', namespace: 'lazy' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};
// A path of plain characters is its URL after `file://` (what pathToFileURL returns for it, whose
// first call costs the launcher about half a millisecond); anything else goes through pathToFileURL.
// A directory needs no URL at all (modules read their files by path where they can: URL costs the
// launcher the compile of Node's URL code).
const banner =
  "const __protoModuleUrl = (file) => { const path = require('node:path').join(__dirname, '..', file); return /^\\/[\\w/.@+-]*$/.test(path) ? `file://${path}` : require('node:url').pathToFileURL(path).href; };\n" +
  "const __protoModuleDir = (dir) => require('node:path').join(__dirname, '..', dir);";

/** In the cached bundle, every `import()` becomes a module that hands over to the program. */
const handOverOnDemand = {
  name: 'hand-over-on-demand',
  setup(builder) {
    builder.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'hand-over' } : undefined));
    builder.onLoad({ filter: /.*/, namespace: 'hand-over' }, (args) => ({
      // From a module that imports nothing (src/cli/hand-over.ts says why).
      contents: `import { handOver } from './cli/hand-over.js';\nhandOver(${JSON.stringify(`it loads ${args.path}`)});\n`,
      resolveDir: dist,
      loader: 'js',
    }));
  },
};

/**
 * The plugin manifest and index validators as code ajv generated now (src/plugins/schema-validator.ts
 * says why), in place of the empty ./precompiled-schemas.js: plugin commands load neither ajv nor
 * the schemas' compilation.
 */
const precompiledSchemas = {
  name: 'precompiled-schemas',
  setup(builder) {
    // A namespace of its own: in dist/ (`"type": "module"`) the CommonJS code would be read as an ES module.
    builder.onResolve({ filter: /[\\/]precompiled-schemas\.js$/ }, (args) =>
      args.importer.startsWith(join(dist, 'plugins')) ? { path: 'precompiled-schemas', namespace: 'precompiled-schemas' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'precompiled-schemas' }, async () => {
      const { precompiledValidatorsModule } = await import('../dist/plugins/schema-validator.js');
      return { contents: await precompiledValidatorsModule(), resolveDir: join(dist, 'plugins'), loader: 'js' };
    });
  },
};

/** What the launcher calls to check the Node (src/node-runtime.ts). */
const NODE_CHECK_NAMES = ['decideNode', 'requiredNode', 'recordedInstallNode', 'RELAUNCH_MARKER'];
const NODE_CHECK = `export { ${NODE_CHECK_NAMES.join(', ')} } from './dist/node-runtime.js';\n`;
/**
 * The entry of a small bundle the launcher requires before anything else: `names` of each module,
 * as a plain `module.exports` object. An ES module entry would get esbuild's export helpers (a
 * getter per name), whose compiling every run costs more than the rest of such a bundle.
 */
const plainExports = (modules) =>
  `${Object.entries(modules).map(([path, names]) => `import { ${names.join(', ')} } from './dist/${path}';\n`).join('')}module.exports = { ${Object.values(modules).flat().join(', ')} };\n`;

await rm(outDir, { recursive: true, force: true });
const common = { absWorkingDir: root, bundle: true, format: 'cjs', platform: 'node', external, banner: { js: banner }, plugins: [moduleUrls, lazyChildProcessInCommander], logLevel: 'warning' };
// These three run on whatever Node started proto (the launcher reports a Node too old for proto):
// they must themselves load on an old one.
await build({
  ...common,
  target: 'node16',
  stdin: {
    contents: plainExports({ 'store/store-root.js': ['resolveStoreRoot'], 'cli/command-line.js': ['cachedCommand', 'programCodeCache'] }),
    resolveDir: root,
    sourcefile: 'start.js',
  },
  outfile: join(outDir, 'start.cjs'),
});
await build({
  ...common,
  target: 'node16',
  stdin: { contents: plainExports({ 'cli/fast-path.js': ['writeFastAnswer'] }), resolveDir: root, sourcefile: 'fast-path.js' },
  outfile: join(outDir, 'fast-path.cjs'),
});
await build({
  ...common,
  target: 'node16',
  stdin: { contents: plainExports({ 'node-runtime.js': NODE_CHECK_NAMES }), resolveDir: root, sourcefile: 'launcher.js' },
  outfile: join(outDir, 'launcher.cjs'),
});
// `import()` of a package becomes require(): the launcher may run the bundle as a vm.Script (to
// use V8's code cache on Node 20), where import() would need a loader of its own.
// Whitespace and syntax minified: less to parse on every run (Node 20 has no compile cache);
// names are kept, so a stack trace still says where it was.
// Built for Node 20: bin/proto.js (BUNDLES_NODE_MAJOR) has an older Node checked by launcher.cjs first.
// The worker pool starts the bundled worker (the first build below): src/host/worker-pool.ts
// (pluginWorkerFile) takes it from this definition, relative to its own module in dist/.
const workerBundle = join(outDir, 'plugin-worker.cjs');
const define = { PROTO_PLUGIN_WORKER_BUNDLE: JSON.stringify(relative(join(dist, 'host'), workerBundle)) };
const program = { ...common, target: 'node20', supported: { 'dynamic-import': false }, minifyWhitespace: true, minifySyntax: true, define };
/** A command's bundle: its entry module, and the Node check the launcher runs before the command. */
const commandBundle = (entry, name) => ({ stdin: { contents: `export * from './dist/${entry}';\n${NODE_CHECK}`, resolveDir: root, sourcefile: name } });
// The plugin worker with everything it loads (the Extism SDK included): it runs beside cli.cjs, and
// a worker started from the modules in dist/ (a bare `tsc` since) keeps loading plugin-worker.js.
await build({ ...common, target: 'node20', external: [], entryPoints: [join(dist, 'host/plugin-worker.js')], minifyWhitespace: true, minifySyntax: true, outfile: workerBundle });
await build({ ...program, ...commandBundle('cli/cached-answers.js', 'cached.js'), plugins: [...common.plugins, handOverOnDemand], outfile: join(outDir, 'cached.cjs') });
// Last: the launcher takes the bundles as a set when this one is as new as the compiled program.
// undici's modules that net/dispatcher.js requires are bundled too (BUNDLE_EDITS); nothing else of undici is loaded.
// Their license comments go to cli.cjs.LEGAL.txt: one is not ASCII, and a single such character
// makes Node read the whole bundle as a two-byte string, which V8 then handles more slowly on every run.
await build({ ...program, ...commandBundle('cli/main.js', 'cli.js'), external: external.filter((name) => name !== 'undici'), legalComments: 'external', plugins: [precompiledSchemas, ...common.plugins], outfile: join(outDir, 'cli.cjs') });
