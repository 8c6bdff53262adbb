/**
 * Reading a module's imports, for two jobs:
 *
 * - at load time, `findUnsatisfiedImports`: the SDK reports a missing import as an opaque
 *   TypeError (and in worker mode it can leave the creation hanging), so we compare the import
 *   list ourselves and name what is missing;
 * - at install time (`proto plugin install`, `proto plugin scan`), `scanImports`: every import with
 *   a verdict and its reason, after Lumiverse's install-time scanner. Hard-blocked, with no opt-in:
 *   imports from any module but `extism:host/user`, `extism:host/env` and `wasi_snapshot_preview1`,
 *   WASI socket functions, and anything no host provides. Blocked unless the manifest lists it in
 *   `requested_capabilities`: a gated host function (`./permissions.ts`) whose permission family
 *   the manifest does not declare. A manifest that declares no permissions at all leaves the
 *   plugin unrestricted, and the scan says so for each gated import.
 */
import { WASI } from 'node:wasi';
import { HOST_ENV_NAMESPACE, HOST_USER_NAMESPACE } from '../protocol/index.js';
import { providedImports, type ImportFunctions } from './functions/index.js';
import { GATED_HOST_FUNCTIONS, PluginPermissions, permissionFamily, type GatedHostFunction } from './permissions.js';

const WASI_MODULE = 'wasi_snapshot_preview1';

let wasiNames: Set<string> | undefined;

/** The preview1 functions node:wasi implements (all of them). */
function wasiFunctionNames(): Set<string> {
  if (!wasiNames) {
    wasiNames = new Set(Object.keys(new WASI({ version: 'preview1' }).wasiImport));
  }
  return wasiNames;
}

export interface ImportProblem {
  module: string;
  name: string;
  reason: string;
}

/** The import names a host provides, per namespace. */
type ProvidedImports = Record<string, ReadonlySet<string>>;

/** Why `entry` cannot be linked against `provided`, or undefined when it can. */
function unsatisfiedReason(entry: WebAssembly.ModuleImportDescriptor, provided: ProvidedImports): string | undefined {
  if (entry.kind !== 'function') return `imports a ${entry.kind}, but hosts only provide functions`;
  switch (entry.module) {
    case WASI_MODULE:
      return wasiFunctionNames().has(entry.name) ? undefined : 'is not a WASI preview1 function';
    case HOST_ENV_NAMESPACE:
      return provided[HOST_ENV_NAMESPACE]?.has(entry.name) ? undefined : 'is not an Extism kernel function we provide';
    case HOST_USER_NAMESPACE:
      return provided[HOST_USER_NAMESPACE]?.has(entry.name) ? undefined : `is not a proto host function (${[...(provided[HOST_USER_NAMESPACE] ?? [])].join(', ')})`;
    case 'env':
      return 'comes from the pre-1.0 Extism ABI (plugins built for proto < 0.28), which no current host runs';
    default:
      return `comes from module "${entry.module}", which no proto host provides`;
  }
}

/** Every import we cannot satisfy, with a reason a plugin author can act on. */
export function findUnsatisfiedImports(module: WebAssembly.Module, functions: ImportFunctions): ImportProblem[] {
  const provided = providedImports(functions);
  return WebAssembly.Module.imports(module).flatMap((entry) => {
    const reason = unsatisfiedReason(entry, provided);
    return reason ? [{ module: entry.module, name: entry.name, reason }] : [];
  });
}

export function describeImportProblems(problems: ImportProblem[]): string {
  return problems.map((p) => `"${p.module}.${p.name}" ${p.reason}`).join('; ');
}

// ------------------------------------------------------------------ install-time scan

/**
 * - `ok`: nothing to gate (kernel memory and I/O, WASI files inside the mounts, host_log, paths);
 * - `gated`: a gated host function whose family the plugin declares: each call is checked;
 * - `unrestricted`: a gated host function of a plugin that declares no permissions at all;
 * - `capability`: a gated host function without its family, allowed by `requested_capabilities`
 *   (every call will be denied);
 * - `blocked`: a gated host function without its family and not requested: install refused;
 * - `hard-blocked`: never allowed, whatever the manifest says.
 */
export type ImportVerdict = 'ok' | 'gated' | 'unrestricted' | 'capability' | 'blocked' | 'hard-blocked';

export interface ScannedImport {
  module: string;
  name: string;
  verdict: ImportVerdict;
  reason: string;
}

export interface ScanPolicy {
  /** The manifest's `permissions`; undefined = declares none (unrestricted). */
  permissions?: readonly string[];
  /** The manifest's `requested_capabilities`. */
  requestedCapabilities?: readonly string[];
}

export interface ScanReport {
  imports: ScannedImport[];
  /** True when any import is `blocked` or `hard-blocked`. */
  blocked: boolean;
}

/** Scans every import of `module` against a manifest's permissions and capabilities. */
export function scanImports(module: WebAssembly.Module, policy: ScanPolicy): ScanReport {
  const provided = providedImports();
  const permissions = PluginPermissions.parse(policy.permissions, 'The manifest permissions');
  const capabilities = new Set(policy.requestedCapabilities ?? []);
  const imports = WebAssembly.Module.imports(module).map((entry): ScannedImport => {
    const where = { module: entry.module, name: entry.name };
    const hard = unsatisfiedReason(entry, provided) ?? socketReason(entry);
    if (hard) return { ...where, verdict: 'hard-blocked', reason: hard };
    const gated = gatedFunction(entry);
    if (!gated) return { ...where, verdict: 'ok', reason: entry.module === WASI_MODULE ? 'WASI: files inside the mounted directories only' : 'not gated' };
    return { ...where, ...gatedVerdict(gated, permissions, capabilities) };
  });
  return { imports, blocked: imports.some((entry) => entry.verdict === 'blocked' || entry.verdict === 'hard-blocked') };
}

/** WASI preview1 sockets would reach the network around the host's `net:` checks. */
function socketReason(entry: WebAssembly.ModuleImportDescriptor): string | undefined {
  return entry.module === WASI_MODULE && entry.name.startsWith('sock_')
    ? 'is a WASI socket function: plugins reach the network only through the host (send_request), where net: permissions apply'
    : undefined;
}

function gatedFunction(entry: WebAssembly.ModuleImportDescriptor): GatedHostFunction | undefined {
  const gatedIn = entry.name === 'http_request' ? HOST_ENV_NAMESPACE : HOST_USER_NAMESPACE;
  return entry.module === gatedIn && Object.hasOwn(GATED_HOST_FUNCTIONS, entry.name) ? (entry.name as GatedHostFunction) : undefined;
}

function gatedVerdict(fn: GatedHostFunction, permissions: PluginPermissions, capabilities: ReadonlySet<string>): Pick<ScannedImport, 'verdict' | 'reason'> {
  const family = GATED_HOST_FUNCTIONS[fn];
  if (!permissions.restricted) return { verdict: 'unrestricted', reason: 'the manifest declares no permissions, so its calls are not limited' };
  const declared = (permissions.declared ?? []).filter((permission) => permissionFamily(permission) === family);
  if (declared.length > 0) return { verdict: 'gated', reason: `calls are limited to ${declared.join(', ')}` };
  if (capabilities.has(fn)) {
    return { verdict: 'capability', reason: `no ${family} permission is declared; allowed by requested_capabilities, so every call will be denied` };
  }
  return {
    verdict: 'blocked',
    reason: `no ${family} permission is declared: declare the ${family}:… permission it needs, or list "${fn}" in requested_capabilities if a library imports it without calling it`,
  };
}
