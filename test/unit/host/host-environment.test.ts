import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectCi, detectHost, mapNodeArch, mapNodeOs } from '../../../src/host/host-environment.js';
import { applyStyleTags } from '../../../src/host/style-tags.js';

describe('host environment', () => {
  it('maps Node names to proto names', () => {
    assert.equal(mapNodeArch('x64'), 'x64');
    assert.equal(mapNodeArch('ia32'), 'x86');
    assert.equal(mapNodeArch('ppc64'), 'powerpc64');
    assert.equal(mapNodeArch('loong64'), 'longarm64');
    assert.equal(mapNodeOs('darwin'), 'macos');
    assert.equal(mapNodeOs('win32'), 'windows');
    assert.throws(() => mapNodeArch('z80'), /unsupported CPU architecture "z80"/);
  });

  it('detects ci from the usual variables', () => {
    assert.equal(detectCi({ CI: 'true' }), true);
    assert.equal(detectCi({ CI: 'false' }), false);
    assert.equal(detectCi({ GITHUB_ACTIONS: 'true' }), true);
    assert.equal(detectCi({}), false);
  });

  it('counts any CI value but an off word: services use their own names, a user who writes CI=off means it', () => {
    for (const value of ['true', 'TRUE', '1', 'yes', 'on', 'woodpecker', 'drone']) assert.equal(detectCi({ CI: value }), true, value);
    for (const value of ['0', 'false', 'False', 'no', 'off', ' OFF ', '']) assert.equal(detectCi({ CI: value }), false, JSON.stringify(value));
    // An explicit off wins over a service's own variable; an empty CI does not.
    assert.equal(detectCi({ CI: 'off', GITHUB_ACTIONS: 'true' }), false);
    assert.equal(detectCi({ CI: '', GITLAB_CI: 'true' }), true);
  });

  it('detects this machine', () => {
    const host = detectHost();
    assert.ok(['gnu', 'musl', 'unknown'].includes(host.libc));
    assert.equal(host.os, mapNodeOs(process.platform));
  });

  it('renders or strips style tags and unescapes newlines', () => {
    assert.equal(applyStyleTags('Failed <id>node</id> at <url>https://x</url>\\nretry', false), 'Failed node at https://x\nretry');
    assert.equal(applyStyleTags('<id>a</id>', true), '\x1b[35ma\x1b[0m');
    assert.equal(applyStyleTags('keep <none> as is', false), 'keep <none> as is');
  });
});
