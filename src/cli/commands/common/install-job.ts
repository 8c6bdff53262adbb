/**
 * One tool's install as `proto install` runs it (plugin-api §7.2): load the plugin, pick the spec
 * (given, else detected here, else `latest`), resolve it against a fresh version list (proto
 * bypasses the remote-versions cache for install), install, and report each step on a
 * progress line. Shared by `install <id>` and the parallel `install` of every configured tool.
 *
 * With a lockfile (`.protolock`, spec §6.5 step 7): a spec the lockfile pins installs the locked
 * version (unless `--update-lockfile`), the download must have the locked checksum, and the
 * install is recorded afterwards. In immutable mode nothing is written and a spec without a
 * record fails before anything is downloaded.
 */
import { ProtoError } from '../../../errors.js';
import { explainSystemError } from '../../../system-errors.js';
import { checkLockedChecksum, type LockedVersion, type LockOptions } from '../../../lockfile/index.js';
import { log } from '../../../log.js';
import type { ShimRegistryBatch } from '../../../link/shim-registry.js';
import type { Tool } from '../../../tool/tool.js';
import { formatSpec, parseSpec } from '../../../version/index.js';
import { describeLive, describePhase } from '../../output/describe-progress.js';
import type { ProgressLine } from '../../output/progress-board.js';
import type { Session } from '../../session.js';
import { explainOffline } from './offline.js';

export interface InstallRequest {
  id: string;
  /** As the user wrote it; undefined means "what applies here". */
  spec?: string;
  force?: boolean;
  lockfile?: LockfileMode;
  /** Records the tool's shims with other tools' in one registry write (the caller flushes it). */
  shimRegistry?: ShimRegistryBatch;
}

/** How `proto install` treats lockfiles. */
export interface LockfileMode {
  /** `--update-lockfile`: resolve afresh instead of taking the locked version, and record the result. */
  update?: boolean;
  /**
   * `explicit` (`--immutable-lockfile`, `PROTO_IMMUTABLE_LOCKFILE`): every spec must be locked, nothing
   * is written. `ci` (`CI=true`): the same, for tools whose lockfile is enabled.
   */
  immutable?: 'explicit' | 'ci';
}

export interface InstallOutcome {
  id: string;
  /** Canonical spec that was resolved (`latest`, `~2`, `2.1.0`). */
  spec: string;
  /** Where the spec came from: `argument`, `default`, `env` or a config/version file path. */
  specSource: string;
  version: string;
  /** False when the version was already installed (links were still ensured). */
  installed: boolean;
  dir: string;
}

export async function runInstallJob(session: Session, request: InstallRequest, line: ProgressLine): Promise<InstallOutcome> {
  // A typo in the spec should fail before any plugin is loaded.
  const given = request.spec === undefined ? undefined : formatSpec(parseSpec(request.spec));
  line.update('loading plugin');
  const tool = await session.tool(request.id);
  await checkRequirements(session, tool);
  let spec = given;
  let specSource = 'argument';
  if (spec === undefined) {
    const detected = await session.detect(tool);
    spec = detected?.spec ?? 'latest';
    specSource = detected?.source ?? 'default';
  }
  const mode = request.lockfile ?? {};
  const lockOptions = lockOptionsOf(tool);
  const locked = mode.update ? undefined : session.lockfiles.lockedVersion(request.id, spec, lockOptions);
  const immutable = mode.immutable === 'explicit' || (mode.immutable === 'ci' && session.lockfiles.ownerFor(request.id) !== undefined);
  if (immutable) requireLockedRecord(session, tool, spec, locked);

  line.update(`resolving ${spec}`);
  const version = locked
    ? locked.record.version
    : await explainOffline(session, `resolve ${request.id} ${spec}`, () => session.resolve(tool, spec, { refresh: true, preferInstalled: false }));
  line.update(`${version} preparing`);
  const lockedChecksum = locked ? { checksum: locked.record.checksum, lockfile: locked.lockPath } : undefined;
  const result = await tool.install(version, {
    force: request.force,
    onProgress: (progress) => line.update(`${version} ${describePhase(progress)}`, `${version} ${describeLive(progress)}`),
    onWarning: (message) => log('warn', request.id, message),
    locked: lockedChecksum,
    shimRegistry: request.shimRegistry,
  });
  if (!result.installed) {
    // Installed earlier, maybe from another artifact than the one the lockfile agreed on.
    checkLockedChecksum(lockedChecksum, {
      checksum: result.checksum,
      source: result.source,
      id: request.id,
      version,
      hint: `The installed ${request.id} ${version} is not the artifact the lockfile agreed on. Reinstall it with \`proto install ${request.id} --force\`.`,
    });
  }
  if (!immutable) {
    const written = await session.lockfiles.record(request.id, { spec, version, ...(result.checksum ? { checksum: result.checksum } : {}) }, lockOptions);
    if (written) log('debug', request.id, `recorded ${spec} = ${version} in ${written}`);
  }
  line.finish(`${version} ${result.installed ? 'installed' : 'already installed'}`);
  return { id: request.id, spec, specSource, version, installed: result.installed, dir: result.dir };
}

function lockOptionsOf(tool: Tool): LockOptions {
  const options = tool.metadata.lock_options;
  return { ignoreOsArch: options?.ignore_os_arch === true, noRecord: options?.no_record === true };
}

/**
 * Immutable mode: the spec must be locked for this machine, with a checksum the download can be
 * checked against (a native install may have none). Fails before anything is downloaded.
 */
function requireLockedRecord(session: Session, tool: Tool, spec: string, locked: LockedVersion | undefined): void {
  const hint = 'Run `proto install` without --immutable-lockfile (and outside CI) to record it, then commit the lockfile.';
  if (!locked) {
    if (session.lockfiles.lockedElsewhereOnly(tool.id, spec)) {
      const { os, arch } = session.lockfiles.platform;
      throw new ProtoError(
        'lockfile.immutable',
        `The lockfile is immutable, but it has no record of ${tool.id} ${spec} for ${os}/${arch}: only other platforms locked it, so the download cannot be verified.`,
        { hint: 'Run `proto install` on this platform without --immutable-lockfile to record its checksum, then commit the lockfile.' },
      );
    }
    const owner = session.lockfiles.ownerFor(tool.id);
    throw new ProtoError(
      'lockfile.immutable',
      `The lockfile is immutable, but it has no record of ${tool.id} ${spec}: ${owner ? `${owner.lockPath} is out of date` : 'no lockfile is enabled for it'}.`,
      { hint },
    );
  }
  if (!locked.record.checksum && !tool.plugin.has('native_install')) {
    throw new ProtoError(
      'lockfile.immutable',
      `The lockfile is immutable, but its record of ${tool.id} ${spec} (${locked.record.version}) has no checksum to verify the download with.`,
      { hint },
    );
  }
}

/**
 * `requires` (npm requires node): each tool the plugin names must have an installed version.
 * `proto install` without an id installs requirements first (see install-configured.ts).
 */
async function checkRequirements(session: Session, tool: Tool): Promise<void> {
  for (const required of tool.metadata.requires ?? []) {
    if (required === tool.id) continue;
    let installed: string[];
    try {
      installed = await (await session.tool(required)).installedVersions();
    } catch (error) {
      throw new ProtoError('install.requirement_missing', `${tool.id} requires ${required}, which cannot be loaded: ${describeFailure(error).message}`, {
        hint: `Configure a plugin for ${required}, or install it first.`,
        cause: error,
      });
    }
    if (installed.length === 0) {
      throw new ProtoError('install.requirement_missing', `${tool.id} requires ${required}, which is not installed.`, {
        hint: `Install it first (\`proto install ${required}\`), or pin both in .prototools and run \`proto install\`.`,
      });
    }
  }
}

/** `{ code, message, hint }` of any failure, for summaries and `--json`. */
export function describeFailure(thrown: unknown): { code: string; message: string; hint?: string } {
  const error = explainSystemError(thrown) ?? thrown;
  if (error instanceof ProtoError) return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
