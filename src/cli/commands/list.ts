/**
 * `proto list [id]` (alias `ls`): installed versions per tool, read from each tool's
 * manifest.json (in the inventory its plugin names), newest first, marking the version that
 * applies in the cwd (detected as `proto run` would: env var, .prototools upward incl. global,
 * version files).
 */
import type { Command } from 'commander';
import { detectVersion, type DetectedVersion } from '../../detect/index.js';
import { log } from '../../log.js';
import type { Tool } from '../../tool/tool.js';
import { sortVersionStrings } from '../../version/index.js';
import { out } from '../output/colors.js';
import { formatColumns } from '../output/columns.js';
import { writeJson, writeNote, writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { installedNewestFirst, inventoriesInStore, resolveInstalled, toolInventory, type ToolInventory } from './common/installed-versions.js';
import { openSession } from './common/open-session.js';

export interface ListOptions {
  json?: boolean;
}

interface InstalledTool {
  id: string;
  /** `installedAt` in ms since the epoch; `--json` prints it as an ISO date. */
  versions: Array<{ version: string; installedAt: number | null }>;
  /** What applies in the cwd, and the installed version it resolves to (null when none does). */
  detected: { spec: string; source: string; version: string | null } | null;
}

export function registerListCommand(program: Command): void {
  program
    .command('list')
    .alias('ls')
    .description('List installed versions of every tool (or of one), marking the version that applies here.')
    .argument('[id]', 'only this tool')
    .option('--json', 'print { tools: [{ id, versions, detected }] } as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  proto list\n  proto ls node --json')
    .action((id: string | undefined, options: ListOptions) => openSession({}, (session) => list(session, id, options)));
}

export async function list(session: Session, id: string | undefined, options: ListOptions): Promise<void> {
  let entries: ToolInventory[];
  if (id === undefined) {
    entries = await inventoriesInStore(session);
  } else {
    const entry = await toolInventory(session, id);
    // An id that is neither installed nor known is a typo worth reporting (tool.unknown).
    if (!entry.tool && (await installedNewestFirst(entry.inventory)).length === 0) session.locatorFor(id);
    entries = [entry];
  }
  const tools = (await Promise.all(entries.map((entry) => describeTool(session, entry)))).filter(
    (tool) => id !== undefined || tool.versions.length > 0,
  );
  if (options.json) {
    writeJson({ tools: tools.map(withIsoDates) });
    return;
  }
  const installed = tools.filter((tool) => tool.versions.length > 0);
  if (installed.length === 0) {
    writeNote(id === undefined ? 'No tools are installed.' : `No version of ${id} is installed.`);
    return;
  }
  const palette = out();
  const lines: string[] = [];
  for (const tool of installed) {
    lines.push(palette.tool(tool.id));
    const rows = tool.versions.map(({ version }) => {
      const here = tool.detected?.version === version ? palette.success(`detected here (${tool.detected.spec} from ${tool.detected.source})`) : '';
      return [`  ${palette.version(version)}`, here];
    });
    lines.push(...formatColumns(rows));
  }
  writeResult(lines.join('\n'));
}

async function describeTool(session: Session, { id, inventory, tool }: ToolInventory): Promise<InstalledTool> {
  const manifest = await inventory.readManifest();
  const installed = sortVersionStrings(manifest.installed_versions, 'descending');
  const versions = installed.map((version) => {
    const at = manifest.versions[version]?.installed_at;
    return { version, installedAt: typeof at === 'number' ? at : null };
  });
  const detected = installed.length > 0 ? await detectHere(session, id, tool) : undefined;
  const version = detected ? await resolveInstalled(session, id, detected.spec, installed, inventory) : undefined;
  return { id, versions, detected: detected ? { spec: detected.spec, source: detected.source, version: version ?? null } : null };
}

/**
 * The `--json` form of a tool: install times as ISO dates. Only there: V8 reads the machine's
 * time zone on its first Date string (a file and a few readlinks), which the text never needs.
 */
function withIsoDates(tool: InstalledTool) {
  return { ...tool, versions: tool.versions.map(({ version, installedAt }) => ({ version, installedAt: installedAt === null ? null : new Date(installedAt).toISOString() })) };
}

/**
 * Detection with the tool's plugin (its version files), or from env and .prototools alone when
 * the plugin cannot be loaded here (e.g. it was configured in another project): listing what is
 * installed must not fail because of one tool.
 */
async function detectHere(session: Session, id: string, tool: Tool | undefined): Promise<DetectedVersion | undefined> {
  try {
    if (tool) return await session.detect(tool);
  } catch (error) {
    log('debug', 'list', `${id}: detecting without its plugin (${(error as Error).message})`);
  }
  try {
    return await detectVersion({ toolId: id, env: session.env, configFiles: session.loaded.files, strategy: session.config.settings.detectStrategy });
  } catch {
    return undefined;
  }
}
