/**
 * scripts/transpile-cache.mjs, the cache of our TypeScript loader: entries not used for a week
 * are pruned, at most once a day and only when an entry is written; using an entry keeps it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
// @ts-expect-error: a plain .mjs script without types
import { pruneCache, pruneIfDue, readEntry, UNUSED_DAYS, writeEntry } from '../../scripts/transpile-cache.mjs';

const DAY = 24 * 60 * 60 * 1000;
const root = mkdtempSync(join(tmpdir(), 'proto-ts-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A cache dir holding `entries`, each last modified `daysAgo` days before `now`. */
function cacheWith(name: string, now: number, entries: Record<string, number>): string {
  const dir = join(root, name);
  for (const [file, daysAgo] of Object.entries(entries)) {
    // Written as if long ago: the prune that first write runs (and stamps) is over before the mtimes are set.
    writeEntry(join(dir, file), `// ${file}`, now - 1000 * DAY);
    const at = (now - daysAgo * DAY) / 1000;
    utimesSync(join(dir, file), at, at);
  }
  return dir;
}

describe('the transpile cache', () => {
  const now = Date.now();

  it('prunes entries unused for a week and dead temp files, nothing else', () => {
    const dir = cacheWith('prune', now, { 'fresh.js': 1, 'week.js': UNUSED_DAYS - 0.5, 'old.js': UNUSED_DAYS + 1, 'dead.js.123.tmp': 2, 'new.js.456.tmp': 0 });
    writeFileSync(join(dir, 'README'), 'not ours');
    assert.deepEqual(pruneCache(dir, now), ['dead.js.123.tmp', 'old.js']);
    assert.deepEqual(readdirSync(dir).filter((name) => name !== '.pruned').sort(), ['README', 'fresh.js', 'new.js.456.tmp', 'week.js']);
  });

  it('reading an entry marks it used (at most once a day), so it survives the prune', () => {
    const dir = cacheWith('used', now, { 'used.js': UNUSED_DAYS + 3, 'today.js': 0.5 });
    const todayMtime = statSync(join(dir, 'today.js')).mtimeMs;
    assert.equal(readEntry(join(dir, 'used.js'), now), '// used.js');
    assert.equal(readEntry(join(dir, 'today.js'), now), '// today.js');
    assert.equal(statSync(join(dir, 'today.js')).mtimeMs, todayMtime, 'a recent entry is not written to');
    assert.equal(readEntry(join(dir, 'missing.js'), now), undefined);
    assert.deepEqual(pruneCache(dir, now), []);
  });

  it('prunes when an entry is written and the last prune is a day old, not before', () => {
    const dir = cacheWith('due', now, { 'old.js': UNUSED_DAYS + 1 });
    assert.equal(pruneIfDue(dir, now), true, 'last pruned long ago: due');
    assert.deepEqual(readdirSync(dir), ['.pruned']);

    const later = cacheWith('due', now, { 'old2.js': UNUSED_DAYS + 1 });
    writeEntry(join(later, 'new.js'), '// new', now + DAY / 2);
    assert.ok(readdirSync(dir).includes('old2.js'), 'pruned less than a day ago: the write does not prune');
    writeEntry(join(later, 'newer.js'), '// newer', now + DAY + 1000);
    assert.deepEqual(readdirSync(dir).sort(), ['.pruned', 'new.js', 'newer.js']);
  });
});
