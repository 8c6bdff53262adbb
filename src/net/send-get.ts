/**
 * One GET through undici's dispatcher, its body handed chunk by chunk to one synchronous sink.
 *
 * Why not undici's Readable body (`request()`): when its reader falls behind, undici pauses its
 * HTTP parser, and a server that closes the connection (FIN) while the parser is paused makes
 * undici 7 throw an uncatchable AssertionError from the socket's `end` handler — the process
 * dies (nodejs/undici#5360; fixed in undici 8, which needs Node ≥ 22.19). On a keep-alive
 * connection the same moment fails a complete response with "other side closed".
 *
 * Here the parser is never paused: each chunk goes to the sink synchronously (downloads write it
 * with writeSync). While the sink works the event loop does not read the socket, so TCP flow
 * control slows the sender instead; nothing piles up in memory.
 */
import type { Dispatcher } from 'undici';
import { TooSlowFailure } from './net-errors.js';

export interface SendGetOptions {
  headers: Record<string, string>;
  dispatcher: Dispatcher;
  headersTimeout: number;
  bodyTimeout: number;
  signal?: AbortSignal;
  /** Fail a body that brings fewer than `bytesPerSecond` × the window over any `windowMs` (0 = never). */
  minSpeed?: { bytesPerSecond: number; windowMs: number };
}

export interface SentResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: ResponseBody;
}

type Sink = (chunk: Buffer) => void;
type Controller = Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestStart']>>[0];

/** The body of a SentResponse: read it once with `consume`, or throw it away with `dump`. */
export class ResponseBody {
  private sink: Sink | undefined;
  /** Chunks that arrived before `consume` (none when consume is called without awaiting first; downloadFile awaits the creation of its file). */
  private early: Buffer[] = [];
  private outcome: { error?: unknown } | undefined;
  private settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  /** Bytes received so far. */
  received = 0;

  constructor(private readonly abort: (reason: unknown) => void) {}

  /**
   * Hands every chunk to `sink`, synchronously, in order; resolves when the body is complete.
   * A sink that throws ends the request with that error.
   */
  consume(sink: Sink): Promise<void> {
    if (this.sink) throw new Error('a response body can be consumed once');
    this.sink = sink;
    const done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    const early = this.early;
    this.early = [];
    for (const chunk of early) if (!this.deliver(chunk)) break;
    if (this.outcome) this.finish();
    return done;
  }

  /** Drops the body and the connection (redirects, error statuses). */
  dump(): Promise<void> {
    this.abort(new Error('body not wanted'));
    return Promise.resolve();
  }

  /** @internal */
  push(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.sink) this.deliver(chunk);
    else this.early.push(chunk);
  }

  /** @internal: the body ended (`error` undefined) or failed. */
  end(error?: unknown): void {
    if (this.outcome) return;
    this.outcome = error === undefined ? {} : { error };
    if (this.sink) this.finish();
  }

  private deliver(chunk: Buffer): boolean {
    try {
      this.sink!(chunk);
      return true;
    } catch (error) {
      // The sink's error wins over a clean end, also one that came before `consume` was called
      // (its chunks waited in `early`): a failed write must never read as a short body. A body
      // that had already failed keeps its own error.
      if (this.outcome?.error === undefined) this.outcome = undefined;
      this.end(error);
      this.abort(error);
      return false;
    }
  }

  private finish(): void {
    const { error } = this.outcome!;
    if (error === undefined) this.settle?.resolve();
    else this.settle?.reject(error);
  }
}

/** Sends the GET; resolves at the response headers (any status), rejects on transport failure. */
export function sendGet(url: URL, options: SendGetOptions): Promise<SentResponse> {
  return new Promise<SentResponse>((resolve, reject) => {
    let controller: Controller | undefined;
    let body: ResponseBody | undefined;
    let speedTimer: NodeJS.Timeout | undefined;
    const abort = (reason: unknown) => controller?.abort(reason instanceof Error ? reason : new Error(String(reason)));
    const onAbort = () => abort(options.signal!.reason);
    const cleanup = () => {
      clearInterval(speedTimer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown) => {
      cleanup();
      if (body) body.end(error);
      else reject(error);
    };
    if (options.signal?.aborted) return reject(options.signal.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
        if (options.signal?.aborted) onAbort();
      },
      onResponseStart(_controller, statusCode, headers) {
        if (statusCode < 200) return; // 1xx: the real response follows
        body = new ResponseBody(abort);
        if (options.minSpeed && options.minSpeed.bytesPerSecond > 0) speedTimer = watchSpeed(body, options.minSpeed, abort);
        resolve({ status: statusCode, headers, body });
      },
      onResponseData(_controller, chunk) {
        body?.push(chunk);
      },
      onResponseEnd() {
        cleanup();
        body?.end();
      },
      onResponseError(_controller, error) {
        fail(error);
      },
    };
    try {
      options.dispatcher.dispatch(
        {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          headers: options.headers,
          headersTimeout: options.headersTimeout,
          bodyTimeout: options.bodyTimeout,
        },
        handler,
      );
    } catch (error) {
      fail(error);
    }
  });
}

/**
 * Checks every window/4 that the last full window brought at least bytesPerSecond × window bytes;
 * a body that trickles (1 byte per second passes every idle timeout) is stopped.
 */
function watchSpeed(body: ResponseBody, minSpeed: { bytesPerSecond: number; windowMs: number }, abort: (reason: unknown) => void): NodeJS.Timeout {
  const step = Math.max(50, Math.floor(minSpeed.windowMs / 4));
  const samples: Array<{ at: number; bytes: number }> = [{ at: performance.now(), bytes: 0 }];
  const timer = setInterval(() => {
    const now = performance.now();
    samples.push({ at: now, bytes: body.received });
    while (samples.length > 1 && now - samples[1]!.at >= minSpeed.windowMs) samples.shift();
    const oldest = samples[0]!;
    const elapsed = now - oldest.at;
    if (elapsed < minSpeed.windowMs) return;
    const speed = ((body.received - oldest.bytes) * 1000) / elapsed;
    if (speed < minSpeed.bytesPerSecond) abort(new TooSlowFailure(speed, minSpeed.bytesPerSecond, minSpeed.windowMs));
  }, step);
  timer.unref();
  return timer;
}
