/**
 * `proto install [id] [spec]`: with an id, installs one version of one tool; without, installs
 * every tool pinned in the `.prototools` files from the cwd upward, all at once.
 *
 * Like proto, install reads config in "upwards" mode: the global `~/.proto/.prototools` takes no
 * part (neither its pins nor its plugins or settings), so what gets installed for a project is
 * what the project's files say.
 */
import type { Command } from 'commander';
import type { PinLocation } from '../../config/config-types.js';
import { ProtoError } from '../../errors.js';
import { detectCi } from '../../host/host-environment.js';
import { log } from '../../log.js';
import { out } from '../output/colors.js';
import { createProgressBoard } from '../output/progress-board.js';
import { writeJson, writeNote, writeResult } from '../output/write.js';
import { isTruthy } from '../global-flags.js';
import type { Session } from '../session.js';
import { configFileFor, parsePinLocation, PIN_LOCATION_HELP } from './common/config-target.js';
import type { InstallOutcome, LockfileMode } from './common/install-job.js';
import { openSession } from './common/open-session.js';

interface InstallOptions {
  pin?: string | true;
  force?: boolean;
  json?: boolean;
  updateLockfile?: boolean;
  immutableLockfile?: boolean;
}

export function registerInstallCommand(program: Command): void {
  program
    .command('install')
    .alias('i')
    .description(
      'Install a tool. Without an id, install every tool pinned in .prototools (cwd and parents; not the global file) in parallel.',
    )
    .argument('[id]', 'tool id, e.g. node or a plugin from [plugins.tools]')
    .argument('[spec]', 'version, requirement or alias (default: the version detected here, else latest)')
    .option('--pin [location]', `write the spec to .prototools: ${PIN_LOCATION_HELP}; default local`)
    .option('-f, --force', 'reinstall even when the version is already installed')
    .option('--json', 'print the result as JSON on stdout')
    .option('--update-lockfile', 'resolve versions afresh instead of taking them from .protolock, and record the result')
    .option('--immutable-lockfile', 'fail when .protolock lacks a record instead of writing it (also PROTO_IMMUTABLE_LOCKFILE=1, and in CI)')
    .addHelpText(
      'after',
      `
Config: like proto, install reads .prototools from the current directory upward (up to your home
directory) but not the global ~/.proto/.prototools: its pins, plugins and settings do not apply.

Pinning: --pin writes the spec as given (canonical form, "2" becomes "~2"). With settings.pin-latest,
installing "latest" pins the resolved version to that location.

Lockfile: with [settings] lockfile = true, install records each tool's spec, resolved version and
checksum in .protolock next to that .prototools (.protolock.<env> for .prototools.<env>). A locked
spec installs the locked version, and a download whose checksum differs is refused. In CI (CI set
to anything but 0/false/no/off) and with --immutable-lockfile the lockfile is never written: a spec without a record fails.

Examples:
  proto install node 20 --pin     install the newest 20.x and pin "~20" in ./.prototools
  proto install node              install the version detected here (or latest)
  proto install                   install every tool pinned in .prototools, in parallel`,
    )
    .action(async (id: string | undefined, spec: string | undefined, options: InstallOptions) => {
      const pin = options.pin === undefined ? undefined : options.pin === true ? 'local' : parsePinLocation(options.pin, '--pin');
      const lockfile = lockfileMode(options, pin !== undefined);
      await loadPipelineWhileWorkerStarts();
      if (id === undefined) {
        if (pin !== undefined) {
          throw new ProtoError('cli.invalid_option', '--pin needs a tool id', {
            hint: 'Pin one tool at a time: proto install <id> <spec> --pin. Without an id, install uses the pins already written.',
          });
        }
        await openSession({ includeGlobal: false }, async (session) => {
          const { installConfiguredTools } = await import('./common/install-configured.js');
          await installConfiguredTools(session, { force: options.force, json: options.json, lockfile });
          await autoClean(session);
        });
        return;
      }
      await openSession({ includeGlobal: false }, async (session) => {
        await installOne(session, id, spec, { ...options, pin, lockfile });
        await autoClean(session);
      });
    });
}

/**
 * The install pipeline (undici's dispatchers, the tar reader: ~20 ms of this thread on the first
 * install of a command) loads while the plugin worker starts, when this thread would wait for it,
 * instead of between the plugin's answers and the download. Nothing loads when no plugin worker
 * starts (nothing pinned, schema plugins only); an install that finds every tool installed still
 * starts one (load_versions), so it loads them too (~20 ms of CPU in that otherwise idle wait).
 */
async function loadPipelineWhileWorkerStarts(): Promise<void> {
  // Imported here, not at the top: every command loads this module, and only a plugin needs the pool.
  const { whilePluginWorkerStarts } = await import('../../host/worker-pool.js');
  whilePluginWorkerStarts(() => {
    Promise.all([import('../../install/index.js'), import('../../install/extract-tar.js')]).then(
      () => log('trace', 'install', 'install pipeline loaded while the plugin worker starts'),
      // Loaded again where it is used, which reports the failure.
      () => undefined,
    );
  });
}

/**
 * proto's rules: `--update-lockfile` and `--immutable-lockfile` exclude each other, and an immutable
 * install cannot pin (pinning changes which records the lockfile keeps). CI (detectCi: `CI=true`,
 * `CI=1`, `CI=woodpecker`, ..., not `CI=off`) makes installs immutable where a lockfile is enabled,
 * unless `--update-lockfile` says otherwise.
 */
function lockfileMode(options: InstallOptions, pinning: boolean): LockfileMode {
  const explicit = options.immutableLockfile === true || isTruthy(process.env.PROTO_IMMUTABLE_LOCKFILE);
  if (explicit && options.updateLockfile) {
    throw new ProtoError('cli.invalid_option', '--update-lockfile and --immutable-lockfile exclude each other.', {
      hint: 'Update the lockfile on a developer machine, commit it, and install with --immutable-lockfile in CI.',
    });
  }
  if (explicit && pinning) {
    throw new ProtoError('cli.invalid_option', '--pin cannot be used with --immutable-lockfile: pinning changes the lockfile.', {
      hint: 'Pin without --immutable-lockfile, then commit .prototools and .protolock together.',
    });
  }
  if (options.updateLockfile) return { update: true };
  if (explicit) return { immutable: 'explicit' };
  return detectCi(process.env) && !pinning ? { immutable: 'ci' } : {};
}

async function installOne(
  session: Session,
  id: string,
  spec: string | undefined,
  options: { pin?: PinLocation; force?: boolean; json?: boolean; lockfile: LockfileMode },
): Promise<void> {
  const { runInstallJob } = await import('./common/install-job.js');
  const board = createProgressBoard();
  let outcome: InstallOutcome;
  try {
    outcome = await runInstallJob(session, { id, spec, force: options.force, lockfile: options.lockfile }, board.line(id));
  } finally {
    board.close();
  }
  if (!options.lockfile.immutable) await session.lockfiles.pruneOrphans(new Map([[outcome.id, outcome.spec]]));
  const pinned = await pinAfterInstall(session, outcome, options.pin);
  if (outcome.installed) await (await session.tool(outcome.id)).postInstall(outcome.version, { forced: options.force, pinned: pinned !== undefined });
  if (options.json) {
    writeJson({
      tool: outcome.id,
      spec: outcome.spec,
      specSource: outcome.specSource,
      version: outcome.version,
      installed: outcome.installed,
      dir: outcome.dir,
      pinned: pinned ?? null,
    });
    return;
  }
  const palette = out();
  writeResult(`${palette.tool(outcome.id)} ${palette.version(outcome.version)} ${outcome.installed ? palette.success('installed') : 'already installed'}`);
  if (pinned) writeResult(`pinned ${outcome.id} = "${pinned.spec}" in ${pinned.file}`);
}

/** `[settings] auto-clean`: after a successful install, `proto clean` with its defaults, without asking. */
async function autoClean(session: Session): Promise<void> {
  if (!session.config.settings.autoClean) return;
  const { cleanStore, DEFAULT_CLEAN_DAYS } = await import('./clean.js');
  const report = await cleanStore(session, { days: DEFAULT_CLEAN_DAYS, confirmRemoval: false });
  const removed = report.tools.map(({ id, version }) => `${id} ${version}`);
  if (removed.length + report.plugins.length + report.temp.length > 0) {
    writeNote(`auto-clean: removed ${[...removed, ...(report.plugins.length > 0 ? [`${report.plugins.length} cached plugins`] : []), ...(report.temp.length > 0 ? [`${report.temp.length} temp entries`] : [])].join(', ')}`);
  }
}

/**
 * proto's pinning rules (spec §6.5 step 9): `--pin` writes the spec as asked; when the spec was
 * `latest` and `settings.pin-latest` is set, the resolved version is written to that location
 * instead, so the pin does not move with the next release.
 */
async function pinAfterInstall(
  session: Session,
  outcome: InstallOutcome,
  pinOption: PinLocation | undefined,
): Promise<{ file: string; spec: string } | undefined> {
  let location = pinOption;
  let spec = outcome.spec;
  const pinLatest = session.config.settings.pinLatest;
  if (outcome.spec === 'latest' && pinLatest !== undefined) {
    location = pinLatest;
    spec = outcome.version;
  }
  if (location === undefined) return undefined;
  const file = configFileFor(session, location);
  const { pinVersion } = await import('../../config/edit-config.js');
  return { file, spec: await pinVersion(file, outcome.id, spec) };
}
