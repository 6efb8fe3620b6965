/**
 * A thread ends when its function returns (and the promise it returns settles), as in Python.
 * Timers it left behind (setTimeout, setInterval) must not fire later in the same pooled worker
 * while it runs another thread, or another run. So the worker's timer functions are wrapped to
 * remember the current job's pending timers, and the bootstrap cancels them when the job ends.
 */
type TimerFunction = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => unknown;
type ClearFunction = (handle: unknown) => void;
interface TimerScope {
  setTimeout: TimerFunction;
  setInterval: TimerFunction;
  clearTimeout: ClearFunction;
  clearInterval: ClearFunction;
}

const pending = new Map<unknown, 'timeout' | 'interval'>();

/** Wraps the global timer functions (once per worker). */
export function trackTimers(): void {
  const scope = globalThis as unknown as TimerScope;
  const setTimeoutOriginal = scope.setTimeout;
  const setIntervalOriginal = scope.setInterval;
  const clearTimeoutOriginal = scope.clearTimeout;
  const clearIntervalOriginal = scope.clearInterval;
  scope.setTimeout = (callback, ms, ...args) => {
    const handle = setTimeoutOriginal(() => {
      pending.delete(handle);
      callback(...args);
    }, ms);
    pending.set(handle, 'timeout');
    return handle;
  };
  scope.setInterval = (callback, ms, ...args) => {
    const handle = setIntervalOriginal(callback, ms, ...args);
    pending.set(handle, 'interval');
    return handle;
  };
  scope.clearTimeout = (handle) => {
    pending.delete(handle);
    clearTimeoutOriginal(handle);
  };
  scope.clearInterval = (handle) => {
    pending.delete(handle);
    clearIntervalOriginal(handle);
  };
}

/** Cancels every timer still pending; returns how many there were. */
export function cancelPendingTimers(): number {
  const count = pending.size;
  const scope = globalThis as unknown as TimerScope;
  for (const [handle, kind] of pending) {
    if (kind === 'timeout') scope.clearTimeout(handle);
    else scope.clearInterval(handle);
  }
  pending.clear();
  return count;
}
