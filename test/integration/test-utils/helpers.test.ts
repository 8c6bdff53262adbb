/** The small pieces of test-utils: snapshots, url-rewrites, the globals dir lookup, package names. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { applyUrlRewrites } from '../../../src/net/index.js';
import { assertJsonSnapshot, expandGlobalsLookupDirs, lineDiff, locateGlobalsDir, packageName, snapshotPath, urlRewritesFor } from '../../../test-utils/index.js';

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'test-utils-helpers-')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('JSON snapshots', () => {
  const testFile = () => join(dir, 'my-plugin.test.ts');

  it('are named after the test file and the test, under __snapshots__', () => {
    assert.equal(snapshotPath('/p/shims.test.ts', 'node > creates_shims'), '/p/__snapshots__/shims__node__creates_shims.json');
  });

  it('are written on the first run, then compared; a mismatch shows a line diff', () => {
    assertJsonSnapshot('tool > creates_shims', { a: 1, b: [1, 2] }, { testFile: testFile() });
    const path = join(dir, '__snapshots__/my-plugin__tool__creates_shims.json');
    assert.equal(readFileSync(path, 'utf8'), '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}\n');
    assertJsonSnapshot('tool > creates_shims', { a: 1, b: [1, 2] }, { testFile: testFile() });
    assert.throws(
      () => assertJsonSnapshot('tool > creates_shims', { a: 1, b: [1, 3] }, { testFile: testFile() }),
      (error: Error) => /-     2\n\+     3/.test(error.message) && /UPDATE_SNAPSHOTS=1/.test(error.message),
    );
    assert.match(readFileSync(path, 'utf8'), /2\n/, 'a failed comparison does not rewrite');
  });

  it('are rewritten with update (UPDATE_SNAPSHOTS=1)', () => {
    assertJsonSnapshot('t', { v: 1 }, { testFile: testFile() });
    assertJsonSnapshot('t', { v: 2 }, { testFile: testFile(), update: true });
    assertJsonSnapshot('t', { v: 2 }, { testFile: testFile() });
  });

  it('replace machine-specific paths and local ports with placeholders', () => {
    const sandbox = join(dir, 'sandbox');
    assertJsonSnapshot(
      't',
      { [join(sandbox, 'key')]: `${sandbox}/.proto/bin`, url: 'http://127.0.0.1:40123/v1/x.tar.gz', tmp: join(tmpdir(), 'x'), other: `${tmpdir()}x` },
      { testFile: testFile(), placeholders: { [sandbox]: '<sandbox>' } },
    );
    assert.deepEqual(JSON.parse(readFileSync(join(dir, '__snapshots__/my-plugin__t.json'), 'utf8')), {
      '<sandbox>/key': '<sandbox>/.proto/bin',
      url: 'http://127.0.0.1:<port>/v1/x.tar.gz',
      tmp: '<tmp>/x',
      other: `${tmpdir()}x`,
    });
  });

  it('lineDiff marks removed and added lines', () => {
    assert.equal(lineDiff('a\nb\nc', 'a\nx\nc'), '  a\n- b\n+ x\n  c');
  });
});

describe('urlRewritesFor', () => {
  const rules = urlRewritesFor('https://nodejs.org/dist/', 'http://127.0.0.1:9000');

  it('sends every URL under the real base to the local server, keeping the rest of the path', () => {
    assert.equal(applyUrlRewrites('https://nodejs.org/dist/v20.0.0/SHASUMS256.txt', rules), 'http://127.0.0.1:9000/v20.0.0/SHASUMS256.txt');
    assert.equal(applyUrlRewrites('https://nodejs.org/dist', rules), 'http://127.0.0.1:9000');
    assert.equal(applyUrlRewrites('https://nodejs.org/dist?x=1', rules), 'http://127.0.0.1:9000?x=1');
  });

  it('leaves other URLs alone, including look-alike hosts and paths', () => {
    for (const url of ['https://nodejs.org/distx/a', 'https://nodejs.org/other', 'https://evil.dev/https://nodejs.org/dist/a']) {
      assert.equal(applyUrlRewrites(url, rules), url);
    }
  });

  it('can map onto a path of the server; regex characters in the base are literal', () => {
    const mirror = urlRewritesFor('https://dl.example.dev/a+b', { url: 'http://127.0.0.1:9000/' }, { path: '/mirror/' });
    assert.equal(applyUrlRewrites('https://dl.example.dev/a+b/f.zip', mirror), 'http://127.0.0.1:9000/mirror/f.zip');
    assert.equal(applyUrlRewrites('https://dl.example.dev/aab/f.zip', mirror), 'https://dl.example.dev/aab/f.zip');
  });
});

describe('globals dir lookup (proto 0.30)', () => {
  const context = () => ({ home: join(dir, 'home'), protoHome: join(dir, '.proto'), toolDir: join(dir, '.proto/tools/t/1.0.0'), env: { SET: join(dir, 'set'), EMPTY: '' } });

  it('expands built-in and env variables and ~, dropping entries with unset or empty variables', () => {
    assert.deepEqual(expandGlobalsLookupDirs(['$UNSET/bin', '$EMPTY/bin', '$SET/bin', '$HOME/.t', '~/x', '$PROTO_HOME/g', '$TOOL_DIR/lib'], context()), [
      join(dir, 'set/bin'),
      join(dir, 'home/.t'),
      join(dir, 'home/x'),
      join(dir, '.proto/g'),
      join(dir, '.proto/tools/t/1.0.0/lib'),
    ]);
  });

  it('picks the first existing candidate, else creates the last', () => {
    const created = locateGlobalsDir(['$SET/bin', '$HOME/.t/bin'], context());
    assert.equal(created, join(dir, 'home/.t/bin'));
    mkdirSync(join(dir, 'set/bin'), { recursive: true });
    writeFileSync(join(dir, 'set/bin/x'), '');
    assert.equal(locateGlobalsDir(['$SET/bin', '$HOME/.t/bin'], context()), join(dir, 'set/bin'));
    assert.equal(locateGlobalsDir(['$UNSET/bin'], context()), undefined);
  });
});

describe('packageName', () => {
  it('drops the scope, path and @version', () => {
    assert.equal(packageName('@scope/prettier@3.0.0'), 'prettier');
    assert.equal(packageName('typescript@5'), 'typescript');
    assert.equal(packageName('github.com/x/tool'), 'tool');
    assert.equal(packageName('eslint'), 'eslint');
  });
});
