/**
 * Sending what a thread runs to another worker. Code cannot be copied between workers, so a
 * target is sent by reference when it can be (a top-level function or class of the snippet,
 * which the thread module exports) and as source text otherwise (an arrow, a closure), which is
 * evaluated in the thread with the snippet's top-level declarations and the runtime in scope.
 */
import type { FunctionRef, JobProgram, ThreadSpec } from '../platform/protocol.ts';
import { encodeForThread } from '../internal/share.ts';
import { runtimeFunction, runtimeFunctionName } from '../internal/runtime-functions.ts';
import { SNIPPET_SOURCE_URLS } from '../internal/snippet-stack.ts';
import { isolateForProcess, Process, processState } from '../process.ts';
import { Thread, threadCall } from '../thread.ts';

type Namespace = Record<string, unknown>;
const sourceOf = (fn: Function): string => Function.prototype.toString.call(fn);
const NATIVE_CODE = /\{\s*\[native code\]\s*\}\s*$/;

/**
 * Packs a Thread (not yet started) for another worker. `exports` is the snippet's thread
 * module namespace as loaded in this worker. Throws, in the reader's words, when the thread
 * cannot be sent (a subclass that is not top level, a built-in target, uncloneable args).
 */
export function describeThread(thread: Thread, exports: Namespace, program: JobProgram): ThreadSpec {
  const { target, args } = threadCall(thread);
  // A process gets copies of the plain shared memory it is given (process.ts).
  const state = processState(thread);
  const own = state ? isolateForProcess : <T>(value: T) => value;
  const spec: ThreadSpec = { args: encodeForThread(own(args), 'args') };
  if (state) spec.process = { state };
  const subclass = thread.constructor as Function;
  if (subclass !== Thread && subclass !== Process) {
    const exported = exports[subclass.name];
    if (typeof exported !== 'function' || sourceOf(exported) !== sourceOf(subclass)) {
      throw new Error(
        `class ${subclass.name || '(anonymous)'} extends Thread must be declared at the top level ` +
          `of the snippet: each thread loads the snippet's top-level classes, and finds this one by name.`,
      );
    }
    spec.className = subclass.name;
    // Own enumerable fields only: the Thread's own state is not a field (see thread.ts).
    spec.fields = encodeForThread(own({ ...thread }), `this (a ${subclass.name})`);
  }
  if (target) spec.target = describeFunction(target, exports, program);
  return spec;
}

/**
 * How `fn` travels to another worker: by name when it is a top-level function of the snippet
 * (or a runtime function), else as source text. Throws for built-in and bound functions.
 */
export function describeFunction(fn: Function, exports: Namespace, program: JobProgram): FunctionRef {
  const runtimeName = runtimeFunctionName(fn);
  if (runtimeName !== undefined) return { kind: 'runtime', name: runtimeName };
  const source = sourceOf(fn);
  if (NATIVE_CODE.test(source)) {
    throw new TypeError(
      `A thread's target must be a function written in the snippet; ${fn.name || 'this one'} is ` +
        `built in or made with bind(). Write a function that calls it, and pass what it needs in args.`,
    );
  }
  const exported = exports[fn.name];
  if (fn.name && typeof exported === 'function' && sourceOf(exported) === source) {
    return { kind: 'export', name: fn.name };
  }
  return { kind: 'source', source, at: locateSource(source, program) };
}

/** Where `source` (a function's text) is in the compiled modules: 1-based line, 0-based column. */
export function locateSource(source: string, program: JobProgram): { module: 'main' | 'thread'; line: number; column: number } | undefined {
  for (const module of ['main', 'thread'] as const) {
    const text = program[module];
    const offset = text.indexOf(source);
    if (offset < 0) continue;
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { module, line, column: offset - (before.lastIndexOf('\n') + 1) };
  }
  return undefined;
}

/**
 * The function a {@link FunctionRef} stands for, in this worker. A source target sees the
 * runtime's exports and the snippet's top-level functions and classes, nothing else. Its text
 * is placed on the same line and column as in the snippet's module, under that module's
 * sourceURL, so its stack frames read as snippet lines.
 */
export function resolveFunction(ref: FunctionRef, exports: Namespace, runtime: Namespace): (...args: unknown[]) => unknown {
  if (ref.kind === 'export') return exports[ref.name] as (...args: unknown[]) => unknown;
  if (ref.kind === 'runtime') return runtimeFunction(ref.name);
  const scope: Namespace = { ...runtime, ...exports };
  const names = Object.keys(scope);
  const open = `(function (${names.join(', ')}) { return (`;
  const close = '\n); })';
  const text =
    ref.at && ref.at.line >= 2
      ? `${'\n'.repeat(ref.at.line - 2)}${open}\n${' '.repeat(ref.at.column)}${ref.source}${close}\n//# sourceURL=${SNIPPET_SOURCE_URLS[ref.at.module]}`
      : `${open}${ref.source}${close}`;
  let make: Function;
  try {
    // Indirect eval: global scope, so the text sees only the names passed in (and globals).
    make = (0, eval)(text);
  } catch {
    throw new SyntaxError(
      `This thread target cannot be sent to the thread: ${ref.source.slice(0, 60)}… ` +
        `Declare it as a top-level function of the snippet and pass it as target.`,
    );
  }
  return make(...names.map((name) => scope[name]));
}

/**
 * A source target (an arrow or closure) that used a variable from around it gets "x is not
 * defined" in the thread: an Error that says why, and what to do instead. Null otherwise.
 */
export function explainClosureVariable(error: unknown, threadName: string): Error | null {
  if (!(error instanceof ReferenceError)) return null;
  const name = /^(\S+) is not defined$|^Can't find variable: (\S+)$/.exec(error.message);
  if (!name) return null;
  const variable = name[1] ?? name[2];
  const message =
    `Thread "${threadName}" used "${variable}", a variable from around the function it runs. ` +
    `That function is not a top-level function of the snippet, so the thread got a copy of its ` +
    `text, without the variables around it. Pass "${variable}" in: new Thread({ target, args: ` +
    `[${variable}] }) and take it as a parameter, or make the function a top-level function.`;
  const explained = new ReferenceError(message, { cause: error });
  explained.stack = [`ReferenceError: ${message}`, ...(error.stack ?? '').split('\n').slice(1)].join('\n');
  return explained;
}
