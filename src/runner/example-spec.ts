import type { RunOptions, RunStatus } from './protocol.ts';

/**
 * What an article example promises. It lives next to the example, as `NAME.expect.ts` beside
 * `NAME.ts`; the playground reads `options`, and the test suite runs the example through the
 * command-line runner and checks the rest.
 */
export interface ExampleSpec {
  /** Run options for the playground and the tests. */
  options?: RunOptions;
  /** How the run must end; 'finished' unless said otherwise. */
  status?: RunStatus;
  /** The exact console text, line by line, for deterministic programs. */
  output?: string[];
  /**
   * For nondeterministic programs: inspect the console lines and return what is wrong with
   * them, or nothing when they are acceptable.
   */
  check?: (lines: string[]) => string | undefined;
  /** Open the playground's timeline by default (every playground can show one after a run). */
  timeline?: boolean;
  /**
   * What counts as one run's outcome for "Run ×N": the last output line that matches, reduced
   * to its first capture group (or the whole match). Without it, the outcome is the last line.
   */
  outcome?: RegExp;
  /** How many runs "Run ×N" starts by default (20 unless said otherwise). */
  repeat?: number;
}

/** Identity function that gives an example's spec its type. */
export function defineExample(spec: ExampleSpec): ExampleSpec {
  return spec;
}
