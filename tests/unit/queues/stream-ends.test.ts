// Many short streams, each ended by a shutdown the moment the producers are done: every
// consumer must see the end, whatever it was doing when the last item went (spinning, asleep,
// waiting for a put to publish the slot it found claimed). A consumer that slept through the
// shutdown hangs its round. This once happened about once in 1,000–2,000 rounds on 2 busy cores
// (a getter that found the last slot claimed waited on HEAD read again, past the end).
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { Channel, channelWords, FAILED, type ChannelIdentity } from '../../../src/runtime/internal/channel.ts';

const identity: ChannelIdentity = { kind: 'queue', object: 0, putOp: 0, getOp: 0, label: () => 'q', noun: 'item' };
const PRODUCERS = 4;
const CONSUMERS = 4;
const RING_SLOTS = 64;

/** A worker that serves one role per round: put `n` numbers, or get until the channel is shut. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.url).then(({ Channel, FAILED }) => {
  const identity = { kind: 'queue', object: 0, putOp: 0, getOp: 0, label: () => 'q', noun: 'item' };
  parentPort.on('message', ({ words, buffers, role, n }) => {
    const channel = Channel.attach(new Int32Array(words), 0, identity, 'fifo', buffers);
    let got = 0;
    if (role === 'put') for (let i = 0; i < n; i++) channel.put(i, Infinity);
    else while (channel.get(Infinity) !== FAILED) got++;
    parentPort.postMessage(role === 'put' ? 0 : channel.failure === 'shut' ? got : -1);
  });
});
`;

const url = new URL('../../../src/runtime/internal/channel.ts', import.meta.url).href;
const workers = Array.from({ length: PRODUCERS + CONSUMERS }, () => new Worker(WORKER, { eval: true, workerData: { url } }));
afterAll(() => Promise.all(workers.map((worker) => worker.terminate())));

const reply = (worker: Worker, message: object) =>
  new Promise<number>((resolve) => {
    worker.once('message', resolve);
    worker.postMessage(message);
  });

/** Runs `rounds` streams of PRODUCERS × n numbers; returns the first round that failed, or null. */
async function streams(rounds: number, n: number, maxsize: number): Promise<string | null> {
  for (let round = 0; round < rounds; round++) {
    const words = new SharedArrayBuffer(channelWords(RING_SLOTS) * 4);
    const channel = Channel.create(new Int32Array(words), 0, identity, 'fifo', maxsize, RING_SLOTS);
    const job = { words, buffers: channel.store.buffers, n };
    const got = workers.slice(PRODUCERS).map((worker) => reply(worker, { ...job, role: 'get' }));
    await Promise.all(workers.slice(0, PRODUCERS).map((worker) => reply(worker, { ...job, role: 'put' })));
    channel.shutdown(false);
    const hung = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 5_000));
    const counts = await Promise.race([Promise.all(got), hung]);
    if (counts === 'hung') return `round ${round}: a consumer never saw the shutdown`;
    const total = counts.reduce((sum, count) => sum + count, 0);
    if (counts.includes(-1) || total !== PRODUCERS * n) return `round ${round}: consumers got ${counts.join(', ')}`;
    expect(channel.get(0)).toBe(FAILED);
  }
  return null;
}

describe('streams ended by a shutdown, 4 producers and 4 consumers', () => {
  it('bounded below the ring (maxsize 4): every consumer ends, every item got once', async () => {
    expect(await streams(1500, 50, 4)).toBeNull();
  });
  it('bounded at the ring (maxsize 64) and unbounded', async () => {
    expect(await streams(600, 300, 64)).toBeNull();
    expect(await streams(600, 300, 0)).toBeNull();
  });
});
