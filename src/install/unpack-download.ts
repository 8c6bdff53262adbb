/**
 * Step 5.3 of the install (plugin-api §7.2): turn the verified download into the tool's files inside
 * `outputDir` (a fresh staging directory that is renamed into place afterwards).
 *
 * - The plugin's `unpack_archive`, when exported, does all of it.
 * - Archives (tar.gz/tgz, tar.xz/txz, tar.bz2, tar.zst, tar, zip) are extracted with
 *   `archive_prefix` stripped, through the TreeWriter's containment and bomb checks.
 * - A single compressed file (`.gz`, `.xz`, …) is decompressed to its name without the extension
 *   and made executable.
 * - Anything else is the executable itself: moved to `<outputDir>/<id>` and made executable.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ProtoError } from '../errors.js';
import { encodeComponent } from '../store/index.js';
import { detectArchiveKind, type ArchiveKind } from './archive-kind.js';
import { decompressionFailed, openDecompressed } from './decompress.js';
import { compileArchivePrefix } from './entry-path.js';
import { plainFileName } from './file-names.js';
import { DEFAULT_UNPACK_LIMITS, unpackBudget, type InstallSettings } from './install-settings.js';
import type { InstallPluginPort } from './plugin-port.js';
import { TreeWriter } from './tree-writer.js';

export interface UnpackDownloadInput {
  plugin: InstallPluginPort;
  version: string;
  downloadFile: string;
  downloadName: string;
  /**
   * The download's bytes while it is being written (a tar archive only, see
   * unpack-while-downloading.ts), with its declared length; read instead of `downloadFile`.
   */
  stream?: Readable;
  /** The whole download, kept in memory (a tar archive only): read instead of `downloadFile`. */
  body?: readonly Buffer[];
  archiveBytes?: number;
  archivePrefix?: string;
  /** Must exist and be empty. */
  outputDir: string;
  settings: InstallSettings;
  warn: (message: string) => void;
  signal?: AbortSignal;
}

export interface UnpackResult {
  kind: ArchiveKind['type'] | 'plugin';
  /** The decompressor used, when any (`xz`, `zlib gunzip`, `xz-decompress (wasm)`, …). */
  decoder?: string;
  bytesWritten?: number;
}

export async function unpackDownload(input: UnpackDownloadInput): Promise<UnpackResult> {
  const { plugin, downloadFile, downloadName, outputDir, settings } = input;
  if (plugin.has('unpack_archive')) {
    await plugin.unpackArchive({ version: input.version, inputFile: downloadFile, outputDir });
    return { kind: 'plugin' };
  }
  const kind = detectArchiveKind(downloadName);
  if (kind.type === 'file') {
    const target = join(outputDir, encodeComponent(plugin.id.slice(plugin.id.lastIndexOf('/') + 1)));
    await moveFile(downloadFile, target);
    await fs.chmod(target, 0o755);
    return { kind: 'file' };
  }
  if (kind.type === 'unsupported') {
    throw new ProtoError('install.unsupported_archive', `Cannot unpack ${downloadName}: ${kind.format} installers are not supported by this host.`);
  }

  if ((input.stream || input.body) && kind.type !== 'tar') throw new Error(`only tar archives are unpacked from memory or while downloading, not ${downloadName}`);
  const archiveBytes = input.archiveBytes ?? (await fs.stat(downloadFile)).size;
  const budget = unpackBudget(archiveBytes, settings.unpack);
  const limits = {
    maxBytes: budget.bytes,
    maxEntries: settings.unpack?.maxEntries ?? DEFAULT_UNPACK_LIMITS.maxEntries,
    bytesBound: { name: budget.bound, current: budget.current },
  };
  const writer = new TreeWriter(outputDir, limits, downloadName, input.warn);
  const decompress = { xzDecoder: settings.unpack?.xzDecoder, path: (settings.env ?? process.env).PATH };
  try {
    let decoder: string | undefined;
    if (kind.type === 'tar') {
      const prefix = compileArchivePrefix(input.archivePrefix, plugin.id);
      // Each format's reader is loaded when an archive needs it: npm's tar costs a zip install
      // ~15 ms of CPU, yauzl and our zip reader a tar install ~3 ms.
      const { extractTar } = await import('./extract-tar.js');
      ({ decoder } = await extractTar({ source: input.body ?? input.stream ?? downloadFile, archiveName: downloadName, compression: kind.compression, writer, prefix, decompress, warn: input.warn, signal: input.signal }));
    } else if (kind.type === 'zip') {
      const prefix = compileArchivePrefix(input.archivePrefix, plugin.id);
      const { extractZip } = await import('./extract-zip.js');
      await extractZip({ file: downloadFile, archiveName: downloadName, writer, prefix, warn: input.warn, signal: input.signal });
    } else {
      decoder = await decompressSingleFile(downloadFile, downloadName, kind.compression, plainFileName(kind.outputName, 'file name', plugin.id), writer, decompress);
    }
    writer.finish();
    return { kind: kind.type, decoder, bytesWritten: writer.bytesWritten };
  } catch (error) {
    writer.abort();
    throw error;
  }
}

async function decompressSingleFile(
  file: string,
  archiveName: string,
  compression: Extract<ArchiveKind, { type: 'compressed-file' }>['compression'],
  outputName: string,
  writer: TreeWriter,
  options: Parameters<typeof openDecompressed>[2],
): Promise<string> {
  const source = await openDecompressed(file, compression, { ...options, name: archiveName });
  const sink = writer.openFile([outputName], 0o755);
  if (!sink) throw new ProtoError('install.unpack_failed', `Cannot write ${outputName}.`);
  try {
    for await (const chunk of source.stream) sink.write(chunk as Buffer);
  } catch (error) {
    source.cancel();
    await source.finished.catch(() => undefined);
    throw error instanceof ProtoError ? error : decompressionFailed(archiveName, error);
  }
  await source.finished;
  sink.close();
  return source.decoder;
}

/** rename, or copy + delete when the temp dir is on another file system (PROTO_TEMP_DIR). */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await fs.copyFile(from, to);
    await fs.rm(from, { force: true });
  }
}
