// Moving bytes between this module's linear memory and Extism memory blocks.
//
// Everything the guest exchanges with the host (input, output, errors, config
// values, host-function arguments and results) lives in Extism-managed blocks
// addressed by a u64 offset. The kernel functions come from
// `extism:host/env`; their declarations are reused from @extism/as-pdk.
import {
  alloc,
  free,
  input_length,
  input_load_u64,
  input_load_u8,
  length,
  load_u64,
  load_u8,
  store_u64,
  store_u8,
} from "@extism/as-pdk/lib/env";

/** Copies the block at `offset` out of Extism memory; offset 0 ⇒ empty. */
export function readBlock(offset: u64): Uint8Array {
  if (offset == 0) return new Uint8Array(0);
  return readBlockPrefix(offset, length(offset));
}

/** Copies the first `byteCount` bytes of the block at `offset`. */
export function readBlockPrefix(offset: u64, byteCount: u64): Uint8Array {
  const bytes = new Uint8Array(<i32>byteCount);
  const base = bytes.dataStart;
  const count = <u64>bytes.length;
  // Eight bytes per kernel call where possible: each call crosses into the host.
  let i: u64 = 0;
  for (; i + 8 <= count; i += 8) store<u64>(base + <usize>i, load_u64(offset + i));
  for (; i < count; i++) store<u8>(base + <usize>i, load_u8(offset + i));
  return bytes;
}

/** The block at `offset` decoded as UTF-8; offset 0 ⇒ "". */
export function readBlockString(offset: u64): string {
  return decodeUtf8(readBlock(offset));
}

/** The size in bytes of the block at `offset` (0 for offset 0). */
export function blockLength(offset: u64): u64 {
  return offset == 0 ? 0 : length(offset);
}

/** Allocates a block holding `bytes` and returns its offset. */
export function writeBlock(bytes: Uint8Array): u64 {
  const count = <u64>bytes.length;
  const offset = alloc(count);
  const base = bytes.dataStart;
  let i: u64 = 0;
  for (; i + 8 <= count; i += 8) store_u64(offset + i, load<u64>(base + <usize>i));
  for (; i < count; i++) store_u8(offset + i, load<u8>(base + <usize>i));
  return offset;
}

/** Allocates a block holding `text` as UTF-8 and returns its offset. */
export function writeStringBlock(text: string): u64 {
  return writeBlock(encodeUtf8(text));
}

export function freeBlock(offset: u64): void {
  if (offset != 0) free(offset);
}

/** The raw input of the current plugin call. */
export function readInputBytes(): Uint8Array {
  const bytes = new Uint8Array(<i32>input_length());
  const base = bytes.dataStart;
  const count = <u64>bytes.length;
  let i: u64 = 0;
  for (; i + 8 <= count; i += 8) store<u64>(base + <usize>i, input_load_u64(i));
  for (; i < count; i++) store<u8>(base + <usize>i, input_load_u8(i));
  return bytes;
}

// UTF-8 is the only text encoding on the wire. Encoding here (rather than
// trusting a string's `.length`) is what makes non-ASCII output safe: a
// string's length counts UTF-16 units, not bytes.
// Lone surrogates (possible in AssemblyScript strings) become U+FFFD so the
// host never receives invalid UTF-8.
export function encodeUtf8(text: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(text, false, String.UTF8.ErrorMode.REPLACE));
}

export function decodeUtf8(bytes: Uint8Array): string {
  return String.UTF8.decodeUnsafe(bytes.dataStart, <usize>bytes.length);
}
