/**
 * `~/.proto/shims/registry.json` in proto's current format (spec §6.7): shim name → how to run it.
 *
 * Concurrency contract: every change is a read-modify-write of the whole file under the store's
 * registry lock, written atomically (temp + rename), so concurrent installs of different tools
 * never lose each other's entries.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutableConfig, LocateExecutablesOutput } from '../protocol/index.js';
import { acquireLock, writeFileAtomic, type Store } from '../store/index.js';
import { isSafeExecutableName, isShellVariableName } from './names.js';
import { splitShellWords } from './shell-words.js';
import type { ShimLauncher } from './shims.js';
import { log } from '../log.js';

export interface ShimEntry {
  after_args?: string[];
  alt_exe?: boolean;
  before_args?: string[];
  /** The tool context that owns the shim when the name is not the tool's primary exe. */
  context?: string;
  env_vars?: Record<string, string>;
}

export type ShimRegistry = Record<string, ShimEntry>;

export function registryPath(store: Store): string {
  return join(store.shimsDir, 'registry.json');
}

/** The registry on disk; `{}` when missing. Legacy keys `parent`/`alt_bin` are read as `context`/`alt_exe`. */
export async function readShimRegistry(store: Store): Promise<ShimRegistry> {
  return parseRegistry(await readRegistryText(store));
}

async function readRegistryText(store: Store): Promise<string | undefined> {
  try {
    return await readFile(registryPath(store), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseRegistry(text: string | undefined): ShimRegistry {
  if (text === undefined) return {};
  const raw = JSON.parse(text) as Record<string, ShimEntry & { parent?: string; alt_bin?: boolean }>;
  const registry: ShimRegistry = {};
  for (const [name, { parent, alt_bin, ...entry }] of Object.entries(raw)) {
    registry[name] = sortKeys({ ...entry, context: entry.context ?? parent, alt_exe: entry.alt_exe ?? alt_bin });
  }
  return registry;
}

/**
 * Applies `change` to the registry under the lock and writes it back (keys sorted, like a
 * BTreeMap). A registry the change leaves as it was is not written again (a relink of a tool
 * already installed).
 */
export async function updateShimRegistry(store: Store, change: (registry: ShimRegistry) => void): Promise<ShimRegistry> {
  // The shims dir is private: made here (with the shims' mode) before its lock file would make it.
  mkdirSync(store.shimsDir, { recursive: true, mode: 0o700 });
  const lock = await acquireLock(`${registryPath(store)}.lock`);
  try {
    const before = await readRegistryText(store);
    const registry = parseRegistry(before);
    change(registry);
    const sorted = Object.fromEntries(Object.keys(registry).sort().map((name) => [name, registry[name]!]));
    const text = `${JSON.stringify(sorted, null, 2)}\n`;
    if (text === before) {
      log('trace', 'shims', `${registryPath(store)} unchanged`);
    } else {
      await writeFileAtomic(registryPath(store), text, { mode: 0o600 });
      log('trace', 'shims', `${registryPath(store)} written (${Object.keys(sorted).length} entries)`);
    }
    return sorted;
  } finally {
    await lock.release();
  }
}

/**
 * The registry changes of one command that links many tools (`proto install` of every configured
 * tool), written together: one lock, one read and one atomic write per command instead of one
 * per tool. Each change is applied at once to `current()` (the file as first read, with the
 * changes queued since), so a tool's decisions (which names it may take, which bins it may link)
 * see the tools linked before it, as they would on disk. `flush` re-applies every queued change,
 * in order, to the file as it is then, under the lock: a tool that failed after linking keeps its
 * entries, one that failed before adds none, and entries another process wrote meanwhile stay.
 */
export class ShimRegistryBatch {
  private readonly queued: Array<(registry: ShimRegistry) => void> = [];
  private view: Promise<ShimRegistry> | undefined;
  /** How the batch's shims start proto (createShims works it out once per batch: it reads files). */
  launcher: ShimLauncher | undefined;

  constructor(readonly store: Store) {}

  /** The registry as the batch will leave it so far. */
  current(): Promise<ShimRegistry> {
    return (this.view ??= readShimRegistry(this.store));
  }

  /** Applies `change` to `current()` now (its result is returned), and queues it for the write. */
  async change<T>(change: (registry: ShimRegistry) => T): Promise<T> {
    const result = change(await this.current());
    this.queued.push(change);
    return result;
  }

  /** Writes what was queued (nothing when nothing was). */
  async flush(): Promise<void> {
    const changes = this.queued.splice(0);
    if (changes.length === 0) return;
    await updateShimRegistry(this.store, (registry) => {
      for (const change of changes) change(registry);
    });
  }
}

function argsOf(value: ExecutableConfig['shim_before_args']): string[] | undefined {
  if (value === undefined) return undefined;
  const args = typeof value === 'string' ? splitShellWords(value) : value;
  return args.length > 0 ? args : undefined;
}

function sortKeys(entry: ShimEntry): ShimEntry {
  const sorted: ShimEntry = {};
  for (const key of Object.keys(entry).sort() as Array<keyof ShimEntry>) {
    if (entry[key] !== undefined) (sorted as Record<string, unknown>)[key] = entry[key];
  }
  return sorted;
}

/** The registry entry proto writes for exe `name` of tool `toolId`. */
export function shimEntryFor(toolId: string, name: string, config: ExecutableConfig): ShimEntry {
  const secondary = !config.primary || name !== toolId;
  return sortKeys({
    after_args: argsOf(config.shim_after_args),
    alt_exe: secondary && config.exe_path !== undefined ? true : undefined,
    before_args: argsOf(config.shim_before_args),
    context: secondary ? toolId : undefined,
    env_vars: shellSafeVariables(config.shim_env_vars),
  });
}

/** The variables a shim can export; names a shell cannot export are dropped (they come from plugins). */
function shellSafeVariables(vars: Record<string, string> | undefined): Record<string, string> | undefined {
  const safe = Object.entries(vars ?? {}).filter(([name]) => isShellVariableName(name));
  return safe.length > 0 ? Object.fromEntries(safe) : undefined;
}

/** The exes of a locate output that get a shim: no `no_shim`, and a name safe for a file and a script. */
export function shimmedExes(output: LocateExecutablesOutput): Array<[string, ExecutableConfig]> {
  return Object.entries(output.exes).filter(([name, config]) => !config.no_shim && isSafeExecutableName(name));
}
