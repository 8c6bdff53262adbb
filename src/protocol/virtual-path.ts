/**
 * VirtualPath on the wire (plugin-api §2).
 *
 * proto ≤0.59 sent the object form for anything under a virtual prefix and PDKs 0.15–0.59 need
 * `real_prefix` to compute real paths; 0.60 PDKs accept both. So we always SEND the object form and
 * ACCEPT either a plain string or the object (with the short aliases `v`/`r`).
 */
export interface VirtualPathObject {
  path: string;
  virtual_prefix: string;
  real_prefix: string;
}

/** What a guest may send us where a VirtualPath is expected. */
export type VirtualPathInput = string | VirtualPathObject | { path: string; v: string; r: string };

/** What we send: the object form when the path is under a virtual prefix, else the plain string. */
export type VirtualPathWire = string | VirtualPathObject;

/** The virtual path string of a received VirtualPath, whatever its shape. */
export function virtualPathString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && typeof (value as { path?: unknown }).path === 'string') {
    return (value as { path: string }).path;
  }
  return undefined;
}
