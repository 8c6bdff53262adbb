/**
 * The undici dispatchers behind every request: one direct agent, and one proxy agent when a proxy
 * is configured (`settings.http.proxies`/`secure-proxies`, else HTTPS_PROXY/HTTP_PROXY/NO_PROXY
 * and their lowercase forms). Loopback hosts never go through a proxy: a proxy cannot reach our
 * own loopback, and local mirrors and test servers live there.
 *
 * TLS: `settings.http.root-cert` adds the CAs of a PEM file to the system's (a corporate CA that
 * re-signs traffic); `allow-invalid-certs` turns verification off. Both apply to every connection,
 * proxied or not.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { rootCertificates } from 'node:tls';
import type { Agent as AgentClass, buildConnector as buildConnectorFunction, Dispatcher, EnvHttpProxyAgent as EnvHttpProxyAgentClass } from 'undici';
import { ProtoError } from '../errors.js';
import { withLiftoffOnly } from '../wasm-tier-up.js';
import { DEFAULT_HTTP, type NetSettings } from './net-settings.js';
import { isLoopbackHost } from './url-policy.js';

// Only the two dispatchers, not undici's index: that one also loads fetch, WebSocket, caches and
// mocks, ~10 MB more memory in every process that downloads (a fifth of an install's peak RSS
// over Node's own). These are the modules the index re-exports as Agent and EnvHttpProxyAgent.
const load = createRequire(import.meta.url);
const Agent = load('undici/lib/dispatcher/agent.js') as typeof AgentClass;
const EnvHttpProxyAgent = load('undici/lib/dispatcher/env-http-proxy-agent.js') as typeof EnvHttpProxyAgentClass;
const buildConnector = load('undici/lib/core/connect.js') as typeof buildConnectorFunction;

const cache = new Map<string, Dispatcher>();

export function dispatcherFor(url: URL, settings: NetSettings): Dispatcher {
  const connectTimeout = settings.http?.connectTimeoutMs ?? DEFAULT_HTTP.connectTimeoutMs;
  const proxy = isLoopbackHost(url.hostname) ? undefined : proxyConfig(settings);
  const rootCert = settings.http?.rootCert;
  const allowInvalid = settings.http?.allowInvalidCerts === true;
  const key = JSON.stringify([connectTimeout, proxy ?? null, rootCert ?? null, allowInvalid]);
  let dispatcher = cache.get(key);
  if (!dispatcher) {
    const tls = {
      ...(rootCert ? { ca: [...rootCertificates, readRootCert(rootCert)] } : {}),
      ...(allowInvalid ? { rejectUnauthorized: false } : {}),
    };
    const connect = { timeout: connectTimeout, ...tls };
    dispatcher = proxy
      ? new EnvHttpProxyAgent({ ...proxy, connect, requestTls: tls, proxyTls: tls })
      : new Agent({ connect: compilingParserWithoutTierUp(buildConnector(connect)) });
    cache.set(key, dispatcher);
  }
  return dispatcher;
}

let parserCompiled = false;

/**
 * undici parses HTTP with llhttp compiled to WebAssembly, once per process, synchronously in the
 * callback of the first connection. V8 then recompiles its hot functions with TurboFan in the
 * background a few MB into the first large body, which takes ~25 MB of memory for a moment: a
 * quarter of a large install's peak RSS (bench/install.ts: 113 → 89 MB for a 100 MB download
 * alone). The baseline compiler's code parses as fast here (the body passes through the parser
 * untouched), so that first compile runs with V8's --liftoff-only, and tier-up stays off until
 * the command ends (src/wasm-tier-up.ts says why). Through a proxy (undici builds that connector
 * itself) the parser compiles as before, unless a direct connection came first.
 */
function compilingParserWithoutTierUp(connector: buildConnectorFunction.connector): buildConnectorFunction.connector {
  return (options, callback) =>
    connector(options, (...args: Parameters<typeof callback>) => {
      // A failed connection compiles nothing: the next one is the first.
      if (parserCompiled || args[0]) return callback(...args);
      parserCompiled = true;
      return withLiftoffOnly(() => callback(...args));
    });
}

function readRootCert(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ProtoError('net.root_cert_unreadable', `Cannot read the root certificate ${path} ([settings.http] root-cert): ${(error as Error).message}`, {
      hint: 'Point root-cert at a PEM file (relative paths are relative to the .prototools that sets it).',
    });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ProtoError('net.root_cert_unreadable', `${path} ([settings.http] root-cert) holds no PEM certificate.`, {
      hint: 'Export the CA as PEM (-----BEGIN CERTIFICATE----- …); DER files can be converted with `openssl x509 -inform der -in ca.der -out ca.pem`.',
    });
  }
  return pem;
}

interface ProxyConfig {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

function proxyConfig(settings: NetSettings): ProxyConfig | undefined {
  const env = settings.env ?? process.env;
  const read = (name: string) => env[name] ?? env[name.toLowerCase()] ?? undefined;
  const all = settings.http?.proxies?.[0];
  const httpProxy = all ?? read('HTTP_PROXY');
  const httpsProxy = settings.http?.secureProxies?.[0] ?? all ?? read('HTTPS_PROXY');
  const noProxy = settings.http?.noProxy ?? read('NO_PROXY');
  if (!httpProxy && !httpsProxy) return undefined;
  // EnvHttpProxyAgent reads the environment for any option left undefined; pass explicit empty
  // strings so that only what we resolved here applies.
  return { httpProxy: httpProxy ?? '', httpsProxy: httpsProxy ?? '', noProxy: noProxy ?? '' };
}
