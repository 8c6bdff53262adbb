/**
 * The trust prompt shown before anything of a plugin is downloaded (Spin's "Are you sure you want
 * to proceed?"): what the plugin is, its license, where it comes from and what will be fetched.
 * Only `y` or `yes` (any case) proceeds; anything else, end of input included, declines.
 *
 * The answer is read from stdin as lines, so `echo y | proto plugin install x` works and one
 * piped input can answer several prompts (`proto plugin upgrade --all`).
 */
import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';
import { describePluginKind } from './manifest.js';

export interface TrustDetails {
  name: string;
  version: string;
  /** Replaces a version (upgrade / downgrade). */
  previousVersion?: string;
  kind: string;
  tools: readonly string[];
  license: string;
  homepage?: string;
  packageUrl: string;
  /** The URL actually fetched, when url-rewrites changed it. */
  fetchedUrl?: string;
  origin: string;
  /** A warning to repeat in the prompt (an overridden compatibility check). */
  warning?: string;
  /** More lines from later checks (the permissions a plugin asks for). */
  extra?: readonly string[];
}

export function trustPromptText(details: TrustDetails): string {
  const action = details.previousVersion ? `Replacing ${details.name} ${details.previousVersion} with ${details.version}` : `Installing ${details.name} ${details.version}`;
  const lines = [
    `${action} (${describePluginKind(details.kind, details.tools)})`,
    `  license:  ${details.license}`,
    `  homepage: ${details.homepage ?? '(none given)'}`,
    `  package:  ${details.packageUrl}${details.fetchedUrl && details.fetchedUrl !== details.packageUrl ? ` (fetched from ${details.fetchedUrl})` : ''}`,
    `  from:     ${details.origin}`,
    ...(details.extra ?? []).map((line) => `  ${line}`),
    ...(details.warning ? [`  warning:  ${details.warning}`] : []),
    'The plugin will run on this machine as you, within the permissions above. Do you trust it? [y/N] ',
  ];
  return lines.join('\n');
}

/** `y` or `yes`, any case, surrounding blanks ignored. */
export function isYes(answer: string | undefined): boolean {
  return answer !== undefined && /^y(es)?$/i.test(answer.trim());
}

/** Asks questions on `output` and reads one answer line each from `input`. */
export class PromptReader {
  private lines?: AsyncIterableIterator<string>;
  private readline?: Interface;

  constructor(
    private readonly input: Readable,
    private readonly output: NodeJS.WritableStream,
  ) {}

  /** The answer line, or undefined at end of input. */
  async ask(question: string): Promise<string | undefined> {
    this.output.write(question);
    if (!this.lines) {
      this.readline = createInterface({ input: this.input, terminal: false, crlfDelay: Infinity });
      this.lines = this.readline[Symbol.asyncIterator]();
    }
    const next = await this.lines.next();
    // A terminal echoes the answer and its newline; a pipe does not, so end the prompt's line.
    if (next.done || !(this.input as { isTTY?: boolean }).isTTY) this.output.write('\n');
    return next.done ? undefined : next.value;
  }

  /** Lets the process exit: stops reading stdin. */
  close(): void {
    this.readline?.close();
    if (this.lines) this.input.destroy();
  }
}
