// `./node_modules/.bin/node bench/queue.ts`: how fast items cross threads through a Queue and a
// Pipe, against one postMessage per item between the same worker_threads, and Python's
// queue.Queue between two threads as a reference line. All figures are measured in this one
// process, Interleave and postMessage alternately (a pair per repeat), so both see the same
// machine; ratios are medians of the per-pair ratios.
//
// What a rate measures: items moved per second while the stream runs, from the moment the
// producers start (after every worker has its job and is ready: a barrier) until the last
// item is taken. Handing jobs to 8 idle workers and collecting their replies costs 1–4 ms on a
// 2-core machine whatever moves the items; it is outside the window, and shown separately as
// the ratio of whole jobs timed from the main thread. The CPU ratio compares the CPU time of
// the whole process, all threads (user + system), per whole job: on a shared machine wall
// time partly measures the neighbours, CPU time does not.
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

const REPEATS = 11;
/**
 * Items per queue run: enough that every stream lasts ≥ 50 ms. At 200,000 a 4→4 Interleave
 * stream lasts ~20 ms, and 8 threads starting at once on 2 cores (the spinning, the first
 * sleeps and wake-ups) took a tenth of it: 4.1–4.8× against 5.4–5.7× at 800,000.
 */
const ITEMS = 1_000_000;
const ROUND_TRIPS = 20_000;
const WORKERS = 8;

type Kind = 'int' | 'object';
const makeItem = (kind: Kind, i: number): unknown => (kind === 'int' ? i & 0x3fff : { id: i, name: `user-${i & 0xff}` });

/** What every job carries: the barrier (READY count, then how many must be ready). */
interface Barrier {
  ready: SharedArrayBuffer;
}

/**
 * A job for one worker; each replies with its Window when finished. The stream starts when
 * the first leading role (producers, pingers) starts.
 */
type JobSpec =
  | { role: 'queue-put'; queue: unknown; count: number; kind: Kind }
  | { role: 'queue-get'; queue: unknown; count: number }
  | { role: 'post-send'; ports: MessagePort[]; count: number; kind: Kind }
  | { role: 'post-receive'; ports: MessagePort[]; count: number }
  | { role: 'pipe-ping'; conn: unknown; count: number }
  | { role: 'pipe-echo'; conn: unknown; count: number }
  | { role: 'post-ping'; port: MessagePort; count: number }
  | { role: 'post-echo'; port: MessagePort; count: number };
/** A job as sent: its spec and the round's barrier. */
type Job = JobSpec & Barrier;
const LEADS = new Set<Job['role']>(['queue-put', 'post-send', 'pipe-ping', 'post-ping']);
/** Rates per second of one job: in the stream window, per whole job, per CPU second. */
interface Rates {
  stream: number;
  job: number;
  cpu: number;
}
/** Interleave against postMessage: median rates, and the median of the per-pair ratios. */
type Comparison = Record<keyof Rates, { ours: number; base: number; ratio: number }>;
/** When a worker started and ended its part, in ms since the epoch. */
interface Window {
  role: Job['role'];
  start: number;
  end: number;
}

// ── Worker side ─────────────────────────────────────────────────────────────────────────────

if (!isMainThread) {
  const { control, id } = workerData as { control: SharedArrayBuffer; id: number };
  enterThread({ id, name: `bench-${id}`, control: ControlBlock.attach(control) });
  const port = parentPort!;
  const now = () => performance.timeOrigin + performance.now();
  port.on('message', (job: Job) => {
    // The barrier: counted, and the last one in wakes the others; all start together, so no
    // consumer is already asleep on an empty queue when the producers begin.
    const ready = new Int32Array(job.ready);
    if (Atomics.add(ready, 0, 1) + 1 === ready[1]) Atomics.notify(ready, 0);
    for (let seen = Atomics.load(ready, 0); seen < ready[1]; seen = Atomics.load(ready, 0)) Atomics.wait(ready, 0, seen);
    const start = now();
    const done = () => port.postMessage({ role: job.role, start, end: now() } satisfies Window);
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

  /**
   * Runs one job per worker (jobs[i] on workers[i]) behind a fresh barrier. Resolves with the
   * stream's window (first leader's start to the last end) and the whole job as timed here.
   */
  async function runJobs(specs: JobSpec[]): Promise<{ stream: number; job: number }> {
    const ready = new SharedArrayBuffer(8);
    new Int32Array(ready)[1] = specs.length;
    const jobStart = performance.now();
    const windows = await Promise.all(
      specs.map((spec, i) => {
        const job = { ...spec, ready } as Job;
        const transfer: MessagePort[] = 'ports' in job ? job.ports : 'port' in job ? [job.port] : [];
        return new Promise<Window>((resolve) => {
          workers[i].once('message', resolve);
          workers[i].postMessage(job, transfer);
        });
      }),
    );
    const job = performance.now() - jobStart;
    const start = Math.min(...windows.filter((w) => LEADS.has(w.role)).map((w) => w.start));
    return { stream: Math.max(...windows.map((w) => w.end)) - start, job };
  }

  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };

  /** One whole job's rates per second of `count` units: in the stream window, per job, per CPU. */
  async function rates(count: number, specs: JobSpec[]): Promise<Rates> {
    const startCpu = cpu();
    const { stream, job } = await runJobs(specs);
    return { stream: count / (stream / 1000), job: count / (job / 1000), cpu: count / ((cpu() - startCpu) / 1000) };
  }

  /**
   * Interleave and postMessage, one job each per repeat, alternately (after one warm-up each):
   * median rates of each, and the medians of the per-pair ratios.
   */
  async function compare(count: number, ours: () => JobSpec[], base: () => JobSpec[]): Promise<Comparison> {
    await rates(count, ours());
    await rates(count, base());
    const pairs: [Rates, Rates][] = [];
    for (let r = 0; r < REPEATS; r++) pairs.push([await rates(count, ours()), await rates(count, base())]);
    const of = (key: keyof Rates) => ({
      ours: median(pairs.map(([o]) => o[key])),
      base: median(pairs.map(([, b]) => b[key])),
      ratio: median(pairs.map(([o, b]) => o[key] / b[key])),
    });
    return { stream: of('stream'), job: of('job'), cpu: of('cpu') };
  }

  function queueJobs(producers: number, consumers: number, kind: Kind): () => JobSpec[] {
    return () => {
      const queue = encodeForThread(new Queue());
      return [
        ...Array.from({ length: consumers }, (): JobSpec => ({ role: 'queue-get', queue, count: ITEMS / consumers })),
        ...Array.from({ length: producers }, (): JobSpec => ({ role: 'queue-put', queue, count: ITEMS / producers, kind })),
      ];
    };
  }

  /** Each producer posts round-robin to every consumer (a port per pair), one message per item. */
  function postJobs(producers: number, consumers: number, kind: Kind): () => JobSpec[] {
    return () => {
      const channels = Array.from({ length: producers }, () => Array.from({ length: consumers }, () => new MessageChannel()));
      return [
        ...Array.from({ length: consumers }, (_, c): JobSpec => ({
          role: 'post-receive',
          ports: channels.map((row) => row[c].port2),
          count: ITEMS / consumers,
        })),
        ...channels.map((row): JobSpec => ({ role: 'post-send', ports: row.map((ch) => ch.port1), count: ITEMS / producers, kind })),
      ];
    };
  }

  const rows: string[][] = [];
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const times = (n: number) => `${n.toFixed(1)}×`;
  const row = (name: string, { stream, job, cpu }: Comparison, unit: string, target: string) =>
    rows.push([name, `${fmt(stream.ours)} ${unit}`, `${fmt(stream.base)} ${unit}`, times(stream.ratio), times(job.ratio), times(cpu.ratio), target]);

  for (const kind of ['int', 'object'] as const) {
    for (const [producers, consumers] of [[1, 1], [4, 4]] as const) {
      const result = await compare(ITEMS, queueJobs(producers, consumers, kind), postJobs(producers, consumers, kind));
      const what = kind === 'int' ? 'small integers' : '{ id, name } objects';
      row(`Queue, ${what}, ${producers}→${consumers}`, result, 'items/s', kind === 'int' ? '≥ 5× postMessage' : 'items/s');
    }
  }
  {
    const pipe = (): JobSpec[] => {
      const [a, b] = Pipe();
      return [
        { role: 'pipe-echo', conn: encodeForThread(b), count: ROUND_TRIPS },
        { role: 'pipe-ping', conn: encodeForThread(a), count: ROUND_TRIPS },
      ];
    };
    const pingPong = (): JobSpec[] => {
      const { port1, port2 } = new MessageChannel();
      return [
        { role: 'post-echo', port: port2, count: ROUND_TRIPS },
        { role: 'post-ping', port: port1, count: ROUND_TRIPS },
      ];
    };
    row('Pipe round trips (send + recv back)', await compare(ROUND_TRIPS, pipe, pingPong), 'trips/s', '≥ 1× postMessage ping-pong');
  }
  rows.push(['Python queue.Queue, 2 threads, ints (reference)', python(), '—', '—', '—', '—', 'reference']);

  for (const worker of workers) await worker.terminate();

  const header = ['benchmark', 'Interleave', 'postMessage', 'ratio', 'ratio, whole jobs', 'ratio (CPU)', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(
    `Medians of ${REPEATS} pairs of runs; ${ITEMS.toLocaleString('en-US')} items or ${ROUND_TRIPS.toLocaleString('en-US')} ` +
      'round trips each. Rates in the stream window; whole jobs include handing out the jobs.',
  );
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
