/**
 * JSON snapshots, like the `insta` snapshots of proto's Rust test utils: the first run writes
 * `__snapshots__/<test file stem>__<suite>__<test>.json` next to the test file; later runs
 * compare against it and fail with a line diff. `UPDATE_SNAPSHOTS=1` rewrites them.
 *
 * Machine-specific strings (the sandbox root, the home and temp dirs, a local server's port) are
 * replaced by placeholders before writing or comparing, so a snapshot passes on every machine.
 */
import { AssertionError } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { callerFile } from './caller-file.js';

export interface SnapshotOptions {
  /** Where snapshots live; default `__snapshots__` next to the test file. */
  dir?: string;
  /** The test file (default: found on the call stack). */
  testFile?: string;
  /** Exact strings to replace, e.g. `{ [sandbox.root]: '<sandbox>' }`; applied longest first. */
  placeholders?: Record<string, string>;
  /** Overwrite instead of comparing (default: `UPDATE_SNAPSHOTS=1`). */
  update?: boolean;
}

/** `name` is the snapshot's name, or a node:test context (its full name is used). */
export function assertJsonSnapshot(name: string | { fullName: string }, value: unknown, options: SnapshotOptions = {}): void {
  const testFile = options.testFile ?? callerFile();
  const path = snapshotPath(testFile, typeof name === 'string' ? name : name.fullName, options.dir);
  const actual = `${JSON.stringify(replacePlaceholders(value, placeholderList(options.placeholders)), null, 2)}\n`;
  const update = options.update ?? isTruthy(process.env.UPDATE_SNAPSHOTS);
  if (update || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  const expected = readFileSync(path, 'utf8');
  if (expected === actual) return;
  throw new AssertionError({
    message: `Snapshot ${path} does not match (- snapshot, + actual):\n${lineDiff(expected, actual)}\nRun with UPDATE_SNAPSHOTS=1 to accept the new value.`,
    actual,
    expected,
    operator: 'snapshot',
  });
}

/** `<dir>/<stem>__<name parts>.json`, where `a > b > c` becomes `a__b__c`. */
export function snapshotPath(testFile: string, name: string, dir?: string): string {
  const stem = basename(testFile).replace(/\.(test|spec)\.[cm]?[jt]s$|\.[cm]?[jt]s$/, '');
  const parts = [stem, ...name.split(' > ')].map((part) => part.replace(/[^\w.-]+/g, '_'));
  return join(dir ?? join(dirname(testFile), '__snapshots__'), `${parts.join('__')}.json`);
}

/** The user's placeholders plus the machine's home and temp dirs (most specific first). */
function placeholderList(extra: Record<string, string> = {}): Array<[string, string]> {
  const list = new Map<string, string>(Object.entries(extra));
  const tmp = tmpdir();
  for (const [path, placeholder] of [
    [tmp, '<tmp>'],
    [safeRealpath(tmp), '<tmp>'],
    [homedir(), '<home>'],
  ] as const) {
    if (path && path !== '/' && !list.has(path)) list.set(path, placeholder);
  }
  return [...list].filter(([from]) => from !== '').sort((a, b) => b[0].length - a[0].length);
}

const LOOPBACK_ORIGIN = /(https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):)\d+/g;

function replacePlaceholders(value: unknown, placeholders: Array<[string, string]>): unknown {
  if (typeof value === 'string') {
    // Only whole path prefixes: `/tmp` must not turn `/tmpfoo` into `<tmp>foo`.
    const replaced = placeholders.reduce((text, [from, to]) => text.replace(new RegExp(`${escapeRegExp(from)}(?![\\w.-])`, 'g'), () => to), value);
    // A local test server's port changes on every run.
    return replaced.replace(LOOPBACK_ORIGIN, '$1<port>');
  }
  if (Array.isArray(value)) return value.map((item) => replacePlaceholders(item, placeholders));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [replacePlaceholders(key, placeholders) as string, replacePlaceholders(item, placeholders)]),
    );
  }
  return value;
}

/** A minimal line diff (longest common subsequence): ` ` kept, `-` only in a, `+` only in b. */
export function lineDiff(a: string, b: string): string {
  const left = a.split('\n');
  const right = b.split('\n');
  const common: number[][] = Array.from({ length: left.length + 1 }, () => new Array<number>(right.length + 1).fill(0));
  for (let i = left.length - 1; i >= 0; i--) {
    for (let j = right.length - 1; j >= 0; j--) {
      common[i]![j] = left[i] === right[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i < left.length && j < right.length && left[i] === right[j]) {
      lines.push(`  ${left[i++]}`);
      j++;
    } else if (i < left.length && (j === right.length || common[i + 1]![j]! >= common[i]![j + 1]!)) {
      lines.push(`- ${left[i++]}`);
    } else {
      lines.push(`+ ${right[j++]}`);
    }
  }
  return lines.join('\n');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false', 'no', 'off'].includes(value.toLowerCase());
}
