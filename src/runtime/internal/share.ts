/**
 * Sharing runtime objects between threads.
 *
 * A primitive's state lives only in shared memory; the object a snippet holds is a view. To
 * cross to another thread, an object with a {@link SHARE} method turns into a descriptor
 * `{ $interleave: kind, … }` (which carries its `SharedArrayBuffer`), and the other side
 * revives it with the function its kind registered ({@link registerKind}) into a new view of the
 * same memory. So a Lock passed in a thread's args is the same lock on both sides.
 *
 * {@link SharedState} is the memory and identity every primitive is built on: its Int32 words,
 * its object id and creation line in the control block, and where its owner is recorded.
 */
import { controlBlock } from './context.ts';
import { NO_OBJECT, objectLabel, type ObjectKind } from './control-block.ts';
import { snippetFrame } from './snippet-stack.ts';

/** The method a shareable object implements: returns its descriptor. */
export const SHARE: unique symbol = Symbol.for('interleave.share');

/** What a shareable object becomes on the way to another thread. Structured-cloneable. */
export interface ShareDescriptor {
  $interleave: string;
  [field: string]: unknown;
}

/** An object that can be passed to another thread as itself (a view of shared memory). */
export interface Shareable {
  [SHARE](): ShareDescriptor;
}

const revivers = new Map<string, (descriptor: ShareDescriptor) => unknown>();

/**
 * Says how to turn descriptors of `kind` back into objects. Each primitive's module registers
 * its kind when loaded; registering a kind twice replaces the reviver.
 */
export function registerKind(kind: string, revive: (descriptor: ShareDescriptor) => unknown): void {
  revivers.set(kind, revive);
}

/**
 * Prepares `value` (a thread's args, a result) for `postMessage`: walks arrays, plain objects,
 * Maps and Sets, turns shareable objects into descriptors and keeps shared references and
 * cycles as they are. Data the structured clone copies as is (numbers, strings, Dates, typed
 * arrays, SharedArrayBuffers, errors…) passes through. Throws a TypeError naming the type and
 * the place (`where` is the name of the root, e.g. "args") for what cannot reach another thread
 * intact: functions, symbols, class instances (they would lose their methods), WeakMaps,
 * Promises…
 */
export function encodeForThread(value: unknown, where = 'value'): unknown {
  return encode(value, where, new Map());
}

/**
 * The other side of {@link encodeForThread}: revives descriptors into views of the same shared
 * memory, keeping shared references and cycles. Throws if a descriptor's kind is unknown.
 */
export function decodeFromThread(value: unknown): unknown {
  return decode(value, new Map());
}

function encode(value: unknown, path: string, seen: Map<object, unknown>): unknown {
  if (typeof value === 'function') {
    const name = value.name ? ` ${value.name}` : '';
    throw new TypeError(
      `${path} is a function${name}. Functions cannot be sent to another thread: a thread gets ` +
        `a copy of its arguments, and code cannot be copied. Declare the function at the top ` +
        `level of the snippet and call it from the thread's target instead.`,
    );
  }
  if (typeof value === 'symbol') {
    throw new TypeError(`${path} is a symbol (${String(value)}). Symbols cannot be sent to another thread.`);
  }
  if (value === null || typeof value !== 'object') return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (SHARE in value) {
    const descriptor = (value as Shareable)[SHARE]();
    seen.set(value, descriptor);
    return descriptor;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) out[i] = encode(value[i], `${path}[${i}]`, seen);
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    seen.set(value, out);
    for (const [key, item] of value) {
      const label = typeof key === 'string' ? JSON.stringify(key) : String(key);
      out.set(encode(key, `${path} (a key)`, seen), encode(item, `${path}.get(${label})`, seen));
    }
    return out;
  }
  if (value instanceof Set) {
    const out = new Set();
    seen.set(value, out);
    for (const item of value) out.add(encode(item, `${path} (an item)`, seen));
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const key of Object.keys(value)) {
      out[key] = encode((value as Record<string, unknown>)[key], `${path}.${key}`, seen);
    }
    return out;
  }
  if (clonesAsIs(value)) return value;
  const type = (value as { constructor?: { name?: string } }).constructor?.name || 'object';
  throw new TypeError(
    `${path} is ${article(type)} ${type}, which cannot be sent to another thread. A thread gets a ` +
      `copy of its arguments, and a copy of a class instance loses its methods. Pass plain data ` +
      `(objects, arrays, numbers, strings), shared primitives (Lock, Event, …) or shared memory ` +
      `(SharedArrayBuffer) instead.`,
  );
}

function decode(value: unknown, seen: Map<object, unknown>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) out[i] = decode(value[i], seen);
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    seen.set(value, out);
    for (const [key, item] of value) out.set(decode(key, seen), decode(item, seen));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set();
    seen.set(value, out);
    for (const item of value) out.add(decode(item, seen));
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  if (typeof (value as ShareDescriptor).$interleave === 'string') {
    const descriptor = value as ShareDescriptor;
    const revive = revivers.get(descriptor.$interleave);
    if (revive === undefined) {
      throw new TypeError(
        `Cannot revive a shared "${descriptor.$interleave}": that kind was never registered in ` +
          `this worker (is its module loaded?).`,
      );
    }
    const out = revive(descriptor);
    seen.set(value, out);
    return out;
  }
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const key of Object.keys(value)) out[key] = decode((value as Record<string, unknown>)[key], seen);
  return out;
}

function clonesAsIs(value: object): boolean {
  return (
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Error ||
    value instanceof ArrayBuffer ||
    value instanceof SharedArrayBuffer ||
    ArrayBuffer.isView(value) ||
    value instanceof Boolean ||
    value instanceof Number ||
    value instanceof String ||
    (typeof Blob !== 'undefined' && value instanceof Blob)
  );
}

/** " at line 12" for the snippet line of the caller, or "" when unknown (misuse messages). */
export function atLine(): string {
  const line = snippetFrame()?.line ?? 0;
  return line > 0 ? ` at line ${line}` : '';
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

// ── Functions that travel as source text ────────────────────────────────────────────────────

/** Turns a function's source text back into a function, in this worker. */
export type FunctionReviver = (source: string) => (...args: unknown[]) => unknown;

/**
 * Default reviver: evaluates the source at global scope, so the function sees globals and its
 * own parameters but none of the variables around the original. Method shorthand
 * (`action() {…}`) is accepted too.
 */
const evaluateSource: FunctionReviver = (source) => {
  const globalEval = eval;
  try {
    return globalEval(`(${source})`);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const holder = globalEval(`({ ${source} })`) as Record<string, (...args: unknown[]) => unknown>;
    return Object.values(holder)[0];
  }
};

let functionReviver: FunctionReviver = evaluateSource;

/**
 * Replaces how function sources (a Barrier's action) are revived in this worker; the
 * bootstrap may install one that also sees the snippet's top-level declarations. null restores
 * the default (global scope only).
 */
export function setFunctionReviver(reviver: FunctionReviver | null): void {
  functionReviver = reviver ?? evaluateSource;
}

/** A function that the other side revives from `fn`'s source text (see setFunctionReviver). */
export function reviveFunction(source: string): (...args: unknown[]) => unknown {
  return functionReviver(source);
}

// ── SharedState: a primitive's memory and identity ───────────────────────────────────────────

/** Word 0 of a primitive's own buffer: its owner, when the control block has no slot for it. */
const OWN_OWNER_WORD = 0;
const OWN_HEADER_WORDS = 1;

/**
 * The shared memory and identity of one primitive. `words` are the primitive's own state words
 * (zero at creation). `ownerWords[ownerIndex]` is where it records its holder's thread id: in
 * the control block's object table when the object is registered (so the watchdog sees it),
 * else in the primitive's own buffer.
 */
export class SharedState {
  readonly kind: ObjectKind;
  /** Object id in the run's object table; {@link NO_OBJECT} when unregistered. */
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
  readonly words: Int32Array;
  readonly ownerWords: Int32Array;
  readonly ownerIndex: number;

  private constructor(kind: ObjectKind, id: number, buffer: SharedArrayBuffer) {
    this.kind = kind;
    this.buffer = buffer;
    this.words = new Int32Array(buffer, OWN_HEADER_WORDS * 4);
    const control = controlBlock();
    if (control !== null && id !== NO_OBJECT && id <= control.maxObjects) {
      this.id = id;
      this.ownerWords = control.words;
      this.ownerIndex = control.ownerIndex(id);
    } else {
      this.id = NO_OBJECT;
      this.ownerWords = new Int32Array(buffer, 0, OWN_HEADER_WORDS);
      this.ownerIndex = OWN_OWNER_WORD;
    }
  }

  /**
   * New state of `wordCount` zeroed words, registered in the current run's object table with
   * the snippet line of the caller (when there is a run).
   */
  static create(kind: ObjectKind, wordCount: number): SharedState {
    const buffer = new SharedArrayBuffer((OWN_HEADER_WORDS + wordCount) * 4);
    const control = controlBlock();
    const id = control === null ? NO_OBJECT : control.registerObject(kind, snippetFrame()?.line ?? 0);
    return new SharedState(kind, id, buffer);
  }

  /** A view of the state described by `descriptor` (made by {@link describe}). */
  static revive(descriptor: ShareDescriptor): SharedState {
    const { $interleave: kind, buffer, id } = descriptor as ShareDescriptor & {
      $interleave: ObjectKind;
      buffer: SharedArrayBuffer;
      id: number;
    };
    return new SharedState(kind, id, buffer);
  }

  /** The descriptor for this state, plus any `extra` fields the primitive needs. */
  describe(extra?: Record<string, unknown>): ShareDescriptor {
    return { $interleave: this.kind, buffer: this.buffer, id: this.id, ...extra };
  }

  /** How messages name this object: "Lock #3 (created at line 4)", or "a Lock". */
  label(): string {
    const line = this.id === NO_OBJECT ? 0 : (controlBlock()?.objectLine(this.id) ?? 0);
    return objectLabel(this.kind, this.id, line);
  }

  /** The thread id recorded as holding this object (0 for none). */
  owner(): number {
    return this.ownerWords[this.ownerIndex];
  }
}
