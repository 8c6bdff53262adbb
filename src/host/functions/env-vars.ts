/**
 * `get_env_var(String) -> String` and `set_env_var(String, String)` (plugin-api §6.2–§6.3).
 * Plugins see no environment through WASI; these are their only window onto it.
 */
import { delimiter } from 'node:path';
import { toReal } from '../virtual-paths.js';
import type { HostFunctionContext } from './context.js';

/** Unset reads as "" (the PDK maps "" to None). */
export function getEnvVar(ctx: HostFunctionContext, name: string): string {
  ctx.gate.checkEnvRead(name);
  return ctx.env[name] ?? '';
}

/**
 * Sets a variable for later commands and the tool run. `PATH` is special: the value is a list
 * (`:` or `;` separated) of virtual or real dirs, converted to real and APPENDED (proto 0.28.1+).
 */
export function setEnvVar(ctx: HostFunctionContext, name: string, value: string): void {
  ctx.gate.checkEnvWrite(name);
  if (name !== 'PATH') {
    ctx.env[name] = value;
    return;
  }
  const added = value
    .replace(/;/g, ':')
    .split(':')
    .filter(Boolean)
    .map((entry) => toReal(ctx.mapping, entry));
  const current = (ctx.env.PATH ?? '').split(delimiter).filter(Boolean);
  ctx.env.PATH = [...current, ...added.filter((entry) => !current.includes(entry))].join(delimiter);
}
