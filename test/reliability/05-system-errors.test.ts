/**
 * Finding 5: "internal error (please report it)" with a stack trace and exit 2 for failures the
 * user's machine causes: ENOSPC, EROFS, ENOTDIR (`PROTO_HOME` is a file), ENAMETOOLONG, E2BIG,
 * string-length RangeErrors. Each must be an error that names the path and says what to do.
 *
 * The CLI cases run the built CLI; the others feed real errors (a download into /dev/full, a
 * string too long for V8) to the one mapping the renderer uses.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { downloadFile } from '../../src/net/index.js';
import { explainSystemError } from '../../src/system-errors.js';
import { startDistServer } from '../../test-utils/index.js';
import { fixtureToolsConfig, useCliFixture } from '../e2e/support/cli-sandbox.js';

const fixture = useCliFixture();

function assertClearError(run: { code: number | null; stderr: string }, code: string, mentions: string): void {
  assert.equal(run.code, 1, run.stderr);
  assert.doesNotMatch(run.stderr, /internal error|    at /, 'no stack trace');
  assert.match(run.stderr, new RegExp(`error\\[${code.replace('.', '\\.')}\\]`), run.stderr);
  assert.ok(run.stderr.includes(mentions), `the error names ${mentions}:\n${run.stderr}`);
  assert.match(run.stderr, /hint: /, 'and says what to do');
}

describe('finding 5: system failures are errors a user can act on', { concurrency: true }, () => {
  it('PROTO_HOME names a file (ENOTDIR)', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    const file = sandbox.writeFile('not-a-dir', 'x');
    const run = await sandbox.run(['install', 'disttool', '1.0.0'], { env: { PROTO_HOME: file } });
    assertClearError(run, 'system.not_a_directory', file);
    assert.match(run.stderr, /PROTO_HOME/);
  });

  it('a PROTO_HOME path too long for the file system (ENAMETOOLONG)', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    const long = join(sandbox.root, 'h'.repeat(300));
    const run = await sandbox.run(['install', 'disttool', '1.0.0'], { env: { PROTO_HOME: long } });
    assertClearError(run, 'system.name_too_long', long);
  });

  it('a tool environment larger than the system allows (E2BIG)', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    const install = await sandbox.run(['install', 'disttool', '1.0.0']);
    assert.equal(install.code, 0, install.stderr);
    // One variable above Linux's 128 KiB limit for a single argument or variable.
    sandbox.writeConfig(fixtureToolsConfig({ disttool: { distUrl: fixture.dist.url } }, `[env]\nHUGE = "${'x'.repeat(200_000)}"\n`));
    const run = await sandbox.run(['run', 'disttool', '1.0.0', '--', 'hello']);
    assertClearError(run, 'system.arguments_too_long', 'disttool');
  });

  it('a full disk: a real ENOSPC (a download written to /dev/full) names the file', async () => {
    const server = await startDistServer({ files: { '/tool.tar.gz': Buffer.alloc(256 * 1024, 7) } });
    let thrown: unknown;
    try {
      await downloadFile(server.urlFor('/tool.tar.gz'), '/dev/full', { settings: { http: { retryCount: 0 } } });
    } catch (error) {
      thrown = error;
    } finally {
      await server.close();
    }
    const explained = explainSystemError(thrown);
    assert.equal(explained?.code, 'system.no_space', String(thrown));
    assert.match(explained?.message ?? '', /\/dev\/full/);
    assert.match(explained?.hint ?? '', /PROTO_HOME/);
  });

  it('a value too large for V8 (a real string-length RangeError)', () => {
    let thrown: unknown;
    try {
      'x'.repeat(2 ** 30);
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof RangeError);
    const explained = explainSystemError(thrown);
    assert.equal(explained?.code, 'system.value_too_large');
    assert.match(explained?.hint ?? '', /\[settings\.limits\]/);
  });

  it('a read-only store and the other errno codes (as Node reports them) each name the path and what to do', () => {
    for (const [errno, code] of [
      ['EROFS', 'system.read_only'],
      ['EACCES', 'system.permission_denied'],
      ['EDQUOT', 'system.no_space'],
      ['EMFILE', 'system.too_many_open_files'],
      ['EXDEV', 'system.cross_device'],
    ] as const) {
      const error = Object.assign(new Error(`${errno}: failed, mkdir '/store/tools'`), { code: errno, syscall: 'mkdir', path: '/store/tools' });
      const explained = explainSystemError(new Error('wrapped', { cause: error }));
      assert.equal(explained?.code, code, errno);
      assert.match(explained?.message ?? '', /\/store\/tools/, errno);
      assert.ok(explained?.hint, errno);
    }
  });
});
