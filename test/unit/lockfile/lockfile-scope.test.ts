import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/index.js';
import { lockOwnerFor, planLockfiles } from '../../../src/lockfile/index.js';
import { useFileTrees } from '../../support/file-trees.js';

const { tree } = useFileTrees('proto-lockscope-');

async function filesOf(base: string, cwd: string, env: Record<string, string> = {}) {
  const { files } = await loadConfig({ cwd: join(base, cwd), protoHome: join(base, 'home/.proto'), homeDir: join(base, 'home'), env, includeGlobal: false });
  return files;
}

describe('which config owns which lockfile', () => {
  it('locks only configs that enable it; env files inherit the base setting; other lockfiles are stale', async () => {
    const base = tree({
      'home/.prototools': '[settings]\nlockfile = true\n', // home is never locked
      'home/repo/.prototools': 'node = "20"\n[settings]\nunstable-lockfile = true\n',
      'home/repo/.prototools.ci': 'node = "22"\n',
      'home/repo/app/.prototools': 'deno = "2"\n',
    });
    const files = await filesOf(base, 'home/repo/app', { PROTO_ENV: 'ci' });
    const plan = planLockfiles(files);
    const repo = join(base, 'home/repo');
    assert.deepEqual(plan.locked, [
      { configPath: join(repo, '.prototools.ci'), dir: repo, lockPath: join(repo, '.protolock.ci') },
      { configPath: join(repo, '.prototools'), dir: repo, lockPath: join(repo, '.protolock') },
    ]);
    assert.ok(plan.stale.includes(join(base, 'home/repo/app/.protolock')));
    assert.ok(plan.stale.includes(join(base, 'home/.protolock')));

    // The closest config pinning the tool owns its records: the env file here.
    assert.equal(lockOwnerFor(files, plan, 'node')?.lockPath, join(repo, '.protolock.ci'));
    // deno is pinned by app/.prototools, which has no lockfile: nothing records it.
    assert.equal(lockOwnerFor(files, plan, 'deno'), undefined);
  });

  it('an env file can turn the lockfile off for itself; ad-hoc tools go to the closest base config', async () => {
    const base = tree({
      'home/repo/.prototools': 'node = "20"\n[settings]\nlockfile = true\n',
      'home/repo/.prototools.dev': 'node = "22"\n[settings]\nlockfile = false\n',
    });
    const files = await filesOf(base, 'home/repo', { PROTO_ENV: 'dev' });
    const plan = planLockfiles(files);
    assert.deepEqual(plan.locked.map((l) => l.lockPath), [join(base, 'home/repo/.protolock')]);
    assert.equal(lockOwnerFor(files, plan, 'node'), undefined, 'the env file pins node and is not locked');
    assert.equal(lockOwnerFor(files, plan, 'bun')?.lockPath, join(base, 'home/repo/.protolock'), 'ad-hoc: the base file');
  });
});
