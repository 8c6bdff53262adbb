/**
 * Reading a file a project brings (`.prototools`, version files, `.protolock`, env files): only
 * a regular file is read. A device (`.nvmrc -> /dev/zero`) has no size to check and reading it
 * never ends (proto grew past 5 GiB in 20 s on it); a FIFO blocks a plain open until someone
 * writes. The open is non-blocking, so neither can hang or fill memory: both are refused.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { ProtoError } from './errors.js';

/**
 * The open file and its stat; undefined when there is no such file, or it is a directory. The
 * caller closes `fd`. Other failures (permissions) are thrown as they are.
 */
export function openRegularFile(path: string): { fd: number; stat: Stats } | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw error;
  }
  let stat: Stats;
  try {
    stat = fstatSync(fd);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  if (stat.isFile()) return { fd, stat };
  closeSync(fd);
  if (stat.isDirectory()) return undefined;
  throw new ProtoError('system.not_a_regular_file', `${path} is not a regular file (a device, FIFO or socket); it was not read.`, {
    hint: 'Replace it with a plain file, or remove it.',
  });
}

/** The text of a regular file; undefined when there is none (or a directory). */
export function readRegularFile(path: string): string | undefined {
  const opened = openRegularFile(path);
  if (!opened) return undefined;
  try {
    return readFileSync(opened.fd, 'utf8');
  } finally {
    closeSync(opened.fd);
  }
}
