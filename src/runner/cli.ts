import { readFile } from 'node:fs/promises';
import { compileProgram, CompileError } from './compile.ts';
import { runProgram } from './host.ts';
import { WorkerPool } from './pool.ts';
import type { RunEvent, RunOptions } from './protocol.ts';
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
  --max-threads N    most threads the program may start in all (finished ones count too)
  -h, --help         show this help`;

interface CliOptions {
  file: string;
  plain: boolean;
  run: RunOptions;
}

/** Parses argv (without node and script); a string is a usage error to print. */
export function parseArgs(argv: string[]): CliOptions | string {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help') return USAGE;
  if (command !== 'run') return `unknown command "${command}" (try: interleave run FILE.ts)`;
  let file: string | undefined;
  let plain = false;
  const run: RunOptions = { timeout: DEFAULT_CLI_TIMEOUT_MS };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const number = (flag: string): number | string => {
      const value = Number(rest[++i]);
      return Number.isFinite(value) && value > 0 ? value : `${flag} needs a positive number.`;
    };
    if (arg === '--plain') plain = true;
    else if (arg === '--gil') run.gil = true;
    else if (arg === '--timeout' || arg === '--max-threads') {
      const value = number(arg);
      if (typeof value === 'string') return value;
      if (arg === '--timeout') run.timeout = value;
      else run.maxThreads = Math.floor(value);
    } else if (arg === '-h' || arg === '--help') return USAGE;
    else if (arg.startsWith('-')) return `unknown option "${arg}" (see interleave --help)`;
    else if (file === undefined) file = arg;
    else return `only one file can be run at a time (got "${file}" and "${arg}")`;
  }
  if (file === undefined) return 'which file? (interleave run FILE.ts)';
  return { file, plain, run };
}

/** Formats one output event as the playground shows it (every line labelled), or plain. */
export function formatOutput(event: Extract<RunEvent, { type: 'output' }>, plain: boolean): string {
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
    const run = runProgram(pool, program, options.run, (events) => {
      let text = '';
      for (const event of events) if (event.type === 'output') text += `${formatOutput(event, options.plain)}\n`;
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
