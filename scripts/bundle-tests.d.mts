/** Types of scripts/bundle-tests.mjs for the tests that start TypeScript children (test/support/ts-child.ts). */
export function bundleDir(root: string): string;
export function testFileOfBundle(root: string, path: string): string;
export function bundleTests(root: string, files: readonly string[]): Promise<(string | undefined)[]>;
export function pruneBundles(root: string): void;
