import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig, pinVersion, removeAlias, setAlias, unpinVersion } from '../../../src/config/index.js';
import { isProtoError } from '../../../src/errors.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'proto-edit-')));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => {
  const dir = join(root, `d${counter++}`);
  mkdirSync(dir);
  return dir;
};

const COMMENTED = `# team toolchain
node = "18" # old LTS

[tools.node.aliases]
# the work laptop
work = "^18"
`;

describe('pin, unpin and aliases on a .prototools file', () => {
  it('creates the file (and its directory) when missing, writing the canonical spec', async () => {
    const file = join(freshDir(), 'nested', '.prototools');
    assert.equal(await pinVersion(file, 'node', '20'), '~20');
    assert.equal(readFileSync(file, 'utf8'), 'node = "~20"\n');
  });

  it('changes only the pinned value, keeping comments byte for byte', async () => {
    const file = join(freshDir(), '.prototools');
    writeFileSync(file, COMMENTED);
    await pinVersion(file, 'node', 'v20.11.1');
    assert.equal(readFileSync(file, 'utf8'), COMMENTED.replace('node = "18"', 'node = "20.11.1"'));
  });

  it('unpins, and reports false (leaving no file) when there is nothing to remove', async () => {
    const dir = freshDir();
    const file = join(dir, '.prototools');
    assert.equal(await unpinVersion(file, 'node'), false);
    assert.deepEqual(readdirSync(dir), []);
    writeFileSync(file, COMMENTED);
    assert.equal(await unpinVersion(file, 'node'), true);
    assert.equal(readFileSync(file, 'utf8'), COMMENTED.replace('node = "18" # old LTS\n', ''));
    assert.equal(await unpinVersion(file, 'node'), false);
  });

  it('sets and removes aliases under [tools.<id>.aliases]', async () => {
    const file = join(freshDir(), '.prototools');
    writeFileSync(file, COMMENTED);
    assert.equal(await setAlias(file, 'node', 'home', '16'), '~16');
    assert.equal(readFileSync(file, 'utf8'), `${COMMENTED}home = "~16"\n`);
    assert.equal(await removeAlias(file, 'node', 'work'), true);
    assert.equal(readFileSync(file, 'utf8'), COMMENTED.replace('work = "^18"\n', '') + 'home = "~16"\n');
    const { config } = await loadConfig({ cwd: join(file, '..'), protoHome: join(root, 'none'), homeDir: root, env: {} });
    assert.deepEqual(config.tools.node?.aliases, { home: '~16' });
  });

  it('validates ids, specs and alias names before touching the file', async () => {
    const file = join(freshDir(), '.prototools');
    writeFileSync(file, COMMENTED);
    await assert.rejects(pinVersion(file, 'node', '1.2.3.4'), { code: 'version.invalid_spec' });
    await assert.rejects(pinVersion(file, 'bad id', '1'), { code: 'config.invalid_tool_id' });
    await assert.rejects(setAlias(file, 'node', '9lives', '1'), { code: 'config.invalid_alias' });
    await assert.rejects(setAlias(file, 'node', 'loop', 'loop'), { code: 'config.invalid_alias' });
    assert.equal(readFileSync(file, 'utf8'), COMMENTED);
  });

  it('refuses to edit a file that is not valid TOML, naming line and column', async () => {
    const file = join(freshDir(), '.prototools');
    writeFileSync(file, 'node = "18"\nbroken =\n');
    await assert.rejects(
      pinVersion(file, 'node', '20'),
      (error: unknown) => isProtoError(error, 'config.invalid_toml') && error.message.includes(`${file}:2:`),
    );
    assert.equal(readFileSync(file, 'utf8'), 'node = "18"\nbroken =\n');
  });

  it('leaves no temp files behind', async () => {
    const dir = freshDir();
    const file = join(dir, '.prototools');
    await pinVersion(file, 'node', '20');
    await setAlias(file, 'node', 'a', '1');
    await unpinVersion(file, 'node');
    assert.deepEqual(readdirSync(dir), ['.prototools']);
  });
});
