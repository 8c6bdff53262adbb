/**
 * Legacy `from_virtual_path(String) -> String` and `to_virtual_path(String) -> Json<VirtualPath>`
 * (plugin-api §6.6), imported by plugins built for proto 0.28–0.59.
 */
import { toReal, toWirePath } from '../virtual-paths.js';
import type { HostFunctionContext } from './context.js';

export function fromVirtualPath(ctx: HostFunctionContext, path: string): string {
  return toReal(ctx.mapping, path);
}

/** The JSON text of a VirtualPath: the object form under a mount, else the JSON string. */
export function toVirtualPath(ctx: HostFunctionContext, path: string): string {
  return JSON.stringify(toWirePath(ctx.mapping, toReal(ctx.mapping, path)));
}
