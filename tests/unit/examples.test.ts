// Every article example runs through the command-line runner, and its output is checked
// against the NAME.expect.ts beside it. An example without an expectation fails the suite.
import { execFile } from 'node:child_process';
import { existsSync, globSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { outcomeOf } from '../../src/runner/outcomes.ts';
import type { ExampleSpec } from '../../src/runner/example-spec.ts';
import { DEFAULT_TIMEOUT_MS, type RunStatus } from '../../src/runner/protocol.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = `${root}bin/interleave.mjs`;
const examples = globSync('src/content/docs/**/examples/*.ts', { cwd: root })
  .filter((file) => !file.endsWith('.expect.ts'))
  .sort();

const statusByExitCode: Record<number, RunStatus> = { 0: 'finished', 1: 'error', 3: 'deadlock', 4: 'timed-out' };

async function runExample(file: string, spec: ExampleSpec) {
  const args = ['run', file, '--plain'];
  if (spec.options?.gil) args.push('--gil');
  // The page's limits, so an example that passes here cannot time out or hit the thread cap there.
  args.push('--timeout', String(spec.options?.timeout ?? DEFAULT_TIMEOUT_MS));
  if (spec.options?.maxThreads) args.push('--max-threads', String(spec.options.maxThreads));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [cli, ...args], { cwd: root, timeout: 60_000 });
    return { status: 'finished' as RunStatus, stdout, stderr: '' };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    const status = statusByExitCode[failure.code ?? -1];
    if (!status) throw error;
    return { status, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

test('the articles have examples', () => {
  expect(examples.length).toBeGreaterThan(0);
});

describe.each(examples)('%s', (file) => {
  const specFile = file.replace(/\.ts$/, '.expect.ts');

  test('runs as its spec says', async () => {
    expect(existsSync(`${root}${specFile}`), `${specFile} must declare the expected output`).toBe(true);
    const spec = ((await import(`${root}${specFile}`)) as { default: ExampleSpec }).default;
    expect(spec.output ?? spec.check ?? spec.status, `${specFile} must check something`).toBeDefined();

    const result = await runExample(file, spec);
    expect(result.status, result.stderr).toBe(spec.status ?? 'finished');
    const lines = result.stdout.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1);
    if (spec.output) expect(lines).toEqual(spec.output);
    if (spec.check) expect(spec.check(lines)).toBeUndefined();
    // Run ×N reads each run's outcome with this pattern: it must find one in a normal run.
    if (spec.outcome) expect(outcomeOf(lines, spec.outcome), `${specFile}: outcome pattern`).not.toMatch(/^\(no (match|output)\)$/);
  });
});
