/**
 * What a downloaded file is, from its name (spec §6.5 step 5.3, starbase's extension list, most
 * specific first). The name is the download's file name, chosen by the plugin or its URL.
 */
export type Compression = 'gzip' | 'xz' | 'bzip2' | 'zstd' | 'compress';

export type ArchiveKind =
  | { type: 'tar'; compression: Compression | 'none' }
  | { type: 'zip' }
  /** A single compressed file; `outputName` is the name without the compression extension. */
  | { type: 'compressed-file'; compression: Compression; outputName: string }
  /** macOS installers: not handled by this host. */
  | { type: 'unsupported'; format: string }
  /** Not an archive: the file is the tool's executable. */
  | { type: 'file' };

const TAR_EXTENSIONS: Array<[string, Compression | 'none']> = [
  ['.tar.bzip2', 'bzip2'],
  ['.tar.bz2', 'bzip2'],
  ['.tbz2', 'bzip2'],
  ['.tbz', 'bzip2'],
  ['.tz2', 'bzip2'],
  ['.tar.gzip', 'gzip'],
  ['.tar.gz', 'gzip'],
  ['.tgz', 'gzip'],
  ['.tar.xz', 'xz'],
  ['.txz', 'xz'],
  ['.tar.zstd', 'zstd'],
  ['.tar.zst', 'zstd'],
  ['.tzst', 'zstd'],
  ['.tzs', 'zstd'],
  ['.tar.z', 'compress'],
  ['.taz', 'compress'],
  ['.tz', 'compress'],
  ['.tar', 'none'],
];

const COMPRESSED_FILE_EXTENSIONS: Array<[string, Compression]> = [
  ['.bzip2', 'bzip2'],
  ['.bz2', 'bzip2'],
  ['.gzip', 'gzip'],
  ['.gz', 'gzip'],
  ['.xz', 'xz'],
  ['.zstd', 'zstd'],
  ['.zst', 'zstd'],
  ['.z', 'compress'],
];

export function detectArchiveKind(fileName: string): ArchiveKind {
  const name = fileName.toLowerCase();
  for (const [extension, compression] of TAR_EXTENSIONS) {
    if (name.endsWith(extension) && name.length > extension.length) return { type: 'tar', compression };
  }
  if (name.endsWith('.zip')) return { type: 'zip' };
  if (name.endsWith('.dmg')) return { type: 'unsupported', format: 'dmg' };
  if (name.endsWith('.pkg')) return { type: 'unsupported', format: 'pkg' };
  for (const [extension, compression] of COMPRESSED_FILE_EXTENSIONS) {
    if (name.endsWith(extension) && name.length > extension.length) {
      return { type: 'compressed-file', compression, outputName: fileName.slice(0, -extension.length) };
    }
  }
  return { type: 'file' };
}
