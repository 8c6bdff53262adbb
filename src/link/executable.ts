/**
 * The file an `ExecutableConfig` names, and `update_perms` (spec §4.6, §6.6): plugins that write
 * their executable through WASI (node_depman writes `shims/npm`) cannot make it executable, so
 * they ask the host to. Every place that locates an executable to run or link goes through here.
 */
import { chmodSync, existsSync } from 'node:fs';
import { isExecutableFile } from '../install/system-tools.js';
import { join } from 'node:path';
import type { ExecutableConfig } from '../protocol/index.js';
import { realPathInsideDirs } from '../store/inside-dir.js';

/**
 * `<productDir>/<exe_path>` (`<productDir>/<fallback>` without one; proto falls back to the tool
 * id), made executable first when the plugin sets `update_perms` and it is not (mode 0755, as
 * proto does). Only a file inside the product dir is ever changed: an exe_path that climbs out
 * (`../x`) is a plugin's word we do not act on.
 */
export function preparedExecutable(productDir: string, config: ExecutableConfig, fallback: string): string {
  const path = executablePath(productDir, config, fallback);
  if (!config.update_perms || !existsSync(path) || isExecutableFile(path)) return path;
  // Resolved, so a symlink the plugin left in the product dir cannot carry the chmod elsewhere.
  const target = realPathInsideDirs(path, [productDir]);
  if (target) chmodSync(target, 0o755);
  return path;
}

/** `<productDir>/<exe_path>` (`<productDir>/<fallback>` without one), the file untouched. */
export function executablePath(productDir: string, config: ExecutableConfig, fallback: string): string {
  return join(productDir, config.exe_path ?? fallback);
}
