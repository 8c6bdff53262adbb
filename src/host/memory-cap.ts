/**
 * Caps a plugin's linear memory by rewriting the maximum its module declares.
 *
 * Why here: neither the SDK nor Node caps it. SDK 1.0.3 has no memory option (2.0.0-rc13's
 * `maxPages` was measured not to cap), and a worker's `resourceLimits` bound the V8 heap only —
 * measured: a worker with a 64 MiB heap limit still grew a WebAssembly.Memory (and ArrayBuffers)
 * to 1 GiB. A declared maximum, on the other hand, is enforced by V8 itself: past it,
 * `memory.grow` returns -1, which a guest allocator reports as out of memory (usually a trap).
 *
 * Only the memory section is touched (id 5: a vector of limits, each `0x00 min` or `0x01 min max`,
 * `0x03 min max` for shared memory); 64-bit memories and imported memories are left alone.
 */
import { ProtoError } from '../errors.js';

export const WASM_PAGE_BYTES = 65_536;
const MEMORY_SECTION = 5;

export interface CapResult {
  bytes: Uint8Array;
  /** True when a declared maximum was added or lowered. */
  changed: boolean;
}

/** Returns the module with every memory's maximum at most `maxPages`; throws when its minimum is above. */
export function capLinearMemory(module: Uint8Array, maxPages: number, describe: () => string): CapResult {
  if (module.length < 8) return { bytes: module, changed: false };
  const parts: Uint8Array[] = [module.subarray(0, 8)];
  let changed = false;
  let offset = 8;
  while (offset < module.length) {
    const id = module[offset]!;
    const size = readLeb(module, offset + 1);
    const contentStart = size.next;
    const contentEnd = contentStart + size.value;
    if (contentEnd > module.length) return { bytes: module, changed: false }; // malformed: WebAssembly.compile will say so
    if (id === MEMORY_SECTION) {
      const rewritten = capMemorySection(module.subarray(contentStart, contentEnd), maxPages, describe);
      if (rewritten) {
        parts.push(Uint8Array.of(id), Uint8Array.from(encodeLeb(rewritten.length)), rewritten);
        changed = true;
        offset = contentEnd;
        continue;
      }
    }
    parts.push(module.subarray(offset, contentEnd));
    offset = contentEnd;
  }
  return changed ? { bytes: concat(parts), changed } : { bytes: module, changed };
}

function capMemorySection(section: Uint8Array, maxPages: number, describe: () => string): Uint8Array | undefined {
  const count = readLeb(section, 0);
  const out: number[] = [...encodeLeb(count.value)];
  let offset = count.next;
  let changed = false;
  for (let i = 0; i < count.value; i++) {
    const flags = section[offset]!;
    if (flags & 0x04 || flags > 0x07) return undefined; // memory64 or unknown: leave the module as it is
    const min = readLeb(section, offset + 1);
    const hasMax = (flags & 0x01) !== 0;
    const max = hasMax ? readLeb(section, min.next) : undefined;
    offset = max ? max.next : min.next;
    if (min.value > maxPages) {
      throw new ProtoError(
        'plugin.memory_limit',
        `${describe()} starts with ${pagesToMiB(min.value)} MiB of memory, more than the limit of ${pagesToMiB(maxPages)} MiB`,
        { hint: 'Raise [settings.limits] plugin-memory (MiB) in .prototools if you trust this plugin.' },
      );
    }
    const newMax = Math.min(max?.value ?? Infinity, maxPages);
    if (newMax !== max?.value) changed = true;
    out.push(flags | 0x01, ...encodeLeb(min.value), ...encodeLeb(newMax));
  }
  if (offset !== section.length) return undefined;
  return changed ? Uint8Array.from(out) : undefined;
}

function pagesToMiB(pages: number): number {
  return Math.round((pages * WASM_PAGE_BYTES) / 1024 / 1024);
}

function readLeb(bytes: Uint8Array, start: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let offset = start;
  for (;;) {
    const byte = bytes[offset++];
    if (byte === undefined || shift > 28) return { value: Infinity, next: bytes.length + 1 };
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value, next: offset };
    shift += 7;
  }
}

function encodeLeb(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    const byte = rest % 128;
    rest = Math.floor(rest / 128);
    out.push(rest > 0 ? byte | 0x80 : byte);
  } while (rest > 0);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
