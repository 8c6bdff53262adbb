/**
 * A throwaway proto world for one test: a temp root holding `.home`, `.proto` and a cwd, and a
 * scrubbed environment that points proto at them (spec §8.1: `create_empty_proto_sandbox`).
 * Nothing of the developer's real home or store is visible inside. The root goes with `cleanup()`,
 * or when the process ends first (remove-at-exit.ts: an interrupted run leaves no sandbox behind).
 */
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { removeAtExit } from './remove-at-exit.js';

export interface Sandbox {
  /** The temp root (real path, symlinks resolved). */
  readonly root: string;
  /** `root/.home`: HOME inside the sandbox. */
  readonly home: string;
  /** `root/.proto`: the store (PROTO_HOME). */
  readonly protoHome: string;
  /** `root/.proto/temp`. */
  readonly temp: string;
  /** `root/workspace`: the working dir, outside home like a CI checkout. */
  readonly cwd: string;
  /** Mount dirs for the plugin host. */
  readonly dirs: { protoHome: string; home: string; temp: string; cwd: string };
  /** A scrubbed env: PATH and the sandbox's HOME/PROTO_HOME only, no PROTO_* from the developer. */
  readonly env: NodeJS.ProcessEnv;
  /** Writes a file under the root (parents created); returns its path. */
  writeFile(relativePath: string, content: string | Uint8Array): string;
  /** Removes the whole root (also done when the process exits or is interrupted before). */
  cleanup(): void;
}

export function createSandbox(prefix = 'proto-sandbox-'): Sandbox {
  const root = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const remove = removeAtExit(root);
  const home = join(root, '.home');
  const protoHome = join(root, '.proto');
  const temp = join(protoHome, 'temp');
  const cwd = join(root, 'workspace');
  for (const dir of [home, protoHome, temp, cwd]) mkdirSync(dir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    USERPROFILE: home,
    PROTO_HOME: protoHome,
    TMPDIR: process.env.TMPDIR,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return {
    root,
    home,
    protoHome,
    temp,
    cwd,
    dirs: { protoHome, home, temp, cwd },
    env,
    writeFile(relativePath, content) {
      const path = join(root, relativePath);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      return path;
    },
    cleanup: remove,
  };
}
