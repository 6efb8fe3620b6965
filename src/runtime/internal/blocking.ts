/**
 * The one door every blocking call goes through. {@link blockOn} records in the control
 * block's thread table what the thread waits on (so the deadlock watchdog can read it from the
 * host), lets the GIL go, sleeps, then clears the record, takes the GIL back and bumps the
 * progress epoch.
 *
 * The snippet line of the wait needs a stack capture, which costs far more than a fast
 * hand-off between threads. So blockOn first sleeps at most {@link LINE_CAPTURE_DELAY_MS};
 * only a thread still blocked after that captures its line and sleeps on. Until then the
 * record's line is 0.
 */
import { controlBlock, currentThreadId } from './context.ts';
import { WAIT_KINDS, type WaitKind } from './control-block.ts';
import { snippetFrame } from './snippet-stack.ts';
import { trace, tracing } from './trace.ts';
import { OP_BLOCK, OP_WAIT_LINE, OP_WAKE } from './trace-ops.ts';

/** What `Atomics.wait` answers, and so what a sleep function answers. */
export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

/** What a thread is about to wait on. */
export interface WaitRecord {
  kind: WaitKind;
  /** The object's id (0 if unregistered); for `join`, the joined thread's id. */
  object: number;
  /** The thread that can end the wait, if known now (a lock's holder, the joined thread). */
  owner?: number;
  /** How long at most, in ms; `Infinity` for no limit. */
  timeout: number;
}

/**
 * Hooks a `gil: true` run installs: `beforeBlock` lets other threads run while this one
 * sleeps, `afterBlock` waits for this thread's turn again.
 */
export interface GilHooks {
  beforeBlock(): void;
  afterBlock(): void;
}

/** How long a wait may last before blockOn pays for capturing its snippet line. */
export const LINE_CAPTURE_DELAY_MS = 10;

let gilHooks: GilHooks | null = null;

/** Installs (or with null removes) this worker's GIL hooks; they apply to every later wait. */
export function setGilHooks(hooks: GilHooks | null): void {
  gilHooks = hooks;
}

/**
 * Sleeps through `sleep` while recording `wait` in the thread table.
 *
 * `sleep(ms)` must do the actual `Atomics.wait` for at most `ms` (`Infinity`: no limit) on the
 * caller's futex word with the caller's expected value, and return its result. blockOn may
 * call it twice (a short first sleep before capturing the line); the caller must treat any
 * result as "re-check your condition", as with any futex wait. Returns the last sleep's result.
 */
export function blockOn(wait: WaitRecord, sleep: (ms: number) => WaitResult): WaitResult {
  const control = controlBlock();
  const hooks = gilHooks;
  const id = currentThreadId();
  const timed = wait.timeout !== Infinity;
  if (tracing()) trace(OP_BLOCK, wait.object, WAIT_KINDS.indexOf(wait.kind));
  if (control !== null) {
    control.setWait(id, {
      kind: wait.kind,
      object: wait.object,
      owner: wait.owner ?? 0,
      timed,
      line: 0,
    });
    control.bumpEpoch();
  }
  hooks?.beforeBlock();
  let result: WaitResult;
  try {
    if (control === null || wait.timeout <= LINE_CAPTURE_DELAY_MS) {
      result = sleep(wait.timeout);
    } else {
      const start = performance.now();
      result = sleep(LINE_CAPTURE_DELAY_MS);
      if (result === 'timed-out') {
        const line = snippetFrame()?.line ?? 0;
        control.setWaitLine(id, line);
        // The timeline shows where the wait is, as the deadlock report does.
        if (line > 0) trace(OP_WAIT_LINE, wait.object, line);
        control.bumpEpoch();
        const left = timed ? Math.max(0, wait.timeout - (performance.now() - start)) : Infinity;
        result = sleep(left);
      }
    }
  } finally {
    if (control !== null) {
      control.clearWait(id);
      control.bumpEpoch();
    }
    hooks?.afterBlock();
  }
  trace(OP_WAKE, wait.object, result === 'timed-out' ? 1 : 0);
  return result;
}
