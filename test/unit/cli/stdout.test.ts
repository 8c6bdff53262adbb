/**
 * Results written with write(2) into a pipe or file (output/stdout.ts), in a child process as
 * the launcher runs the program: they arrive complete and in order with what goes through
 * `process.stdout` once something creates it, and colours stay off.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../support/fixtures.js';

const module = pathToFileURL(join(repoRoot, 'src/cli/output/stdout.ts')).href;
const colors = pathToFileURL(join(repoRoot, 'src/cli/output/colors.ts')).href;
const script = `
  const { writeStdoutDirectly, writeStdout } = await import(${JSON.stringify(module)});
  const { out } = await import(${JSON.stringify(colors)});
  writeStdoutDirectly();
  const enabled = out().enabled;
  writeStdout('colours ' + enabled + '\\n');
  writeStdout('x'.repeat(200000) + '\\n');
  process.stdout.write('stream\\n');
  writeStdout('after\\n');
`;

function runChild(stdout: 'pipe' | number): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(process.execPath, ['--import', join(repoRoot, 'scripts/register-ts.mjs'), '--input-type=module', '-e', script], {
    cwd: repoRoot,
    env: { ...process.env, FORCE_COLOR: '', NO_COLOR: '' },
    stdio: ['ignore', stdout, 'pipe'],
    encoding: 'utf8',
    maxBuffer: 10_000_000,
  });
  return { stdout: result.stdout ?? '', stderr: result.stderr, status: result.status };
}

const expected = `colours false\n${'x'.repeat(200000)}\nstream\nafter\n`;

describe('results on stdout without the stream', () => {
  it('arrive whole and in order in a pipe', () => {
    const result = runChild('pipe');
    assert.equal(result.status, 0, result.stderr);
    assert.ok(result.stdout === expected, `got ${result.stdout.length} bytes: ${result.stdout.slice(0, 40)}…${result.stdout.slice(-20)}`);
  });

  it('arrive whole and in order in a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'proto-stdout-'));
    try {
      const file = join(dir, 'out.txt');
      const fd = openSync(file, 'w');
      try {
        const result = runChild(fd);
        assert.equal(result.status, 0, result.stderr);
      } finally {
        closeSync(fd);
      }
      const written = readFileSync(file, 'utf8');
      assert.ok(written === expected, `got ${written.length} bytes: ${written.slice(0, 40)}…${written.slice(-20)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
