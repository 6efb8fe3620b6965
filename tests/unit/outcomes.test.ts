// Run ×N: reading a run's outcome and grouping a batch's outcomes (src/runner/outcomes.ts),
// and the batch loop itself (src/runner/run-batch.ts) driven by a scripted runner.
import { describe, expect, test } from 'vitest';
import { describeOutcomes, histogram, outcomeOf } from '../../src/runner/outcomes.ts';
import { runBatch } from '../../src/runner/run-batch.ts';
import type { RunEvent } from '../../src/runner/protocol.ts';

type EndEvent = Extract<RunEvent, { type: 'end' }>;

describe('outcomeOf', () => {
  test('is the last non-empty line without a pattern', () => {
    expect(outcomeOf(['a', 'b', '  ', ''])).toBe('b');
    expect(outcomeOf(['first\nsecond'])).toBe('second');
    expect(outcomeOf([])).toBe('(no output)');
  });

  test('is the first capture group of the last matching line with a pattern', () => {
    const pattern = { source: 'got (\\d+)$', flags: '' };
    expect(outcomeOf(['expected 4, got 3', 'expected 4, got 2', 'bye'], pattern)).toBe('2');
    expect(outcomeOf(['nothing here'], pattern)).toBe('(no match)');
    // A global flag would make the RegExp remember where it stopped; it is ignored.
    expect(outcomeOf(['got 1', 'got 2'], { source: 'got \\d', flags: 'g' })).toBe('got 2');
  });

  test('cuts a very long outcome', () => {
    expect(outcomeOf(['x'.repeat(10_000)]).length).toBeLessThanOrEqual(80);
  });
});

describe('histogram', () => {
  const total = (bars: { count: number }[]) => bars.reduce((sum, bar) => sum + bar.count, 0);

  test('few numeric outcomes: one bar each, by value', () => {
    const bars = histogram(['30', '10', '30', '20']);
    expect(bars).toEqual([
      { label: '10', count: 1 },
      { label: '20', count: 1 },
      { label: '30', count: 2 },
    ]);
  });

  test('many numeric outcomes: equal integer ranges that add up to every run', () => {
    const outcomes = Array.from({ length: 200 }, (_, i) => String(1_000_000 + i * 7919));
    const bars = histogram(outcomes);
    expect(bars.length).toBeLessThanOrEqual(10);
    expect(total(bars)).toBe(200);
    expect(bars[0].label).toMatch(/^1,000,000–/);
  });

  test('text outcomes keep their first-seen order; the rarest past 30 become "other"', () => {
    expect(histogram(['deadlock', 'ok', 'ok']).map((bar) => bar.label)).toEqual(['deadlock', 'ok']);
    const many = Array.from({ length: 100 }, (_, i) => `outcome ${i}`).concat(['outcome 5', 'outcome 5']);
    const bars = histogram(many);
    expect(bars).toHaveLength(30);
    expect(bars.at(-1)?.label).toBe('other outcomes');
    expect(total(bars)).toBe(102);
    expect(bars.find((bar) => bar.label === 'outcome 5')?.count).toBe(3);
  });

  test('describes the spread in words', () => {
    expect(describeOutcomes(['1', '1'])).toBe('2 runs, every one with the outcome 1.');
    expect(describeOutcomes(['1', '2', '3'])).toBe('3 runs, each with a different outcome.');
    expect(describeOutcomes(['1', '2', '2'])).toBe('3 runs, 2 different outcomes; the most common, 2, came 2 times.');
  });
});

describe('runBatch', () => {
  /** A runner that ends each run as `script` says, printing the given line first. */
  function scripted(script: { line?: string; end: EndEvent['status']; message?: string }[]) {
    let runs = 0;
    return {
      get runs() {
        return runs;
      },
      runOnce: async (onEvent: (event: RunEvent) => void): Promise<EndEvent> => {
        const step = script[runs++];
        if (step.line) onEvent({ type: 'output', thread: 'MainThread', threadId: 1, level: 'log', text: step.line, time: 0 });
        return { type: 'end', status: step.end, durationMs: 1, message: step.message };
      },
    };
  }
  const options = { stopRun: async () => {}, onProgress: () => {}, cancelled: () => false };

  test('collects one outcome per run; errors and deadlocks are outcomes too', async () => {
    const runner = scripted([
      { line: 'got 3', end: 'finished' },
      { end: 'deadlock', message: 'Deadlock: …' },
      { line: 'got 4', end: 'error', message: 'Error: boom\n at line 3' },
    ]);
    const progress: number[] = [];
    const result = await runBatch({ ...options, count: 3, runOnce: runner.runOnce, onProgress: (o) => progress.push(o.length) });
    expect(result.status).toBe('finished');
    expect(result.outcomes).toEqual(['got 3', 'deadlock', 'error: Error: boom']);
    expect(result.failure?.run).toBe(2);
    expect(progress).toEqual([1, 2, 3]);
  });

  test('Stop ends the batch: the run in flight is not counted, no further run starts', async () => {
    let cancelled = false;
    const runner = scripted([
      { line: '1', end: 'finished' },
      { line: '2', end: 'finished' },
      { end: 'stopped' },
      { line: '4', end: 'finished' },
    ]);
    const result = await runBatch({
      ...options,
      count: 4,
      runOnce: async (onEvent) => {
        const end = await runner.runOnce(onEvent);
        if (end.status === 'stopped') cancelled = true;
        return end;
      },
      cancelled: () => cancelled,
    });
    expect(result).toMatchObject({ status: 'stopped', outcomes: ['1', '2'] });
    expect(runner.runs).toBe(3);
  });

  test('Stop between two runs: the finished runs count, and no further run starts', async () => {
    const runner = scripted([{ line: '1', end: 'finished' }, { line: '2', end: 'finished' }, { line: '3', end: 'finished' }]);
    let finished = 0;
    const result = await runBatch({
      ...options,
      count: 3,
      runOnce: runner.runOnce,
      onProgress: (outcomes) => (finished = outcomes.length),
      cancelled: () => finished >= 2, // Stop pressed just after run 2 ended.
    });
    expect(result).toMatchObject({ status: 'stopped', outcomes: ['1', '2'] });
    expect(runner.runs).toBe(2);
  });

  test('past the batch time limit, the run in flight is stopped and the batch ends', async () => {
    let stops = 0;
    let stopRun!: () => void;
    const result = await runBatch({
      ...options,
      count: 5,
      timeLimitMs: 1,
      // Each run goes on until stopped, as a long program would.
      runOnce: () => new Promise((resolve) => (stopRun = () => resolve({ type: 'end', status: 'stopped', durationMs: 1 }))),
      stopRun: async () => {
        stops++;
        stopRun();
      },
    });
    expect(result).toMatchObject({ status: 'batch-limit', outcomes: [] });
    expect(stops).toBe(1);
  });

  test('a run past its time limit ends the batch there', async () => {
    const runner = scripted([{ line: '1', end: 'finished' }, { end: 'timed-out', message: 'too slow' }, { end: 'finished' }]);
    const result = await runBatch({ ...options, count: 3, runOnce: runner.runOnce });
    expect(result).toMatchObject({ status: 'timed-out', outcomes: ['1'], failure: { run: 2 } });
    expect(runner.runs).toBe(2);
  });
});
