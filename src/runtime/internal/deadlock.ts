/**
 * Deadlock analysis: pure functions over a snapshot of the control block's thread table.
 * The host's watchdog reads a snapshot ({@link readSnapshot}) whenever the progress epoch has
 * stayed the same for a while, asks {@link findDeadlock}, and reports {@link describeDeadlock}.
 *
 * Two kinds of deadlock are found:
 * - a cycle: each thread waits, with no timeout, for a lock (Lock, RLock) or a join that the
 *   next thread in the cycle holds (or is), back to the first. Found even while other threads
 *   still run. (A thread joining itself is a cycle of one; a thread waiting for a Lock it holds
 *   itself is not, since any other thread may release a Lock: it is reported, as a cycle of
 *   one, only when it is the last live thread, and otherwise by the all-blocked check.)
 * - all blocked: every live thread (daemon or not: a running daemon could still wake the
 *   others) waits with no timeout. Nobody is left to set, notify, release or finish.
 * A wait with a timeout is never part of a deadlock: it ends by itself.
 */
import {
  objectLabel,
  THREAD_DONE,
  THREAD_FREE,
  THREAD_STARTING,
  type ControlBlock,
  type ObjectKind,
  type WaitKind,
} from './control-block.ts';

/** What one thread waits on, resolved against the object table. */
export interface WaitSnapshot {
  kind: WaitKind;
  /** Object id (0 if unregistered), or for `join` the joined thread's id. */
  object: number;
  /** The object's creation line (0 if unknown or not an object). */
  objectLine: number;
  /** The thread that holds the object (locks) or is joined; 0 if none or unknown. */
  holder: number;
  timed: boolean;
  /** Snippet line of the wait; 0 if not captured yet. */
  line: number;
}

/** One thread in a snapshot. */
export interface ThreadSnapshot {
  id: number;
  name: string;
  daemon: boolean;
  state: 'starting' | 'running' | 'done';
  wait: WaitSnapshot | null;
}

/** A moment of the thread table, as the watchdog sees it. */
export interface ControlSnapshot {
  /** The progress epoch when the snapshot was read. */
  epoch: number;
  threads: ThreadSnapshot[];
}

/** A deadlock found by {@link findDeadlock}. */
export interface DeadlockReport {
  kind: 'cycle' | 'all-blocked';
  /** The deadlocked threads. For a cycle, in order: each waits on the next, the last on the first. */
  threads: ThreadSnapshot[];
  /** The snapshot it was found in (to name holders outside the deadlock). */
  snapshot: ControlSnapshot;
}

const LOCK_KINDS: ReadonlySet<WaitKind> = new Set<WaitKind>(['lock', 'rlock']);

/** Reads the thread table (and each wait's object) from `control`. */
export function readSnapshot(control: ControlBlock): ControlSnapshot {
  const epoch = control.epoch();
  const threads: ThreadSnapshot[] = [];
  for (let id = 1; id <= control.threadCount(); id++) {
    const state = control.threadState(id);
    if (state === THREAD_FREE) continue;
    const entry = control.readWait(id);
    let wait: WaitSnapshot | null = null;
    if (entry !== null) {
      const isObject = entry.kind !== 'join' && entry.kind !== 'sleep' && entry.object !== 0;
      wait = {
        kind: entry.kind,
        object: entry.object,
        objectLine: isObject ? control.objectLine(entry.object) : 0,
        // A lock's current holder, read live: the one recorded at blocking time may be stale.
        holder:
          LOCK_KINDS.has(entry.kind) && entry.object !== 0
            ? control.words[control.ownerIndex(entry.object)]
            : entry.owner,
        timed: entry.timed,
        line: entry.line,
      };
    }
    threads.push({
      id,
      name: control.threadName(id),
      daemon: control.isDaemon(id),
      state: state === THREAD_STARTING ? 'starting' : state === THREAD_DONE ? 'done' : 'running',
      wait,
    });
  }
  return { epoch, threads };
}

/** Finds a deadlock in `snapshot` (a cycle first, else all blocked), or returns null. */
export function findDeadlock(snapshot: ControlSnapshot): DeadlockReport | null {
  const byId = new Map(snapshot.threads.map((t) => [t.id, t]));
  const live = snapshot.threads.filter((t) => t.state !== 'done');
  const stuck = (t: ThreadSnapshot | undefined) =>
    t !== undefined && t.state !== 'done' && t.wait !== null && !t.wait.timed;

  // Each stuck thread has at most one edge (to the holder it waits for): follow the chains.
  const next = (t: ThreadSnapshot): ThreadSnapshot | undefined => {
    const wait = t.wait;
    if (!stuck(t) || wait === null || wait.holder === 0) return undefined;
    if (!LOCK_KINDS.has(wait.kind) && wait.kind !== 'join') return undefined;
    // Any thread may release a plain Lock (as in Python: a Lock used as a signal), so waiting
    // for one's own Lock is no cycle while another thread runs; the all-blocked check below
    // still catches it when none does. An RLock or a join on oneself can never be undone.
    if (wait.kind === 'lock' && wait.holder === t.id) return undefined;
    return byId.get(wait.holder);
  };
  const finished = new Set<number>();
  for (const start of live) {
    const path: ThreadSnapshot[] = [];
    const onPath = new Map<number, number>();
    let t: ThreadSnapshot | undefined = start;
    while (t !== undefined && !finished.has(t.id) && !onPath.has(t.id)) {
      onPath.set(t.id, path.length);
      path.push(t);
      t = next(t);
    }
    if (t !== undefined && onPath.has(t.id)) {
      return { kind: 'cycle', threads: path.slice(onPath.get(t.id)), snapshot };
    }
    for (const seen of path) finished.add(seen.id);
  }

  if (live.length > 0 && live.every(stuck)) {
    // The lone thread waiting for its own Lock: the "acquired twice" message says more.
    const [only] = live;
    if (live.length === 1 && only.wait?.kind === 'lock' && only.wait.holder === only.id) {
      return { kind: 'cycle', threads: [only], snapshot };
    }
    return { kind: 'all-blocked', threads: live, snapshot };
  }
  return null;
}

/** The message for a deadlock: each thread, what it waits on, who holds it, where; and a fix. */
export function describeDeadlock(report: DeadlockReport): string {
  const byId = new Map(report.snapshot.threads.map((t) => [t.id, t]));
  const name = (id: number) => {
    const t = byId.get(id);
    return t === undefined ? `thread ${id}` : `"${t.name}"`;
  };
  const lines: string[] = [];
  if (report.kind === 'cycle' && report.threads.length === 1) {
    const [t] = report.threads;
    const wait = t.wait as WaitSnapshot;
    lines.push(
      `Deadlock: ${name(t.id)} waits${at(wait)} for ${label(wait)}, which it already holds ` +
        `itself, so it will wait forever.`,
      wait.kind === 'join'
        ? 'How to fix: a thread cannot join itself.'
        : 'How to fix: a Lock cannot be acquired twice by the same thread. Use an RLock if the ' +
            'code really needs to take it again, or release it before acquiring it again.',
    );
    return lines.join('\n');
  }
  if (report.kind === 'cycle') {
    lines.push(
      `Deadlock: ${report.threads.length} threads wait for each other in a cycle, so none of ` +
        `them can ever continue.`,
    );
  } else {
    lines.push('Deadlock: every thread is blocked, and no running thread is left to wake any of them.');
  }
  for (const t of report.threads) lines.push(`  ${name(t.id)} ${describeWait(t.wait as WaitSnapshot, byId)}`);
  lines.push(howToFix(report));
  return lines.join('\n');
}

function describeWait(wait: WaitSnapshot, byId: Map<number, ThreadSnapshot>): string {
  const where = at(wait);
  const holder = byId.get(wait.holder);
  const holderName = holder === undefined ? `thread ${wait.holder}` : `"${holder.name}"`;
  switch (wait.kind) {
    case 'lock':
    case 'rlock':
      if (wait.holder === 0) return `waits${where} for ${label(wait)}.`;
      if (holder?.state === 'done') {
        return `waits${where} for ${label(wait)}, which ${holderName} still holds although it has finished (it never released it).`;
      }
      return `waits${where} for ${label(wait)}, which ${holderName} holds.`;
    case 'join':
      return `waits${where} to join ${holderName}.`;
    case 'condition':
      return `waits${where} on ${label(wait)} for a notify().`;
    case 'semaphore':
    case 'bounded-semaphore':
      return `waits${where} to acquire ${label(wait)}, which has no permits left.`;
    case 'event':
      return `waits${where} for ${label(wait)} to be set.`;
    case 'barrier':
      return `waits${where} at ${label(wait)} for the other threads to arrive.`;
    case 'queue':
    case 'lifo-queue':
    case 'priority-queue':
    case 'simple-queue':
      return `waits${where} on ${label(wait)}: for an item to get, for room to put, or (join) for its tasks to be done.`;
    case 'pipe':
      return `waits${where} on ${label(wait)} for a value to receive.`;
    case 'value':
    case 'shared-array':
      return `waits${where} on ${label(wait)}.`;
    case 'executor':
      return `waits${where} on ${label(wait)}: for a task's result, or (a pool worker) for a task to run.`;
    case 'manager-dict':
    case 'manager-list':
      return `waits${where} for ${label(wait)}.`;
    case 'sleep':
      return `sleeps${where}.`;
  }
}

function howToFix(report: DeadlockReport): string {
  if (report.kind === 'cycle') {
    const locks = report.threads.filter((t) => t.wait !== null && LOCK_KINDS.has(t.wait.kind));
    if (locks.length === report.threads.length) {
      const order = locks
        .map((t) => t.wait as WaitSnapshot)
        .sort((a, b) => a.object - b.object)
        .map(shortLabel)
        .join(' before ');
      return (
        `How to fix: make every thread take these locks in the same order (for example ` +
        `${order}), or use acquire({ timeout }) and back off when it fails.`
      );
    }
    return 'How to fix: a thread must not wait (join or lock) for a thread that is waiting for it.';
  }
  return (
    'How to fix: whatever should wake these threads (a set(), notify(), release(), put(), send() or a ' +
    'thread finishing) never happens. Check that the thread meant to do it was started, did not fail ' +
    'or finish early, and is not itself among the waiting threads.'
  );
}

function at(wait: WaitSnapshot): string {
  return wait.line > 0 ? ` at line ${wait.line}` : '';
}

function label(wait: WaitSnapshot): string {
  return wait.kind === 'join' || wait.kind === 'sleep'
    ? wait.kind
    : objectLabel(wait.kind as ObjectKind, wait.object, wait.objectLine);
}

function shortLabel(wait: WaitSnapshot): string {
  return objectLabel(wait.kind as ObjectKind, wait.object, 0);
}
