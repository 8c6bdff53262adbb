/**
 * The install-time import scan as the plugin manager uses it (`proto plugin install`, and
 * `proto plugin scan` for anyone): compile the module, scan its imports against a manifest's
 * permissions and requested_capabilities (`src/host/import-check.ts`), and word the report.
 */
import { readFile } from 'node:fs/promises';
import { ProtoError } from '../errors.js';
import { scanImports, type ScanPolicy, type ScanReport, type ScannedImport } from '../host/index.js';

/** Scans the `.wasm` at `path` (or its bytes). A file that is not WebAssembly is `plugin.load_failed`. */
export async function scanPluginModule(wasm: string | Uint8Array, policy: ScanPolicy, where = typeof wasm === 'string' ? wasm : 'the module'): Promise<ScanReport> {
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(typeof wasm === 'string' ? await readFile(wasm) : wasm);
  } catch (error) {
    throw new ProtoError('plugin.load_failed', `${where} is not a WebAssembly module: ${(error as Error).message}`, {
      hint: 'Scan a plugin .wasm file, or a locator that names one.',
    });
  }
  return scanImports(module, policy);
}

const VERDICT_ORDER: Record<ScannedImport['verdict'], number> = { 'hard-blocked': 0, blocked: 1, capability: 2, unrestricted: 3, gated: 4, ok: 5 };

/** One line per import, the blocked ones first: `blocked  extism:host/user.send_request: <why>`. */
export function describeScan(report: ScanReport): string[] {
  const width = Math.max(0, ...report.imports.map((entry) => entry.verdict.length));
  return [...report.imports]
    .sort((a, b) => VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict])
    .map((entry) => `${entry.verdict.padEnd(width)}  ${entry.module}.${entry.name}: ${entry.reason}`);
}

/** Refuses an install the scan blocked, naming each blocked import and why. */
export function refuseBlocked(name: string, version: string, report: ScanReport): void {
  if (!report.blocked) return;
  const blocked = report.imports.filter((entry) => entry.verdict === 'blocked' || entry.verdict === 'hard-blocked');
  const onlyOptIns = blocked.every((entry) => entry.verdict === 'blocked');
  throw new ProtoError(
    'plugin.scan_blocked',
    `${name} ${version} was not installed: the import scan blocked ${blocked.length} import${blocked.length === 1 ? '' : 's'}:\n  - ${blocked.map((entry) => `${entry.module}.${entry.name} (${entry.verdict}): ${entry.reason}`).join('\n  - ')}`,
    {
      hint: onlyOptIns
        ? 'The plugin manifest must declare the permissions its imports need (or list the imports in requested_capabilities); tell the plugin author. `proto plugin scan <file>` shows every import.'
        : 'Hard-blocked imports cannot be allowed: this module cannot be installed. Tell the plugin author; `proto plugin scan <file>` shows every import.',
    },
  );
}
