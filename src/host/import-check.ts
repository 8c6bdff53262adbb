/**
 * Checks a module's imports against what we provide BEFORE instantiating it.
 *
 * The SDK reports a missing import as an opaque TypeError (and in worker mode it can leave the
 * creation hanging), so we compare the import list ourselves and name what is missing.
 */
import { WASI } from 'node:wasi';
import { HOST_ENV_NAMESPACE, HOST_USER_NAMESPACE } from '../protocol/index.js';
import { SDK_KERNEL_FUNCTIONS, type ImportFunctions } from './functions/index.js';

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

/** Every import we cannot satisfy, with a reason a plugin author can act on. */
export function findUnsatisfiedImports(module: WebAssembly.Module, functions: ImportFunctions): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const kernel = new Set<string>([...SDK_KERNEL_FUNCTIONS, ...Object.keys(functions[HOST_ENV_NAMESPACE] ?? {})]);
  for (const entry of WebAssembly.Module.imports(module)) {
    const where = { module: entry.module, name: entry.name };
    if (entry.kind !== 'function') {
      problems.push({ ...where, reason: `imports a ${entry.kind}, but hosts only provide functions` });
      continue;
    }
    switch (entry.module) {
      case 'wasi_snapshot_preview1':
        if (!wasiFunctionNames().has(entry.name)) problems.push({ ...where, reason: 'is not a WASI preview1 function' });
        break;
      case HOST_ENV_NAMESPACE:
        if (!kernel.has(entry.name)) problems.push({ ...where, reason: 'is not an Extism kernel function we provide' });
        break;
      case HOST_USER_NAMESPACE:
        if (!(functions[HOST_USER_NAMESPACE] ?? {})[entry.name]) {
          problems.push({ ...where, reason: 'is not a proto host function (exec_command, get_env_var, set_env_var, host_log, send_request, from_virtual_path, to_virtual_path)' });
        }
        break;
      case 'env':
        problems.push({ ...where, reason: 'comes from the pre-1.0 Extism ABI (plugins built for proto < 0.28), which no current host runs' });
        break;
      default:
        problems.push({ ...where, reason: `comes from module "${entry.module}", which no proto host provides` });
    }
  }
  return problems;
}

export function describeImportProblems(problems: ImportProblem[]): string {
  return problems.map((p) => `"${p.module}.${p.name}" ${p.reason}`).join('; ');
}
