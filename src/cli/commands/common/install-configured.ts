/**
 * `proto install` without an id: every tool pinned in the loaded `.prototools` files, installed
 * concurrently with one progress line each, then a summary. One failure does not stop the
 * others; the command fails at the end, naming every tool that failed and why.
 */
import { ProtoError } from '../../../errors.js';
import { formatErrorReport } from '../../output/format-error.js';
import { createProgressBoard } from '../../output/progress-board.js';
import { writeJson, writeNote, writeResult } from '../../output/write.js';
import type { Session } from '../../session.js';
import { describeFailure, runInstallJob, type InstallOutcome, type LockfileMode } from './install-job.js';
import { SELF_ID } from './configured-tools.js';

/** Plugins run in worker threads and downloads share the network: a bound keeps both sane. */
const MAX_CONCURRENT_INSTALLS = 8;


type JobResult = { id: string; spec: string; outcome: InstallOutcome } | { id: string; spec: string; error: unknown };

export async function installConfiguredTools(session: Session, options: { force?: boolean; json?: boolean; lockfile?: LockfileMode }): Promise<void> {
  const pins = Object.entries(session.config.versions)
    .filter(([id]) => id !== SELF_ID)
    .sort(([a], [b]) => a.localeCompare(b));
  if (pins.length === 0) {
    throw new ProtoError('install.nothing_configured', `No tool versions are pinned in .prototools files from ${session.cwd} upward.`, {
      hint: 'Pin one with `proto pin <id> <spec>`, or install one tool with `proto install <id> [spec]`.',
    });
  }

  const board = createProgressBoard();
  const lines = new Map(pins.map(([id]) => [id, board.line(id)]));
  let results: JobResult[];
  try {
    results = await mapWithLimit(pins, MAX_CONCURRENT_INSTALLS, async ([id, spec]): Promise<JobResult> => {
      const line = lines.get(id)!;
      try {
        const outcome = await runInstallJob(session, { id, spec, force: options.force, lockfile: options.lockfile }, line);
        // Pins already written are what drove this install: nothing is pinned here.
        if (outcome.installed) await (await session.tool(id)).postInstall(outcome.version, { forced: options.force });
        return { id, spec, outcome };
      } catch (error) {
        line.finish(`failed: ${describeFailure(error).message}`);
        return { id, spec, error };
      }
    });
  } finally {
    board.close();
  }

  // Records of specs no longer configured go (proto prunes on every install); never when immutable.
  if (!options.lockfile?.immutable) await session.lockfiles.pruneOrphans(new Map(pins));
  const failures = results.filter((result): result is Extract<JobResult, { error: unknown }> => 'error' in result);
  report(results, options.json === true);
  if (failures.length > 0) {
    throw new ProtoError(
      'install.failed',
      `${failures.length} of ${results.length} tools failed to install: ${failures.map((failure) => failure.id).join(', ')}`,
      { hint: 'See each error above; fix it and run `proto install` again (installed tools are skipped).' },
    );
  }
}

function report(results: readonly JobResult[], json: boolean): void {
  if (json) {
    writeJson({
      tools: results.map((result) =>
        'outcome' in result
          ? { id: result.id, spec: result.spec, version: result.outcome.version, installed: result.outcome.installed, dir: result.outcome.dir }
          : { id: result.id, spec: result.spec, error: describeFailure(result.error) },
      ),
    });
  }
  let installed = 0;
  let present = 0;
  for (const result of results) {
    if (!('outcome' in result)) {
      const failure = describeFailure(result.error);
      writeNote(formatErrorReport({ ...failure, message: `${result.id} ${result.spec}: ${failure.message}` }));
      continue;
    }
    if (result.outcome.installed) installed++;
    else present++;
    if (!json) writeResult(`${result.id} ${result.outcome.version} ${result.outcome.installed ? 'installed' : 'already installed'}`);
  }
  const failed = results.length - installed - present;
  writeNote(`${results.length} ${results.length === 1 ? 'tool' : 'tools'}: ${installed} installed, ${present} already installed, ${failed} failed`);
}

/** `Promise.all(items.map(work))` with at most `limit` running at once; results keep input order. */
async function mapWithLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(runners);
  return results;
}
