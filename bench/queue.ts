// `./node_modules/.bin/node bench/queue.ts`: how fast items cross threads through a Queue and a
// Pipe, against one postMessage per item between the same worker_threads, and Python's
// queue.Queue between two threads as a reference line. Every figure is the median of REPEATS
// runs, all measured in this one process, so the ratios compare like with like on whatever the
// machine is doing. Two rates per row: by wall time (what a user waits) and by CPU time of the
// whole process, all threads (user + system; on a shared machine, wall time partly measures the
// neighbours, CPU time does not).
//
// Workers are started once and reused. Each worker is a thread of one run (a control block, as
// under the runner, tracing off), so blocking is recorded for the watchdog as in real use.
import { execFileSync } from 'node:child_process';
import { MessageChannel, MessagePort, Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ControlBlock, THREAD_RUNNING } from '../src/runtime/internal/control-block.ts';
import { enterThread } from '../src/runtime/internal/context.ts';
import { decodeFromThread, encodeForThread } from '../src/runtime/internal/share.ts';
import { Queue } from '../src/runtime/queue.ts';
import { Pipe, type Connection } from '../src/runtime/pipe.ts';

const REPEATS = 5;
const ITEMS = 200_000;
const ROUND_TRIPS = 20_000;
const WORKERS = 8;

type Kind = 'int' | 'object';
const makeItem = (kind: Kind, i: number): unknown => (kind === 'int' ? i & 0x3fff : { id: i, name: `user-${i & 0xff}` });

/** A job for one worker; each replies { done: ms } (its own wall time) when finished. */
type Job =
  | { role: 'queue-put'; queue: unknown; count: number; kind: Kind }
  | { role: 'queue-get'; queue: unknown; count: number }
  | { role: 'post-send'; ports: MessagePort[]; count: number; kind: Kind }
  | { role: 'post-receive'; ports: MessagePort[]; count: number }
  | { role: 'pipe-ping'; conn: unknown; count: number }
  | { role: 'pipe-echo'; conn: unknown; count: number }
  | { role: 'post-ping'; port: MessagePort; count: number }
  | { role: 'post-echo'; port: MessagePort; count: number };

// ── Worker side ─────────────────────────────────────────────────────────────────────────────

if (!isMainThread) {
  const { control, id } = workerData as { control: SharedArrayBuffer; id: number };
  enterThread({ id, name: `bench-${id}`, control: ControlBlock.attach(control) });
  const port = parentPort!;
  port.on('message', (job: Job) => {
    const start = performance.now();
    const done = () => port.postMessage({ done: performance.now() - start });
    switch (job.role) {
      case 'queue-put': {
        const queue = decodeFromThread(job.queue) as Queue;
        for (let i = 0; i < job.count; i++) queue.put(makeItem(job.kind, i));
        return done();
      }
      case 'queue-get': {
        const queue = decodeFromThread(job.queue) as Queue;
        for (let i = 0; i < job.count; i++) queue.get();
        return done();
      }
      case 'post-send': {
        const ports = job.ports;
        for (let i = 0; i < job.count; i++) ports[i % ports.length].postMessage(makeItem(job.kind, i));
        return done();
      }
      case 'post-receive': {
        let left = job.count;
        for (const from of job.ports) {
          from.on('message', () => {
            if (--left > 0) return;
            for (const each of job.ports) each.close();
            done();
          });
        }
        return;
      }
      case 'pipe-ping': {
        const conn = decodeFromThread(job.conn) as Connection;
        for (let i = 0; i < job.count; i++) {
          conn.send(i);
          conn.recv();
        }
        return done();
      }
      case 'pipe-echo': {
        const conn = decodeFromThread(job.conn) as Connection;
        for (let i = 0; i < job.count; i++) conn.send(conn.recv());
        return done();
      }
      case 'post-ping': {
        let left = job.count;
        job.port.on('message', (value: number) => {
          if (--left === 0) {
            job.port.close();
            done();
          } else job.port.postMessage(value + 1);
        });
        job.port.postMessage(0);
        return;
      }
      case 'post-echo': {
        let left = job.count;
        job.port.on('message', (value: number) => {
          job.port.postMessage(value);
          if (--left === 0) {
            job.port.close();
            done();
          }
        });
        return;
      }
    }
  });
} else {
  await main();
}

// ── Main side ───────────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const control = ControlBlock.create({ maxThreads: WORKERS + 1, traceCapacity: 0 });
  const mainId = control.allocateThread('MainThread', false);
  control.setThreadState(mainId, THREAD_RUNNING);
  enterThread({ id: mainId, name: 'MainThread', control });
  const workers = Array.from({ length: WORKERS }, () => {
    const id = control.allocateThread('bench', false);
    control.setThreadState(id, THREAD_RUNNING);
    return new Worker(new URL(import.meta.url), { workerData: { control: control.buffer, id } });
  });

  /** Runs one job per worker (jobs[i] on workers[i]); resolves when all are done. */
  function runJobs(jobs: Job[]): Promise<void> {
    return Promise.all(
      jobs.map((job, i) => {
        const transfer: MessagePort[] = 'ports' in job ? job.ports : 'port' in job ? [job.port] : [];
        return new Promise<void>((resolve) => {
          workers[i].once('message', () => resolve());
          workers[i].postMessage(job, transfer);
        });
      }),
    ).then(() => undefined);
  }

  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };

  /** Median wall and CPU rates (per second) of `count` units over REPEATS runs, after a warm-up. */
  async function measure(count: number, jobs: () => Job[]): Promise<{ wall: number; cpu: number }> {
    await runJobs(jobs());
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const batch = jobs();
      const startCpu = cpu();
      const start = performance.now();
      await runJobs(batch);
      walls.push(count / ((performance.now() - start) / 1000));
      cpus.push(count / ((cpu() - startCpu) / 1000));
    }
    return { wall: median(walls), cpu: median(cpus) };
  }

  function queueJobs(producers: number, consumers: number, kind: Kind): () => Job[] {
    return () => {
      const queue = encodeForThread(new Queue());
      return [
        ...Array.from({ length: consumers }, (): Job => ({ role: 'queue-get', queue, count: ITEMS / consumers })),
        ...Array.from({ length: producers }, (): Job => ({ role: 'queue-put', queue, count: ITEMS / producers, kind })),
      ];
    };
  }

  /** Each producer posts round-robin to every consumer (a port per pair), one message per item. */
  function postJobs(producers: number, consumers: number, kind: Kind): () => Job[] {
    return () => {
      const channels = Array.from({ length: producers }, () => Array.from({ length: consumers }, () => new MessageChannel()));
      return [
        ...Array.from({ length: consumers }, (_, c): Job => ({
          role: 'post-receive',
          ports: channels.map((row) => row[c].port2),
          count: ITEMS / consumers,
        })),
        ...channels.map((row): Job => ({ role: 'post-send', ports: row.map((ch) => ch.port1), count: ITEMS / producers, kind })),
      ];
    };
  }

  const rows: string[][] = [];
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const row = (name: string, ours: { wall: number; cpu: number }, base: { wall: number; cpu: number } | null, unit: string, target: string) =>
    rows.push([
      name,
      `${fmt(ours.wall)} ${unit}`,
      base ? `${fmt(base.wall)} ${unit}` : '—',
      base ? `${(ours.wall / base.wall).toFixed(1)}×` : '—',
      base ? `${(ours.cpu / base.cpu).toFixed(1)}×` : `${fmt(ours.cpu)} per CPU-s`,
      target,
    ]);

  for (const [producers, consumers] of [[1, 1], [4, 4]] as const) {
    const ours = await measure(ITEMS, queueJobs(producers, consumers, 'int'));
    const base = await measure(ITEMS, postJobs(producers, consumers, 'int'));
    row(`Queue, small integers, ${producers}→${consumers}`, ours, base, 'items/s', '≥ 5× postMessage');
  }
  {
    const ours = await measure(ITEMS, queueJobs(1, 1, 'object'));
    const base = await measure(ITEMS, postJobs(1, 1, 'object'));
    row('Queue, { id, name } objects, 1→1', ours, base, 'items/s', 'items/s');
    const ours4 = await measure(ITEMS, queueJobs(4, 4, 'object'));
    const base4 = await measure(ITEMS, postJobs(4, 4, 'object'));
    row('Queue, { id, name } objects, 4→4', ours4, base4, 'items/s', 'items/s');
  }
  {
    const ours = await measure(ROUND_TRIPS, () => {
      const [a, b] = Pipe();
      return [
        { role: 'pipe-echo', conn: encodeForThread(b), count: ROUND_TRIPS },
        { role: 'pipe-ping', conn: encodeForThread(a), count: ROUND_TRIPS },
      ];
    });
    const base = await measure(ROUND_TRIPS, () => {
      const { port1, port2 } = new MessageChannel();
      return [
        { role: 'post-echo', port: port2, count: ROUND_TRIPS },
        { role: 'post-ping', port: port1, count: ROUND_TRIPS },
      ];
    });
    row('Pipe round trips (send + recv back)', ours, base, 'trips/s', '≥ 1× postMessage ping-pong');
  }
  rows.push(['Python queue.Queue, 2 threads, ints (reference)', python(), '—', '—', '—', 'reference']);

  for (const worker of workers) await worker.terminate();

  const header = ['benchmark', 'Interleave (wall)', 'postMessage (wall)', 'ratio (wall)', 'ratio (CPU)', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`Medians of ${REPEATS} runs; ${ITEMS.toLocaleString('en-US')} items or ${ROUND_TRIPS.toLocaleString('en-US')} round trips each.`);
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));

}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** Python's queue.Queue between a producer and a consumer thread: median items/s of REPEATS runs. */
function python(): string {
  const script = `
import queue, threading, time, statistics
N = ${ITEMS}
def once():
    q = queue.Queue()
    def produce():
        for i in range(N): q.put(i & 0x3fff)
    def consume():
        for _ in range(N): q.get()
    start = time.perf_counter()
    ts = [threading.Thread(target=produce), threading.Thread(target=consume)]
    for t in ts: t.start()
    for t in ts: t.join()
    return N / (time.perf_counter() - start)
once()
print(round(statistics.median(once() for _ in range(${REPEATS}))))
`;
  try {
    const rate = Number(execFileSync('python3', ['-c', script], { encoding: 'utf8' }).trim());
    return `${Math.round(rate).toLocaleString('en-US')} items/s`;
  } catch {
    return 'python3 not found';
  }
}
