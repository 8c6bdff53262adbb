/**
 * Which Node runs proto. proto must never run on a Node it manages: with `~/.proto/shims` (or
 * `~/.proto/bin`) first on PATH, `#!/usr/bin/env node` finds the node a project pins, so a pinned
 * Node 16 would run (and break) proto, and the shims proto writes would record a Node that
 * disappears with `proto uninstall node`.
 *
 * The launcher (bin/proto.js) asks `decideNode` before anything else. The common case costs two
 * realpath calls: the Node we run on is outside the store and new enough, so we go on. Otherwise
 * proto starts itself again on another Node: `PROTO_NODE` when set, else the Node that installed
 * proto (recorded by the package's postinstall), else the first `node` on PATH outside the store;
 * every candidate must be outside the store and satisfy `engines.node`. None ⇒ a clear refusal.
 *
 * This module is loaded before the rest of the CLI on whatever Node started us, possibly an old
 * one: it keeps to syntax and APIs Node 16 has.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { moduleDir } from './module-dir.js';
import { resolveStoreRoot } from './store/store-root.js';
import { isExecutableFile } from './install/system-tools.js';
import { isInsideDir } from './store/inside-dir.js';
// The two version modules it needs, not the whole of src/version: this runs before every command.
import { specMatches } from './version/match-spec.js';
import { tryParseSpec } from './version/parse-spec.js';

/** Set on the proto we relaunch, so that it trusts the choice instead of choosing again. */
export const RELAUNCH_MARKER = 'PROTO_NODE_RELAUNCHED';

export type NodeDecision =
  | { kind: 'run' }
  | { kind: 'relaunch'; node: string; reason: string }
  | { kind: 'refuse'; message: string; hint: string };

export interface NodeDecisionInput {
  /** The Node we run on (`process.execPath`). */
  execPath: string;
  /** Its version (`process.versions.node`). */
  version: string;
  env: Readonly<Record<string, string | undefined>>;
  /** `engines.node` of our package.json, e.g. `>=20.18.1`. */
  required: string | undefined;
  /** The Node recorded when proto was installed, if any (read only when needed). */
  recordedNode?: () => string | undefined;
  home?: string;
  /** The version of another Node (spawns it); undefined when it does not run. */
  versionOf?: (node: string) => string | undefined;
}

export function decideNode(input: NodeDecisionInput): NodeDecision {
  const { env } = input;
  const storeRoot = realOrSame(resolveStoreRoot({ env, homeDir: input.home ?? env.HOME ?? homedir() }));
  const managed = (node: string) => isInsideDir(realOrSame(node), storeRoot);
  const fits = (version: string | undefined) => version !== undefined && satisfies(version, input.required);
  const needs = input.required ? `Node ${input.required}` : 'Node';

  if (env[RELAUNCH_MARKER]) {
    // We chose this Node; only its version is left to check (it could not be asked cheaply before).
    if (fits(input.version)) return { kind: 'run' };
    return refuse(`The Node chosen to run proto (${input.execPath}) is ${input.version}, but proto needs ${needs}.`);
  }

  const wanted = env.PROTO_NODE?.trim();
  if (wanted) {
    if (managed(wanted)) return refuse(`PROTO_NODE (${wanted}) is a Node that proto manages (under ${storeRoot}); proto cannot run on it.`);
    if (realOrSame(wanted) !== realOrSame(input.execPath)) {
      if (!isExecutableFile(wanted)) return refuse(`PROTO_NODE (${wanted}) is not an executable file.`);
      return { kind: 'relaunch', node: wanted, reason: 'PROTO_NODE' };
    }
    if (!fits(input.version)) return refuse(`PROTO_NODE (${wanted}) is Node ${input.version}, but proto needs ${needs}.`);
    return { kind: 'run' };
  }

  const problem = managed(input.execPath)
    ? `it runs on ${input.execPath}, a Node that proto manages`
    : fits(input.version)
      ? undefined
      : `it runs on Node ${input.version} (${input.execPath}), but needs ${needs}`;
  if (problem === undefined) return { kind: 'run' };

  const versionOf = input.versionOf ?? nodeVersion;
  const current = realOrSame(input.execPath);
  for (const candidate of nodeCandidates(input.recordedNode?.(), env.PATH, storeRoot)) {
    if (realOrSame(candidate) === current || managed(candidate)) continue;
    if (fits(versionOf(candidate))) return { kind: 'relaunch', node: candidate, reason: problem };
  }
  return refuse(`proto cannot start: ${problem}, and no other ${needs} was found outside ${storeRoot}.`);
}

function refuse(message: string): NodeDecision {
  return {
    kind: 'refuse',
    message,
    hint: 'Set PROTO_NODE to a Node that proto does not manage (e.g. PROTO_NODE=/usr/bin/node), or put one on PATH after ~/.proto/shims.',
  };
}

/** The recorded Node, then each `node` on PATH, skipping PATH entries inside the store (shims, bins). */
function nodeCandidates(recorded: string | undefined, pathValue: string | undefined, storeRoot: string): string[] {
  const candidates = recorded ? [recorded] : [];
  for (const dir of (pathValue ?? '').split(delimiter)) {
    if (!dir || isInsideDir(realOrSame(dir), storeRoot)) continue;
    const node = join(dir, 'node');
    if (isExecutableFile(node) && !candidates.includes(node)) candidates.push(node);
  }
  return candidates;
}

/**
 * The Node that shims should start proto with: this one, unless proto manages it (then the one
 * the launcher would pick). Shims outlive managed Node versions, so they must not name one.
 */
export function nodeForShims(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const decision = decideNode({
    execPath: process.execPath,
    version: process.versions.node,
    env: { ...env, [RELAUNCH_MARKER]: undefined },
    required: requiredNode(),
    recordedNode: recordedInstallNode,
  });
  return decision.kind === 'relaunch' ? decision.node : process.execPath;
}

/** `engines.node` of our package.json. */
export function requiredNode(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(moduleDir(import.meta.dirname, import.meta.url), '../package.json'), 'utf8')) as { engines?: { node?: string } };
    return pkg.engines?.node;
  } catch {
    return undefined;
  }
}

/** The Node recorded by the package's postinstall (bin/record-node.mjs), if any. */
export function recordedInstallNode(): string | undefined {
  try {
    return readFileSync(join(moduleDir(import.meta.dirname, import.meta.url), '../.install-node'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `engines.node` (`>=20.18.1`, `^20 || ^22`) read with our own spec parser: npm's forms mean the same. */
function satisfies(version: string, required: string | undefined): boolean {
  const spec = required ? tryParseSpec(required.trim()) : undefined;
  // A requirement we cannot read does not block anyone.
  return !spec || spec.kind === 'alias' || spec.kind === 'canary' || specMatches(spec, version);
}

function nodeVersion(node: string): string | undefined {
  // Loaded only here (rarely needed): child_process is a noticeable share of a `proto --version`.
  const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  const result = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 15_000, env: { PATH: process.env.PATH ?? '' } });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function realOrSame(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
