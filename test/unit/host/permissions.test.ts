/**
 * The permission grammar and what each permission allows (the gate's decisions, without a plugin:
 * test/integration/host/permissions.test.ts drives the same gate through real guests).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isProtoError } from '../../../src/errors.js';
import { GATED_HOST_FUNCTIONS, isPermission, PERMISSION_PATTERN, PluginPermissions } from '../../../src/host/permissions.js';

describe('permission grammar', () => {
  it('is the one the manifest JSON Schema validates with', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../schemas/plugin-manifest.schema.json', import.meta.url), 'utf8'));
    assert.equal(schema.properties.permissions.items.pattern, PERMISSION_PATTERN);
    // requested_capabilities names gated host functions: the manifest may name exactly those the gate checks.
    assert.deepEqual([...schema.properties.requested_capabilities.items.enum].sort(), Object.keys(GATED_HOST_FUNCTIONS).sort());
  });

  it('accepts each family and refuses everything else', () => {
    for (const valid of ['exec:git', 'exec:python3.12', 'exec:*', 'net:*', 'net:github.com', 'net:*.github.com', 'net:127.0.0.1:8080', 'net:[::1]', 'net:[::1]:99',
      'env:read', 'env:read:HOME', 'env:write', 'env:write:PATH', 'fs:home', 'fs:cwd']) {
      assert.ok(isPermission(valid), valid);
    }
    for (const invalid of ['', 'exec', 'exec:', 'exec:/bin/sh', 'exec:a b', 'exec:g*t', 'net:', 'net:a b', 'net:http://x.org', 'net:x.org/path',
      'env:read:', 'env:read:A-B', 'env:delete', 'fs:root', 'fs:*', 'network:all', ' exec:git']) {
      assert.equal(isPermission(invalid), false, invalid);
    }
  });

  it('refuses a list with invalid entries, naming them and where they come from', () => {
    assert.throws(
      () => PluginPermissions.parse(['exec:git', 'exec:/bin/sh', 'fs:root'], '[tools.node] permissions'),
      (error) => isProtoError(error, 'plugin.invalid_permission') && error.message === '[tools.node] permissions: "exec:/bin/sh", "fs:root" are not permissions.',
    );
  });
});

describe('what a permission list allows', () => {
  it('no list: unrestricted, everything mounted', () => {
    const open = PluginPermissions.parse(undefined, 'x');
    assert.equal(open.restricted, false);
    assert.ok(open.allowsProgram('rm') && open.allowsUrl('https://anywhere.test/') && open.allowsEnvRead('SECRET') && open.allowsEnvWrite('PATH'));
    assert.ok(open.mountsHome && open.mountsCwd);
  });

  it('an empty list: nothing gated, nothing optional mounted', () => {
    const none = PluginPermissions.parse([], 'x');
    assert.equal(none.restricted, true);
    assert.ok(!none.allowsProgram('git') && !none.allowsUrl('https://github.com/') && !none.allowsEnvRead('HOME') && !none.allowsEnvWrite('X'));
    assert.ok(!none.mountsHome && !none.mountsCwd);
  });

  it('exec: by program name, whatever directory the command names', () => {
    const perms = PluginPermissions.parse(['exec:git'], 'x');
    assert.ok(perms.allowsProgram('git') && perms.allowsProgram('/usr/bin/git') && perms.allowsProgram('/proto/tools/git/2.0/bin/git'));
    assert.ok(!perms.allowsProgram('gitk') && !perms.allowsProgram('/usr/bin/git/../sh') && !perms.allowsProgram('sh'));
    assert.ok(PluginPermissions.parse(['exec:*'], 'x').allowsProgram('anything'));
  });

  it('net: by host name, optional port, subdomain wildcard; URLs without a host are refused', () => {
    const perms = PluginPermissions.parse(['net:github.com', 'net:*.example.org', 'net:127.0.0.1:8080'], 'x');
    assert.ok(perms.allowsUrl('https://github.com/a') && perms.allowsUrl('https://GitHub.com:444/a') && perms.allowsUrl('http://github.com/'));
    assert.ok(!perms.allowsUrl('https://api.github.com/') && !perms.allowsUrl('https://github.com.evil.test/') && !perms.allowsUrl('https://evil.test/github.com'));
    assert.ok(perms.allowsUrl('https://dl.example.org/x') && perms.allowsUrl('https://a.b.example.org/') && !perms.allowsUrl('https://example.org/'));
    assert.ok(perms.allowsUrl('http://127.0.0.1:8080/') && !perms.allowsUrl('http://127.0.0.1:8081/') && !perms.allowsUrl('http://127.0.0.1/'));
    assert.ok(!perms.allowsUrl('file:///etc/passwd') && !perms.allowsUrl('not a url'));
    // Default ports count as written in a permission.
    assert.ok(PluginPermissions.parse(['net:x.test:443'], 'x').allowsUrl('https://x.test/'));
    assert.ok(PluginPermissions.parse(['net:[::1]'], 'x').allowsUrl('http://[::1]:3000/'));
  });

  it('env: read and write are separate, each for one name or all', () => {
    const perms = PluginPermissions.parse(['env:read:HOME', 'env:write'], 'x');
    assert.ok(perms.allowsEnvRead('HOME') && !perms.allowsEnvRead('HOMEPATH') && !perms.allowsEnvRead('TOKEN'));
    assert.ok(perms.allowsEnvWrite('PATH') && perms.allowsEnvWrite('ANY'));
  });

  it('the union of a manifest and a config list is unrestricted only when both are', () => {
    assert.equal(PluginPermissions.union(undefined, undefined), undefined);
    assert.deepEqual(PluginPermissions.union(['exec:git'], undefined), ['exec:git']);
    assert.deepEqual(PluginPermissions.union(undefined, []), []);
    assert.deepEqual(PluginPermissions.union(['exec:git', 'fs:cwd'], ['fs:cwd', 'net:*']), ['exec:git', 'fs:cwd', 'net:*']);
  });
});
