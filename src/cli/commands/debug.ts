/**
 * `proto debug config` and `proto debug env`: what proto sees here, for a bug report or for
 * understanding why a version or setting applies. `config` lists every candidate `.prototools`
 * (read or not) with its text, then the merged result; `env` lists the store's directories, the
 * proto variables set, and the machine. Nothing is loaded or downloaded.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Session } from '../session.js';
import { out } from '../output/colors.js';
import { writeJson, writeResult } from '../output/write.js';
import { openSession } from './common/open-session.js';
import { byCodePoint } from '../output/sorted-record.js';

interface JsonOption {
  json?: boolean;
}

export function registerDebugCommand(program: Command): void {
  const debug = program.command('debug').description('Debug the current proto environment: loaded config files, store, variables.');
  debug
    .command('config')
    .description('Show every .prototools file considered for this directory and the merged configuration.')
    .option('--json', 'print { files: [{ path, location, exists }], config } as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  proto debug config\n  proto debug config --json --config-mode upwards')
    .action((options: JsonOption) => openSession({}, async (session) => debugConfig(session, options)));
  debug
    .command('env')
    .description('Show the store directories, the proto environment variables set, and the machine.')
    .option('--json', 'print { store, env, system } as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  proto debug env\n  proto debug env --json')
    .action((options: JsonOption) => openSession({}, async (session) => debugEnv(session, options)));
}

function debugConfig(session: Session, options: JsonOption): void {
  const files = session.loaded.files.map(({ path, location, exists, envMode }) => ({ path, location, exists, ...(envMode ? { envMode } : {}) }));
  if (options.json) {
    writeJson({ files, config: session.config });
    return;
  }
  const palette = out();
  const lines: string[] = [];
  for (const file of files) {
    const state = file.exists ? palette.success('read') : palette.muted('no file');
    lines.push(`${palette.path(file.path)}  ${palette.muted(`(${file.location})`)}  ${state}`);
    if (!file.exists) continue;
    const text = readFileSync(file.path, 'utf8').trimEnd();
    lines.push(...(text === '' ? ['  (empty)'] : text.split('\n').map((line) => `  ${line}`)), '');
  }
  lines.push(palette.bold('merged configuration:'), JSON.stringify(session.config, null, 2));
  writeResult(lines.join('\n'));
}

/** `PROTO_*` variables and the few others that change what proto does. */
const RELEVANT_VARIABLES = /^(PROTO_[A-Z0-9_]+|XDG_DATA_HOME|HOME|NO_COLOR|FORCE_COLOR|HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy)$/;

async function debugEnv(session: Session, options: JsonOption): Promise<void> {
  const { detectHost } = await import('../../host/index.js');
  const { store } = session;
  const report = {
    store: {
      root: store.root,
      bin: store.binDir,
      shims: store.shimsDir,
      plugins: store.pluginsDir,
      tools: store.toolsDir,
      temp: store.tempDir,
      cache: store.cacheDir,
    },
    env: Object.fromEntries(
      Object.entries(session.env)
        .filter(([name, value]) => value !== undefined && RELEVANT_VARIABLES.test(name))
        .sort(([a], [b]) => byCodePoint(a, b)),
    ),
    system: { ...detectHost(), node: process.version, nodePath: process.execPath, cwd: session.cwd },
    configFiles: session.loaded.files.filter((file) => file.exists).map((file) => file.path),
  };
  if (options.json) {
    writeJson(report);
    return;
  }
  const palette = out();
  const section = (title: string, entries: Array<[string, unknown]>) => [
    palette.bold(title),
    ...entries.map(([name, value]) => `  ${name.padEnd(10)} ${typeof value === 'string' && value.startsWith('/') ? palette.path(value) : String(value)}`),
    '',
  ];
  writeResult(
    [
      ...section('store', Object.entries(report.store)),
      ...section('environment', Object.entries(report.env)),
      ...section('system', Object.entries(report.system)),
      palette.bold('config files'),
      ...report.configFiles.map((file) => `  ${palette.path(file)}`),
    ].join('\n'),
  );
}
