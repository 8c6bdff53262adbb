/**
 * Offline detection (`[settings.offline]`, proto's `is_offline`): TCP connections to a few
 * well-known hosts (public DNS resolvers on port 53, by IP, so no DNS lookup is needed), plus
 * `custom-hosts`, or only those with `override-default-hosts`. Reaching any one within the
 * timeout means online. Asked once per process, and only before a request to a non-loopback host:
 * local mirrors and test servers never wait for it.
 */
import { connect } from 'node:net';
import { log } from '../log.js';
import type { OfflineCheck } from './net-settings.js';

export const DEFAULT_OFFLINE_HOSTS = ['1.1.1.1:53', '1.0.0.1:53', '8.8.8.8:53', '8.8.4.4:53'];

const results = new Map<string, Promise<boolean>>();

/** The `host:port` pairs probed: the defaults unless overridden, then the custom ones. */
export function offlineHosts(check: OfflineCheck): string[] {
  return [...(check.overrideDefaultHosts ? [] : DEFAULT_OFFLINE_HOSTS), ...check.customHosts];
}

/** True when none of the hosts answered within the timeout. */
export function detectOffline(check: OfflineCheck): Promise<boolean> {
  const hosts = offlineHosts(check);
  const key = JSON.stringify([check.timeoutMs, hosts]);
  let result = results.get(key);
  if (!result) {
    result = probe(check.timeoutMs, hosts);
    results.set(key, result);
  }
  return result;
}

async function probe(timeoutMs: number, hosts: readonly string[]): Promise<boolean> {
  if (hosts.length === 0) return false;
  const started = performance.now();
  const reachable = await new Promise<string | undefined>((resolve) => {
    let pending = hosts.length;
    const sockets: ReturnType<typeof connect>[] = [];
    const finish = (host: string | undefined) => {
      clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      resolve(host);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    for (const hostPort of hosts) {
      const at = hostPort.lastIndexOf(':');
      const host = at === -1 ? hostPort : hostPort.slice(0, at).replace(/^\[|\]$/g, '');
      const port = at === -1 ? 80 : Number(hostPort.slice(at + 1));
      const socket = connect({ host, port });
      sockets.push(socket);
      socket.once('connect', () => finish(hostPort));
      socket.once('error', () => {
        if (--pending === 0) finish(undefined);
      });
    }
  });
  log('debug', 'net', `offline check: ${reachable ? `reached ${reachable}` : `no host of ${hosts.join(', ')} answered`} in ${(performance.now() - started).toFixed(0)} ms`);
  return reachable === undefined;
}
