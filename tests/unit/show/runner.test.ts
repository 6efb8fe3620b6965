// Drawings through the real runner: order among console lines across threads, the command-line
// text (labelled and --plain), errors at the snippet line, and the output ring's record.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileProgram } from '../../../src/runner/compile.ts';
import { runProgram } from '../../../src/runner/host.ts';
import type { RunEvent } from '../../../src/runner/protocol.ts';
import { createOutputRing, drainOutputRing, DRAWING, OutputWriter } from '../../../src/runtime/internal/output.ts';
import { usePool } from '../threads/harness.ts';

const bin = fileURLToPath(new URL('../../../bin/interleave.mjs', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const pool = usePool();

describe('show through the runner', () => {
  it('keeps drawings in written order among the lines of every thread', async () => {
    // Two threads take turns through a shared word, so the true order is known; each writes a
    // line and a drawing per turn, and the rings are drained separately by the host.
    const program = compileProgram(`import { show, Thread } from 'interleave';
function take(turn: Int32Array, mine: number, tag: string) {
  for (let i = mine; i < 60; i += 2) {
    for (let now; (now = Atomics.load(turn, 0)) !== i; ) Atomics.wait(turn, 0, now);
    console.log(tag + ' ' + i);
    show.bars([[tag + ' ' + i, i]]);
    Atomics.store(turn, 0, i + 1);
    Atomics.notify(turn, 0);
  }
}
const turn = new Int32Array(new SharedArrayBuffer(4));
const a = new Thread({ target: take, args: [turn, 0, 'a'] });
const b = new Thread({ target: take, args: [turn, 1, 'b'] });
a.start(); b.start(); a.join(); b.join();
`);
    const events: RunEvent[] = [];
    const end = await runProgram(pool, program, { timeout: 20_000 }, (batch) => events.push(...batch)).result;
    expect(end.status).toBe('finished');
    const seen = events.flatMap((event) =>
      event.type === 'output' ? [`line ${event.text}`] : event.type === 'show' && event.data.kind === 'bars' ? [`bars ${event.data.bars[0].label}`] : [],
    );
    const expected = Array.from({ length: 60 }, (_, i) => `${i % 2 ? 'b' : 'a'} ${i}`).flatMap((tag) => [`line ${tag}`, `bars ${tag}`]);
    expect(seen).toEqual(expected);
    const first = events.find((event) => event.type === 'show');
    expect(first).toMatchObject({ type: 'show', thread: 'Thread-1', data: { kind: 'bars', bars: [{ label: 'a 0', value: 0 }] } });
  });

  it('prints drawings as text in the command-line runner, labelled, then reports a bad call at its line', async () => {
    const { code, stdout, stderr } = await cli('run', fixture('show-threads.ts'));
    expect(stdout.split('\n')).toEqual([
      '[A] a counted 2',
      `[A] a  ${'█'.repeat(40)} 2`,
      '[B] b counted 4',
      `[B] b  ${'█'.repeat(40)} 4`,
      '[MainThread] Who started whom',
      '[MainThread] main → A',
      '[MainThread] main → B',
      '[MainThread] done',
      '',
    ]);
    expect(code).toBe(1);
    expect(stderr.split('\n')[0]).toBe('interleave: error: TypeError: show.line: value 1 is NaN; every value must be a finite number. (MainThread, line 17)');
  });

  it('prints every kind with --plain, without labels', async () => {
    const { code, stdout, stderr } = await cli('run', fixture('show-kinds.ts'), '--plain');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n')).toEqual([
      'Work',
      'thread  items  done',
      '──────  ─────  ────',
      'alpha      12  true',
      'b           7',
      'Items',
      `alpha  ${'█'.repeat(40)} 8`,
      `b      ${'█'.repeat(20)} 4`,
      'c      0',
      `d      ${'█'.repeat(5)} 1`,
      'roots → a (head)',
      'a → b (next)',
      'b → a',
      'up    ▁▃▆█  min 1, max 4, last 4',
      'down  █▆▃▁  min 1, max 4, last 1',
      'x (step): 0 to 3; y (n): 1 to 4',
    ]);
  });

  it('downsamples each of several million-point series, in order', async () => {
    const program = compileProgram(`import { show } from 'interleave';
const values = new Float64Array(1_000_000).map((_, i) => i % 1000);
for (let i = 0; i < 5; i++) show.line(values, { title: 'round ' + i });
`);
    const events: RunEvent[] = [];
    const end = await runProgram(pool, program, { timeout: 20_000 }, (batch) => events.push(...batch)).result;
    expect(end.status).toBe('finished');
    const drawings = events.filter((event) => event.type === 'show');
    expect(drawings.map((event) => event.data.title)).toEqual(['round 0', 'round 1', 'round 2', 'round 3', 'round 4']);
    for (const { data } of drawings) {
      expect(data.kind === 'line' && data.series[0].points.length).toBeLessThanOrEqual(1000);
      expect(data.notes?.[0]).toMatch(/1,000,000 points drawn as/);
    }
  });
});

describe('the output ring carries drawings whole', () => {
  it('drains a drawing as its own kind of record, in sequence with lines', () => {
    const ring = createOutputRing(4096);
    const sequence = new Int32Array(new SharedArrayBuffer(4));
    const writer = new OutputWriter(ring, sequence);
    writer.write('log', 'before');
    writer.write(DRAWING, '{"kind":"bars","bars":[]}');
    writer.write('warn', 'after');
    expect(drainOutputRing(ring).map(({ stream, text, sequence }) => [stream, text, sequence])).toEqual([
      ['log', 'before', 0],
      ['show', '{"kind":"bars","bars":[]}', 1],
      ['warn', 'after', 2],
    ]);
  });

  it('refuses a drawing larger than the ring instead of cutting its JSON', () => {
    const ring = createOutputRing(1024);
    const writer = new OutputWriter(ring, new Int32Array(new SharedArrayBuffer(4)));
    expect(() => writer.write(DRAWING, 'x'.repeat(2000))).toThrow(RangeError);
    expect(drainOutputRing(ring)).toEqual([]);
  });
});
