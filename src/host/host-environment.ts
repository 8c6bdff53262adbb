/**
 * What the plugin is told about the machine (plugin-api §4.4): os, arch and libc in proto's names, and ci.
 * Detected once per process; tests and `createPlugin({ host })` can override any field.
 */
import { readdirSync } from 'node:fs';
import { envSwitch } from '../env-switch.js';
import { lazyChildProcess } from '../lazy-builtins.js';
import { hostArchFromNode, hostOsFromNode, type HostArch, type HostLibc, type HostOS } from '../protocol/index.js';

export interface DetectedHost {
  os: HostOS;
  arch: HostArch;
  libc: HostLibc;
  ci: boolean;
}

export function mapNodeOs(platform: NodeJS.Platform): HostOS {
  const os = hostOsFromNode(platform);
  if (!os) throw new Error(`unsupported operating system "${platform}"`);
  return os;
}

export function mapNodeArch(arch: string): HostArch {
  const mapped = hostArchFromNode(arch);
  if (!mapped) throw new Error(`unsupported CPU architecture "${arch}"`);
  return mapped;
}

/**
 * musl or glibc. The dynamic loader in /lib or /lib64 says which libc the system runs (`ld-musl-*` or
 * `ld-linux-*`), which is what downloaded tools must match; it is read first because it costs
 * one directory listing, where Node's own report costs milliseconds. `ldd --version` settles
 * the rare system with neither.
 */
export function detectLibc(os: HostOS): HostLibc {
  if (os === 'macos' || os === 'ios') return 'gnu';
  if (os === 'windows') return 'unknown';
  const loaders = ['/lib', '/lib64'].flatMap((dir) => {
    try {
      return readdirSync(dir).filter((name) => name.startsWith('ld-'));
    } catch {
      return [];
    }
  });
  if (loaders.some((name) => name.startsWith('ld-musl-'))) return 'musl';
  if (loaders.some((name) => name.startsWith('ld-linux'))) return 'gnu';
  try {
    const out = lazyChildProcess().execFileSync('ldd', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /musl|alpine/i.test(out) ? 'musl' : 'gnu';
  } catch (error) {
    // musl's ldd prints its banner on stderr and exits 1
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    return /musl/i.test(stderr) ? 'musl' : 'gnu';
  }
}

/**
 * Whether we run in CI: the one rule for the plugins' `ci` flag and for `proto install`'s
 * immutable lockfile. Services say it in their own words (`CI=true`, `CI=1`, woodpecker's
 * `CI=woodpecker`, drone's `CI=drone`), so any value counts except an off word of env-switch
 * (`0`, `false`, `no`, `off`): a user who writes `CI=off` means "not CI", and that wins over a
 * service's own variable (as ci-info does), so one can run a CI job's command as on a laptop.
 * With `CI` unset or empty, the few services that only set their own variable are asked.
 */
export function detectCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI?.trim();
  if (ci) return envSwitch(ci) !== false;
  return Boolean(env.GITHUB_ACTIONS || env.GITLAB_CI || env.BUILDKITE || env.TF_BUILD || env.JENKINS_URL || env.CIRCLECI);
}

let detected: DetectedHost | undefined;

export function detectHost(): DetectedHost {
  if (!detected) {
    const os = mapNodeOs(process.platform);
    detected = { os, arch: mapNodeArch(process.arch), libc: detectLibc(os), ci: detectCi() };
  }
  return detected;
}
