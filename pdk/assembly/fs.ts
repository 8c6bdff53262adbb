// Files through WASI preview1, the way Rust plugins use `std::fs`.
//
// The host preopens its mounts (`/proto`, `/userhome`, `/temp`, `/cwd`): a
// virtual path is opened relative to the preopen whose name is its longest
// prefix. WASI cannot change permissions: a file written here is not
// executable. A plugin that writes a script to run asks the host to make it
// executable with `ExecutableConfig.updatePerms` (proto's `update_perms`).
import { Result, err, ok } from "./result";
import { decodeUtf8, encodeUtf8 } from "./memory";

// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_prestat_get")
declare function fd_prestat_get(fd: u32, buf: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_prestat_dir_name")
declare function fd_prestat_dir_name(fd: u32, path: usize, len: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_open")
declare function path_open(dirfd: u32, dirflags: u32, path: usize, pathLen: usize, oflags: u16, rightsBase: u64, rightsInheriting: u64, fdflags: u16, fd: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_create_directory")
declare function path_create_directory(fd: u32, path: usize, pathLen: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_filestat_get")
declare function path_filestat_get(fd: u32, flags: u32, path: usize, pathLen: usize, buf: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_write")
declare function fd_write(fd: u32, iovs: usize, iovsLen: usize, written: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_read")
declare function fd_read(fd: u32, iovs: usize, iovsLen: usize, read: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_readdir")
declare function fd_readdir(fd: u32, buf: usize, bufLen: usize, cookie: u64, used: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_close")
declare function fd_close(fd: u32): u16;

const ERRNO_EXIST: u16 = 20;
const ERRNO_NOENT: u16 = 44;
const LOOKUP_SYMLINK_FOLLOW: u32 = 1;
const OFLAGS_CREAT: u16 = 1;
const OFLAGS_DIRECTORY: u16 = 2;
const OFLAGS_TRUNC: u16 = 8;
const FDFLAGS_APPEND: u16 = 1;
// Only the rights each operation needs: uvwasi (Node's WASI) refuses a request
// for all rights with ENOTCAPABLE.
const RIGHT_FD_READ: u64 = 1 << 1;
const RIGHT_FD_SEEK: u64 = 1 << 2;
const RIGHT_FD_WRITE: u64 = 1 << 6;
const RIGHT_FD_READDIR: u64 = 1 << 14;
const RIGHT_FD_FILESTAT_GET: u64 = 1 << 21;
const FILETYPE_DIRECTORY: u8 = 3;

class Preopen {
  constructor(readonly fd: u32, readonly name: string) {}
}

let preopens: Preopen[] | null = null;

/** The host's mounts, asked once: fds 3, 4, ... until one is not a preopen. */
function listPreopens(): Preopen[] {
  const known = preopens;
  if (known !== null) return known;
  const found = new Array<Preopen>(0);
  const prestat = new ArrayBuffer(8);
  for (let fd: u32 = 3; ; fd++) {
    if (fd_prestat_get(fd, changetype<usize>(prestat)) != 0) break;
    const nameLength = load<u32>(changetype<usize>(prestat), 4);
    const name = new Uint8Array(<i32>nameLength);
    if (fd_prestat_dir_name(fd, name.dataStart, <usize>nameLength) != 0) continue;
    let text = decodeUtf8(name);
    // Some runtimes count a trailing NUL in the name.
    while (text.endsWith("\0")) text = text.slice(0, text.length - 1);
    found.push(new Preopen(fd, text));
  }
  preopens = found;
  return found;
}

/** A preopen fd and the path relative to it. */
class Located {
  constructor(readonly fd: u32, readonly relative: string) {}
}

function locate(path: string): Result<Located> {
  const mounts = listPreopens();
  let best: Preopen | null = null;
  let rest = "";
  for (let i = 0; i < mounts.length; i++) {
    const mount = mounts[i];
    const name = mount.name.endsWith("/") && mount.name.length > 1 ? mount.name.slice(0, mount.name.length - 1) : mount.name;
    let remainder: string | null = null;
    if (path == name) remainder = "";
    else if (name == "/" && path.startsWith("/")) remainder = path.slice(1);
    else if (path.startsWith(name + "/")) remainder = path.slice(name.length + 1);
    if (remainder === null) continue;
    if (best === null || name.length > best.name.length) {
      best = mount;
      rest = remainder;
    }
  }
  if (best === null) return err<Located>(path + " is not under any mounted directory");
  while (rest.endsWith("/")) rest = rest.slice(0, rest.length - 1);
  return ok<Located>(new Located(best.fd, rest.length == 0 ? "." : rest));
}

function describeErrno(errno: u16): string {
  if (errno == ERRNO_NOENT) return "no such file or directory";
  if (errno == ERRNO_EXIST) return "it already exists";
  if (errno == 54) return "not a directory";
  if (errno == 31) return "is a directory";
  if (errno == 2) return "permission denied";
  if (errno == 76) return "not allowed by the host (ENOTCAPABLE)";
  return "WASI errno " + errno.toString();
}

function open(path: string, oflags: u16, rights: u64, fdflags: u16 = 0): Result<Box<u32>> {
  const where = locate(path);
  if (where.isErr) return err<Box<u32>>(where.error);
  const name = encodeUtf8(where.value.relative);
  const fdOut = new ArrayBuffer(4);
  const errno = path_open(where.value.fd, LOOKUP_SYMLINK_FOLLOW, name.dataStart, <usize>name.length, oflags, rights, 0, fdflags, changetype<usize>(fdOut));
  if (errno != 0) return err<Box<u32>>("cannot open " + path + ": " + describeErrno(errno));
  return ok<Box<u32>>(new Box<u32>(load<u32>(changetype<usize>(fdOut))));
}

/** A value as a reference type, for Result (module-private: not part of the PDK's API). */
class Box<T> {
  constructor(readonly value: T) {}
}

/** Whether anything exists at the (virtual) path. */
export function pathExists(path: string): bool {
  const where = locate(path);
  if (where.isErr) return false;
  const name = encodeUtf8(where.value.relative);
  const stat = new ArrayBuffer(64);
  return path_filestat_get(where.value.fd, LOOKUP_SYMLINK_FOLLOW, name.dataStart, <usize>name.length, changetype<usize>(stat)) == 0;
}

/** Creates a directory and its missing parents (like `mkdir -p`); Ok holds `path`. */
export function createDirAll(path: string): Result<string> {
  const where = locate(path);
  if (where.isErr) return err<string>(where.error);
  if (where.value.relative == ".") return ok<string>(path);
  const parts = where.value.relative.split("/");
  let current = "";
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].length == 0) continue;
    current = current.length == 0 ? parts[i] : current + "/" + parts[i];
    const name = encodeUtf8(current);
    const errno = path_create_directory(where.value.fd, name.dataStart, <usize>name.length);
    if (errno != 0 && errno != ERRNO_EXIST) return err<string>("cannot create " + path + ": " + describeErrno(errno));
  }
  return ok<string>(path);
}

/**
 * Writes (creates or truncates) a file with `text` as UTF-8; Ok holds `path`. The file is not
 * executable: see the module comment.
 */
export function writeFile(path: string, text: string): Result<string> {
  const opened = open(path, OFLAGS_CREAT | OFLAGS_TRUNC, RIGHT_FD_WRITE | RIGHT_FD_SEEK | RIGHT_FD_FILESTAT_GET);
  if (opened.isErr) return err<string>(opened.error);
  return writeAllAndClose(opened.value.value, path, text);
}

/**
 * Appends `text` as UTF-8 to a file, creating it when missing; Ok holds `path`. Each call is one
 * append-mode write, so lines appended by several plugin calls (an audit log) stay whole.
 */
export function appendFile(path: string, text: string): Result<string> {
  const opened = open(path, OFLAGS_CREAT, RIGHT_FD_WRITE | RIGHT_FD_SEEK | RIGHT_FD_FILESTAT_GET, FDFLAGS_APPEND);
  if (opened.isErr) return err<string>(opened.error);
  return writeAllAndClose(opened.value.value, path, text);
}

function writeAllAndClose(fd: u32, path: string, text: string): Result<string> {
  const bytes = encodeUtf8(text);
  const iovec = new ArrayBuffer(8);
  const written = new ArrayBuffer(4);
  let offset = 0;
  while (offset < bytes.length) {
    store<u32>(changetype<usize>(iovec), <u32>(bytes.dataStart + <usize>offset));
    store<u32>(changetype<usize>(iovec), <u32>(bytes.length - offset), 4);
    const errno = fd_write(fd, changetype<usize>(iovec), 1, changetype<usize>(written));
    const count = <i32>load<u32>(changetype<usize>(written));
    if (errno != 0 || count == 0) {
      fd_close(fd);
      return err<string>("cannot write " + path + ": " + describeErrno(errno));
    }
    offset += count;
  }
  fd_close(fd);
  return ok<string>(path);
}

/** Reads a whole file as UTF-8. */
export function readFile(path: string): Result<string> {
  const opened = open(path, 0, RIGHT_FD_READ | RIGHT_FD_SEEK | RIGHT_FD_FILESTAT_GET);
  if (opened.isErr) return err<string>(opened.error);
  const fd = opened.value.value;
  const chunks = new Array<Uint8Array>(0);
  let total = 0;
  const iovec = new ArrayBuffer(8);
  const count = new ArrayBuffer(4);
  for (;;) {
    const chunk = new Uint8Array(16384);
    store<u32>(changetype<usize>(iovec), <u32>chunk.dataStart);
    store<u32>(changetype<usize>(iovec), <u32>chunk.length, 4);
    const errno = fd_read(fd, changetype<usize>(iovec), 1, changetype<usize>(count));
    if (errno != 0) {
      fd_close(fd);
      return err<string>("cannot read " + path + ": " + describeErrno(errno));
    }
    const n = <i32>load<u32>(changetype<usize>(count));
    if (n == 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
  }
  fd_close(fd);
  const all = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < chunks.length; i++) {
    all.set(chunks[i], at);
    at += chunks[i].length;
  }
  return ok<string>(decodeUtf8(all));
}

/** One entry of a directory listing. */
export class DirEntry {
  constructor(readonly name: string, readonly isDirectory: bool) {}
}

/** The entries of a directory, without `.` and `..`. */
export function readDir(path: string): Result<DirEntry[]> {
  const opened = open(path, OFLAGS_DIRECTORY, RIGHT_FD_READDIR | RIGHT_FD_FILESTAT_GET);
  if (opened.isErr) return err<DirEntry[]>(opened.error);
  const fd = opened.value.value;
  const entries = new Array<DirEntry>(0);
  const buffer = new Uint8Array(16384);
  const used = new ArrayBuffer(4);
  let cookie: u64 = 0;
  for (;;) {
    const errno = fd_readdir(fd, buffer.dataStart, <usize>buffer.length, cookie, changetype<usize>(used));
    if (errno != 0) {
      fd_close(fd);
      return err<DirEntry[]>("cannot list " + path + ": " + describeErrno(errno));
    }
    const filled = <i32>load<u32>(changetype<usize>(used));
    // Entries: d_next u64, d_ino u64, d_namlen u32, d_type u8 (+3 padding), then the name.
    let at = 0;
    let complete = 0;
    while (at + 24 <= filled) {
      const base = buffer.dataStart + <usize>at;
      const next = load<u64>(base);
      const nameLength = <i32>load<u32>(base, 16);
      const type = load<u8>(base, 20);
      if (at + 24 + nameLength > filled) break;
      const name = decodeUtf8(buffer.subarray(at + 24, at + 24 + nameLength));
      if (name != "." && name != "..") entries.push(new DirEntry(name, type == FILETYPE_DIRECTORY));
      cookie = next;
      at += 24 + nameLength;
      complete++;
    }
    // A buffer that was not filled up holds the last entries.
    if (filled < buffer.length) break;
    if (complete == 0) {
      fd_close(fd);
      return err<DirEntry[]>("cannot list " + path + ": an entry name is too long");
    }
  }
  fd_close(fd);
  return ok<DirEntry[]>(entries);
}
