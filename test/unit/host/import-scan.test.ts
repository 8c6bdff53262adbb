/**
 * The install-time import scan on modules built from fixtures/plugins/scan/*.wat (and the DistTool
 * fixture as a real PDK build): hard blocks, blocks, capability opt-ins and unrestricted plugins.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanImports, type ScanPolicy } from '../../../src/host/index.js';
import { fixturePlugin } from '../../support/fixtures.js';

const moduleOf = (name: string) => new WebAssembly.Module(readFileSync(fixturePlugin(name)));
const verdicts = (name: string, policy: ScanPolicy) =>
  Object.fromEntries(scanImports(moduleOf(name), policy).imports.filter((entry) => entry.verdict !== 'ok').map((entry) => [entry.name, entry.verdict]));

describe('install-time import scan', () => {
  it('hard-blocks WASI sockets and foreign modules whatever the manifest declares', () => {
    for (const [name, reason] of [['scan/wasi-socket', /WASI socket function/], ['scan/foreign-module', /module "wasi_unstable", which no proto host provides/]] as const) {
      const report = scanImports(moduleOf(name), { permissions: ['net:*', 'exec:*'], requestedCapabilities: ['exec_command'] });
      assert.equal(report.blocked, true, name);
      const hard = report.imports.filter((entry) => entry.verdict === 'hard-blocked');
      assert.equal(hard.length, 1, name);
      assert.match(hard[0]!.reason, reason);
    }
    assert.equal(scanImports(moduleOf('hostile/old-abi'), {}).imports.find((entry) => entry.module === 'env')?.verdict, 'hard-blocked');
    assert.equal(scanImports(moduleOf('hostile/missing-import'), {}).imports[0]?.verdict, 'hard-blocked');
  });

  it('blocks a gated import whose permission family is not declared', () => {
    const report = scanImports(moduleOf('scan/gated-imports'), { permissions: ['exec:git'] });
    assert.equal(report.blocked, true);
    assert.deepEqual(verdicts('scan/gated-imports', { permissions: ['exec:git'] }), {
      exec_command: 'gated',
      send_request: 'blocked',
      http_request: 'blocked',
      get_env_var: 'blocked',
      set_env_var: 'blocked',
    });
    const sendRequest = report.imports.find((entry) => entry.name === 'send_request')!;
    assert.match(sendRequest.reason, /no net permission is declared: declare the net:… permission it needs, or list "send_request" in requested_capabilities/);
    assert.equal(report.imports.find((entry) => entry.name === 'exec_command')!.reason, 'calls are limited to exec:git');
  });

  it('requested_capabilities lift exactly the blocks they name', () => {
    const policy = { permissions: ['net:github.com', 'env:read:HOME'], requestedCapabilities: ['exec_command', 'set_env_var'] };
    assert.deepEqual(verdicts('scan/gated-imports', policy), {
      exec_command: 'capability',
      send_request: 'gated',
      http_request: 'gated',
      get_env_var: 'gated',
      set_env_var: 'capability',
    });
    assert.equal(scanImports(moduleOf('scan/gated-imports'), policy).blocked, false);
    // env:read does not cover set_env_var: without its capability it is blocked.
    assert.equal(verdicts('scan/gated-imports', { ...policy, requestedCapabilities: ['exec_command'] }).set_env_var, 'blocked');
  });

  it('a manifest without permissions is unrestricted: gated imports pass, and the report says so', () => {
    const report = scanImports(moduleOf('scan/gated-imports'), {});
    assert.equal(report.blocked, false);
    assert.ok(report.imports.filter((entry) => entry.verdict !== 'ok').every((entry) => entry.verdict === 'unrestricted' && /declares no permissions/.test(entry.reason)));
  });

  it('names every import of a real PDK build, kernel and host_log as not gated', () => {
    const report = scanImports(moduleOf('disttool'), { permissions: ['net:*', 'exec:*'] });
    assert.equal(report.blocked, false);
    assert.equal(report.imports.length, WebAssembly.Module.imports(moduleOf('disttool')).length);
    assert.ok(report.imports.some((entry) => entry.name === 'host_log' && entry.verdict === 'ok'));
    assert.ok(report.imports.some((entry) => entry.module === 'extism:host/env' && entry.name === 'alloc' && entry.verdict === 'ok'));
  });
});
