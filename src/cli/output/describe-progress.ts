/**
 * What one install is doing, in words, from the pipeline's `InstallProgress` events. The plain
 * form (no byte counts) is what non-interactive stderr gets: one line per phase, so CI logs
 * stay short; the live form adds a bar and byte counts for a terminal.
 */
import type { InstallProgress } from '../../install/install-settings.js';
import { formatBytes } from '../../format-bytes.js';

const BAR_WIDTH = 20;

/** The phase in words, without byte counts: `downloading disttool-v2.1.0-linux-x64.tar.gz`. */
export function describePhase(progress: InstallProgress): string {
  switch (progress.phase) {
    case 'wait-lock':
      return progress.ownerPid === undefined
        ? 'waiting for another proto process installing this version'
        : `waiting for proto process ${progress.ownerPid}, which is installing this version`;
    case 'download':
      return `downloading ${progress.file}`;
    case 'verify':
      return `verifying ${progress.file}`;
    case 'unpack':
      return `unpacking ${progress.file}`;
    case 'commit':
      return 'finishing';
  }
}

/** The phase with a bar and byte counts while downloading: `downloading x.tar.gz [#####     ] 1.0 MiB/2.0 MiB`. */
export function describeLive(progress: InstallProgress): string {
  if (progress.phase !== 'download') return describePhase(progress);
  const done = formatBytes(progress.bytes);
  if (progress.total === undefined || progress.total <= 0) return `${describePhase(progress)} ${done}`;
  const ratio = Math.min(1, progress.bytes / progress.total);
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}]`;
  return `${describePhase(progress)} ${bar} ${done}/${formatBytes(progress.total)}`;
}
