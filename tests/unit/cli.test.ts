// `interleave run FILE.ts`: output, labels, --plain, exit codes and reasons.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/interleave.mjs', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('interleave run', () => {
  it('prints each line labelled with its thread and exits 0', async () => {
    const { code, stdout, stderr } = await cli('run', fixture('hello-threads.ts'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines).toContain('[Thread-1] hello 1 from Thread-1');
    expect(lines).toContain('[Thread-2] hello 2 from Thread-2');
    expect(lines.indexOf('[Thread-1] hello 1 from Thread-1')).toBeLessThan(lines.indexOf('[Thread-1] hello 2 from Thread-1'));
    expect(lines.at(-1)).toBe('[MainThread] all done');
  });

  it('prints only the console text with --plain', async () => {
    const { code, stdout } = await cli('run', fixture('hello-threads.ts'), '--plain');
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n').sort()).toEqual(
      ['all done', 'hello 1 from Thread-1', 'hello 1 from Thread-2', 'hello 2 from Thread-1', 'hello 2 from Thread-2'].sort(),
    );
  });

  it('exits non-zero with a one-line reason for an error in the main thread', async () => {
    const { code, stdout, stderr } = await cli('run', fixture('main-error.ts'), '--plain');
    expect(code).toBe(1);
    expect(stdout).toBe('worker ran\n');
    const [reason, ...details] = stderr.trimEnd().split('\n');
    expect(reason).toBe('interleave: error: Error: main failed on purpose (MainThread, line 11)');
    expect(details[0]).toBe('Error: main failed on purpose');
    expect(details[1]).toMatch(/snippet\.ts:11:/);
  });

  it('exits non-zero for a deadlock, naming the threads', async () => {
    const started = performance.now();
    const { code, stderr } = await cli('run', fixture('deadlock-locks.ts'));
    expect(code).toBe(3);
    expect(stderr).toMatch(/alice/);
    expect(stderr).toMatch(/bob/);
    expect(stderr.split('\n')[0]).toMatch(/^interleave: deadlock: /);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('exits non-zero when the time limit is reached', async () => {
    const { code, stderr } = await cli('run', fixture('forever.ts'), '--timeout', '300');
    expect(code).toBe(4);
    expect(stderr).toBe('interleave: timed-out: the program did not finish within 300 ms\n');
  });

  it('simulates a global interpreter lock with --gil', async () => {
    const { code, stdout } = await cli('run', fixture('gil-peak.ts'), '--gil', '--plain');
    expect(code).toBe(0);
    expect(stdout).toBe('most threads running at once: 1\n');
  });

  it('explains its usage', async () => {
    expect((await cli()).code).toBe(0);
    const wrong = await cli('run', fixture('hello-threads.ts'), '--timeout', 'soon');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe('interleave: usage: --timeout needs a positive number.\n');
    for (const threads of ['0.5', '4096']) {
      const tooMany = await cli('run', fixture('hello-threads.ts'), '--max-threads', threads);
      expect(tooMany.code).toBe(2);
      expect(tooMany.stderr).toBe('interleave: usage: --max-threads needs a whole number from 1 to 4095.\n');
    }
    const missing = await cli('run', fixture('no-such-file.ts'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^interleave: usage: cannot read /);
  });

  it('--repeat N makes N fresh runs and prints the histogram of their outcomes', async () => {
    const { code, stdout, stderr } = await cli('run', fixture('coin.ts'), '--repeat', '12', '--outcome', 'flipped: (\\w+)');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [title, ...rest] = stdout.trimEnd().split('\n');
    expect(title).toBe('Outcomes of 12 runs:');
    const bars = rest.slice(0, -1).map((line) => /^(heads|tails)\s+[█▉▊▋▌▍▎▏]*\s*(\d+)$/.exec(line));
    for (const bar of bars) expect(bar).not.toBeNull();
    expect(bars.reduce((sum, bar) => sum + Number(bar![2]), 0)).toBe(12);
    expect(rest.at(-1)).toMatch(/^12 runs, /);
    // Without --outcome, the outcome is the last line.
    const plain = await cli('run', fixture('coin.ts'), '--repeat', '3');
    expect(plain.stdout).toMatch(/^done\s+█+ 3$/m);
  });

  it('--outcome needs --repeat and a valid regular expression', async () => {
    expect((await cli('run', fixture('coin.ts'), '--outcome', 'x')).stderr).toMatch(/--outcome only makes sense with --repeat N/);
    expect((await cli('run', fixture('coin.ts'), '--repeat', '2', '--outcome')).stderr).toMatch(/--outcome needs a regular expression/);
    const bad = await cli('run', fixture('coin.ts'), '--repeat', '2', '--outcome', '(');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--outcome needs a regular expression/);
  });
});
