/**
 * Progress of several concurrent jobs on stderr, one line per job (`proto install` with no id
 * installs every configured tool at once).
 *
 * - On a terminal the lines are redrawn in place (cursor up, clear line), at most every
 *   `redrawMs`, so thousands of download chunks cost a few writes.
 * - Anywhere else (CI logs, a file, a test's pipe) each job prints a line only when its phase
 *   changes: readable logs, and no escape codes in them.
 *
 * The board never writes to stdout: results go there, progress does not.
 */

import { escapeControls } from '../../terminal-text.js';

export interface ProgressLine {
  /** What the job is doing now (`resolving`, `downloading …`). `live` is richer text for a terminal. */
  update(text: string, live?: string): void;
  /** The job's last word (`installed`, `failed: …`); the line stops changing. */
  finish(text: string): void;
}

export interface ProgressBoard {
  /** A new line for one job, labelled e.g. `disttool 2.1.0`. */
  line(label: string): ProgressLine;
  /** Draws the final state and stops redrawing. Call once, after every job finished. */
  close(): void;
}

export interface ProgressBoardOptions {
  stream?: NodeJS.WriteStream;
  /** Redraw in place; default: the stream is a TTY and TERM is not `dumb`. */
  interactive?: boolean;
  redrawMs?: number;
}

interface LineState {
  label: string;
  text: string;
  finished: boolean;
}

export function createProgressBoard(options: ProgressBoardOptions = {}): ProgressBoard {
  const stream = options.stream ?? process.stderr;
  const interactive = options.interactive ?? (stream.isTTY === true && process.env.TERM !== 'dumb');
  return interactive ? new LiveBoard(stream, options.redrawMs ?? 80) : new PlainBoard(stream);
}

/** One line per change of phase; byte counts never print. */
class PlainBoard implements ProgressBoard {
  constructor(private readonly stream: NodeJS.WriteStream) {}

  line(label: string): ProgressLine {
    let last = '';
    let finished = false;
    const print = (text: string) => {
      if (finished || text === last) return;
      last = text;
      this.stream.write(`${escapeControls(label)}: ${escapeControls(text)}\n`);
    };
    return {
      update: (text) => print(text),
      finish: (text) => {
        print(text);
        finished = true;
      },
    };
  }

  close(): void {}
}

/** Redraws every line in place; the cursor ends below the last line. */
class LiveBoard implements ProgressBoard {
  private readonly lines: LineState[] = [];
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly redrawMs: number,
  ) {}

  line(label: string): ProgressLine {
    const state: LineState = { label, text: 'starting', finished: false };
    this.lines.push(state);
    this.schedule();
    return {
      update: (text, live) => {
        if (state.finished) return;
        state.text = live ?? text;
        this.schedule();
      },
      finish: (text) => {
        state.text = text;
        state.finished = true;
        this.schedule();
      },
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.draw();
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, this.redrawMs);
    // A pending redraw must not keep the process alive after the command is done.
    this.timer.unref();
  }

  private draw(): void {
    // A line wider than the terminal wraps and breaks the cursor-up arithmetic: cut it.
    // `columns` is 0 or undefined when the terminal does not say; assume 80 then.
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    let out = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A` : '';
    for (const { label, text } of this.lines) {
      const line = `${escapeControls(label)}: ${escapeControls(text)}`;
      out += `\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}\n`;
    }
    this.drawnLines = this.lines.length;
    this.stream.write(out);
  }
}
