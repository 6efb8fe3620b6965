import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { compileProgram } from '../../src/runner/compile.ts';
import {
  explainUnsharedVariable,
  setSnippetColumns,
  setSnippetModuleUrls,
  snippetColumn,
  snippetFrame,
  toSnippetStack,
} from '../../src/runtime/internal/snippet-stack.ts';

afterEach(() => {
  setSnippetColumns(null);
  setSnippetModuleUrls([]);
});

function errorWithStack(stack: string, make: (message: string) => Error = (m) => new Error(m)): Error {
  const error = make(stack.split('\n')[0].replace(/^\w+: /, ''));
  error.stack = stack;
  return error;
}

// What Node prints outside a test runner and Chrome prints for a blob: module: the sourceURL.
const V8_STACK = `TypeError: lock.release is not a function
    at Lock.release (http://localhost:4321/_astro/runtime.js:120:11)
    at Object.releaseAll (file:///work/main/src/runtime/lock.ts:88:5)
    at worker (interleave-snippet-thread.js:7:10)
    at new Downloader (interleave-snippet-thread.js:12:5)
    at async Module.main (interleave-snippet-main.js:20:3)
    at Array.map (<anonymous>)
    at interleave-snippet-main.js:25:1
    at runJob (file:///work/main/src/runtime/worker/bootstrap.ts:98:7)`;

describe('snippetFrame', () => {
  it('finds the first snippet frame under runtime frames', () => {
    expect(snippetFrame(V8_STACK)).toEqual({ line: 7, column: 10 });
  });

  it('returns null when no frame is the snippet', () => {
    expect(snippetFrame('Error: x\n    at f (file:///a.js:1:1)')).toBeNull();
  });

  it('reads Firefox and Safari frames (fn@url:line:col)', () => {
    setSnippetModuleUrls(['blob:http://localhost/7a1c'], ['main']);
    expect(snippetFrame('release@http://localhost/_astro/runtime.js:3:9\nworker@blob:http://localhost/7a1c:14:22\n@blob:http://localhost/7a1c:30:1')).toEqual({ line: 14, column: 22 });
  });

  it('matches registered URLs, however long (Node prints data: URLs whole)', () => {
    const url = `data:text/javascript;base64,${'QUJD'.repeat(500)}`;
    setSnippetModuleUrls([url]);
    expect(snippetFrame(`Error: x\n    at Module.work (${url}:9:4)`)).toEqual({ line: 9, column: 4 });
  });

  it('maps columns through the module kind’s column map', () => {
    // Line 7 of the thread module: 0-based columns before 9 unchanged, from 9 on 5 to the right.
    setSnippetColumns({ thread: [[], [], [], [], [], [], [9, 14]] });
    expect(snippetFrame(V8_STACK)).toEqual({ line: 7, column: 15 });
    expect(snippetColumn([[10, 15]], 1, 10)).toBe(10);
    expect(snippetColumn([[10, 15]], 1, 11)).toBe(16);
    expect(snippetColumn([[10, 15]], 2, 11)).toBe(11);
  });

  it("finds the caller's line from a fresh stack", () => {
    // Vitest prints this file by path; plain Node by file: URL.
    setSnippetModuleUrls([new URL(import.meta.url).pathname, import.meta.url]);
    const here = new Error().stack!.split('\n')[1];
    expect(snippetFrame()?.line).toBe(Number(/:(\d+):\d+\)?$/.exec(here)![1]) + 1);
  });
});

describe('toSnippetStack', () => {
  it('keeps the message and the snippet frames only, as snippet.ts', () => {
    expect(toSnippetStack(errorWithStack(V8_STACK, (m) => new TypeError(m)))).toBe(
      [
        'TypeError: lock.release is not a function',
        '    at worker (snippet.ts:7:10)',
        '    at new Downloader (snippet.ts:12:5)',
        '    at async main (snippet.ts:20:3)',
        '    at snippet.ts:25:1',
      ].join('\n'),
    );
  });

  it('names custom errors and messageless errors', () => {
    class TimeoutError extends Error {
      name = 'TimeoutError';
    }
    expect(toSnippetStack(errorWithStack('TimeoutError: slow\n    at f (interleave-snippet-main.js:2:3)', (m) => new TimeoutError(m)))).toBe(
      'TimeoutError: slow\n    at f (snippet.ts:2:3)',
    );
    const bare = new RangeError();
    bare.stack = 'RangeError\n    at interleave-snippet-main.js:1:1';
    expect(toSnippetStack(bare)).toBe('RangeError\n    at snippet.ts:1:1');
  });

  it('gives thrown non-Errors a readable line', () => {
    const tail = ' (not an Error, so there is no line: throw new Error(…) instead)';
    expect(toSnippetStack('disk full')).toBe(`Uncaught 'disk full'${tail}`);
    expect(toSnippetStack({ code: 42, why: 'x' })).toBe(`Uncaught { code: 42, why: 'x' }${tail}`);
    expect(toSnippetStack(undefined)).toBe(`Uncaught undefined${tail}`);
    expect(toSnippetStack(7n)).toBe(`Uncaught 7n${tail}`);
  });

  it('works on what real Node prints for a compiled module (the sourceURL)', () => {
    const source = 'function fail(n: number): never {\n  throw new Error("bad " + n);\n}\nconst twice = (n: number): number => fail(n * 2);\ntwice(21);';
    const program = compileProgram(source, { gil: true });
    const script = `globalThis.__interleaveGilTick = () => {};
      const url = 'data:text/javascript;base64,' + Buffer.from(process.argv[1]).toString('base64');
      try { await import(url); } catch (e) { console.log(e.stack); }`;
    const stack = execFileSync(process.execPath, ['--input-type=module', '-e', script, program.main], { encoding: 'utf8' });
    expect(stack).toContain('interleave-snippet-main.js:2:');
    setSnippetColumns(program.columns);
    expect(toSnippetStack(errorWithStack(stack.trim()))).toBe(
      ['Error: bad 42', '    at fail (snippet.ts:2:9)', '    at twice (snippet.ts:4:38)', '    at snippet.ts:5:1'].join('\n'),
    );
  });
});

describe('explainUnsharedVariable', () => {
  const variables = [
    { name: 'counter', line: 3 },
    { name: 'items', line: 4 },
  ];

  function referenceError(message: string, stack: string): ReferenceError {
    const error = new ReferenceError(message);
    error.stack = `ReferenceError: ${message}\n${stack}`;
    return error;
  }

  it('explains a V8 "is not defined" for a top-level variable', () => {
    const error = referenceError('counter is not defined', '    at worker (interleave-snippet-thread.js:9:5)\n    at runJob (file:///x/bootstrap.ts:1:1)');
    const explained = explainUnsharedVariable(error, variables, 'Thread-2');
    expect(explained).toBeInstanceOf(ReferenceError);
    expect(explained!.message).toBe(
      'Thread "Thread-2" used "counter" on line 9, a top-level variable of the main program (line 3). ' +
        "Threads don't share the program's top-level variables, only its functions, classes and imports. " +
        'Pass it in: new Thread({ target, args: [counter] }) and take it as a parameter, or share memory ' +
        '(a SharedArrayBuffer, or a Lock, Event, … from "interleave").',
    );
    expect(explained!.cause).toBe(error);
    expect(toSnippetStack(explained)).toBe(`ReferenceError: ${explained!.message}\n    at worker (snippet.ts:9:5)`);
  });

  it("explains Safari's wording too, and leaves out the line when there is no frame", () => {
    const explained = explainUnsharedVariable(referenceError("Can't find variable: items", ''), variables, 'Consumer');
    expect(explained!.message.startsWith('Thread "Consumer" used "items", a top-level variable of the main program (line 4).')).toBe(true);
  });

  it('returns null for anything else', () => {
    expect(explainUnsharedVariable(referenceError('other is not defined', ''), variables, 'T')).toBeNull();
    expect(explainUnsharedVariable(new TypeError('counter is not defined'), variables, 'T')).toBeNull();
    expect(explainUnsharedVariable('counter is not defined', variables, 'T')).toBeNull();
  });
});
