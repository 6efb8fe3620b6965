import type { RunEvent } from './protocol.ts';
import { OutcomeReader, type OutcomePattern } from './outcomes.ts';

type EndEvent = Extract<RunEvent, { type: 'end' }>;

/** A whole batch stops after this long, however many runs are left. */
export const BATCH_TIME_LIMIT_MS = 60_000;

/** How a batch ended. `failure` is the first run that did not finish normally, if any. */
export interface BatchResult {
  outcomes: string[];
  /**
   * 'finished': every run was made. 'stopped': Stop was pressed. 'timed-out': a run ran past
   * its time limit (every other run would likely do the same, so the batch ends there).
   * 'batch-limit': the batch ran past its time limit (BatchOptions.timeLimitMs).
   */
  status: 'finished' | 'stopped' | 'timed-out' | 'batch-limit';
  failure?: { run: number; end: EndEvent };
}

export interface BatchOptions {
  count: number;
  pattern?: OutcomePattern;
  /** Makes one fresh run, passing its events on; resolves with its 'end' event. */
  runOnce: (onEvent: (event: RunEvent) => void) => Promise<EndEvent>;
  /** Stops the run in flight (used when the batch's own time limit passes). */
  stopRun: () => Promise<void>;
  /** The whole batch's time limit; default BATCH_TIME_LIMIT_MS, Infinity for none. */
  timeLimitMs?: number;
  /** Called after every run with every outcome so far. */
  onProgress: (outcomes: readonly string[]) => void;
  /** True once the reader has pressed Stop (or started another run): no further run starts. */
  cancelled: () => boolean;
}

/**
 * Runs a program `count` times, one fresh run after another, and collects each run's outcome.
 * A run that errors or deadlocks is an outcome too ("error: …", "deadlock"): races can end that
 * way. Output is read for the outcome only, never kept, so a batch's memory does not grow with
 * what the program prints.
 */
export async function runBatch(options: BatchOptions): Promise<BatchResult> {
  const outcomes: string[] = [];
  let failure: BatchResult['failure'];
  let overTime = false;
  const limit = options.timeLimitMs ?? BATCH_TIME_LIMIT_MS;
  const timer = Number.isFinite(limit)
    ? setTimeout(() => {
        overTime = true;
        void options.stopRun();
      }, limit)
    : undefined;
  try {
    for (let run = 1; run <= options.count; run++) {
      if (overTime) return { outcomes, status: 'batch-limit', failure };
      if (options.cancelled()) return { outcomes, status: 'stopped', failure };
      const reader = new OutcomeReader(options.pattern);
      const end = await options.runOnce((event) => {
        if (event.type === 'output') reader.read(event.text);
      });
      if (end.status === 'stopped') return { outcomes, status: overTime ? 'batch-limit' : 'stopped', failure };
      if (end.status !== 'finished') failure ??= { run, end };
      if (end.status === 'timed-out') return { outcomes, status: 'timed-out', failure };
      outcomes.push(outcomeOfEnd(end) ?? reader.outcome);
      options.onProgress(outcomes);
    }
    return { outcomes, status: 'finished', failure };
  } finally {
    clearTimeout(timer);
  }
}

/** The outcome of a run that did not finish normally, or undefined when it did. */
function outcomeOfEnd(end: EndEvent): string | undefined {
  if (end.status === 'deadlock') return 'deadlock';
  if (end.status === 'error') return `error: ${(end.message ?? 'failed').split('\n')[0].slice(0, 60)}`;
  return undefined;
}

/** The status line at the end of a batch of `count` runs. */
export function batchStatusText(result: BatchResult, count: number): string {
  const done = `${result.outcomes.length} of ${count} runs`;
  switch (result.status) {
    case 'finished':
      return `Finished ${count} runs; their outcomes are below.`;
    case 'stopped':
      return `Stopped after ${done}.`;
    case 'timed-out':
      return `Timed out in run ${result.outcomes.length + 1} of ${count}: that run went past its time limit, so the batch stopped there.`;
    case 'batch-limit':
      return `Stopped after ${done}: a batch may take at most ${BATCH_TIME_LIMIT_MS / 1000} s.`;
  }
}
