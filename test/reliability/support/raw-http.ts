/**
 * HTTP servers written on raw sockets, for the connection behaviours node:http will not produce:
 * a FIN right after the body (HTTP/1.0-style mirrors, `python3 -m http.server`), a keep-alive
 * server that closes after a complete body, a body that trickles.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface RawServer {
  url(path?: string): string;
  /** Requests seen, by path. */
  requests: string[];
  close(): Promise<void>;
}

export type RawResponder = (socket: Socket, path: string) => void;

export async function startRawServer(respond: RawResponder): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    socket.on('data', function onData(chunk: Buffer) {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      const path = head.split(' ')[1] ?? '/';
      requests.push(path);
      respond(socket, path);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path = '/file.bin') => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends the whole response, then FIN at once: the connection ends right after the last byte. */
export function finAfterBody(body: Buffer, options: { contentLength?: boolean; keepAlive?: boolean } = {}): RawResponder {
  return (socket) => {
    const lines = ['HTTP/1.1 200 OK', 'Content-Type: application/octet-stream'];
    if (options.contentLength !== false) lines.push(`Content-Length: ${body.length}`);
    if (!options.keepAlive) lines.push('Connection: close');
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    socket.write(body);
    socket.end();
  };
}
