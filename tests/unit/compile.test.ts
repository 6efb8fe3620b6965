import { parse } from 'acorn';
import { afterEach, describe, expect, it } from 'vitest';
import { CompileError, compileProgram, type CompiledProgram } from '../../src/runner/compile.ts';
import { explainUnsharedVariable, setSnippetColumns, setSnippetModuleUrls, snippetColumn, snippetFrame, toSnippetStack } from '../../src/runtime/internal/snippet-stack.ts';

type Module = Record<string, any>;
const g = globalThis as Record<string, any>;

/**
 * Imports module text the way the Node platform does: a data: URL. Vitest's stack formatter
 * prints module URLs, not sourceURLs, so the URL is registered with its kind.
 */
async function load(text: string, kind: 'main' | 'thread' = 'main'): Promise<Module> {
  const url = `data:text/javascript;base64,${Buffer.from(text).toString('base64')}`;
  setSnippetModuleUrls([url], [kind]);
  return import(/* @vite-ignore */ url);
}

/** A stub runtime: `Thread` records what it was given, `Lock` is an empty class. */
function stubRuntime(): { started: unknown[] } {
  const started: unknown[] = [];
  class Thread {
    options: unknown;
    constructor(options?: unknown) {
      this.options = options;
    }
    start() {
      started.push(this);
    }
  }
  g.__interleave = { Thread, Lock: class Lock {} };
  return { started };
}

afterEach(() => {
  delete g.__interleave;
  delete g.__interleaveGilTick;
  delete g.__trail;
  setSnippetColumns(null);
  setSnippetModuleUrls([]);
});

// Every line tagged "@N" must stay on line N; the snippet exercises most TypeScript syntax.
const REALISTIC = `import { Thread, Lock as Mutex, type Condition } from "interleave";
import type { Semaphore } from "interleave";
import {
  Event,
} from "interleave";

interface Job<T> { id: number; payload: T }
type Result = { ok: boolean; note?: string };
enum Level { Low = 1, High }
const config = { workers: 2, label: "@10" } satisfies Record<string, unknown>;
const { workers, label: title }: { workers: number; label: string } = config;
let total: number = 0;

function work<T extends number>(job: Job<T>, scale: number = 2): number {
  const value = (job.payload as number) * scale; ("@15");
  return value;
}

abstract class Base<T> {
  protected readonly items: T[] = [];
  abstract name(): string;
}

class Downloader extends Thread {
  private url: string = "@25";
  declare extra: unknown;
  constructor(url: string, public retries: number = 3) {
    super(); this.url = url; ("@28");
  }
  run(): void {
    for (let i = 0; i < this.retries; i++) { ("@31"); }
  }
}

const lock = new Mutex();
const fetcher = new Downloader("https://example.test/a", 2);
const jobs: Job<number>[] = [1, 2, 3].map((n): Job<number> => ({ id: n, payload: n }));
for (const job of jobs) total += work(job); ("@38");
const t = new Thread({ target: work, args: [jobs[0]] }); ("@39");
t.start(); fetcher.start(); ("@40");
const level: Level = Level.High; ("@41");
globalThis.__trail = { total, workers, title, level, lock: lock.constructor.name }; ("@42");
export { work };
`;

function tags(text: string): { line: number; column: number; tag: number }[] {
  const out: { line: number; column: number; tag: number }[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/"@(\d+)"/g)) out.push({ line: i + 1, column: m.index + 1, tag: Number(m[1]) });
  });
  return out;
}

function tagColumns(program: CompiledProgram, kind: 'main' | 'thread') {
  return tags(program[kind]).map(({ line, column, tag }) => ({ line, tag, column: snippetColumn(program.columns[kind], line, column) }));
}

describe('compileProgram: lines', () => {
  for (const gil of [false, true]) {
    it(`keeps every statement on its line (gil: ${gil})`, () => {
      const program = compileProgram(REALISTIC, { gil });
      const expected = tags(REALISTIC);
      expect(expected.length).toBe(10);
      expect(tagColumns(program, 'main')).toEqual(expected.map(({ line, column, tag }) => ({ line, tag, column })));
      for (const { line, tag } of tags(program.main)) expect(line).toBe(tag);
      // The parsed main module has its statements where the snippet has them.
      const ast = parse(program.main, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
      const statementLines = ast.body.map((s) => s.loc!.start.line);
      expect(statementLines).toContain(38);
      // One line more: the sourceURL comment.
      expect(program.main.split('\n').length).toBe(REALISTIC.split('\n').length + 1);
    });
  }

  it('keeps the thread module on the same lines, only declarations and imports kept', () => {
    const program = compileProgram(REALISTIC);
    expect(tags(program.thread).map((t) => [t.line, t.tag])).toEqual([
      [15, 15],
      [25, 25],
      [28, 28],
      [31, 31],
    ]);
    const lines = program.thread.split('\n');
    expect(lines[0]).toBe('const { Thread, Lock: Mutex, } = globalThis.__interleave;');
    expect(lines.slice(2, 5).join('\n')).toBe('const {\n  Event,\n} = globalThis.__interleave;');
    expect(lines[9].trim()).toBe('');
    expect(lines[8].startsWith('var Level;')).toBe(true);
    expect(lines.at(-2)).toBe('export { Level, work, Base, Downloader };');
    expect(lines.at(-1)).toBe('//# sourceURL=interleave-snippet-thread.js');
    expect(program.exports).toEqual(['Level', 'work', 'Base', 'Downloader']);
    expect(program.topLevelVariables).toEqual([
      { name: 'config', line: 10 },
      { name: 'workers', line: 11 },
      { name: 'title', line: 11 },
      { name: 'total', line: 12 },
      { name: 'lock', line: 35 },
      { name: 'fetcher', line: 36 },
      { name: 'jobs', line: 37 },
      { name: 't', line: 39 },
      { name: 'level', line: 41 },
    ]);
  });

  it('produces a main module that runs', async () => {
    const { started } = stubRuntime();
    await load(compileProgram(REALISTIC).main);
    expect(g.__trail).toEqual({ total: 12, workers: 2, title: '@10', level: 2, lock: 'Lock' });
    expect(started.length).toBe(2);
  });

  it('produces a thread module that evaluates without running the program', async () => {
    const { started } = stubRuntime();
    const thread = await load(compileProgram(REALISTIC).thread, 'thread');
    expect(Object.keys(thread).sort()).toEqual(['Base', 'Downloader', 'Level', 'work']);
    expect(thread.work({ id: 1, payload: 5 }, 3)).toBe(15);
    expect(new thread.Downloader('u').retries).toBe(3);
    expect(thread.Level.High).toBe(2);
    expect(started.length).toBe(0);
    expect(g.__trail).toBeUndefined();
  });
});

describe('compileProgram: imports', () => {
  it('rewrites named, aliased, namespace and side-effect imports in place', () => {
    const program = compileProgram(
      'import * as il from "interleave"\n(il.Thread);\nimport { Lock as L, Event } from \'interleave\';\nimport "interleave";\nexport const x = 1;',
    );
    expect(program.main.split('\n').slice(0, 5)).toEqual([
      'const il = globalThis.__interleave;',
      '(il.Thread);',
      'const { Lock: L, Event } = globalThis.__interleave;',
      '                    ',
      'export const x = 1;',
    ]);
  });

  it('rejects any other import, naming the line', () => {
    expect(() => compileProgram('const a = 1;\nimport { chunk } from "lodash";')).toThrow(
      new CompileError('Only "interleave" can be imported, not "lodash": a snippet runs in workers with just the runtime, so copy what you need into the snippet', 2, 1),
    );
    expect(() => compileProgram('import il from "interleave";')).toThrow('"interleave" has no default export: write import { Thread, Lock } from "interleave" (line 1, column 1)');
    expect(() => compileProgram('\n  export * from "./x";')).toThrow(/re-exporting from "\.\/x" is not supported \(line 2, column 3\)/);
  });

  it('drops type-only imports from anywhere (they are erased)', () => {
    expect(compileProgram('import type { X } from "./types";\nconst a = 1;').main.split('\n')[0].trim()).toBe('');
  });
});

describe('compileProgram: errors', () => {
  function compileError(source: string): CompileError {
    try {
      compileProgram(source);
    } catch (error) {
      expect(error).toBeInstanceOf(CompileError);
      return error as CompileError;
    }
    throw new Error('compiled');
  }

  it('reports a TypeScript syntax error in snippet coordinates', () => {
    const error = compileError('const a = 1;\nfunction f(x: number) {\n  return x +;\n}');
    expect([error.message, error.line, error.column]).toEqual(['Unexpected token (line 3, column 13)', 3, 13]);
  });

  it('reports a JavaScript error found after type stripping at the snippet column', () => {
    const error = compileError('let a: number = 1;\nlet b: string = "", a: number = 2;');
    expect([error.message, error.line, error.column]).toEqual(["Identifier 'a' has already been declared (line 2, column 21)", 2, 21]);
  });

  it('rejects namespaces instead of silently erasing them', () => {
    const error = compileError('const a = 1;\n  namespace Geometry { export const pi = 3.14; }');
    expect([error.line, error.column]).toEqual([2, 3]);
    expect(error.message).toMatch(/^TypeScript namespaces are not supported/);
  });
});

describe('compileProgram: GIL ticks', () => {
  const SOURCE = `function spin(n: number): number { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
const twice = (x: number) => x * 2;
let k = 0;
while (k < 3) k++;
do { k--; } while (k > 0);
globalThis.__trail = [spin(4), twice(5), k];`;

  it('is never emitted without gil', () => {
    const program = compileProgram(SOURCE);
    expect(program.main).not.toContain('Tick');
    expect(program.gil).toBe(false);
  });

  it('ticks at each function entry and loop iteration, on the same lines', async () => {
    const program = compileProgram(SOURCE, { gil: true });
    expect(program.main.split('\n').slice(0, 6)).toEqual([
      'const __interleaveTick = globalThis.__interleaveGilTick;function spin(n) {__interleaveTick(); let s = 0; for (let i = 0; i < n; i++) {__interleaveTick();s += i;} return s; }',
      'const twice = (x) => (__interleaveTick(), x * 2);',
      'let k = 0;',
      'while (k < 3) {__interleaveTick();k++;}',
      'do {__interleaveTick(); k--; } while (k > 0);',
      'globalThis.__trail = [spin(4), twice(5), k];',
    ]);
    let ticks = 0;
    g.__interleaveGilTick = () => ticks++;
    await load(program.main);
    expect(g.__trail).toEqual([6, 10, 0]);
    // spin: 1 entry + 4 iterations; twice: 1; while: 3; do-while: 3.
    expect(ticks).toBe(12);
  });

  it('maps a column on a ticked line back to the snippet', async () => {
    const source = 'function fail(n: number): never { for (let i: number = 0; i < n; i++) {} throw new Error("no " + n); }\nfail(2);';
    const program = compileProgram(source, { gil: true });
    g.__interleaveGilTick = () => {};
    const error = await load(program.main).catch((e: Error) => e);
    setSnippetColumns(program.columns);
    expect(snippetFrame(error.stack)).toEqual({ line: 1, column: source.indexOf('new Error') + 1 });
    expect(toSnippetStack(error)).toBe('Error: no 2\n    at fail (snippet.ts:1:80)\n    at snippet.ts:2:1');
  });
});

describe('compileProgram: unshared variables', () => {
  it('turns a thread touching a top-level variable into an explained error', async () => {
    const source = `import { Thread } from "interleave";
const limit: number = 3;
function work(): number {
  return limit * 2;
}
new Thread({ target: work }).start();`;
    stubRuntime();
    const program = compileProgram(source);
    const thread = await load(program.thread, 'thread');
    let caught: unknown;
    try {
      thread.work();
    } catch (error) {
      caught = error;
    }
    const explained = explainUnsharedVariable(caught, program.topLevelVariables, 'Thread-1');
    expect(explained?.message).toBe(
      'Thread "Thread-1" used "limit" on line 4, a top-level variable of the main program (line 2). ' +
        "Threads don't share the program's top-level variables, only its functions, classes and imports. " +
        'Pass it in: new Thread({ target, args: [limit] }) and take it as a parameter, or share memory ' +
        '(a SharedArrayBuffer, or a Lock, Event, … from "interleave").',
    );
    // V8 places a failing read inside `return` at the return statement.
    expect(toSnippetStack(explained)).toBe(`ReferenceError: ${explained!.message}\n    at work (snippet.ts:4:3)`);
  });
});

describe('compileProgram: tricky syntax', () => {
  const SOURCE = `export default function named(): number { return 1; }
export class Exported<T> { value?: T }
const make = () => ({ a: 1 });
const curry = (a: number) => (b: number) => a + b;
outer: for (const x of [1, 2]) { for (;;) { if (x) continue outer; } }
let n = 0;
while (n < 2) while (n < 2) n++;
for (const k in { a: 1 }) n += k.length;
async function gen(): Promise<number[]> { const out: number[] = []; for await (const v of [Promise.resolve(1)]) out.push(v); return out; }
const [first, ...rest]: number[] = [1, 2, 3], { deep: { inner = 5 } = {} }: any = {};
class Config { static defaults = { retries: 2 }; static { Config.defaults.retries++; } }
globalThis.__trail = { named: named(), make: make(), sum: curry(1)(2), n, list: await gen(), first, rest, inner, retries: Config.defaults.retries };`;

  for (const gil of [false, true]) {
    it(`compiles to modules that parse and run (gil: ${gil})`, async () => {
      const program = compileProgram(SOURCE, { gil });
      for (const text of [program.main, program.thread]) parse(text, { ecmaVersion: 'latest', sourceType: 'module' });
      g.__interleaveGilTick = () => {};
      await load(program.main);
      expect(g.__trail).toEqual({ named: 1, make: { a: 1 }, sum: 3, n: 3, list: [1], first: 1, rest: [2, 3], inner: 5, retries: 3 });
      expect(program.exports).toEqual(['named', 'Exported', 'gen', 'Config']);
      expect(program.topLevelVariables.map((v) => v.name)).toEqual(['make', 'curry', 'n', 'first', 'rest', 'inner']);
      const thread = await load(program.thread, 'thread');
      expect(thread.named()).toBe(1);
      expect(thread.Config.defaults.retries).toBe(3);
    });
  }
});
