/**
 * Node builtins that cost every command start-up time when a module imports them at its top:
 * `node:crypto` and `node:child_process` each load dozens of Node's internal modules (about 5 ms
 * each on Node 20). Modules on start-up paths that need them only now and then (a digest, a
 * random file name, a spawn) get them here, on first use.
 */
export function lazyCrypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto');
}

export function lazyChildProcess(): typeof import('node:child_process') {
  return process.getBuiltinModule('node:child_process');
}

export function lazyTimersPromises(): typeof import('node:timers/promises') {
  return process.getBuiltinModule('node:timers/promises');
}
