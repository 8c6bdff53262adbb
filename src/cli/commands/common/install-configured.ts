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
  const finished = new Map<string, JobResult>();
  try {
    const { requires, cycles } = await requirementsOf(session, pins, lines);
    for (const wave of installWaves(pins, requires, cycles)) {
      const results = await mapWithLimit(wave, MAX_CONCURRENT_INSTALLS, async ([id, spec]): Promise<JobResult> => {
        const line = lines.get(id)!;
        try {
          const failedFirst = [...(requires.get(id) ?? [])].find((required) => finished.has(required) && 'error' in finished.get(required)!);
          if (failedFirst) {
            throw new ProtoError('install.requirement_failed', `${id} requires ${failedFirst}, which failed to install.`, {
              hint: `Fix the install of ${failedFirst} first.`,
            });
          }
          const cycle = cycles.get(id);
          if (cycle) {
            throw new ProtoError('install.requirement_cycle', `${id} cannot be installed: its plugins require each other (${cycle.join(' → ')}).`, {
              hint: 'Install one of them with `proto install <id> <spec>` first.',
            });
          }
          const outcome = await runInstallJob(session, { id, spec, force: options.force, lockfile: options.lockfile }, line);
          // Pins already written are what drove this install: nothing is pinned here.
          if (outcome.installed) await (await session.tool(id)).postInstall(outcome.version, { forced: options.force });
          return { id, spec, outcome };
        } catch (error) {
          line.finish(`failed: ${describeFailure(error).message}`);
          return { id, spec, error };
        }
      });
      for (const result of results) finished.set(result.id, result);
    }
  } finally {
    board.close();
  }
  const results = pins.map(([id]) => finished.get(id)!);

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
 * `requires` of each pinned tool (register_tool, spec §4.1), limited to the tools pinned here:
 * those get installed first; a requirement that is not pinned must already be installed, which
 * runInstallJob checks. A plugin that fails to load has no requirements here: its job fails
 * with the load error.
 */
async function requirementsOf(
  session: Session,
  pins: ReadonlyArray<[string, string]>,
  lines: Map<string, { update(text: string): void }>,
): Promise<{ requires: Map<string, ReadonlySet<string>>; cycles: Map<string, string[]> }> {
  const pinned = new Set(pins.map(([id]) => id));
  const requires = new Map<string, ReadonlySet<string>>();
  await mapWithLimit(pins, MAX_CONCURRENT_INSTALLS, async ([id]) => {
    lines.get(id)!.update('loading plugin');
    try {
      const tool = await session.tool(id);
      requires.set(id, new Set((tool.metadata.requires ?? []).filter((required) => required !== id && pinned.has(required))));
    } catch {
      requires.set(id, new Set());
    }
  });
  const cycles = new Map<string, string[]>();
  for (const [id] of pins) {
    const cycle = cycleThrough(id, requires);
    if (cycle) cycles.set(id, cycle);
  }
  return { requires, cycles };
}

/** The pinned tools in waves: each wave's requirements are all in earlier waves. Cycles go last. */
function installWaves(
  pins: ReadonlyArray<[string, string]>,
  requires: Map<string, ReadonlySet<string>>,
  cycles: Map<string, string[]>,
): Array<Array<[string, string]>> {
  const waves: Array<Array<[string, string]>> = [];
  const placed = new Set<string>();
  let rest = pins.filter(([id]) => !cycles.has(id));
  while (rest.length > 0) {
    // A tool that only requires tools of a cycle waits for nothing: those fail in the last wave.
    const wave = rest.filter(([id]) => [...(requires.get(id) ?? [])].every((required) => placed.has(required) || cycles.has(required)));
    for (const [id] of wave) placed.add(id);
    waves.push(wave);
    rest = rest.filter(([id]) => !placed.has(id));
  }
  const cyclic = pins.filter(([id]) => cycles.has(id));
  if (cyclic.length > 0) waves.push(cyclic);
  return waves;
}

/** The requirement path from `id` back to itself, if there is one. */
function cycleThrough(id: string, requires: Map<string, ReadonlySet<string>>): string[] | undefined {
  const walk = (current: string, path: string[]): string[] | undefined => {
    for (const next of requires.get(current) ?? []) {
      if (next === id) return [...path, id];
      if (path.includes(next)) continue;
      const found = walk(next, [...path, next]);
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
