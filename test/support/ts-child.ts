/**
 * How a test starts a TypeScript file of this repo in a child process (an install child, a generated
 * suite, a reliability helper): as `npm test` runs the test files themselves, bundled by
 * scripts/bundle-tests.mjs (no module hooks: ~0.2 s less CPU per child), or through the TypeScript
 * hooks when PROTO_TEST_BUNDLE=0 or the bundle cannot be made. The args expect nothing of the cwd.
 */
import { isAbsolute, join, relative } from 'node:path';
import { bundleTests } from '../../scripts/bundle-tests.mjs';
import { repoRoot } from './fixtures.js';

const argsOf = new Map<string, Promise<string[]>>();

/** Node's arguments that run `script` (a path in the repo, relative to its root or absolute); the script's own follow. */
export async function tsChildArgs(script: string): Promise<string[]> {
  const path = relative(repoRoot, isAbsolute(script) ? script : join(repoRoot, script));
  // Eight children started at once bundle their script once.
  if (!argsOf.has(path)) argsOf.set(path, childArgs(path));
  return [...(await argsOf.get(path)!)];
}

async function childArgs(path: string): Promise<string[]> {
  if (process.env.PROTO_TEST_BUNDLE !== '0') {
    try {
      const [bundle] = await bundleTests(repoRoot, [path]);
      return ['--import', join(repoRoot, 'scripts/test-process.mjs'), bundle!];
    } catch (error) {
      process.stderr.write(`could not bundle ${path}, running its source instead: ${(error as Error).message}\n`);
    }
  }
  return ['--import', join(repoRoot, 'scripts/register-ts.mjs'), join(repoRoot, path)];
}
