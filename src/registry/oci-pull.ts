/**
 * Plugins from OCI registries (`registry://[host/][namespace/]image[:tag]`, spec §6.2), pulled
 * with the OCI distribution API the way warpgate's OciLoader does:
 *
 * - where to look: a locator naming a host tries the configured registry of that host (and
 *   namespace), then that host with credentials, and nothing else; a locator without a host
 *   tries every configured registry in order, skipping those that do not have the image;
 * - the manifest (an image index picks its first manifest), then ONE layer: `application/wasm`
 *   first, else a tar, tar+gzip or tar+zstd layer holding the `.wasm` (as GHCR serves them);
 * - auth: anonymous, Basic, or the token flow (`WWW-Authenticate: Bearer realm=…` → a token from
 *   the realm), credentials from the Docker config file (its credential helpers, or `auths`) when
 *   the registry has `auth = true`. Credentials are looked up only when the registry asks for
 *   them, as containerd's and oras' clients do: a public image never runs a credential helper
 *   (which may be slow, or prompt for a passphrase), and no registry gets a secret it did not ask
 *   for. A 401 with a `Basic` challenge asks for them at once; a `Bearer` challenge first gets an
 *   anonymous token (what Docker Hub and GHCR hand out for public images), and asks for them only
 *   when the token service refuses that or the anonymous token is refused in turn. Once per pull.
 *
 * Every request goes through the network layer (url-rewrites, proxies, offline, the URL policy:
 * plain http only to loopback registries). Layers are checked against their sha256 digest.
 * Registries are not trusted: the layer is bounded by `[settings.limits] download-size`, and what a
 * compressed layer unpacks to by `unpack-size` and `unpack-ratio`, as a tool's archive is.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';
import { ProtoError } from '../errors.js';
import type { PluginLocator, RegistryConfig } from '../config/index.js';
import { formatBytes } from '../format-bytes.js';
import { openDecompressed } from '../install/decompress.js';
import { downloadLimit, unpackBudget, type InstallSettings } from '../install/install-settings.js';
import { MIB, raiseLimitHint } from '../limits.js';
import { fetchBuffer, isLoopbackHost, type FetchBufferOptions, type FetchBufferResult, type NetSettings } from '../net/index.js';
import { dockerCredentials, type BasicCredentials } from './docker-credentials.js';

type RegistryLocator = Extract<PluginLocator, { kind: 'registry' }>;

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];
const WASM_LAYER = 'application/wasm';
/** Tar layers, by compression; Docker's own gzip layer type counts as OCI's. */
const TAR_LAYERS: Record<string, 'none' | 'gzip' | 'zstd'> = {
  'application/vnd.oci.image.layer.v1.tar': 'none',
  'application/vnd.oci.image.layer.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd': 'zstd',
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'gzip',
};

export interface OciPullOptions {
  /** The network settings, and the download and unpack limits. */
  settings: InstallSettings;
  /** For the Docker config file (`DOCKER_CONFIG`, `HOME`) and its credential helpers (`PATH`). */
  env: Readonly<Record<string, string | undefined>>;
  home: string;
}

export interface PulledPlugin {
  wasm: Uint8Array;
  /** `host/repository:tag` it came from. */
  reference: string;
}

/** Pulls the plugin a registry:// locator names; `plugin.registry_*` errors say where it looked. */
export async function pullRegistryPlugin(id: string, locator: RegistryLocator, registries: readonly RegistryConfig[], options: OciPullOptions): Promise<PulledPlugin> {
  const tried: string[] = [];
  const attempt = async (config: RegistryConfig, fallthrough: boolean) => {
    const reference = referenceFor(config, locator);
    tried.push(`${reference.registry}/${reference.repository}:${reference.tag}`);
    const credentials = config.auth ? () => dockerCredentials(config.registry, options.env, options.home) : undefined;
    return pullImage(id, reference, credentials, fallthrough, options);
  };
  if (locator.registry) {
    const configured = registries.find(
      (config) => config.registry === locator.registry && (config.namespace === undefined || config.namespace === locator.namespace),
    );
    const found = configured && (await attempt(configured, true));
    if (found) return found;
    // The host the locator names, with credentials if there are any: found there or nowhere.
    return (await attempt({ registry: locator.registry, auth: true, default: false }, false))!;
  }
  for (const config of registries) {
    const found = await attempt(config, true);
    if (found) return found;
  }
  throw new ProtoError(
    'plugin.registry_not_found',
    tried.length === 0
      ? `The plugin of "${id}" (${locator.written}) names no registry host and no registry is configured.`
      : `No registry has the plugin of "${id}" (${locator.written}): tried ${tried.join(', ')}.`,
    {
      hint: tried.length === 0
        ? 'Write the host into the locator (registry://ghcr.io/org/image) or configure registries = [{ registry = "…", namespace = "…" }] in [settings].'
        : 'Check the image name and tag, and that it was pushed to one of these registries.',
    },
  );
}

interface Reference {
  registry: string;
  repository: string;
  tag: string;
}

/** The locator's namespace wins over the registry's (a user naming one means it). */
function referenceFor(config: RegistryConfig, locator: RegistryLocator): Reference {
  const namespace = locator.namespace ?? config.namespace;
  return { registry: config.registry, repository: namespace ? `${namespace}/${locator.image}` : locator.image, tag: locator.tag ?? 'latest' };
}

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  platform?: { os?: string; architecture?: string };
}

/** The plugin of one image, or undefined when this registry does not have it (and `fallthrough`). */
async function pullImage(
  id: string,
  reference: Reference,
  credentials: CredentialSource | undefined,
  fallthrough: boolean,
  options: OciPullOptions,
): Promise<PulledPlugin | undefined> {
  const name = `${reference.registry}/${reference.repository}:${reference.tag}`;
  const scheme = isLoopbackHost(reference.registry.replace(/:\d+$/, '')) ? 'http' : 'https';
  const base = `${scheme}://${reference.registry}/v2/${reference.repository}`;
  const client = new RegistryClient(reference, credentials, options.settings);

  let manifest = await client.get(`${base}/manifests/${encodeURIComponent(reference.tag)}`, { accept: MANIFEST_TYPES.join(', ') });
  if (manifest.status === 404) {
    if (fallthrough) return undefined;
    throw new ProtoError('plugin.registry_not_found', `${name} does not exist (the plugin of "${id}").`);
  }
  client.check(manifest, `the manifest of ${name}`);
  let document = parseJson(manifest.body, `the manifest of ${name}`) as { manifests?: Descriptor[]; layers?: Descriptor[] };
  if (Array.isArray(document.manifests)) {
    const chosen = document.manifests.find((entry) => entry.platform?.os === 'wasip1' || entry.platform?.architecture === 'wasm') ?? document.manifests[0];
    if (!chosen?.digest) throw new ProtoError('plugin.registry_bad_manifest', `The image index of ${name} lists no manifest.`);
    manifest = await client.get(`${base}/manifests/${chosen.digest}`, { accept: MANIFEST_TYPES.join(', ') });
    client.check(manifest, `the manifest ${chosen.digest} of ${name}`);
    document = parseJson(manifest.body, `the manifest of ${name}`) as typeof document;
  }
  const layers = Array.isArray(document.layers) ? document.layers : [];
  const layer = layers.find((entry) => entry.mediaType === WASM_LAYER) ?? layers.find((entry) => entry.mediaType! in TAR_LAYERS);
  if (!layer?.digest || !/^sha256:[0-9a-f]{64}$/.test(layer.digest)) {
    const types = layers.map((entry) => entry.mediaType ?? '?').join(', ') || 'none';
    throw new ProtoError('plugin.registry_bad_manifest', `${name} has no plugin layer (layers: ${types}).`, {
      hint: `A plugin image needs a layer of type ${WASM_LAYER}, or a tar (+gzip, +zstd) layer holding the .wasm.`,
    });
  }
  // Held in memory, as the plugin will be when it is loaded: download-size bounds it, and so does a
  // fixed ceiling, so that a registry cannot make proto buffer gigabytes under the default download-size.
  const blob = await client.get(`${base}/blobs/${layer.digest}`, {}, layerLimit(options.settings));
  client.check(blob, `the layer ${layer.digest} of ${name}`);
  const actual = `sha256:${createHash('sha256').update(blob.body).digest('hex')}`;
  if (actual !== layer.digest || (typeof layer.size === 'number' && layer.size !== blob.body.length)) {
    throw new ProtoError('plugin.registry_digest_mismatch', `The layer of ${name} does not match its digest: expected ${layer.digest}, got ${actual}.`, {
      hint: 'The registry (or something in between) served other bytes than the manifest names; nothing was cached.',
    });
  }
  const wasm = layer.mediaType === WASM_LAYER ? blob.body : await wasmFromTar(blob.body, TAR_LAYERS[layer.mediaType!]!, name, options.settings);
  return { wasm, reference: name };
}

/** A plugin layer is read into memory: no more than download-size, nor than LAYER_MEMORY_CEILING. */
const LAYER_MEMORY_CEILING = 256 * MIB;

function layerLimit(settings: InstallSettings): { maxBytes: number; limitSetting: string | undefined } {
  const configured = downloadLimit(settings);
  // Above the ceiling no setting helps, so the error's hint names none.
  return configured.maxBytes <= LAYER_MEMORY_CEILING ? configured : { maxBytes: LAYER_MEMORY_CEILING, limitSetting: undefined };
}

/** Where a registry's credentials come from, asked only when it wants them (undefined: none configured). */
type CredentialSource = () => Promise<BasicCredentials | undefined>;

/** Requests to one registry, with the credentials or token its challenge asks for. */
class RegistryClient {
  private authorization: string | undefined;
  /** Whether the registry asked for credentials, and what was found (at most one look-up per pull). */
  private credentials: Promise<BasicCredentials | undefined> | undefined;
  private credentialsFound = false;

  constructor(
    private readonly reference: Reference,
    private readonly credentialSource: CredentialSource | undefined,
    private readonly settings: NetSettings,
  ) {}

  async get(url: string, headers: Record<string, string>, limit: Pick<FetchBufferOptions, 'maxBytes' | 'limitSetting'> = {}): Promise<FetchBufferResult> {
    const send = () => fetchBuffer(url, { ...limit, settings: this.settings, headers: this.authorization ? { ...headers, authorization: this.authorization } : headers });
    let response = await send();
    // Anonymous first; then, on a Bearer challenge, an anonymous token; then the credentials.
    if (response.status !== 401 || this.credentials !== undefined) return response;
    if (this.authorization === undefined) {
      const anonymous = await this.answerChallenge(header(response, 'www-authenticate'), undefined);
      if (anonymous !== undefined) {
        this.authorization = anonymous;
        response = await send();
        if (response.status !== 401) return response;
      }
    }
    const credentials = await this.askForCredentials();
    if (credentials === undefined) return response;
    const authorization = await this.answerChallenge(header(response, 'www-authenticate'), credentials);
    if (authorization === undefined) return response;
    this.authorization = authorization;
    return send();
  }

  /** Throws a clear error for anything but 2xx. */
  check(response: FetchBufferResult, what: string): void {
    if (response.status >= 200 && response.status < 300) return;
    const message = registryMessage(response.body);
    if (response.status === 401 || response.status === 403) {
      throw new ProtoError('plugin.registry_denied', `${this.reference.registry} refused ${what} (HTTP ${response.status}${message ? `: ${message}` : ''}).`, {
        hint: this.credentialsFound
          ? 'Check the credentials for this registry in your Docker config file (~/.docker/config.json: its credential helper or "auths"), e.g. with `docker login`.'
          : this.credentialsHint(),
      });
    }
    throw new ProtoError('plugin.registry_failed', `${this.reference.registry} answered HTTP ${response.status} for ${what}${message ? `: ${message}` : ''}.`);
  }

  /** What to do when the registry wants credentials and proto found none to give. */
  private credentialsHint(): string {
    return this.credentialSource
      ? 'This registry needs credentials and the Docker config file has none for it: log in (`docker login`, ~/.docker/config.json).'
      : 'This registry needs credentials: set auth = true for it in [settings] registries and log in (`docker login`, ~/.docker/config.json).';
  }

  /** The credentials, looked up once, when the registry first asks for them. */
  private async askForCredentials(): Promise<BasicCredentials | undefined> {
    if (!this.credentialSource) return undefined;
    this.credentials ??= this.credentialSource();
    const credentials = await this.credentials;
    this.credentialsFound = credentials !== undefined;
    return credentials;
  }

  /**
   * `Basic realm=…` → the credentials; `Bearer realm=…,service=…` → a token from the realm, asked
   * with the credentials when given, else anonymously (a refused anonymous token is no error:
   * the credentials are asked for next). Undefined when the challenge cannot be answered so.
   */
  private async answerChallenge(challenge: string | undefined, credentials: BasicCredentials | undefined): Promise<string | undefined> {
    const scheme = challenge?.trim().split(/\s+/, 1)[0]?.toLowerCase();
    const basic = credentials ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` : undefined;
    if (scheme === 'basic') return basic;
    if (scheme !== 'bearer') return undefined;
    const params = Object.fromEntries([...challenge!.matchAll(/([A-Za-z]+)="([^"]*)"/g)].map((match) => [match[1]!.toLowerCase(), match[2]!]));
    if (!params.realm) throw new ProtoError('plugin.registry_failed', `${this.reference.registry} asked for a token without saying where to get one.`);
    const tokenUrl = new URL(params.realm);
    if (params.service) tokenUrl.searchParams.set('service', params.service);
    tokenUrl.searchParams.set('scope', params.scope ?? `repository:${this.reference.repository}:pull`);
    const response = await fetchBuffer(tokenUrl.href, { settings: this.settings, headers: basic ? { authorization: basic } : {} });
    if (response.status !== 200) {
      if (!basic && (response.status === 401 || response.status === 403) && this.credentialSource) return undefined;
      throw new ProtoError('plugin.registry_denied', `The token service of ${this.reference.registry} (${params.realm}) refused a token (HTTP ${response.status}).`, {
        hint: basic
          ? 'Check the credentials for this registry in ~/.docker/config.json.'
          : this.credentialsHint(),
      });
    }
    const body = parseJson(response.body, `the token from ${params.realm}`) as { token?: unknown; access_token?: unknown };
    const token = typeof body.token === 'string' ? body.token : body.access_token;
    if (typeof token !== 'string' || token === '') throw new ProtoError('plugin.registry_failed', `${params.realm} answered without a token.`);
    return `Bearer ${token}`;
  }
}

function header(response: FetchBufferResult, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(body: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new ProtoError('plugin.registry_bad_manifest', `${what} is not valid JSON.`);
  }
}

/** The `errors[0].message` of a distribution API error body, if any. */
function registryMessage(body: Uint8Array): string | undefined {
  try {
    const errors = (JSON.parse(new TextDecoder().decode(body)) as { errors?: Array<{ code?: string; message?: string }> }).errors;
    const first = errors?.[0];
    return first ? [first.code, first.message].filter(Boolean).join(' ') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `.wasm` in a tar layer: one under a `release` folder first (warpgate's choice), else the
 * first. The decompressed stream is counted as it arrives and stopped past the unpack budget (the
 * .wasm files found are held in memory, so a small layer must not unpack to gigabytes).
 */
async function wasmFromTar(bytes: Uint8Array, compression: 'none' | 'gzip' | 'zstd', name: string, settings: InstallSettings): Promise<Uint8Array> {
  // Decoded from memory: the layer is already there, and a stream needs no scratch file.
  const source = await openDecompressed(Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]), compression, { name: `the layer of ${name}` });
  const budget = unpackBudget(bytes.byteLength, settings.unpack);
  const found: Array<{ path: string; data: Buffer }> = [];
  const parser = new Parser({ strict: true });
  let refuse: (error: ProtoError) => void = () => undefined;
  const refused = new Promise<never>((_, reject) => (refuse = reject));
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('end', resolve);
  });
  parser.on('entry', (entry: ReadEntry) => {
    if (entry.type !== 'File' || !entry.path.endsWith('.wasm')) return void entry.resume();
    const chunks: Buffer[] = [];
    entry.on('data', (chunk: Buffer) => chunks.push(chunk));
    entry.on('end', () => found.push({ path: entry.path, data: Buffer.concat(chunks) }));
  });
  let unpacked = 0;
  // Registered before pipe(): a chunk past the budget is counted before the parser sees it.
  source.stream.on('data', (chunk: Buffer) => {
    unpacked += chunk.length;
    if (unpacked <= budget.bytes) return;
    source.stream.unpipe(parser);
    source.cancel();
    refuse(layerTooLarge(name, bytes.byteLength, budget));
  });
  source.stream.pipe(parser);
  try {
    await Promise.race([Promise.all([parsed, source.finished]), refused]);
  } catch (error) {
    if (error instanceof ProtoError && error.code === 'plugin.registry_layer_too_large') throw error;
    throw new ProtoError('plugin.registry_bad_layer', `The layer of ${name} is not a valid tar archive: ${(error as Error).message}`, { cause: error });
  }
  const chosen = found.find((file) => file.path.split('/').includes('release')) ?? found[0];
  if (!chosen) throw new ProtoError('plugin.registry_bad_layer', `The tar layer of ${name} holds no .wasm file.`);
  return new Uint8Array(chosen.data.buffer, chosen.data.byteOffset, chosen.data.byteLength);
}

/** The refusal of a layer that unpacks past its budget, naming the setting that set the budget. */
function layerTooLarge(name: string, layerBytes: number, budget: ReturnType<typeof unpackBudget>): ProtoError {
  return new ProtoError(
    'plugin.registry_layer_too_large',
    `The layer of ${name} (${formatBytes(layerBytes)}) unpacks to more than ${formatBytes(budget.bytes)}; nothing was cached.`,
    { hint: raiseLimitHint(budget.bound, budget.current, 'It may be a decompression bomb; if it is legitimate') },
  );
}
