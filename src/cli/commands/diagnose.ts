/**
 * `proto diagnose` (alias `doctor`): what would make tools resolve to the wrong place — shims or
 * bins missing from PATH, bins before shims (bins skip version detection), another executable of
 * the same name found on PATH before proto's shim, and stale links: shims without a registry entry
 * or whose tool has nothing installed, shims that start a proto or node that no longer exists,
 * bins pointing at removed versions. Errors make the command exit 1; warnings do not.
 */
import type { Command } from 'commander';
import { ProtoError } from '../../errors.js';
import { out } from '../output/colors.js';
import { writeJson, writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { openSession } from './common/open-session.js';

interface Issue {
  level: 'error' | 'warning';
  message: string;
  hint: string;
}

export function registerDiagnoseCommand(program: Command): void {
  program
    .command('diagnose')
    .alias('doctor')
    .description('Find problems with PATH order, shims and bins that make tools resolve to the wrong place.')
    .option('--json', 'print { errors: [...], warnings: [...] } as JSON on stdout')
    .addHelpText('after', '\nExit code 1 when an error is found (warnings alone exit 0).\n\nExamples:\n  proto diagnose\n  proto doctor --json')
    .action((options: { json?: boolean }) => openSession({}, (session) => diagnose(session, options)));
}

async function diagnose(session: Session, options: { json?: boolean }): Promise<void> {
  const issues = [...(await checkPath(session)), ...(await checkLinks(session))];
  const errors = issues.filter((issue) => issue.level === 'error').map(({ message, hint }) => ({ message, hint }));
  const warnings = issues.filter((issue) => issue.level === 'warning').map(({ message, hint }) => ({ message, hint }));
  if (options.json) {
    writeJson({ errors, warnings });
  } else {
    const palette = out();
    const lines = issues.length === 0 ? [palette.success('No problems found.')] : [];
    for (const issue of issues) {
      lines.push(`${issue.level === 'error' ? palette.error('error') : palette.warn('warning')}: ${issue.message}`, `  ${palette.bold('hint')}: ${issue.hint}`);
    }
    writeResult(lines.join('\n'));
  }
  if (errors.length > 0) {
    // The report is printed; the error only sets the exit code (and says so on stderr).
    throw new ProtoError('diagnose.problems_found', `${errors.length} ${errors.length === 1 ? 'problem' : 'problems'} found (see above).`, {
      hint: 'Fix the errors listed, then run `proto diagnose` again.',
    });
  }
}

async function checkPath(session: Session): Promise<Issue[]> {
  const { delimiter } = await import('node:path');
  const { readShimRegistry } = await import('../../link/index.js');
  const { findOnPath } = await import('../../install/system-tools.js');
  const { store } = session;
  const path = (session.env.PATH ?? '').split(delimiter).filter(Boolean);
  const shimsAt = path.indexOf(store.shimsDir);
  const binAt = path.indexOf(store.binDir);
  const activated = (session.env._PROTO_ACTIVATED_PATH ?? '') !== '';
  const issues: Issue[] = [];
  if (shimsAt === -1 && binAt === -1 && !activated) {
    issues.push({
      level: 'warning',
      message: `Neither ${store.shimsDir} nor ${store.binDir} is on PATH, and proto is not activated in this shell.`,
      hint: `Add \`export PATH="${store.shimsDir}:${store.binDir}:$PATH"\` to your shell profile, or \`eval "$(proto activate bash)"\`.`,
    });
  } else if (shimsAt === -1 && !activated) {
    issues.push({ level: 'warning', message: `${store.shimsDir} is not on PATH: tools run without version detection.`, hint: `Put ${store.shimsDir} on PATH, before ${store.binDir}.` });
  }
  if (binAt !== -1 && shimsAt !== -1 && binAt < shimsAt) {
    issues.push({
      level: 'warning',
      message: `${store.binDir} comes before ${store.shimsDir} on PATH: bins skip version detection, so .prototools pins are ignored.`,
      hint: `Put ${store.shimsDir} first.`,
    });
  }
  if (shimsAt !== -1) {
    const before = path.slice(0, shimsAt).join(delimiter);
    for (const name of Object.keys(await readShimRegistry(store)).sort()) {
      const found = findOnPath(name, before, session.env);
      if (found && !found.startsWith(`${store.root}/`)) {
        issues.push({
          level: 'error',
          message: `\`${name}\` runs ${found}, found on PATH before proto's shim ${store.shimsDir}/${name}.`,
          hint: `Move ${store.shimsDir} before ${found.slice(0, found.lastIndexOf('/'))} on PATH, or remove that ${name}.`,
        });
      }
    }
  }
  return issues;
}

async function checkLinks(session: Session): Promise<Issue[]> {
  const { existsSync, promises: fs } = await import('node:fs');
  const { join } = await import('node:path');
  const { readShimRegistry, shimLauncher } = await import('../../link/index.js');
  const { toolInventory } = await import('./common/installed-versions.js');
  type ShimRegistry = Awaited<ReturnType<typeof readShimRegistry>>;
  const { store } = session;
  const issues: Issue[] = [];
  const registry: ShimRegistry = await readShimRegistry(store).catch((error: Error) => {
    issues.push({ level: 'error', message: `${store.shimsDir}/registry.json cannot be read: ${error.message}`, hint: 'Run `proto regen` to rewrite it.' });
    return {};
  });
  const regen = 'Run `proto regen` to rewrite the shims.';
  for (const name of (await fs.readdir(store.shimsDir).catch(() => [] as string[])).sort()) {
    if (name.startsWith('.') || name === 'registry.json' || name.includes('.tmp-') || name.endsWith('.tmp')) continue; // temp files of a write in progress
    const shim = join(store.shimsDir, name);
    if (!Object.hasOwn(registry, name)) {
      issues.push({ level: 'warning', message: `The shim ${shim} is not in the shim registry (stale).`, hint: regen });
      continue;
    }
    const owner = registry[name]!.context ?? name;
    const { inventory } = await toolInventory(session, owner);
    if ((await inventory.readManifest().catch(() => undefined))?.installed_versions.length === 0) {
      issues.push({ level: 'warning', message: `The shim ${shim} belongs to ${owner}, which has no installed version (stale).`, hint: regen });
    }
    const script = await fs.readFile(shim, 'utf8').catch(() => '');
    const launcher = shimLauncher(script);
    const missing = launcher && [launcher.node, launcher.cli].find((path) => !existsSync(path));
    if (missing) issues.push({ level: 'error', message: `The shim ${shim} starts ${missing}, which no longer exists.`, hint: regen });
  }
  for (const name of Object.keys(registry).sort()) {
    if (!existsSync(join(store.shimsDir, name))) issues.push({ level: 'warning', message: `The shim registry lists ${name}, but ${store.shimsDir}/${name} is missing.`, hint: regen });
  }
  for (const name of (await fs.readdir(store.binDir).catch(() => [] as string[])).sort()) {
    const path = join(store.binDir, name);
    const stat = await fs.lstat(path).catch(() => undefined);
    if (stat?.isSymbolicLink() && !existsSync(path)) {
      issues.push({ level: 'warning', message: `The bin ${path} points at ${await fs.readlink(path)}, which no longer exists.`, hint: 'Run `proto regen --bin`.' });
    }
  }
  return issues;
}
