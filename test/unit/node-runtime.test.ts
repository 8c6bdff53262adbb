/**
 * Which Node the launcher runs proto on (src/node-runtime.ts). Files are real (a store with a
 * managed node, PATH dirs with nodes, symlinks like ~/.proto/bin's); only the version of each
 * candidate Node is given instead of spawned.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decideNode, RELAUNCH_MARKER, type NodeDecisionInput } from '../../src/node-runtime.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'proto-node-runtime-')));
after(() => rmSync(root, { recursive: true, force: true }));

function executable(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

const store = join(root, 'home/.proto');
const managed = executable(join(store, 'tools/node/16.20.0/bin/node'));
mkdirSync(join(store, 'bin'), { recursive: true });
symlinkSync(managed, join(store, 'bin/node'));
const shimNode = executable(join(store, 'shims/node'));
const system = executable(join(root, 'usr/bin/node'));
const old = executable(join(root, 'old/bin/node'));
const VERSIONS: Record<string, string> = { [system]: '20.20.0', [old]: '18.0.0', [managed]: '16.20.0', [shimNode]: '16.20.0' };

function decide(overrides: Partial<NodeDecisionInput> & { path?: string[] } = {}) {
  const { path, ...rest } = overrides;
  return decideNode({
    execPath: system,
    version: '20.20.0',
    env: { HOME: join(root, 'home'), PATH: (path ?? [join(store, 'shims'), join(store, 'bin'), join(root, 'old/bin'), join(root, 'usr/bin')]).join(':') },
    required: '>=20.18.1',
    versionOf: (node) => VERSIONS[node],
    ...rest,
  });
}

describe('the Node that runs proto', () => {
  it('is the current one when proto does not manage it and it is new enough (no process started)', () => {
    assert.deepEqual(decide({ versionOf: () => assert.fail('no candidate is asked') }), { kind: 'run' });
  });

  it('on a managed Node (reached through ~/.proto/bin or a shim), is the first suitable node on PATH outside the store', () => {
    for (const execPath of [managed, join(store, 'bin/node')]) {
      const decision = decide({ execPath, version: '16.20.0' });
      assert.equal(decision.kind, 'relaunch');
      assert.equal(decision.kind === 'relaunch' && decision.node, system, 'shims, bins and the too-old node are skipped');
      assert.match(decision.kind === 'relaunch' ? decision.reason : '', /a Node that proto manages/);
    }
  });

  it('even a managed Node that is new enough is left', () => {
    const decision = decide({ execPath: managed, version: '22.0.0' });
    assert.deepEqual(decision, { kind: 'relaunch', node: system, reason: `it runs on ${managed}, a Node that proto manages` });
  });

  it('prefers the Node recorded at install time', () => {
    const recorded = executable(join(root, 'installed-with/node'));
    VERSIONS[recorded] = '20.19.0';
    assert.deepEqual(decide({ execPath: managed, version: '16.20.0', recordedNode: () => recorded }), {
      kind: 'relaunch',
      node: recorded,
      reason: `it runs on ${managed}, a Node that proto manages`,
    });
  });

  it('on a Node older than engines.node, moves to a newer one', () => {
    const decision = decide({ execPath: old, version: '18.0.0' });
    assert.equal(decision.kind === 'relaunch' && decision.node, system);
  });

  it('refuses, saying what it needs and how to point at a Node, when there is none', () => {
    const decision = decide({ execPath: managed, version: '16.20.0', path: [join(store, 'bin'), join(root, 'old/bin')] });
    assert.equal(decision.kind, 'refuse');
    assert.match(decision.kind === 'refuse' ? decision.message : '', /a Node that proto manages, and no other Node >=20\.18\.1 was found outside/);
    assert.match(decision.kind === 'refuse' ? decision.hint : '', /PROTO_NODE/);
  });

  it('PROTO_NODE wins, but never a managed Node or a missing file', () => {
    const env = (value: string) => ({ HOME: join(root, 'home'), PATH: '', PROTO_NODE: value });
    assert.deepEqual(decide({ env: env(old) }), { kind: 'relaunch', node: old, reason: 'PROTO_NODE' });
    assert.deepEqual(decide({ env: env(system) }), { kind: 'run' });
    assert.match(JSON.stringify(decide({ env: env(join(store, 'bin/node')) })), /a Node that proto manages/);
    assert.match(JSON.stringify(decide({ env: env(join(root, 'nope')) })), /not an executable file/);
    assert.match(JSON.stringify(decide({ execPath: old, version: '18.0.0', env: env(old) })), /PROTO_NODE .* is Node 18\.0\.0, but proto needs Node >=20\.18\.1/);
  });

  it('a relaunched proto trusts the choice, checking only the version', () => {
    const env = { HOME: join(root, 'home'), PATH: '', [RELAUNCH_MARKER]: '1' };
    assert.deepEqual(decide({ execPath: old, version: '20.18.1', env }), { kind: 'run' });
    assert.equal(decide({ execPath: old, version: '18.0.0', env }).kind, 'refuse');
  });

  it('finds the store where PROTO_HOME puts it', () => {
    const elsewhere = executable(join(root, 'custom-store/tools/node/20.0.0/bin/node'));
    const env = { HOME: join(root, 'home'), PROTO_HOME: join(root, 'custom-store'), PATH: join(root, 'usr/bin') };
    assert.equal(decide({ execPath: elsewhere, env }).kind, 'relaunch');
    assert.deepEqual(decide({ execPath: managed, env }), { kind: 'run' }, 'the default store is not this one');
  });
});
