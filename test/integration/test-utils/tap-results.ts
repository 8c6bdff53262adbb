/**
 * Reads node:test's TAP output into one result per test: its path of suite names, pass/fail,
 * skip, and the YAML diagnostics (error message) printed under a failure.
 */
export interface TapResult {
  /** Suite names then the test name, e.g. ['shims', 'disttool', 'creates_shims']. */
  path: string[];
  ok: boolean;
  skipped: boolean;
  /** The diagnostics block under the result line (empty when none). */
  detail: string;
}

export function parseTap(output: string): TapResult[] {
  const lines = output.split('\n');
  const open: Array<{ indent: number; name: string }> = [];
  const results: TapResult[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const subtest = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (subtest) {
      open.push({ indent: subtest[1]!.length, name: subtest[2]! });
      continue;
    }
    const result = /^(\s*)(not ok|ok) \d+ - (.*?)(?: # (SKIP|TODO)\b.*)?$/.exec(line);
    if (!result) continue;
    const indent = result[1]!.length;
    while (open.length > 0 && open.at(-1)!.indent > indent) open.pop();
    const path = open.map((entry) => entry.name);
    if (open.at(-1)?.indent === indent) open.pop();
    else path.push(result[3]!);
    const detail: string[] = [];
    if (lines[i + 1]?.trim() === '---') {
      for (i += 2; i < lines.length && lines[i]!.trim() !== '...'; i++) detail.push(lines[i]!.trim());
    }
    results.push({ path, ok: result[2] === 'ok', skipped: result[4] === 'SKIP', detail: detail.join('\n') });
  }
  return results;
}
