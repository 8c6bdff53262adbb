import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readDotenv } from '../../src/config/dotenv.js';
import { isProtoError } from '../../src/errors.js';
import { readRegularFile } from '../../src/regular-file.js';

describe('readRegularFile', { timeout: 20_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'regular-file-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const device = join(root, 'device');
  const fifo = join(root, 'fifo');
  symlinkSync('/dev/zero', device); // reading it never ends
  execFileSync('mkfifo', [fifo]); // a plain open waits for a writer
  const refused = (path: string) => (error: unknown) => isProtoError(error, 'system.not_a_regular_file') && error.message.includes(path);

  it('reads a regular file (through a symlink too), and says undefined for none or a directory', () => {
    writeFileSync(join(root, 'plain'), 'text\n');
    symlinkSync(join(root, 'plain'), join(root, 'link'));
    mkdirSync(join(root, 'dir'));
    assert.equal(readRegularFile(join(root, 'plain')), 'text\n');
    assert.equal(readRegularFile(join(root, 'link')), 'text\n');
    assert.equal(readRegularFile(join(root, 'missing')), undefined);
    assert.equal(readRegularFile(join(root, 'dir')), undefined);
  });

  it('refuses a device or a FIFO at once, without reading or blocking', () => {
    assert.throws(() => readRegularFile(device), refused(device));
    assert.throws(() => readRegularFile(fifo), refused(fifo));
  });

  it('is what env files are read with', () => {
    assert.throws(() => readDotenv(device), refused(device));
    assert.throws(() => readDotenv(join(root, 'missing')), (error: unknown) => isProtoError(error, 'config.missing_env_file'));
  });
});
