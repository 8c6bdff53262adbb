// A node:test reporter that `npm test` runs next to the spec reporter: it collects what the spec
// output scatters (why tests were skipped, which hooks failed: their tests count as "cancelled",
// not as failures, how long each test file took) and writes it as one JSON object for
// scripts/run-tests.mjs to print.
import { relative, resolve } from 'node:path';
import { testFileOfBundle } from './bundle-tests.mjs';

/** A test file's path relative to the working directory (the repo root): its source, not its bundle. */
const testFile = (file) => testFileOfBundle(process.cwd(), relative(process.cwd(), file));

export default async function* summary(source) {
  const skipped = {};
  const failedHooks = [];
  /** Wall time of each test file's process, by path relative to the working directory. */
  const fileDurations = {};
  let failed = 0;
  let cancelled = 0;
  for await (const event of source) {
    const { name, skip, file, details, nesting } = event.data ?? {};
    // The runner completes one pseudo-test per file, named by its path (absolute on Node 20).
    if (event.type === 'test:complete' && nesting === 0 && file && resolve(name) === file) {
      fileDurations[testFile(file)] = Math.round(details?.duration_ms ?? 0);
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.type === 'test:pass' && skip) {
      const reason = typeof skip === 'string' ? skip : 'no reason given';
      skipped[reason] = (skipped[reason] ?? 0) + 1;
    }
    if (event.type === 'test:fail') {
      const kind = details?.error?.failureType;
      if (kind === 'hookFailed') failedHooks.push(`${name} (${file ? testFile(file) : 'unknown file'})`);
      if (kind === 'cancelledByParent') cancelled++;
      else if (details?.type !== 'suite') failed++;
    }
  }
  yield JSON.stringify({ skipped, failedHooks, failed, cancelled, fileDurations });
}
