/**
 * Which test file registered a generated suite, read from the call stack at registration time
 * (Node 20's test context does not tell). Snapshots are stored next to that file.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const testUtilsDir = dirname(fileURLToPath(import.meta.url));

/** The first stack frame outside test-utils' own modules; falls back to the entry script. */
export function callerFile(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  for (const frame of frames) {
    const path = framePath(frame);
    if (!path) continue;
    const insideTestUtils = path.startsWith(testUtilsDir + '/') && !path.endsWith('.test.ts');
    if (!insideTestUtils) return path;
  }
  if (process.argv[1]) return process.argv[1];
  throw new Error('cannot tell which test file is running; pass `snapshotDir`');
}

function framePath(frame: string): string | undefined {
  const match = /(file:\/\/\/[^\s)]+?|\/[^\s()]+?):\d+:\d+\)?\s*$/.exec(frame);
  if (!match) return undefined;
  const location = match[1]!;
  return location.startsWith('file://') ? fileURLToPath(location) : location;
}
