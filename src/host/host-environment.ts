/**
 * What the plugin is told about the machine (spec §2.4): os, arch and libc in proto's names, and ci.
 * Detected once per process; tests and `createPlugin({ host })` can override any field.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
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
 * musl or glibc. Node's own report says which libc it was linked against, which is what the
 * tools we download must match; `ldd --version` and the loader file name are fallbacks.
 */
export function detectLibc(os: HostOS): HostLibc {
  if (os === 'macos' || os === 'ios') return 'gnu';
  if (os === 'windows') return 'unknown';
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  if (header?.glibcVersionRuntime) return 'gnu';
  try {
    if (existsSync('/lib') && readdirSync('/lib').some((name) => name.startsWith('ld-musl-'))) return 'musl';
  } catch {
    // unreadable /lib: fall through to ldd
  }
  try {
    const out = execFileSync('ldd', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /musl|alpine/i.test(out) ? 'musl' : 'gnu';
  } catch (error) {
    // musl's ldd prints its banner on stderr and exits 1
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    return /musl/i.test(stderr) ? 'musl' : 'gnu';
  }
}

/** CI providers set `CI`; a few only set their own variable. */
export function detectCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI?.toLowerCase();
  if (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0') return true;
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
