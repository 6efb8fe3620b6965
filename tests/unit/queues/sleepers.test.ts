// Sleeper counts (internal/sleepers.ts): the count a waker reads before calling notify, its
// generations, and no lost wake-up between real threads.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { sleepCounted, wakeCounted } from '../../../src/runtime/internal/sleepers.ts';

const SEQUENCE = 0;
const SLEEPERS = 1;
const COUNT_MASK = 0xfff;
const words = () => new Int32Array(new SharedArrayBuffer(64));

describe('sleeper counts', () => {
  it('a wake with nobody counted changes nothing', () => {
    const w = words();
    wakeCounted(w, SEQUENCE, SLEEPERS, 1);
    expect([w[SEQUENCE], w[SLEEPERS]]).toEqual([0, 0]);
  });

  it('a sleeper that times out uncounts itself', () => {
    const w = words();
    expect(sleepCounted(w, SEQUENCE, SLEEPERS, 0, 5)).toBe('timed-out');
    expect(w[SLEEPERS]).toBe(0);
    expect(sleepCounted(w, SEQUENCE, SLEEPERS, 1, 5)).toBe('not-equal');
    expect(w[SLEEPERS]).toBe(0);
  });

  it('drops threads counted but not yet waiting at the first wake that finds nobody asleep', () => {
    const w = words();
    // Two threads read the sequence (0) and counted themselves, and have not reached
    // Atomics.wait yet (sleepCounted's first step, done by hand here).
    Atomics.add(w, SLEEPERS, 2);
    wakeCounted(w, SEQUENCE, SLEEPERS, 1);
    // Next generation, nobody counted: later wakes skip the notify.
    expect(w[SLEEPERS] & COUNT_MASK).toBe(0);
    expect(w[SLEEPERS] >>> 12).toBe(1);
    // The sequence moved, so neither will sleep on the value it read.
    expect(w[SEQUENCE]).not.toBe(0);
    expect(Atomics.wait(w, SEQUENCE, 0, 0)).toBe('not-equal');
    const after = w[SEQUENCE];
    wakeCounted(w, SEQUENCE, SLEEPERS, 1);
    expect(w[SEQUENCE]).toBe(after);
  });

  it.each([
    ['none', 0],
    ['half', 2],
  ])('loses no wake-up: tokens handed to sleeping threads (%s of them with 0–2 ms timeouts)', async (_, timedEvery) => {
    // A token is a unit in TOKENS. The producer adds one, bumps the sequence, wakes one
    // sleeper. Consumers take tokens while there are any, else sleep counted (with no time
    // limit, or some with 0–2 ms). A lost wake-up leaves a token untaken and the test hangs,
    // which the time limit reports.
    const TOTAL = 20_000;
    const CONSUMERS = 6;
    const shared = new SharedArrayBuffer(64);
    const w = new Int32Array(shared);
    const TOKENS = 4;
    const TAKEN = 5;
    const DONE = 6;
    const url = new URL('../../../src/runtime/internal/sleepers.ts', import.meta.url).href;
    const source = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.url).then(({ sleepCounted, wakeCounted }) => {
  const w = new Int32Array(workerData.shared);
  const { timed, total } = workerData;
  let taken = 0;
  for (;;) {
    if (Atomics.load(w, ${DONE})) break;
    const tokens = Atomics.load(w, ${TOKENS});
    if (tokens > 0) {
      if (Atomics.compareExchange(w, ${TOKENS}, tokens, tokens - 1) !== tokens) continue;
      taken++;
      if (Atomics.add(w, ${TAKEN}, 1) + 1 === total) {
        Atomics.store(w, ${DONE}, 1);
        Atomics.add(w, ${SEQUENCE}, 1);
        wakeCounted(w, ${SEQUENCE}, ${SLEEPERS}, Infinity);
      }
      continue;
    }
    const seen = Atomics.load(w, ${SEQUENCE});
    if (Atomics.load(w, ${TOKENS}) > 0 || Atomics.load(w, ${DONE})) continue;
    sleepCounted(w, ${SEQUENCE}, ${SLEEPERS}, seen, timed ? Math.random() * 2 : Infinity);
  }
  parentPort.postMessage(taken);
});`;
    const consumers = Array.from(
      { length: CONSUMERS },
      (_, i) => new Worker(source, { eval: true, workerData: { url, shared, timed: timedEvery > 0 && i % timedEvery === 1, total: TOTAL } }),
    );
    const takenBy = Promise.all(consumers.map((worker) => new Promise<number>((resolve) => worker.once('message', resolve))));
    for (let i = 0; i < TOTAL; i++) {
      Atomics.add(w, TOKENS, 1);
      Atomics.add(w, SEQUENCE, 1);
      wakeCounted(w, SEQUENCE, SLEEPERS, 1);
      // Now and then let the consumers drain and fall asleep.
      if (i % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const taken = await takenBy;
    await Promise.all(consumers.map((worker) => worker.terminate()));
    expect(taken.reduce((a, b) => a + b, 0)).toBe(TOTAL);
    expect(w[TOKENS]).toBe(0);
  }, 30_000);
});
