/**
 * Schema (non-WASM) plugins end to end: five manifests shaped like published community plugins
 * (fixtures/schema-plugins/), installed by the built CLI from a local dist server (their real
 * https URLs reach it through [settings.url-rewrites]), versions read from real git repositories
 * (made with the system `git`, reached through git's own `insteadOf`) and from a JSON release API,
 * then run through their shims.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { detectHost } from '../../src/host/index.js';
import { rustArchName } from '../../src/protocol/index.js';
import { startDistServer, type DistServer } from '../../test-utils/index.js';
import { makeTar, makeZip, writeTree } from '../support/archives.js';
import { ensureCliBuilt, runFile } from '../support/cli.js';
import { repoRoot } from '../support/fixtures.js';
import { generateMinisignKey, signFile } from '../support/minisign.js';
import { hasCommand, run, skipWithout } from '../support/system-commands.js';
import { createCliSandbox, type CliSandbox } from './support/cli-sandbox.js';

const host = detectHost();
const rustArch = rustArchName(host.arch);
const goArch = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[host.arch] ?? host.arch;
const manifests = join(repoRoot, 'fixtures/schema-plugins');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const script = (text: string) => ({ content: `#!/bin/sh\n${text}\n`, mode: 0o755 });

describe('schema plugins (TOML, JSON, YAML) installed and run through shims', { skip: process.platform !== 'linux' && 'the fixture releases are built for Linux' }, () => {
  let server: DistServer;
  let sandbox: CliSandbox;
  let work: string;
  /** git's `url.<base>.insteadOf`: https://github.com/<owner>/<repo> → a local repository. */
  let gitEnv: Record<string, string> = {};

  /** Adds a release file to the dist server under `path` (the file on disk, for checksums). */
  const serve = (path: string, file: string) => server.setFile(path, readFileSync(file));

  function gitRepo(name: string, tags: string[]): void {
    const dir = join(work, 'git', name);
    mkdirSync(dir, { recursive: true });
    const git = (...args: string[]) => run('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q');
    git('commit', '-q', '--allow-empty', '-m', 'release');
    // Annotated and lightweight tags, as real repositories mix them (ls-remote peels the former).
    tags.forEach((tag, index) => (index % 2 === 0 ? git('tag', '-a', tag, '-m', tag) : git('tag', tag)));
  }

  before(async () => {
    await ensureCliBuilt();
    sandbox = createCliSandbox();
    work = join(sandbox.root, 'upstream');
    server = await startDistServer();

    // ripgrep 14.1.0: tar.gz with a target-triple top folder, and a .sha256 file per archive.
    const rg = `ripgrep-14.1.0-${rustArch}-unknown-linux-musl`;
    writeTree(work, { [`${rg}/rg`]: script('echo "ripgrep 14.1.0 $*"'), [`${rg}/doc/rg.1`]: 'man page\n' });
    const rgArchive = makeTar(work, join(work, `${rg}.tar.gz`), 'tar.gz', { members: [rg] });
    serve(`/github/BurntSushi/ripgrep/releases/download/14.1.0/${rg}.tar.gz`, rgArchive);
    server.setFile(`/github/BurntSushi/ripgrep/releases/download/14.1.0/${rg}.tar.gz.sha256`, `${sha256(readFileSync(rgArchive))}  ${rg}.tar.gz\n`);

    // gh 2.40.1: Go-style arch names; one checksums file listing every asset of the release.
    const gh = `gh_2.40.1_linux_${goArch}`;
    writeTree(work, { [`${gh}/bin/gh`]: script('echo "gh 2.40.1 notifier=${GH_NO_UPDATE_NOTIFIER:-unset} $*"'), [`${gh}/LICENSE`]: 'MIT\n' });
    const ghArchive = makeTar(work, join(work, `${gh}.tar.gz`), 'tar.gz', { members: [gh] });
    serve(`/github/cli/cli/releases/download/v2.40.1/${gh}.tar.gz`, ghArchive);
    server.setFile(
      '/github/cli/cli/releases/download/v2.40.1/gh_2.40.1_checksums.txt',
      `${'0'.repeat(64)}  gh_2.40.1_linux_386.deb\n${sha256(readFileSync(ghArchive))}  ${gh}.tar.gz\n`,
    );

    // jq 1.7.1: a bare executable, no archive.
    const jq = join(work, `jq-linux-${goArch}`);
    writeFileSync(jq, '#!/bin/sh\necho "jq-1.7.1 $*"\n');
    chmodSync(jq, 0o755);
    serve(`/github/jqlang/jq/releases/download/jq-1.7.1/jq-linux-${goArch}`, jq);
    server.setFile('/github/jqlang/jq/releases/download/jq-1.7.1/sha256sum.txt', `${sha256(readFileSync(jq))}  jq-linux-${goArch}\n${'1'.repeat(64)}  jq-windows-amd64.exe\n`);

    if (hasCommand('git')) {
      gitRepo('BurntSushi/ripgrep', ['13.0.0', '14.0.3', '14.1.0']);
      gitRepo('cli/cli', ['v2.39.2', 'v2.40.0', 'v2.40.1', 'v2.41.0-rc.1', 'cli-docs-2']);
      gitRepo('jqlang/jq', ['jq-1.6', 'jq-1.7', 'jq-1.7.1', 'jq-1.7rc1']);
      gitEnv = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `url.${join(work, 'git')}/.insteadOf`, GIT_CONFIG_VALUE_0: 'https://github.com/' };
    }

    // terraform 1.6.6: a zip without top folder; versions from the release API.
    if (hasCommand('zip')) {
      const tf = join(work, 'tf');
      writeTree(tf, { terraform: script('echo "Terraform v1.6.6 $*"') });
      const tfZip = makeZip(tf, join(work, `terraform_1.6.6_linux_${goArch}.zip`), ['terraform']);
      serve(`/hashicorp/terraform/1.6.6/terraform_1.6.6_linux_${goArch}.zip`, tfZip);
      server.setFile('/hashicorp/terraform/1.6.6/terraform_1.6.6_SHA256SUMS', `${sha256(readFileSync(tfZip))}  terraform_1.6.6_linux_${goArch}.zip\n`);
      server.setFile(
        '/hashicorp-api/v1/releases/terraform',
        JSON.stringify([{ version: '1.7.0-alpha20231025', is_prerelease: true }, { version: '1.6.6' }, { version: '1.5.7' }]),
      );
    }

    // zig 0.11.0: tar.xz signed with a fresh minisign key; the manifest itself is fetched by URL.
    if (hasCommand('minisign') && hasCommand('xz')) {
      const zig = `zig-linux-${rustArch}-0.11.0`;
      writeTree(work, { [`${zig}/zig`]: script('echo "zig 0.11.0 $*"'), [`${zig}/lib/std/std.zig`]: 'pub fn main() void {}\n' });
      const zigArchive = makeTar(work, join(work, `${zig}.tar.xz`), 'tar.xz', { members: [zig] });
      const key = generateMinisignKey(work, 'zig');
      signFile(key, zigArchive, `${zigArchive}.minisig`);
      serve(`/zig/download/0.11.0/${zig}.tar.xz`, zigArchive);
      serve(`/zig/download/0.11.0/${zig}.tar.xz.minisig`, `${zigArchive}.minisig`);
      server.setFile('/plugins/zig.yml', readFileSync(join(manifests, 'zig.yml'), 'utf8').replace('@ZIG_PUBLIC_KEY@', key.publicKey));
    }

    sandbox.writeConfig(
      [
        'rg = "14"',
        'gh = "2.40"',
        'jq = "stable"',
        'terraform = "~1.6"',
        'zig = "0.11"',
        '',
        '[plugins.tools]',
        `rg = "file://${join(manifests, 'ripgrep.toml')}"`,
        `gh = "file://${join(manifests, 'gh.toml')}"`,
        `jq = "file://${join(manifests, 'jq.json')}"`,
        `terraform = "file://${join(manifests, 'terraform.yaml')}"`,
        `zig = "${server.urlFor('/plugins/zig.yml')}"`,
        '',
        '[settings]',
        'lockfile = true',
        '',
        '[settings.url-rewrites]',
        `"^https://github\\\\.com/" = "${server.url}/github/"`,
        `"^https://releases\\\\.hashicorp\\\\.com/" = "${server.url}/hashicorp/"`,
        `"^https://api\\\\.releases\\\\.hashicorp\\\\.com/" = "${server.url}/hashicorp-api/"`,
        `"^https://ziglang\\\\.org/" = "${server.url}/zig/"`,
        '',
      ].join('\n'),
    );
  });

  after(async () => {
    await server?.close();
    sandbox?.cleanup();
  });

  const proto = (args: string[], env: Record<string, string> = {}) => sandbox.run(args, { env: { ...gitEnv, ...env } });
  const shim = (name: string, args: string[] = []) => runFile(join(sandbox.protoHome, 'shims', name), args, { cwd: sandbox.cwd, env: { ...sandbox.env, ...gitEnv } });

  it('git tags (no prefix, a "v" prefix with version-pattern, jq-* with git-tag-pattern): tar.gz with {arch} prefix + .sha256, mapped arch + checksums file, bare binary', skipWithout('git'), async () => {
    const listed = await proto(['list-remote', 'gh', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const versions = (JSON.parse(listed.stdout) as { versions: Array<string | { version: string }> }).versions.map((v) => (typeof v === 'string' ? v : v.version));
    assert.ok(versions.includes('2.41.0-rc.1') || !versions.includes('2.41.0'), JSON.stringify(versions));
    for (const version of ['2.39.2', '2.40.0', '2.40.1']) assert.ok(versions.includes(version), `${version} in ${listed.stdout}`);
    assert.ok(!versions.some((v) => v.includes('docs')), 'a tag the pattern does not match is not a version');

    for (const [id, version] of [['rg', '14.1.0'], ['gh', '2.40.1'], ['jq', '1.7.1']]) {
      const result = await proto(['install', id!]);
      assert.equal(result.code, 0, `${id}: ${result.stderr}`);
      assert.equal(result.stdout, `${id} ${version} installed\n`);
    }
    assert.equal((await shim('rg', ['--files'])).stdout, 'ripgrep 14.1.0 --files\n');
    assert.equal((await shim('gh', ['repo', 'view'])).stdout, 'gh 2.40.1 notifier=1 repo view\n', 'shim-env-vars reach the tool');
    assert.equal((await shim('jq', ['.name'])).stdout, 'jq-1.7.1 .name\n');
    // The archive prefix was stripped: the tool sits at the root of its product dir.
    assert.ok(readFileSync(join(sandbox.protoHome, 'tools/rg/14.1.0/doc/rg.1'), 'utf8'));
    // The lockfile records them like WASM tools, with the verified checksums.
    const lock = sandbox.read('workspace/.protolock');
    assert.match(lock, /\[\[tools\.jq\]\]\nos = "linux"\narch = "[a-z0-9]+"\nspec = "stable"\nversion = "1\.7\.1"\nchecksum = "sha256:[0-9a-f]{64}"/);
  });

  it('a YAML plugin with versions from a JSON release API, a zip, and a secondary shim with before/after args', skipWithout('zip'), async () => {
    const result = await proto(['install', 'terraform']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'terraform 1.6.6 installed\n');
    assert.equal((await shim('terraform', ['version'])).stdout, 'Terraform v1.6.6 version\n');
    assert.equal((await shim('tfplan', ['-out=plan'])).stdout, 'Terraform v1.6.6 plan -out=plan -no-color\n');
  });

  it('a YAML plugin fetched by URL: minisign-verified .tar.xz, static versions and aliases', skipWithout('minisign', 'xz'), async () => {
    const result = await proto(['install', 'zig']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'zig 0.11.0 installed\n');
    assert.equal((await shim('zig', ['build'])).stdout, 'zig 0.11.0 build\n');
    assert.match(sandbox.read('workspace/.protolock'), /\[\[tools\.zig\]\]\nos = "linux"\narch = "[a-z0-9]+"\nspec = "~0\.11"\nversion = "0\.11\.0"\nchecksum = "minisign:RW/);
  });
});
