/**
 * A real HTTP server on 127.0.0.1 that serves tool distributions to tests: files from a directory
 * and/or in-memory files, with per-path fault injection and a log of every request.
 *
 * ```ts
 * const server = await startDistServer({ root: distDir, files: { '/v1/SHASUMS256.txt': text } });
 * server.fault('/v1/tool.tar.gz', { statuses: [500, 200] });   // first request 500, then normal
 * server.fault('/v1/tool.tar.gz', { resetAfter: 1000, times: 1 }); // RST mid-body once
 * await server.close();
 * ```
 */
import { promises as fs } from 'node:fs';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, normalize, sep } from 'node:path';

export interface DistFault {
  /** One status per request, in order; a 2xx means "serve normally" (with the other faults). Exhausted ⇒ normal. */
  statuses?: number[];
  /** Wait this long before sending the response headers (a slow server). */
  delayMs?: number;
  /** Wait for this promise before sending the response headers (lets a test order events). */
  hold?: Promise<unknown>;
  /** Announce the full Content-Length but close the connection cleanly after this many body bytes. */
  truncateAfter?: number;
  /** Send this many body bytes, then reset the TCP connection (RST). */
  resetAfter?: number;
  /** Send this many body bytes, then stop sending but keep the connection open (a stalled server). */
  stallAfter?: number;
  /** Send the body this many bytes at a time, one step per `trickleEveryMs` (default 1000): a server that never stalls but never gets anywhere. */
  trickleBytes?: number;
  trickleEveryMs?: number;
  /** Flip bits in the body so its checksum no longer matches. */
  corrupt?: boolean;
  /** Answer with a 302 to this path or URL (absolute, or a path on this server). */
  redirect?: string;
  /** Apply the faults other than `statuses` to the first N requests of this path only (default: all). */
  times?: number;
}

export interface DistRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The status sent (0 when the connection was broken before a status). */
  status: number;
  at: number;
}

export interface DistServerOptions {
  /** Serve files under this directory (URL path = path relative to it). */
  root?: string;
  /** In-memory files by URL path (`/v1/tool.tar.gz`); they win over `root`. */
  files?: Record<string, Uint8Array | string>;
  /** Port on 127.0.0.1 (default: any free port). */
  port?: number;
}

export interface DistServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: readonly DistRequest[];
  /** Absolute URL for a path (`/v1/tool.tar.gz`). */
  urlFor(path: string): string;
  setFile(path: string, content: Uint8Array | string): void;
  removeFile(path: string): void;
  fault(path: string, fault: DistFault): void;
  clearFaults(): void;
  /** Requests whose path equals `path`. */
  requestsFor(path: string): DistRequest[];
  close(): Promise<void>;
}

interface FaultState extends DistFault {
  requestCount: number;
}

export async function startDistServer(options: DistServerOptions = {}): Promise<DistServer> {
  const files = new Map<string, Uint8Array>();
  for (const [path, content] of Object.entries(options.files ?? {})) files.set(normalizeUrlPath(path), toBytes(content));
  const faults = new Map<string, FaultState>();
  const requests: DistRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));

  const later = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = normalizeUrlPath(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const entry: DistRequest = { method: req.method ?? 'GET', path, headers: req.headers, status: 0, at: Date.now() };
    requests.push(entry);
    const fault = faults.get(path);
    const index = fault ? fault.requestCount++ : 0;
    const status = fault?.statuses?.[index];
    const applyFaults = fault !== undefined && (fault.times === undefined || index < fault.times);

    if (applyFaults && fault.delayMs) await later(fault.delayMs);
    if (applyFaults && fault.hold) await Promise.race([fault.hold, closed]);
    if (status !== undefined && (status < 200 || status > 299)) {
      entry.status = status;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`${status} ${STATUS_CODES[status] ?? ''}\n`);
      return;
    }
    if (applyFaults && fault.redirect !== undefined) {
      entry.status = 302;
      res.writeHead(302, { location: fault.redirect }).end();
      return;
    }
    let body = files.get(path) ?? (await readFromRoot(options.root, path));
    if (body === undefined) {
      entry.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (applyFaults && fault.corrupt) body = corrupt(body);
    entry.status = 200;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (applyFaults && fault.trickleBytes !== undefined) {
      for (let offset = 0; offset < body.length && !res.destroyed; offset += fault.trickleBytes) {
        res.write(body.subarray(offset, offset + fault.trickleBytes));
        await Promise.race([later(fault.trickleEveryMs ?? 1000), closed]);
      }
      res.end();
      return;
    }
    const cut = applyFaults ? firstDefined(fault.resetAfter, fault.truncateAfter, fault.stallAfter) : undefined;
    if (cut === undefined) {
      res.end(body);
      return;
    }
    res.write(body.subarray(0, Math.min(cut, body.length)));
    // Let the partial body reach the client before breaking the connection.
    await later(30);
    if (fault!.resetAfter !== undefined) res.socket?.resetAndDestroy();
    else if (fault!.truncateAfter !== undefined) res.socket?.end();
    // stallAfter: leave the response open; close() destroys it.
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    requests,
    urlFor: (path) => `${url}${normalizeUrlPath(path)}`,
    setFile: (path, content) => void files.set(normalizeUrlPath(path), toBytes(content)),
    removeFile: (path) => void files.delete(normalizeUrlPath(path)),
    fault: (path, fault) => void faults.set(normalizeUrlPath(path), { ...fault, requestCount: 0 }),
    clearFaults: () => faults.clear(),
    requestsFor: (path) => requests.filter((r) => r.path === normalizeUrlPath(path)),
    close: async () => {
      markClosed();
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readFromRoot(root: string | undefined, urlPath: string): Promise<Uint8Array | undefined> {
  if (!root) return undefined;
  const relative = normalize(urlPath).replace(/^[/\\]+/, '');
  if (relative.split(sep).includes('..')) return undefined;
  try {
    return await fs.readFile(join(root, relative));
  } catch {
    return undefined;
  }
}

function normalizeUrlPath(path: string): string {
  return `/${path.replace(/^\/+/, '')}`;
}

function toBytes(content: Uint8Array | string): Uint8Array {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
}

function corrupt(body: Uint8Array): Uint8Array {
  const copy = Buffer.from(body);
  if (copy.length === 0) return Buffer.from('corrupt');
  for (let i = Math.floor(copy.length / 2); i < copy.length; i += 4096) copy[i] = (copy[i] ?? 0) ^ 0xff;
  return copy;
}

function firstDefined(...values: Array<number | undefined>): number | undefined {
  return values.find((value) => value !== undefined);
}
