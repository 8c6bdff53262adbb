/**
 * Failures the user's machine causes (a full disk, a read-only store, `PROTO_HOME` naming a file,
 * a path too long, arguments too large, no permission) arrive as Node errno errors from deep in
 * the code. They are not bugs in proto: this turns each into a ProtoError that names the path
 * and says what to do, instead of "internal error (please report it)" and a stack trace.
 *
 * The renderer calls `explainSystemError` for anything that is not already a ProtoError; so does
 * any place that reports failures one by one (the parallel install summary).
 */
import { ProtoError } from './errors.js';

interface Explanation {
  code: string;
  what: (where: string) => string;
  hint: string;
}

const STORE_HINT = 'proto writes under PROTO_HOME (default ~/.proto) and PROTO_TEMP_DIR; point them at a directory you can write to.';

const ERRNO: Record<string, Explanation> = {
  ENOSPC: {
    code: 'system.no_space',
    what: (where) => `No space left on the device of ${where}.`,
    hint: 'Free some disk space (`proto uninstall <tool> <version>` removes versions you no longer use), or set PROTO_HOME / PROTO_TEMP_DIR to a disk with room.',
  },
  EDQUOT: {
    code: 'system.no_space',
    what: (where) => `Your disk quota is used up (writing ${where}).`,
    hint: 'Free some space in your quota, or set PROTO_HOME / PROTO_TEMP_DIR to a disk with room.',
  },
  EROFS: {
    code: 'system.read_only',
    what: (where) => `${capitalize(where)} is on a read-only file system.`,
    hint: STORE_HINT,
  },
  ENOTDIR: {
    code: 'system.not_a_directory',
    what: (where) => `A part of ${where} is a file where a directory is needed.`,
    hint: 'Check PROTO_HOME and PROTO_TEMP_DIR: each must name a directory (or nothing yet). Move away a stray file that sits where a directory should be.',
  },
  ENAMETOOLONG: {
    code: 'system.name_too_long',
    what: (where) => `${capitalize(where)} is too long a path for the file system.`,
    hint: 'Use a shorter PROTO_HOME or working directory.',
  },
  E2BIG: {
    code: 'system.arguments_too_long',
    what: (where) => `The arguments and environment for ${where} are larger than the system allows.`,
    hint: 'Pass fewer or shorter arguments, or make large environment variables ([env] in .prototools, or your shell) smaller.',
  },
  EACCES: {
    code: 'system.permission_denied',
    what: (where) => `Permission denied: ${where}.`,
    hint: `Check the owner and permissions of that path and its parent directories (proto never needs root). ${STORE_HINT}`,
  },
  EPERM: {
    code: 'system.permission_denied',
    what: (where) => `Operation not permitted: ${where}.`,
    hint: `Check the owner and permissions of that path and its parent directories (proto never needs root). ${STORE_HINT}`,
  },
  EMFILE: {
    code: 'system.too_many_open_files',
    what: (where) => `Too many open files (at ${where}).`,
    hint: 'Raise the open-file limit (`ulimit -n`), or install fewer tools at once.',
  },
  ENFILE: {
    code: 'system.too_many_open_files',
    what: (where) => `The system has too many open files (at ${where}).`,
    hint: 'Close some programs, or raise the system-wide open-file limit.',
  },
  ELOOP: {
    code: 'system.symlink_loop',
    what: (where) => `Too many symbolic links (a loop?) at ${where}.`,
    hint: 'Fix the symbolic link that points back to itself.',
  },
  EISDIR: {
    code: 'system.is_a_directory',
    what: (where) => `${capitalize(where)} is a directory where a file is needed.`,
    hint: 'Move the directory away, or point the setting that names it at a file.',
  },
  EBUSY: {
    code: 'system.busy',
    what: (where) => `${capitalize(where)} is busy (in use by another program).`,
    hint: 'Stop the program that uses it (a running tool?) and try again.',
  },
  ETXTBSY: {
    code: 'system.busy',
    what: (where) => `${capitalize(where)} is being executed and cannot be changed.`,
    hint: 'Stop the running tool and try again.',
  },
  EXDEV: {
    code: 'system.cross_device',
    what: (where) => `Cannot move ${where} across file systems.`,
    hint: 'Put PROTO_TEMP_DIR on the same disk as PROTO_HOME (or unset it).',
  },
  EIO: {
    code: 'system.io_error',
    what: (where) => `The disk reported an input/output error at ${where}.`,
    hint: 'The disk or file system may be failing; check it (dmesg), and try again.',
  },
  ENOMEM: {
    code: 'system.out_of_memory',
    what: (where) => `The system is out of memory (at ${where}).`,
    hint: 'Close some programs and try again; lower [settings.limits] in .prototools if a plugin or download is the cause.',
  },
  EEXIST: {
    code: 'system.already_exists',
    what: (where) => `${capitalize(where)} already exists, and is not what proto expected there.`,
    hint: 'Move it away and run the command again.',
  },
  ENOENT: {
    code: 'system.not_found',
    what: (where) => `${capitalize(where)} does not exist.`,
    hint: 'It may have been removed while proto ran; run the command again.',
  },
};

/**
 * Runs `work`; an errno error it throws that names no path (a `write` on a descriptor, a `spawn`)
 * gets `path` attached, so the message can say which file or command it was.
 */
export function withPath<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    const errno = error as NodeJS.ErrnoException;
    if (errno instanceof Error && typeof errno.code === 'string' && errno.path === undefined) errno.path = path;
    throw error;
  }
}

/** A ProtoError for an errno or out-of-memory failure anywhere in `error`'s cause chain; undefined otherwise. */
export function explainSystemError(error: unknown): ProtoError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof ProtoError) return undefined;
    const explained = explainOne(current);
    if (explained) return explained;
  }
  return undefined;
}

function explainOne(error: Error): ProtoError | undefined {
  const errno = error as NodeJS.ErrnoException & { dest?: string; spawnargs?: string[] };
  const known = typeof errno.code === 'string' ? ERRNO[errno.code] : undefined;
  if (known) {
    return new ProtoError(known.code, known.what(describeTarget(errno)), { hint: known.hint, cause: error });
  }
  // V8's limits on one value: a string or buffer larger than it can hold.
  if (error instanceof RangeError && /Invalid string length|Array buffer allocation failed|Invalid typed array length|Cannot create a string longer/i.test(error.message)) {
    return new ProtoError('system.value_too_large', `A file, download or plugin output was too large to hold in memory (${error.message}).`, {
      hint: 'Check what grew that large; the ceilings in [settings.limits] (.prototools) keep plugin output, command output and files bounded.',
      cause: error,
    });
  }
  return undefined;
}

/** "the file /x/y (open)", "/a → /b (rename)", "the command sh (spawn)". */
function describeTarget(error: NodeJS.ErrnoException & { dest?: string }): string {
  const syscall = error.syscall ?? '';
  if (syscall.startsWith('spawn')) return `the command ${error.path ?? syscall.slice(6).trim()}`;
  if (error.path && error.dest) return `${error.path} → ${error.dest} (${syscall || 'rename'})`;
  if (error.path) return `${error.path}${syscall ? ` (${syscall})` : ''}`;
  return syscall ? `a ${syscall} call` : 'an unnamed path';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
