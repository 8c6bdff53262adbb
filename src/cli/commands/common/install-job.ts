/**
 * One tool's install as `proto install` runs it (spec §6.5): load the plugin, pick the spec
 * (given, else detected here, else `latest`), resolve it against a fresh version list (proto
 * bypasses the remote-versions cache for install), install, and report each step on a
 * progress line. Shared by `install <id>` and the parallel `install` of every configured tool.
 */
import { ProtoError } from '../../../errors.js';
import { log } from '../../../log.js';
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
  let spec = given;
  let specSource = 'argument';
  if (spec === undefined) {
    const detected = await session.detect(tool);
    spec = detected?.spec ?? 'latest';
    specSource = detected?.source ?? 'default';
  }
  line.update(`resolving ${spec}`);
  const version = await explainOffline(session, `resolve ${request.id} ${spec}`, () => session.resolve(tool, spec, { refresh: true }));
  line.update(`${version} preparing`);
  const result = await tool.install(version, {
    force: request.force,
    onProgress: (progress) => line.update(`${version} ${describePhase(progress)}`, `${version} ${describeLive(progress)}`),
    onWarning: (message) => log('warn', request.id, message),
  });
  line.finish(`${version} ${result.installed ? 'installed' : 'already installed'}`);
  return { id: request.id, spec, specSource, version, installed: result.installed, dir: result.dir };
}

/** `{ code, message, hint }` of any failure, for summaries and `--json`. */
export function describeFailure(error: unknown): { code: string; message: string; hint?: string } {
  if (error instanceof ProtoError) return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
