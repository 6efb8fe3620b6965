// The messages between the page and the runner worker. The page validates every event it
// receives (isRunEvent) before using it: nothing from a worker is trusted, and nothing from a
// worker is ever treated as HTML.
import type { ShowData } from '../runtime/internal/show-data.ts';
import { isTraceEvent, type TraceEvent } from './trace-event.ts';

/** How a run ended. */
export type RunStatus = 'finished' | 'error' | 'deadlock' | 'timed-out' | 'stopped';

/** The page's time limit for a run when an example sets none: runaway programs end by themselves. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Options a run takes; examples declare them in their `.expect.ts` file. */
export interface RunOptions {
  /**
   * Simulate a global interpreter lock (see the GIL article). A compile option: the program is
   * compiled with it (CompiledModules.gil), and a run follows the program's setting.
   */
  gil?: boolean;
  /** Time limit in ms; the run stops with status 'timed-out' after it (in the page: DEFAULT_TIMEOUT_MS). */
  timeout?: number;
  /**
   * Most threads the program may start in all, counting the main thread and every thread or
   * process started during the run, finished ones included (thread ids are not reused).
   */
  maxThreads?: number;
  /** Record the run's trace and send it as 'trace' events (for the timeline). Default false. */
  trace?: boolean;
}

/** A program compiled ahead of time (at build time for unedited examples). */
export interface CompiledModules {
  main: string;
  thread: string;
  exports: string[];
  topLevelVariables: { name: string; line: number }[];
  gil: boolean;
}

/** What the page asks the runner to run: source to compile, or modules compiled already. */
export type RunRequest =
  | { kind: 'source'; source: string; options: RunOptions }
  | { kind: 'compiled'; program: CompiledModules; options: RunOptions };

export type OutputLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';

/** Events streamed from the runner to the page while a program runs. */
export type RunEvent =
  | { type: 'output'; thread: string; threadId: number; level: OutputLevel; text: string; time: number }
  /** A drawing a snippet asked for with show.table/bars/graph/line; it sits among the lines. */
  | { type: 'show'; thread: string; threadId: number; time: number; data: ShowData }
  | TraceEvent
  /** Lines and drawings the runner dropped (its bound on what waits for the page). */
  | { type: 'dropped'; lines: number; drawings: number }
  | {
      type: 'end';
      status: RunStatus;
      durationMs: number;
      message?: string;
      line?: number;
      column?: number;
    };

const drawingKinds = new Set<string>(['table', 'bars', 'graph', 'line']);
const levels = new Set<string>(['log', 'info', 'warn', 'error', 'debug']);
const statuses = new Set<string>(['finished', 'error', 'deadlock', 'timed-out', 'stopped']);
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isOptional = (value: unknown, test: (v: unknown) => boolean) => value === undefined || test(value);

/** True when `value` is a well-formed RunEvent; anything else is dropped by the page. */
export function isRunEvent(value: unknown): value is RunEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  switch (event.type) {
    case 'output':
      return (
        typeof event.thread === 'string' &&
        isFiniteNumber(event.threadId) &&
        typeof event.level === 'string' &&
        levels.has(event.level) &&
        typeof event.text === 'string' &&
        isFiniteNumber(event.time)
      );
    case 'show':
      return (
        typeof event.thread === 'string' &&
        isFiniteNumber(event.threadId) &&
        isFiniteNumber(event.time) &&
        // Only the kind here: the full check (isShowData) is large, so it loads with the
        // renderers (src/playground/show/index.ts), which run it before drawing anything.
        typeof event.data === 'object' &&
        event.data !== null &&
        drawingKinds.has((event.data as { kind?: unknown }).kind as string)
      );
    case 'trace':
      return isTraceEvent(event);
    case 'dropped':
      return isCount(event.lines) && isCount(event.drawings);
    case 'end':
      return (
        typeof event.status === 'string' &&
        statuses.has(event.status) &&
        isFiniteNumber(event.durationMs) &&
        isOptional(event.message, (m) => typeof m === 'string') &&
        isOptional(event.line, isFiniteNumber) &&
        isOptional(event.column, isFiniteNumber)
      );
    default:
      return false;
  }
}
