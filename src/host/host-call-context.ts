/**
 * The memory a host function sees on the main thread while its plugin waits in a worker
 * (`./plugin-worker.ts`): the blocks the worker sent with the call, and the blocks the host
 * function stores, recorded in order for the worker to store for real. The worker promised the
 * indexes they will get (`next`, `next + 1`, ...), so an offset a host function writes into its
 * answer (send_request's `body_offset`) is the one the guest will read.
 */
import type { CallContext } from './functions/memory.js';
import { blockIndex } from './worker-protocol.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export class HostCallContext implements CallContext {
  /** What the host function stored, in order: block `next + i` is `stored[i]`. */
  readonly stored: Uint8Array[] = [];
  private readonly sent: Map<number, Uint8Array>;

  constructor(
    sent: [number, Uint8Array][],
    private readonly next: number,
  ) {
    this.sent = new Map(sent);
  }

  private block(offset: bigint): Uint8Array | undefined {
    const index = blockIndex(offset);
    return index >= this.next ? this.stored[index - this.next] : this.sent.get(index);
  }

  read(offset: bigint): { text(): string; bytes(): Uint8Array } | null {
    const bytes = this.block(offset);
    return bytes ? { text: () => decoder.decode(bytes), bytes: () => bytes } : null;
  }

  length(offset: bigint): bigint {
    return BigInt(this.block(offset)?.length ?? 0);
  }

  store(bytes: string | Uint8Array): bigint {
    // A buffer of its own (the worker's SDK stores a view's whole buffer, and it is transferred):
    // encode() makes a fresh one, and a view is copied.
    return this.add(typeof bytes === 'string' ? encoder.encode(bytes) : new Uint8Array(bytes));
  }

  alloc(size: number): bigint {
    return this.add(new Uint8Array(size));
  }

  /** Records a block; `bytes` must be the whole of a buffer nobody else holds. */
  private add(bytes: Uint8Array): bigint {
    this.stored.push(bytes);
    return BigInt(this.next + this.stored.length - 1) << 48n;
  }
}
