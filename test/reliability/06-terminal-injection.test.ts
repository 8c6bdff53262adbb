/**
 * Finding 6: terminal injection. Archive entry names and plugin strings were printed raw: an entry
 * named with ESC[2J cleared the screen and printed forged "verified" text during `proto install`.
 * Whatever came from an archive, the network or a plugin must reach the terminal with its control
 * characters escaped (visible, not interpreted).
 *
 * Through the built CLI (NO_COLOR is set, so proto itself prints no escape sequence at all).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { detectHost } from '../../src/host/index.js';
import { makeTar, writeTree } from '../support/archives.js';
import { fixturePlugin } from '../support/fixtures.js';
import { disttoolScript } from '../support/disttool-dist.js';
import { fixtureToolsConfig, useCliFixture } from '../e2e/support/cli-sandbox.js';

const fixture = useCliFixture();
const host = detectHost();

/** Bytes that make a terminal do something: C0 controls but newline, DEL, C1 controls, bidi overrides. */
const TERMINAL_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/u;

function assertNoControls(text: string, what: string): void {
  const found = TERMINAL_CONTROL.exec(text);
  assert.equal(found, null, `${what} holds a raw control character ${JSON.stringify(found?.[0])} at ${found?.index}:\n${JSON.stringify(text)}`);
}

describe('finding 6: control characters from archives, plugins and servers are escaped', { concurrency: true }, () => {
  it('a plugin that prints ESC[2J through host_log and fails with C1/CR/RLO characters', async () => {
    const sandbox = fixture.sandboxWith(`[plugins.tools]\nevil = "file://${fixturePlugin('hostile/terminal-escape')}"\n`);
    const run = await sandbox.run(['install', 'evil', '1.0.0']);
    assert.equal(run.code, 1, run.stderr);
    assertNoControls(run.stderr, 'stderr');
    assertNoControls(run.stdout, 'stdout');
    // Still readable: the escaped sequences are shown.
    assert.ok(run.stderr.includes('\\x1b[2J'), run.stderr);
    assert.ok(run.stderr.includes('checksum verified: all good'), run.stderr);
    assert.ok(run.stderr.includes('\\u202e'), run.stderr);
  });

  it('an archive entry whose name clears the screen and forges a line', async () => {
    const name = `disttool-v1.0.0-${host.os}-${host.arch}`;
    const work = join(fixture.dist.dir, '.evil-work');
    const forged = '\x1b[2J\x1b[Hchecksum verified';
    writeTree(join(work, 'a/b'), { [`${name}/bin/disttool`]: { content: disttoolScript('1.0.0'), mode: 0o755 } });
    writeTree(work, { [forged]: 'x\n' });
    // GNU tar -P keeps the member `../../<forged>`, which the unpacker skips with a warning naming it.
    const archive = makeTar(join(work, 'a/b'), join(work, `${name}.tar.gz`), 'tar.gz', { extraArgs: ['-P'], members: [name, `../../${forged}`] });
    const bytes = readFileSync(archive);
    const server = fixture.dist.server;
    server.setFile(`/evil/v1.0.0/${name}.tar.gz`, bytes);
    server.setFile('/evil/v1.0.0/SHASUMS256.txt', `${createHash('sha256').update(bytes).digest('hex')}  ${name}.tar.gz\n`);
    server.setFile('/evil/index.json', readFileSync(join(fixture.dist.dir, 'index.json')));

    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: `${url}/evil` } }));
    const run = await sandbox.run(['install', 'disttool', '1.0.0']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Skipped \.\.\/\.\.\/\\x1b\[2J\\x1b\[Hchecksum verified/, run.stderr);
    assertNoControls(run.stderr, 'stderr');
    assertNoControls(run.stdout, 'stdout');
  });
});
