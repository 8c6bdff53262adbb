import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeLive, describePhase } from '../../../src/cli/output/describe-progress.js';
import { createProgressBoard } from '../../../src/cli/output/progress-board.js';

/** Collects what the board writes; `isTTY`/`columns` as a terminal would report them. */
function fakeStream(options: { isTTY: boolean; columns?: number }): NodeJS.WriteStream & { text: string } {
  const stream = { text: '', isTTY: options.isTTY, columns: options.columns, write: (chunk: string) => ((stream.text += chunk), true) };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

describe('progress board', () => {
  it('prints one plain line per change of phase when not interactive, nothing twice, nothing after finish', () => {
    const stream = fakeStream({ isTTY: false });
    const board = createProgressBoard({ stream });
    const a = board.line('a');
    const b = board.line('b');
    a.update('downloading x', 'downloading x [#   ] 1 B/4 B');
    a.update('downloading x', 'downloading x [##  ] 2 B/4 B');
    b.update('resolving');
    a.finish('installed');
    a.update('late');
    board.close();
    assert.equal(stream.text, 'a: downloading x\nb: resolving\na: installed\n');
    assert.ok(!stream.text.includes('\x1b'));
  });

  it('redraws every line in place on a terminal, using the live text and cutting lines to the width', async () => {
    const stream = fakeStream({ isTTY: true, columns: 30 });
    const board = createProgressBoard({ stream, redrawMs: 1 });
    const a = board.line('a');
    board.line('b').update('resolving');
    a.update('downloading', 'downloading a-very-long-file-name.tar.gz [#####]');
    await new Promise((resolve) => setTimeout(resolve, 20));
    a.finish('installed');
    board.close();
    const frames = stream.text.split('\x1b[2A');
    // The first frame is drawn below the cursor, every later one moves up over the last.
    assert.deepEqual(frames, [
      '\x1b[2Ka: downloading a-very-long-f…\n\x1b[2Kb: resolving\n',
      '\x1b[2Ka: installed\n\x1b[2Kb: resolving\n',
    ]);
    assert.equal('a: downloading a-very-long-f…'.length, 29);
  });
});

describe('describing install progress', () => {
  it('names the phase, and shows a bar and byte counts only in the live form', () => {
    const download = { phase: 'download', file: 'x.tar.gz', bytes: 1536, total: 3072 } as const;
    assert.equal(describePhase(download), 'downloading x.tar.gz');
    assert.equal(describeLive(download), `downloading x.tar.gz [${'#'.repeat(10)}${' '.repeat(10)}] 1.5 KiB/3.0 KiB`);
    assert.equal(describeLive({ ...download, total: undefined }), 'downloading x.tar.gz 1.5 KiB');
    assert.equal(describePhase({ phase: 'wait-lock', ownerPid: 42 }), 'waiting for proto process 42, which is installing this version');
  });
});
