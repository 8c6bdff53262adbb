/**
 * Step 5.1–5.2 of the install (plugin-api §7.2): fetch the checksum file (or write the plugin's inline
 * checksum) and stream the download into the version temp dir, computing exactly the digests that
 * verification will need while the bytes pass, so the large file is read only once.
 *
 * Which digest that is comes from the checksum file: sha256, sha512, or BLAKE2b-512 for a prehashed
 * minisign signature. When the file's name alone says sha256 or sha512 (`SHASUMS256.txt`,
 * `*.sha512`, ...: checksumAlgorithmByName), both requests go out at once, one round trip sooner.
 * Otherwise (the content must tell, or a minisign signature, whose digests depend on its content)
 * the checksum file is fetched first. Either way, a failed checksum fetch is the error reported.
 *
 * The checksum file is kept in memory (within `[settings.limits] checksum-file`); only a plugin that
 * verifies the download itself (`verify_checksum`, which gets a path) has it written to the temp dir.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { ProtoError } from '../errors.js';
import { LIMITS, limitSetting, MIB } from '../limits.js';
import { downloadFile, fetchBuffer, type DownloadFileResult, type HashAlgorithm } from '../net/index.js';
import type { DownloadPrebuiltOutput } from '../protocol/index.js';
import { parseChecksum, type Checksum, type ChecksumAlgorithm } from './checksum.js';
import { checksumAlgorithmByName, detectChecksumAlgorithm } from './checksum-file.js';
import { lastUrlSegment, plainFileName } from './file-names.js';
import { makeDirectory } from '../store/make-directory.js';
import { downloadLimit, type InstallProgress, type InstallSettings } from './install-settings.js';
import { parseMinisignSignature } from './minisign.js';
import type { InstallPluginPort } from './plugin-port.js';

/** How the download will be verified. */
export type ChecksumPlan =
  | { kind: 'none' }
  | {
      kind: 'file';
      /**
       * Staging path of the checksum file (downloaded or written from the inline checksum): on disk
       * only when the plugin exports `verify_checksum` (its input names the file).
       */
      path: string;
      name: string;
      algorithm: ChecksumAlgorithm;
      content: string;
      /** minisign key: `checksum_public_key`, else the key of a `minisign:` checksum. */
      publicKey: string | undefined;
    };

export interface DownloadedArtifacts {
  /** Where the download is, or would be when it was kept in memory (`body`): named in messages. */
  downloadFile: string;
  /** The download's bytes, when they were kept in memory (no file at `downloadFile`). */
  body?: readonly Buffer[];
  downloadName: string;
  /** `download_url` as the plugin gave it (recorded as the lock `source`). */
  sourceUrl: string;
  bytes: number;
  hashes: Partial<Record<HashAlgorithm, string>>;
  checksum: ChecksumPlan;
  /** What was written to the temp dir: the download, and a checksum file for the plugin's verify_checksum. */
  tempFiles: string[];
}

export interface DownloadArtifactsInput {
  plugin: InstallPluginPort;
  prebuilt: DownloadPrebuiltOutput;
  stagingDir: string;
  settings: InstallSettings;
  onProgress?: (progress: InstallProgress) => void;
  /**
   * The download file holds `bytes` bytes so far (0 each time it starts, again on a retry), its
   * declared length is `total`: for unpacking it while it downloads.
   */
  onWrite?: (file: { path: string; name: string; total: number | undefined }, bytes: number) => void;
  /**
   * Asked at each response with the download's name and declared length: true keeps the body in
   * memory (DownloadedArtifacts' `body`) instead of writing it to the temp dir, each chunk handed
   * to `onChunk` as it arrives.
   */
  inMemory?: (file: { name: string; total: number | undefined }) => boolean;
  onChunk?: (chunk: Buffer) => void;
  signal?: AbortSignal;
}

export async function downloadArtifacts(input: DownloadArtifactsInput): Promise<DownloadedArtifacts> {
  const { plugin, prebuilt, stagingDir } = input;
  if (typeof prebuilt.download_url !== 'string' || prebuilt.download_url === '') {
    throw new ProtoError('install.invalid_download', `Plugin ${plugin.id} returned no download_url from download_prebuilt.`);
  }
  const headers = prebuilt.http_headers ?? {};
  const downloadName = prebuilt.download_name
    ? plainFileName(prebuilt.download_name, 'download_name', plugin.id)
    : lastUrlSegment(prebuilt.download_url, 'download_url', plugin.id);
  const downloadPath = join(stagingDir, downloadName);
  // The plugin's values are checked before any request is made.
  const inline = prebuilt.checksum ? parseChecksum(prebuilt.checksum) : undefined;
  const file = checksumFileSource(input, downloadName);
  const download = (hashes: HashAlgorithm[], signal: AbortSignal | undefined) => startDownload(input, downloadPath, downloadName, headers, hashes, signal);

  let checksum: ChecksumPlan;
  let result: DownloadFileResult;
  const named = file && checksumAlgorithmByName(file.name);
  if (file && (named === 'sha256' || named === 'sha512')) {
    ({ checksum, result } = await fetchTogether(() => fetchChecksumFile(input, file, headers, inline), (signal) => download([named], signal), input.signal));
  } else {
    checksum = file ? await fetchChecksumFile(input, file, headers, inline) : await inlineChecksum(input, inline, downloadName);
    result = await download(digestsFor(checksum, plugin.has('verify_checksum')), input.signal);
  }
  return {
    downloadFile: downloadPath,
    ...(result.body ? { body: result.body } : {}),
    downloadName,
    sourceUrl: prebuilt.download_url,
    bytes: result.bytes,
    hashes: result.hashes,
    checksum,
    tempFiles: [...(result.body ? [] : [downloadPath]), ...(checksum.kind === 'file' && plugin.has('verify_checksum') ? [checksum.path] : [])],
  };
}

/**
 * The checksum file and the download at once. A failed checksum fetch stops the download (through
 * its signal) and is the error reported, also when the download failed as well: what the
 * checksum-first order would have reported. The download is awaited to its end either way, so no
 * request or file handle outlives this call; what it wrote stays for the caller, which removes the
 * temp dir.
 *
 * The download is asked for first: a keep-alive connection to its host left idle by an earlier
 * request (the plugin's) goes to the first request, and the second opens its own; the large body
 * is the one that should not wait for a handshake.
 */
async function fetchTogether(
  fetchChecksum: () => Promise<ChecksumPlan>,
  download: (signal: AbortSignal) => Promise<DownloadFileResult>,
  signal: AbortSignal | undefined,
): Promise<{ checksum: ChecksumPlan; result: DownloadFileResult }> {
  const stop = new AbortController();
  const downloading = download(signal ? AbortSignal.any([signal, stop.signal]) : stop.signal);
  const checking = fetchChecksum().catch((error: unknown) => {
    stop.abort(error);
    throw error;
  });
  const [checksum, result] = await Promise.allSettled([checking, downloading]);
  if (checksum.status === 'rejected') throw checksum.reason;
  if (result.status === 'rejected') throw result.reason;
  return { checksum: checksum.value, result: result.value };
}

function startDownload(
  input: DownloadArtifactsInput,
  downloadPath: string,
  downloadName: string,
  headers: Record<string, string>,
  hashes: HashAlgorithm[],
  signal: AbortSignal | undefined,
): Promise<DownloadFileResult> {
  const { settings } = input;
  return downloadFile(input.prebuilt.download_url, downloadPath, {
    headers,
    settings,
    ...downloadLimit(settings),
    hashes,
    signal,
    ...(input.inMemory ? { inMemory: (total: number | undefined) => input.inMemory!({ name: downloadName, total }), onChunk: input.onChunk } : {}),
    onProgress: (p) => {
      input.onWrite?.({ path: downloadPath, name: downloadName, total: p.total }, p.bytes);
      input.onProgress?.({ phase: 'download', file: downloadName, bytes: p.bytes, total: p.total });
    },
  });
}

interface ChecksumFileSource {
  url: string;
  name: string;
  /** Staging path: written only for a plugin's verify_checksum. */
  path: string;
}

/** The plugin's checksum_url and the file's name (checked), or undefined when it gave none. */
function checksumFileSource(input: DownloadArtifactsInput, downloadName: string): ChecksumFileSource | undefined {
  const { plugin, prebuilt, stagingDir } = input;
  if (!prebuilt.checksum_url) return undefined;
  const name = prebuilt.checksum_name
    ? plainFileName(prebuilt.checksum_name, 'checksum_name', plugin.id)
    : lastUrlSegment(prebuilt.checksum_url, 'checksum_url', plugin.id);
  if (name === downloadName) {
    throw new ProtoError('install.invalid_file_name', `Plugin ${plugin.id} uses the same file name "${name}" for the download and its checksum.`);
  }
  return { url: prebuilt.checksum_url, name, path: join(stagingDir, name) };
}

/** minisign key: `checksum_public_key`, else the key of a `minisign:` checksum. */
function publicKeyOf(prebuilt: DownloadPrebuiltOutput, inline: Checksum | undefined): string | undefined {
  return prebuilt.checksum_public_key || (inline?.algorithm === 'minisign' ? inline.key : undefined);
}

async function fetchChecksumFile(
  input: DownloadArtifactsInput,
  file: ChecksumFileSource,
  headers: Record<string, string>,
  inline: Checksum | undefined,
): Promise<ChecksumPlan> {
  const { plugin, prebuilt, stagingDir, settings } = input;
  const { body } = await fetchBuffer(file.url, {
    headers,
    settings,
    signal: input.signal,
    maxBytes: settings.checksumFileMaxBytes ?? LIMITS.checksumFile.default * MIB,
    limitSetting: limitSetting('checksumFile'),
    anyStatus: false,
  });
  if (plugin.has('verify_checksum')) await writeTempFile(stagingDir, file.path, body);
  const content = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  const { name, path } = file;
  return { kind: 'file', path, name, algorithm: detectChecksumAlgorithm(name, content), content, publicKey: publicKeyOf(prebuilt, inline) };
}

/** The plugin's inline checksum (no checksum_url), written to the temp dir for its verify_checksum; or none. */
async function inlineChecksum(input: DownloadArtifactsInput, inline: Checksum | undefined, downloadName: string): Promise<ChecksumPlan> {
  const { plugin, prebuilt, stagingDir } = input;
  if (!inline) return { kind: 'none' };
  const name = `checksum.${inline.algorithm}`;
  if (name === downloadName) {
    throw new ProtoError('install.invalid_file_name', `Plugin ${plugin.id} names its download "${name}", which is reserved.`);
  }
  // A minisign checksum carries a key but no signature: only a plugin verifier can use it.
  if (inline.algorithm === 'minisign' && !plugin.has('verify_checksum')) {
    throw new ProtoError('install.invalid_checksum', `Plugin ${plugin.id} gave a minisign key but no checksum_url for the signature.`, {
      hint: 'The plugin must also return checksum_url pointing at the .minisig file.',
    });
  }
  const content = inline.algorithm === 'minisign' ? '' : `${inline.hash}\n`;
  const path = join(stagingDir, name);
  if (plugin.has('verify_checksum')) await writeTempFile(stagingDir, path, content);
  return { kind: 'file', path, name, algorithm: inline.algorithm, content, publicKey: publicKeyOf(prebuilt, inline) };
}

/** A file in the temp dir, which is made with the first one (a download kept in memory needs none). */
async function writeTempFile(dir: string, path: string, data: string | Uint8Array): Promise<void> {
  await makeDirectory(dir);
  await fs.writeFile(path, data);
}

/** The digests to compute while downloading: only those verification and the manifest will use. */
function digestsFor(plan: ChecksumPlan, pluginVerifies: boolean): HashAlgorithm[] {
  if (plan.kind === 'none') return ['sha256'];
  if (plan.algorithm !== 'minisign') return [plan.algorithm];
  const digests: HashAlgorithm[] = pluginVerifies ? ['sha256'] : [];
  if (!pluginVerifies && isPrehashedSignature(plan.content)) digests.push('blake2b512');
  return digests;
}

function isPrehashedSignature(content: string): boolean {
  try {
    return parseMinisignSignature(content).prehashed;
  } catch {
    return false; // verification reports the malformed signature with a proper message
  }
}
