import { readFile } from 'node:fs/promises';
import { compileProgram, CompileError } from './compile.ts';
import { runProgram, type RunHandle } from './host.ts';
import { describeOutcomes, histogram, type OutcomePattern } from './outcomes.ts';
import { WorkerPool } from './pool.ts';
import type { CompiledModules, RunEvent, RunOptions } from './protocol.ts';
import { runBatch } from './run-batch.ts';
import { showText } from './show-text.ts';
import { THREAD_LIMIT } from '../runtime/internal/control-block.ts';
import { nodePlatform } from '../runtime/platform/node.ts';

/** Time limit when `--timeout` is not given: long enough for every article example. */
export const DEFAULT_CLI_TIMEOUT_MS = 30_000;

/** Workers started (and waited for) before the program runs. */
const CLI_WARM_WORKERS = 4;

/** Exit codes, one per way a run can end (docs/dev/runtime-contract.md). */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  deadlock: 3,
  timedOut: 4,
  /** Interrupted (Ctrl+C): the run was stopped. 128 + SIGINT, as shells report it. */
  stopped: 130,
} as const;

const USAGE = `Usage: interleave run FILE.ts [options]

Runs a snippet the way the site's playground does: the top level is the main thread, every
Thread is a real worker. Output lines are labelled with their thread.

Options:
  --plain            print only the console text, without thread labels
  --timeout MS       stop the run after MS milliseconds (default ${DEFAULT_CLI_TIMEOUT_MS})
  --gil              simulate a global interpreter lock
  --max-threads N    most threads the program may start in all, 1–4095 (finished ones count too)
  --repeat N         run it N times, fresh each time, and print a histogram of the outcomes
                     (a run's outcome is its last line, or see --outcome) instead of the output
  --outcome REGEX    with --repeat: the outcome is the last line matching REGEX (its first
                     capture group, or the whole match), e.g. --outcome 'got (\d+)$'
  -h, --help         show this help`;

interface CliOptions {
  file: string;
  plain: boolean;
  run: RunOptions;
  /** --repeat N: how many runs (absent: one run, its output printed). */
  repeat?: number;
  outcome?: OutcomePattern;
}

/** Parses argv (without node and script); a string is a usage error to print. */
export function parseArgs(argv: string[]): CliOptions | string {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help') return USAGE;
  if (command !== 'run') return `unknown command "${command}" (try: interleave run FILE.ts)`;
  let file: string | undefined;
  let plain = false;
  let repeat: number | undefined;
  let outcome: OutcomePattern | undefined;
  const run: RunOptions = { timeout: DEFAULT_CLI_TIMEOUT_MS };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const number = (flag: string): number | string => {
      const value = Number(rest[++i]);
      return Number.isFinite(value) && value > 0 ? value : `${flag} needs a positive number.`;
    };
    if (arg === '--plain') plain = true;
    else if (arg === '--gil') run.gil = true;
    else if (arg === '--timeout' || arg === '--max-threads' || arg === '--repeat') {
      const value = number(arg);
      if (typeof value === 'string') return value;
      if (arg === '--timeout') run.timeout = value;
      else if (arg === '--repeat') repeat = Math.floor(value);
      else if (Math.floor(value) >= 1 && value <= THREAD_LIMIT) run.maxThreads = Math.floor(value);
      else return `--max-threads needs a whole number from 1 to ${THREAD_LIMIT}.`;
    } else if (arg === '--outcome') {
      const source = rest[++i];
      if (source === undefined) return '--outcome needs a regular expression, e.g. --outcome \'got (\\d+)$\'.';
      try {
        new RegExp(source);
      } catch (error) {
        return `--outcome needs a regular expression: ${(error as Error).message}`;
      }
      outcome = { source, flags: '' };
    } else if (arg === '-h' || arg === '--help') return USAGE;
    else if (arg.startsWith('-')) return `unknown option "${arg}" (see interleave --help)`;
    else if (file === undefined) file = arg;
    else return `only one file can be run at a time (got "${file}" and "${arg}")`;
  }
  if (file === undefined) return 'which file? (interleave run FILE.ts)';
  if (outcome && repeat === undefined) return '--outcome only makes sense with --repeat N.';
  return { file, plain, run, repeat, outcome };
}

/** Formats one output event (or a drawing's text) as the playground shows it (every line labelled), or plain. */
export function formatOutput(event: Pick<Extract<RunEvent, { type: 'output' }>, 'thread' | 'text'>, plain: boolean): string {
  if (plain) return event.text;
  return event.text
    .split('\n')
    .map((line) => `[${event.thread}] ${line}`)
    .join('\n');
}

/** `interleave …`: returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const options = parseArgs(argv);
  if (typeof options === 'string') {
    if (options === USAGE) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    return fail(EXIT.usage, 'usage', options);
  }
  let source: string;
  try {
    source = await readFile(options.file, 'utf8');
  } catch (error) {
    return fail(EXIT.usage, 'usage', `cannot read ${options.file}: ${(error as Error).message}`);
  }
  let program;
  try {
    program = compileProgram(source, { gil: options.run.gil });
  } catch (error) {
    if (error instanceof CompileError) return fail(EXIT.error, 'error', `${options.file}:${error.line}:${error.column}: ${error.message}`);
    throw error;
  }

  const pool = new WorkerPool(nodePlatform, { warm: CLI_WARM_WORKERS });
  try {
    // Ready before the program starts, so its first threads start as fast as in the playground
    // (whose pool is warm): an example's timing should not depend on worker start-up.
    await pool.warmUp();
    if (options.repeat !== undefined) return await runRepeated(pool, program, options, options.repeat);
    const run = runProgram(pool, program, options.run, (events) => {
      let text = '';
      for (const event of events) {
        if (event.type === 'output') text += `${formatOutput(event, options.plain)}\n`;
        else if (event.type === 'show') text += `${formatOutput({ thread: event.thread, text: showText(event.data).join('\n') }, options.plain)}\n`;
      }
      if (text) process.stdout.write(text);
    });
    const interrupt = () => run.stop();
    process.once('SIGINT', interrupt);
    const end = await run.result;
    process.off('SIGINT', interrupt);
    await flush(process.stdout);
    const explanation = end.message ?? '';
    switch (end.status) {
      case 'finished':
        return EXIT.ok;
      case 'error':
        return fail(EXIT.error, 'error', `${firstLine(explanation)} (MainThread${end.line ? `, line ${end.line}` : ''})`, explanation);
      case 'deadlock':
        return fail(EXIT.deadlock, 'deadlock', firstLine(explanation), explanation);
      case 'timed-out':
        return fail(EXIT.timedOut, 'timed-out', `the program did not finish within ${options.run.timeout} ms`);
      case 'stopped':
        return fail(EXIT.stopped, 'stopped', 'interrupted');
    }
  } finally {
    pool.close();
  }
}

/**
 * --repeat N: fresh runs one after another (as the playground's Run ×N, without its time limit
 * for the whole batch; Ctrl+C stops it), then the histogram of their outcomes.
 */
async function runRepeated(pool: WorkerPool, program: CompiledModules, options: CliOptions, count: number): Promise<number> {
  let cancelled = false;
  let current: RunHandle | null = null;
  const interrupt = () => {
    cancelled = true;
    current?.stop();
  };
  process.once('SIGINT', interrupt);
  const result = await runBatch({
    count,
    pattern: options.outcome,
    timeLimitMs: Infinity,
    runOnce: (onEvent) => {
      current = runProgram(pool, program, options.run, (events) => events.forEach(onEvent));
      return current.result;
    },
    stopRun: async () => current?.stop(),
    onProgress: () => {},
    cancelled: () => cancelled,
  });
  process.off('SIGINT', interrupt);
  const bars = histogram(result.outcomes).map(({ label, count: value }) => ({ label, value }));
  const title = `Outcomes of ${result.outcomes.length} run${result.outcomes.length === 1 ? '' : 's'}:`;
  process.stdout.write(`${[...showText({ kind: 'bars', title, bars }), describeOutcomes(result.outcomes)].join('\n')}\n`);
  await flush(process.stdout);
  const failure = result.failure && `run ${result.failure.run} ended with status ${result.failure.end.status}:\n${result.failure.end.message ?? ''}`;
  switch (result.status) {
    case 'finished':
    case 'batch-limit':
      if (failure) process.stderr.write(`interleave: note: ${failure}\n`);
      return EXIT.ok;
    case 'stopped':
      return fail(EXIT.stopped, 'stopped', `interrupted after ${result.outcomes.length} of ${count} runs`);
    case 'timed-out':
      return fail(EXIT.timedOut, 'timed-out', `run ${result.outcomes.length + 1} did not finish within ${options.run.timeout} ms`);
  }
}

/** One line `interleave: <status>: <reason>` on stderr, then the details, if any. */
function fail(code: number, status: string, reason: string, details = ''): number {
  process.stderr.write(`interleave: ${status}: ${reason}\n${details ? `${details}\n` : ''}`);
  return code;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0];
}

/** Waits until everything written to `stream` has been handed to the OS. */
function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}
