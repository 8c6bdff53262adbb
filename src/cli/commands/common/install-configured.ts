/**
 * `proto install` without an id: every tool pinned in the loaded `.prototools` files, installed
 * concurrently with one progress line each, then a summary. One failure does not stop the
 * others; the command fails at the end, naming every tool that failed and why.
 */
import { ProtoError } from '../../../errors.js';
import { ShimRegistryBatch } from '../../../link/shim-registry.js';
import { formatErrorReport } from '../../output/format-error.js';
import { createProgressBoard } from '../../output/progress-board.js';
import { writeJson, writeNote, writeResult } from '../../output/write.js';
import type { Session } from '../../session.js';
import { describeFailure, runInstallJob, type InstallOutcome, type LockfileMode } from './install-job.js';
import { SELF_ID } from './configured-tools.js';
import { byCodePoint } from '../../output/sorted-record.js';

/**
 * Plugins share worker threads and downloads share the network: a bound keeps both sane. It is a
 * worker's share of plugins (16, worker-pool.ts), not less: with 8, the 9th and 10th tools of a
 * project started only once whole installs of others had ended, a second wave after the first.
 */
const MAX_CONCURRENT_INSTALLS = 16;


type JobResult = { id: string; spec: string; outcome: InstallOutcome } | { id: string; spec: string; error: unknown };

export async function installConfiguredTools(session: Session, options: { force?: boolean; json?: boolean; lockfile?: LockfileMode }): Promise<void> {
  const pins = Object.entries(session.config.versions)
    .filter(([id]) => id !== SELF_ID)
    .sort(([a], [b]) => byCodePoint(a, b));
  if (pins.length === 0) {
    throw new ProtoError('install.nothing_configured', `No tool versions are pinned in .prototools files from ${session.cwd} upward.`, {
      hint: 'Pin one with `proto pin <id> <spec>`, or install one tool with `proto install <id> [spec]`.',
    });
  }

  const board = createProgressBoard();
  const lines = new Map(pins.map(([id]) => [id, board.line(id)]));
  // The shim registry is written once, when every tool is done (also when some failed).
  const shimRegistry = new ShimRegistryBatch(session.store);
  const slot = limiter(MAX_CONCURRENT_INSTALLS);
  // Each tool goes as far as it can on its own: its plugin loads at once, and its install starts
  // as soon as the tools it requires are installed, not when a whole wave of others is.
  const pinned = new Set(pins.map(([id]) => id));
  const requirements = new Map(pins.map(([id]) => [id, slot(() => requirementsOf(session, id, pinned, lines.get(id)!))]));
  const jobs = new Map<string, Promise<JobResult>>();
  const job = async (id: string, spec: string): Promise<JobResult> => {
    const line = lines.get(id)!;
    try {
      const cycle = await cycleThrough(id, requirements);
      if (cycle) {
        throw new ProtoError('install.requirement_cycle', `${id} cannot be installed: its plugins require each other (${cycle.join(' → ')}).`, {
          hint: 'Install one of them with `proto install <id> <spec>` first.',
        });
      }
      for (const required of await requirements.get(id)!) {
        // A requirement caught in a cycle fails with its cycle error, which names the others; this
        // tool is not waited on it: runInstallJob reports the requirement as missing.
        if (await cycleThrough(required, requirements)) continue;
        if ('error' in (await jobs.get(required)!)) {
          throw new ProtoError('install.requirement_failed', `${id} requires ${required}, which failed to install.`, {
            hint: `Fix the install of ${required} first.`,
          });
        }
      }
      const outcome = await slot(async () => {
        const installed = await runInstallJob(session, { id, spec, force: options.force, lockfile: options.lockfile, shimRegistry }, line);
        // Pins already written are what drove this install: nothing is pinned here.
        if (installed.installed) await (await session.tool(id)).postInstall(installed.version, { forced: options.force });
        return installed;
      });
      return { id, spec, outcome };
    } catch (error) {
      line.finish(`failed: ${describeFailure(error).message}`);
      return { id, spec, error };
    }
  };
  for (const [id, spec] of pins) jobs.set(id, job(id, spec));
  let results: JobResult[];
  try {
    results = await Promise.all(pins.map(([id]) => jobs.get(id)!));
  } finally {
    board.close();
    await shimRegistry.flush();
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

/**
 * `requires` of a pinned tool (register_tool, spec §4.1), limited to the tools pinned here: those
 * get installed first; a requirement that is not pinned must already be installed, which
 * runInstallJob checks. A plugin that fails to load has no requirements here: its job fails
 * with the load error.
 */
async function requirementsOf(
  session: Session,
  id: string,
  pinned: ReadonlySet<string>,
  line: { update(text: string): void },
): Promise<ReadonlySet<string>> {
  line.update('loading plugin');
  try {
    const tool = await session.tool(id);
    return new Set((tool.metadata.requires ?? []).filter((required) => required !== id && pinned.has(required)));
  } catch {
    return new Set();
  }
}

/** The requirement path from `id` back to itself, if there is one (waits for the plugins on the way to load). */
async function cycleThrough(id: string, requires: ReadonlyMap<string, Promise<ReadonlySet<string>>>): Promise<string[] | undefined> {
  const walk = async (current: string, path: string[]): Promise<string[] | undefined> => {
    for (const next of (await requires.get(current)) ?? []) {
      if (next === id) return [...path, id];
      if (path.includes(next)) continue;
      const found = await walk(next, [...path, next]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(id, [id]);
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

/** Runs the work it is given with at most `limit` at once, the others waiting in order. */
function limiter(limit: number): <R>(work: () => Promise<R>) => Promise<R> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (work) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or is freed.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
