/**
 * The commands that look after the store, end to end: clean (and auto-clean, and `.last-used`
 * written by every run, a shim's fast path included), regen, diagnose, completions in real
 * shells, and debug env.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI, runFile } from '../support/cli.js';
import { skipWithout } from '../support/system-commands.js';
import { fixtureToolsConfig, useCliFixture, type CliSandbox } from './support/cli-sandbox.js';

const fixture = useCliFixture();
const DAY = 24 * 60 * 60 * 1000;


async function installed(sandbox: CliSandbox, versions: string[]): Promise<void> {
  for (const version of versions) {
    const result = await sandbox.run(['install', 'disttool', version]);
    assert.equal(result.code, 0, result.stderr);
  }
}

/** Makes a version look last used `days` ago (content and mtime, as proto and our shims write it). */
function usedDaysAgo(sandbox: CliSandbox, version: string, days: number): void {
  const file = join(sandbox.protoHome, `tools/disttool/${version}/.last-used`);
  const when = Date.now() - days * DAY;
  writeFileSync(file, String(when));
  utimesSync(file, new Date(when), new Date(when));
}

describe('proto clean', { concurrency: true }, () => {
  it('removes versions, plugins and temp files unused for N days, asking first; keeps pinned versions', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url, pin: '2.1.0' } }));
    await installed(sandbox, ['1.0.0', '1.4.2', '2.1.0']);
    usedDaysAgo(sandbox, '1.0.0', 40);
    usedDaysAgo(sandbox, '2.1.0', 40);
    const run = await sandbox.run(['run', 'disttool', '1.4.2']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(Date.now() - Number(sandbox.read('.proto/tools/disttool/1.4.2/.last-used')) < 60_000, 'proto run wrote .last-used');
    const oldPlugin = join(sandbox.protoHome, 'plugins/old-plugin.wasm');
    mkdirSync(join(sandbox.protoHome, 'plugins'), { recursive: true });
    writeFileSync(oldPlugin, 'x'.repeat(1000));
    utimesSync(oldPlugin, new Date(Date.now() - 40 * DAY), new Date(Date.now() - 40 * DAY));
    const oldTemp = join(sandbox.protoHome, 'temp/disttool/leftover');
    mkdirSync(oldTemp, { recursive: true });
    writeFileSync(join(oldTemp, 'download.tar.gz'), 'partial');
    utimesSync(oldTemp, new Date(Date.now() - 40 * DAY), new Date(Date.now() - 40 * DAY));

    const refused = await sandbox.run(['clean']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error\[cli\.confirmation_required\]: Remove 1 tool version unused for 30 days \(disttool 1\.0\.0\)\?/m);
    assert.ok(existsSync(join(sandbox.protoHome, 'tools/disttool/1.0.0')));

    const cleaned = await sandbox.run(['clean', '--yes']);
    assert.equal(cleaned.code, 0, cleaned.stderr);
    assert.match(cleaned.stdout, /^removed disttool 1\.0\.0 \([\d.]+ (B|KiB)\)$/m);
    assert.match(cleaned.stdout, /^removed plugin .*old-plugin\.wasm \(1000 B\)$/m);
    assert.match(cleaned.stdout, /^removed 1 temp entry \(7 B\)$/m);
    assert.match(cleaned.stderr, /^Freed [\d.]+ (B|KiB)\.$/m);
    assert.ok(!existsSync(join(sandbox.protoHome, 'tools/disttool/1.0.0')));
    assert.ok(existsSync(join(sandbox.protoHome, 'tools/disttool/2.1.0')), 'pinned here: kept although unused');
    assert.ok(!existsSync(oldPlugin) && !existsSync(oldTemp));
    const list = await sandbox.run(['list', 'disttool', '--json']);
    assert.deepEqual((JSON.parse(list.stdout) as { tools: Array<{ versions: Array<{ version: string }> }> }).tools[0]!.versions.map((item) => item.version), ['2.1.0', '1.4.2']);

    const json = await sandbox.run(['clean', '--days', '0', '-y', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { tools: Array<{ id: string; version: string }>; bytes: number };
    assert.deepEqual(report.tools.map(({ id, version }) => `${id} ${version}`), ['disttool 1.4.2']);
    assert.ok(report.bytes > 0);
    const bad = await sandbox.run(['clean', '--days', 'many']);
    assert.match(bad.stderr, /^error\[cli\.invalid_option\]: --days must be a whole number of days, got "many"/m);
  });

  it('settings.auto-clean cleans after an install, without asking', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }, '[settings]\nauto-clean = true\n'));
    await installed(sandbox, ['1.0.0']);
    usedDaysAgo(sandbox, '1.0.0', 45);
    const result = await sandbox.run(['install', 'disttool', '2.1.0']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^auto-clean: removed disttool 1\.0\.0$/m);
    assert.ok(!existsSync(join(sandbox.protoHome, 'tools/disttool/1.0.0')));
  });

  it("a shim's fast path touches .last-used", async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url, pin: '2.1.0' } }));
    await installed(sandbox, ['2.1.0']);
    const shim = join(sandbox.protoHome, 'shims/disttool');
    const first = await runFile(shim, ['a'], { cwd: sandbox.cwd, env: sandbox.env });
    assert.equal(first.code, 0, first.stderr);
    const entry = readFileSync(join(sandbox.protoHome, 'shims/.cache/disttool', sandbox.cwd, '@entry'), 'utf8');
    assert.match(entry, /^\[ -n "\$\{PROTO_SKIP_USED_AT-\}" \] \|\| true 2>\/dev\/null >.*\/tools\/disttool\/2\.1\.0\/\.last-used \|\| true$/m);
    const lastUsed = () => statSync(join(sandbox.protoHome, 'tools/disttool/2.1.0/.last-used')).mtimeMs;
    usedDaysAgo(sandbox, '2.1.0', 10);
    // PROTO_SKIP_USED_AT: the fast path runs the tool and leaves .last-used alone, as `proto run` does.
    const skipped = await runFile(shim, ['s'], { cwd: sandbox.cwd, env: { ...sandbox.env, PROTO_SKIP_USED_AT: '1' } });
    assert.equal(skipped.stdout, 'disttool 2.1.0 s\n');
    assert.ok(Date.now() - lastUsed() > 9 * 86_400_000, 'PROTO_SKIP_USED_AT left .last-used as it was');
    const warm = await runFile(shim, ['b'], { cwd: sandbox.cwd, env: sandbox.env });
    assert.equal(warm.stdout, 'disttool 2.1.0 b\n');
    assert.ok(Date.now() - lastUsed() < 60_000);
  });
});

describe('proto regen', { concurrency: true }, () => {
  it('rewrites shims (and with --bin, bins) and drops shims of tools with nothing installed', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    await installed(sandbox, ['1.4.2', '2.1.0']);
    const shims = join(sandbox.protoHome, 'shims');
    rmSync(join(shims, 'dtx'));
    writeFileSync(join(shims, 'registry.json'), JSON.stringify({ disttool: {}, dtx: { context: 'disttool' }, ghost: { context: 'ghosttool' } }));
    writeFileSync(join(shims, 'ghost'), '#!/bin/sh\n');
    rmSync(join(sandbox.protoHome, 'bin'), { recursive: true });
    const result = await sandbox.run(['regen', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { shims: ['disttool', 'dtx'], bins: [], removed: ['ghost'], skipped: [] });
    assert.ok(existsSync(join(shims, 'dtx')) && !existsSync(join(shims, 'ghost')));
    assert.ok(!existsSync(join(sandbox.protoHome, 'bin/disttool')), 'bins are only rebuilt with --bin');
    const withBins = await sandbox.run(['regen', '--bin']);
    assert.equal(withBins.code, 0, withBins.stderr);
    assert.match(withBins.stdout, /^bins: disttool, disttool-1, disttool-1\.4, disttool-2, disttool-2\.1, dtx, /m);
    assert.equal(execFileSync(join(sandbox.protoHome, 'bin/disttool-1'), ['x'], { encoding: 'utf8' }), 'disttool 1.4.2 x\n');

    // A tool whose plugin cannot be loaded keeps its bins; a link into no installed tool goes.
    symlinkSync(join(sandbox.root, 'gone', 'tool'), join(sandbox.protoHome, 'bin/stale'));
    sandbox.writeConfig(`[plugins.tools]\ndisttool = "file://${join(sandbox.root, 'missing.wasm')}"\n`);
    const broken = await sandbox.run(['regen', '--bin', '--json']);
    assert.equal(broken.code, 0, broken.stderr);
    assert.deepEqual((JSON.parse(broken.stdout) as { skipped: Array<{ id: string }> }).skipped.map((entry) => entry.id), ['disttool']);
    assert.equal(execFileSync(join(sandbox.protoHome, 'bin/disttool-1'), ['x'], { encoding: 'utf8' }), 'disttool 1.4.2 x\n');
    assert.throws(() => readlinkSync(join(sandbox.protoHome, 'bin/stale')), /ENOENT/);
  });
  it('writes the shim registry once for all tools, also when one of them is skipped, and leaves it complete', async () => {
    // Each depman tool's exe is named after it; disttool's are disttool and dtx.
    let config = '';
    const sandbox = fixture.sandboxWith(
      (url) =>
        (config = fixtureToolsConfig({
          disttool: { distUrl: url, pin: '2.1.0' },
          npmish: { distUrl: url, pin: '2.1.0', plugin: 'depman' },
          pnpmish: { distUrl: url, pin: '2.1.0', plugin: 'depman' },
        })),
    );
    const install = await sandbox.run(['install']);
    assert.equal(install.code, 0, install.stderr);
    const shims = join(sandbox.protoHome, 'shims');
    const readRegistry = () => JSON.parse(readFileSync(join(shims, 'registry.json'), 'utf8')) as Record<string, { context?: string }>;
    const complete = readRegistry();
    assert.deepEqual(Object.keys(complete), ['disttool', 'dtx', 'npmish', 'pnpmish']);
    // What regen mends: a lost entry and its shim, a stale one. pnpmish's plugin is gone: skipped, it keeps its shim.
    const { dtx: _lost, ...damaged } = complete;
    writeFileSync(join(shims, 'registry.json'), JSON.stringify({ ...damaged, ghost: { context: 'ghosttool' } }));
    rmSync(join(shims, 'dtx'));
    writeFileSync(join(shims, 'ghost'), '#!/bin/sh\n');
    sandbox.writeConfig(config.replace(/^pnpmish = "file:\/\/.*"$/m, `pnpmish = "file://${join(sandbox.root, 'missing.wasm')}"`));
    const updates = (stderr: string) => stderr.split('\n').filter((line) => /^\[TRACE shims\] .*registry\.json (written|unchanged)/.test(line));

    const result = await sandbox.run(['--log', 'trace', 'regen', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { shims: string[]; removed: string[]; skipped: Array<{ id: string }> };
    assert.deepEqual(report.shims, ['disttool', 'dtx', 'npmish']);
    assert.deepEqual(report.removed, ['ghost']);
    assert.deepEqual(report.skipped.map((entry) => entry.id), ['pnpmish']);
    // One update (a lock, a read and a write) for the stale owner and the three tools, not one or two per tool.
    const written = updates(result.stderr);
    assert.equal(written.length, 1, result.stderr);
    assert.match(written[0]!, /written \(4 entries\)$/);
    assert.deepEqual(readRegistry(), complete);
    for (const name of ['disttool', 'dtx', 'npmish', 'pnpmish']) assert.ok(existsSync(join(shims, name)), name);
    assert.ok(!existsSync(join(shims, 'ghost')));

    // Nothing to mend: the registry is read, not written.
    const again = await sandbox.run(['--log', 'trace', 'regen']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(updates(again.stderr).map((line) => line.replace(/^.*registry\.json /, '')), ['unchanged']);
    assert.deepEqual(readRegistry(), complete);
  });
});

describe('proto diagnose', { concurrency: true }, () => {
  it('finds PATH order problems, missing PATH entries and stale shims and bins', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    await installed(sandbox, ['2.1.0']);
    const shims = join(sandbox.protoHome, 'shims');
    const bin = join(sandbox.protoHome, 'bin');
    const clean = await sandbox.run(['diagnose'], { env: { PATH: `${shims}:${bin}:/usr/bin:/bin` } });
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(clean.stdout, 'No problems found.\n');
    // The temp file of a shim being written (writeFileAtomic's name) is not a stale shim.
    writeFileSync(join(shims, `disttool.${process.pid}.0123456789ab.tmp`), '#!/bin/sh\n');
    const writing = await sandbox.run(['diagnose'], { env: { PATH: `${shims}:${bin}:/usr/bin:/bin` } });
    assert.equal(writing.stdout, 'No problems found.\n', writing.stderr);
    rmSync(join(shims, `disttool.${process.pid}.0123456789ab.tmp`));

    const other = join(sandbox.root, 'other-bin');
    mkdirSync(other);
    writeFileSync(join(other, 'disttool'), '#!/bin/sh\n');
    chmodSync(join(other, 'disttool'), 0o755);
    writeFileSync(join(shims, 'ghost'), '#!/bin/sh\n');
    symlinkSync(join(sandbox.protoHome, 'tools/disttool/9.9.9/bin/disttool'), join(bin, 'disttool-9'));
    const [problems, missing] = await Promise.all([
      sandbox.run(['diagnose', '--json'], { env: { PATH: `${other}:${bin}:${shims}:/usr/bin:/bin` } }),
      sandbox.run(['doctor'], { env: { PATH: '/usr/bin:/bin' } }),
    ]);
    assert.equal(problems.code, 1);
    const report = JSON.parse(problems.stdout) as { errors: Array<{ message: string }>; warnings: Array<{ message: string }> };
    assert.deepEqual(report.errors.map((error) => error.message), [`\`disttool\` runs ${join(other, 'disttool')}, found on PATH before proto's shim ${shims}/disttool.`]);
    const warnings = report.warnings.map((warning) => warning.message).join('\n');
    assert.match(warnings, /comes before .*shims on PATH: bins skip version detection/);
    assert.match(warnings, /The shim .*\/ghost is not in the shim registry/);
    assert.match(warnings, /The bin .*disttool-9 points at .*9\.9\.9.*, which no longer exists/);
    assert.match(problems.stderr, /^error\[diagnose\.problems_found\]: 1 problem found/m);
    assert.equal(missing.code, 0, 'warnings alone exit 0');
    assert.match(missing.stdout, /^warning: Neither .*shims nor .*bin is on PATH, and proto is not activated in this shell\.$/m);
  });
  it("reports a shim whose node no longer exists, whatever characters the node's path holds", async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    await installed(sandbox, ['2.1.0']);
    const shims = join(sandbox.protoHome, 'shims');
    const shim = join(shims, 'disttool');
    // As if the shim had been written by a proto running on a node that has since been removed.
    const lines = readFileSync(shim, 'utf8').trimEnd().split('\n');
    const gone = join(sandbox.root, "gone dir/it's/node");
    lines[lines.length - 1] = lines.at(-1)!.replace(/^exec \S+/, `exec '${gone.replace(/'/g, `'\\''`)}'`);
    writeFileSync(shim, `${lines.join('\n')}\n`);
    const result = await sandbox.run(['diagnose', '--json'], { env: { PATH: `${shims}:${join(sandbox.protoHome, 'bin')}:/usr/bin:/bin` } });
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout) as { errors: Array<{ message: string }> };
    assert.deepEqual(report.errors.map((error) => error.message), [`The shim ${shim} starts ${gone}, which no longer exists.`]);
  });
});

describe('proto completions', { concurrency: true }, () => {
  it('bash: completes commands, subcommands, options and installed tool ids', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    await installed(sandbox, ['2.1.0']);
    const complete = (words: string) =>
      `COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _proto; echo "\${COMPREPLY[*]}"`;
    const script = [
      `source <("${process.execPath}" "${CLI}" completions bash)`,
      complete('proto ver'),
      complete('proto plugin l'),
      complete('proto bin d'),
      complete('proto outdated --up'),
      complete('proto --js'),
    ].join('\n');
    const result = await runFile('bash', ['-c', script], { cwd: sandbox.cwd, env: sandbox.env });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\n'), ['versions', 'list ls', 'disttool', '--update', '--json', '']);
  });

  it('fish and zsh scripts load, and an unknown shell is refused', skipWithout('fish', 'zsh'), async () => {
    const sandbox = fixture.sandboxWith('');
    const fish = await runFile('fish', ['-c', `"${process.execPath}" "${CLI}" completions fish | source; complete -C'proto stat'`], { cwd: sandbox.cwd, env: sandbox.env });
    assert.equal(fish.code, 0, fish.stderr);
    assert.match(fish.stdout, /^status\tList the tools configured here/m);
    const zsh = await runFile('zsh', ['-c', `autoload -Uz compinit && compinit -u; source <("${process.execPath}" "${CLI}" completions zsh); whence -w _proto`], { cwd: sandbox.cwd, env: sandbox.env });
    assert.equal(zsh.code, 0, zsh.stderr);
    assert.match(zsh.stdout, /_proto: function/);
    const bad = await sandbox.run(['completions', 'tcsh']);
    assert.match(bad.stderr, /^error\[completions\.unknown_shell\]: proto has no completions for the shell "tcsh"\./m);
  });
});

describe('proto debug env', () => {
  it('shows the store, the proto variables and the machine', async () => {
    const sandbox = fixture.sandboxWith('');
    const result = await sandbox.run(['debug', 'env', '--json'], { env: { PROTO_OFFLINE: '1' } });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { store: Record<string, string>; env: Record<string, string>; system: Record<string, unknown>; configFiles: string[] };
    assert.equal(report.store.root, sandbox.protoHome);
    assert.equal(report.store.shims, join(sandbox.protoHome, 'shims'));
    assert.equal(report.env.PROTO_OFFLINE, '1');
    assert.equal(report.env.PROTO_HOME, sandbox.protoHome);
    assert.equal(report.system.node, process.version);
    assert.deepEqual(report.configFiles, [join(sandbox.cwd, '.prototools')]);
    const human = await sandbox.run(['debug', 'env']);
    assert.match(human.stdout, /^store\n {2}root +.*\.proto$/m);
  });
});
