/**
 * A sandbox (temp HOME, PROTO_HOME and cwd, scrubbed env) with the CLI bound to it, and the
 * `.prototools` that registers the disttool fixture plugin under any ids the test wants: the
 * plugin takes its id from the host's `plugin_id`, so one .wasm can be three tools.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePlugin, repoRoot } from '../../support/fixtures.js';
import { runCli, type CliResult } from '../../support/cli.js';
import { after, before } from 'node:test';
import { ensureCliBuilt } from '../../support/cli.js';
import { startDisttoolDist, type DisttoolDist } from '../../support/disttool-dist.js';
import { createSandbox, type Sandbox } from '../../../test-utils/index.js';

export interface CliSandbox extends Sandbox {
  /** Runs `proto <args>` in the sandbox's cwd (or `cwd`) with its env plus `env`; `input` is piped to stdin. */
  run(args: readonly string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string }): Promise<CliResult>;
  /** Writes `<cwd>/.prototools`. */
  writeConfig(text: string): void;
  /** Reads a file under the root. */
  read(relativePath: string): string;
  /** For snapshots: the sandbox root and the repository become `<sandbox>` and `<repo>`. */
  placeholders: Record<string, string>;
}

export function createCliSandbox(): CliSandbox {
  const sandbox = createSandbox('proto-e2e-');
  return Object.assign(sandbox, {
    run: (args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}) =>
      runCli(args, { cwd: options.cwd ?? sandbox.cwd, env: { ...sandbox.env, ...options.env }, ...(options.input !== undefined ? { input: options.input } : {}) }),
    writeConfig: (text: string) => void sandbox.writeFile('workspace/.prototools', text),
    read: (relativePath: string) => readFileSync(join(sandbox.root, relativePath), 'utf8'),
    placeholders: { [sandbox.root]: '<sandbox>', [repoRoot.replace(/\/$/, '')]: '<repo>' },
  });
}

export interface FixtureTool {
  /** The plugin's `dist-url`. */
  distUrl: string;
  /** A top-level pin, if any. */
  pin?: string;
  /** More `[tools.<id>]` lines, e.g. `announce-hooks = true`. */
  settings?: string[];
  /** Another fixture plugin than disttool, e.g. `depman`. */
  plugin?: string;
}

/** `.prototools` text registering disttool.wasm (or `plugin`) under each id, with its dist-url and pin. */
export function fixtureToolsConfig(tools: Record<string, FixtureTool>, extra = ''): string {
  const entries = Object.entries(tools);
  const pins = entries.filter(([, tool]) => tool.pin !== undefined).map(([id, tool]) => `${id} = "${tool.pin}"`);
  return [
    ...pins,
    ...(pins.length > 0 ? [''] : []),
    '[plugins.tools]',
    ...entries.map(([id, tool]) => `${id} = "file://${fixturePlugin(tool.plugin ?? 'disttool')}"`),
    '',
    ...entries.flatMap(([id, tool]) => [`[tools.${id}]`, `dist-url = "${tool.distUrl}"`, ...(tool.settings ?? []), '']),
    extra,
  ].join('\n');
}

/** Lines of stderr without the WASI warning Node prints from plugin worker threads. */
export function progressLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line !== '' && !/ExperimentalWarning|--trace-warnings/.test(line));
}

export interface CliFixture {
  /** The disttool dist server of this test file (started in `before`). */
  readonly dist: DisttoolDist;
  /** A fresh CLI sandbox whose `.prototools` is `config` (given the dist server's URL). */
  sandboxWith(config: string | ((distUrl: string) => string)): CliSandbox;
}

/**
 * The usual frame of an e2e test file: builds the CLI and starts a disttool dist server before
 * the tests, and removes every sandbox and stops the server after them.
 */
export function useCliFixture(): CliFixture {
  let dist: DisttoolDist | undefined;
  const sandboxes: CliSandbox[] = [];
  before(async () => {
    await ensureCliBuilt();
    dist = await startDisttoolDist();
  });
  after(async () => {
    try {
      for (const sandbox of sandboxes) sandbox.cleanup();
    } finally {
      await dist?.close();
    }
  });
  const started = (): DisttoolDist => {
    if (!dist) throw new Error('the dist server starts in before(): use it inside tests');
    return dist;
  };
  return {
    get dist() {
      return started();
    },
    sandboxWith: (config) => {
      const sandbox = createCliSandbox();
      sandboxes.push(sandbox);
      sandbox.writeConfig(typeof config === 'function' ? config(started().url) : config);
      return sandbox;
    },
  };
}
