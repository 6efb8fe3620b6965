// `./node_modules/.bin/node bench/value-codec.ts`: items/s through the value codec (encode into a
// SharedArrayBuffer ring + decode from it, as a queue will) versus structuredClone and versus
// postMessage over a MessageChannel (pipelined: post a batch, count until all arrive). Every
// figure is the median of REPEATS runs, all measured in this one process. Time is this
// process's CPU time (user + system), not wall time: on a shared machine, wall time mostly
// measures the neighbours.
import { MessageChannel } from 'node:worker_threads';
import { ValueDecoder, ValueEncoder } from '../src/runtime/internal/value-codec.ts';

const REPEATS = 5;
const RING_BYTES = 1 << 20;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

interface Workload {
  name: string;
  make: (i: number) => unknown;
  /** Items per repeat for the codec and structuredClone; postMessage uses a tenth. */
  count: number;
}

const KILOBYTE = 'The quick brown fox jumps over the lazy dog. '.repeat(24).slice(0, 1024);
const workloads: Workload[] = [
  { name: 'small integers', make: (i) => i & 0x3fff, count: 1_000_000 },
  { name: '{ id, name } objects', make: (i) => ({ id: i, name: `user-${i & 0xff}` }), count: 300_000 },
  { name: '1 KB strings', make: (i) => (i & 1 ? KILOBYTE : KILOBYTE.slice(0, 1023) + '!'), count: 200_000 },
];

/** CPU milliseconds this process has used. */
const cpuTime = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Runs `body` REPEATS times (after one warm-up) and returns the median items per CPU second. */
async function rate(count: number, body: (items: unknown[]) => void | Promise<void>, items: unknown[]): Promise<number> {
  await body(items.slice(0, Math.min(items.length, 10_000)));
  const rates: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = cpuTime();
    await body(items);
    rates.push(count / ((cpuTime() - start) / 1000));
  }
  return median(rates);
}

const encoder = new ValueEncoder();
const decoder = new ValueDecoder();
const ring = new Uint8Array(new SharedArrayBuffer(RING_BYTES));
let sink: unknown;

function codec(items: unknown[]): void {
  let at = 0;
  for (const item of items) {
    let size = encoder.encodeInto(item, ring, at, RING_BYTES);
    if (size > RING_BYTES - at) {
      at = 0; // wrap, as a ring would once the reader has caught up
      size = encoder.encodeInto(item, ring, at, RING_BYTES);
    }
    sink = decoder.decode(ring, at, at + size);
    at += size;
  }
}

function clone(items: unknown[]): void {
  for (const item of items) sink = structuredClone(item);
}

function postMessages(items: unknown[]): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    let received = 0;
    port2.on('message', (item) => {
      sink = item;
      if (++received === items.length) {
        port1.close();
        resolve();
      }
    });
    for (const item of items) port1.postMessage(item);
  });
}

const format = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M/s` : `${(n / 1e3).toFixed(0)} k/s`);
const rows: string[][] = [['workload', 'codec (ring)', 'structuredClone', 'postMessage', 'codec ÷ clone', 'codec ÷ postMessage']];
for (const workload of workloads) {
  const items = Array.from({ length: workload.count }, (_, i) => workload.make(i));
  const ours = await rate(workload.count, codec, items);
  const cloned = await rate(workload.count, clone, items);
  const posted = await rate(workload.count / 10, postMessages, items.slice(0, workload.count / 10));
  rows.push([workload.name, format(ours), format(cloned), format(posted), `${(ours / cloned).toFixed(1)}×`, `${(ours / posted).toFixed(1)}×`]);
}
void sink;

const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  '));
console.log(`\nitems per CPU second, median of ${REPEATS} runs; encode+decode per item, one thread (${process.version})`);
