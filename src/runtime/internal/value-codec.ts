/**
 * The value codec: turns a structured-cloneable value into bytes and back, so that queue items
 * can cross threads through a ring in a `SharedArrayBuffer` instead of one `postMessage` each.
 * Browsers have no API for "structured clone to bytes" (Node's `v8.serialize` is Node only), so
 * this is our own, written to run unchanged in a Web Worker and in Node.
 *
 * What comes out of {@link ValueDecoder.decode} is what `structuredClone` would give, with the
 * differences listed under "Known differences" below.
 *
 * ## Wire format
 * A value is one tag byte followed by its payload. All multi-byte numbers are little-endian.
 * Lengths, counts, offsets and reference ids are unsigned LEB128 varints ("varint" below: one
 * byte below 128).
 *
 * | tag                 | payload                                                            |
 * |---------------------|--------------------------------------------------------------------|
 * | `0x80 + n`          | the integer n, 0 ≤ n ≤ 127 (the whole value is one byte)           |
 * | UNDEFINED, NULL, FALSE, TRUE, HOLE | none (HOLE only inside an array: a missing index)   |
 * | INT32               | int32                                                              |
 * | FLOAT64             | float64 (every other number: fractions, -0, NaN, ±Infinity, big)   |
 * | BIGINT64            | int64                                                              |
 * | BIGINT              | sign byte (0 or 1), varint word count, that many uint64 words of the magnitude, least significant first |
 * | STRING              | string body: varint header `2 × byte count + UTF16`, then the bytes: UTF-8 when UTF16 is 0; when 1 (a string with a lone surrogate, which UTF-8 cannot carry, as any JavaScript string may have) uint16 code units |
 * | ARRAY               | varint length, then each element as a value (HOLE for holes)       |
 * | OBJECT              | varint property count, then (string body key, value) pairs         |
 * | MAP / SET           | varint size, then (key, value) pairs / items                       |
 * | DATE                | float64 time value                                                 |
 * | REGEXP              | string body source, string body flags                              |
 * | ARRAY_BUFFER        | varint byte length, the bytes                                      |
 * | RESIZABLE_ARRAY_BUFFER | varint byte length, varint max byte length, the bytes           |
 * | VIEW                | kind byte ({@link VIEW_KINDS}), its buffer as a value (ARRAY_BUFFER, REF or SHARED), varint byte offset, varint length (elements; bytes for a DataView) |
 * | ERROR               | name byte ({@link ERROR_NAMES}), flags byte (HAS_MESSAGE, HAS_STACK, HAS_CAUSE), then the message and stack as string bodies and the cause as a value, each only when its flag is set |
 * | DOM_EXCEPTION       | string bodies name, message, stack (`AbortSignal.timeout()`'s TimeoutError, an AbortError…) |
 * | BOOLEAN_OBJECT, NUMBER_OBJECT, STRING_OBJECT, BIGINT_OBJECT | the wrapped primitive as a value |
 * | REF                 | varint id of an object met earlier in this value                   |
 * | SHARED              | varint index returned by the encoder's `encodeShared` hook         |
 *
 * Identity: every object gets the next id (0, 1, 2, …) when the encoder first meets it, before
 * its contents; meeting it again writes REF id. The decoder numbers the objects it creates in
 * the same order, so shared references and cycles come back as shared references and cycles.
 * A view's id is taken before its buffer's (the decoder reserves the slot, then reads the buffer).
 *
 * ## Out-of-band values
 * Some objects cannot become bytes: a `SharedArrayBuffer` must stay the same memory, and a
 * runtime primitive (Lock, Event…) is a view of shared memory. The encoder offers such objects
 * to its `encodeShared(value)` hook, which stores them in a side table and returns an index (or
 * `undefined` to decline); the decoder's `decodeShared(index)` gives them back. The hook is
 * offered every `SharedArrayBuffer` (including the one under a typed array or DataView, whose
 * view is then rebuilt over the returned buffer) and every object that is not a plain object,
 * array or built-in type the codec copies (class instances such as runtime primitives, host
 * objects). Without a hook, or when it declines, a `SharedArrayBuffer` is a TypeError and a class
 * instance is copied as a plain object. The same object twice in one value is offered once.
 *
 * ## Use from a ring buffer
 * `encoder.encodeInto(item, ring, head, limit)` writes straight into the free part of the ring
 * and returns the size; when that is more than the room, the encoding waits in
 * `encoder.encoded()` (one walk of the value either way). `decoder.decode(ring, at, at + size)`
 * reads it back. An encoding is one contiguous range: a ring must not split it across its end.
 * Numbers take the shortest path (one byte for 0…127, five for other int32s, nine otherwise)
 * and never touch the reference table. Encoders and decoders keep their scratch space and
 * tables between values: make one of each per channel end.
 *
 * ## Known differences from structuredClone
 * - Arrays: only indices `0 … length-1` travel (holes stay holes; each costs a byte, so
 *   `a[1e9] = 1` is a gigabyte); other own properties of an array (`arr.extra`) are dropped.
 * - A class instance is copied as a plain object of its own enumerable string-keyed properties
 *   (as structuredClone does: the prototype and methods are lost). Objects whose
 *   `Symbol.toStringTag` is not "Object" (WeakMap, Promise, generators, Blob, MessagePort, other
 *   host objects) throw instead: the codec cannot read them.
 * - A typed array that tracks a resizable buffer's length arrives with a fixed length.
 * - The codec is not re-entrant: a getter that encodes on the same encoder corrupts the output.
 */

// ── Tags ─────────────────────────────────────────────────────────────────────────────────────
const UNDEFINED = 0x00;
const NULL = 0x01;
const FALSE = 0x02;
const TRUE = 0x03;
const INT32 = 0x04;
const FLOAT64 = 0x05;
const BIGINT64 = 0x06;
const BIGINT = 0x07;
const STRING = 0x08;
const ARRAY = 0x09;
const HOLE = 0x0a;
const OBJECT = 0x0b;
const MAP = 0x0c;
const SET = 0x0d;
const DATE = 0x0e;
const REGEXP = 0x0f;
const ARRAY_BUFFER = 0x10;
const RESIZABLE_ARRAY_BUFFER = 0x11;
const VIEW = 0x12;
const ERROR = 0x13;
const DOM_EXCEPTION = 0x14;
const BOOLEAN_OBJECT = 0x15;
const NUMBER_OBJECT = 0x16;
const STRING_OBJECT = 0x17;
const BIGINT_OBJECT = 0x18;
const REF = 0x19;
const SHARED = 0x1a;
/** Tags from here up are small non-negative integers: the tag byte is `SMALL_INT_BASE + n`. */
const SMALL_INT_BASE = 0x80;
const SMALL_INT_MAX = 0xff - SMALL_INT_BASE;

/** Low bit of a string body's header: the bytes are UTF-16 code units, not UTF-8. */
const UTF16 = 1;

/** ERROR flags. */
const HAS_MESSAGE = 1;
const HAS_STACK = 2;
const HAS_CAUSE = 4;

/**
 * Error names structured clone keeps; any other name arrives as a plain `Error` (so does a
 * subclass such as `class QueueFull extends Error`). The index is the ERROR name byte.
 */
export const ERROR_NAMES = ['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'] as const;
const ERROR_CONSTRUCTORS: ErrorConstructor[] = [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError];

/**
 * Views the codec copies, by their `Symbol.toStringTag` (a Node `Buffer` is a `Uint8Array`).
 * The index is the VIEW kind byte; append only, the order is the wire format.
 */
export const VIEW_KINDS = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
  'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'DataView',
  'Float16Array',
] as const;
const VIEW_KIND_CODES = new Map<string, number>(VIEW_KINDS.map((name, code) => [name, code]));
const DATA_VIEW_KIND = VIEW_KIND_CODES.get('DataView')!;

type ViewConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;

// ── Sizes and thresholds ─────────────────────────────────────────────────────────────────────
const INITIAL_SCRATCH_BYTES = 256;
/** A scratch buffer grown past this (by one huge value) is dropped at the next call, not kept. */
const SCRATCH_KEEP_MAX = 1 << 20;
/** A UTF-16 code unit becomes at most 3 UTF-8 bytes (a surrogate pair, 2 units, becomes 4). */
const MAX_UTF8_BYTES_PER_UNIT = 3;
/**
 * Strings up to this many code units are encoded by a plain loop, longer ones by
 * `TextEncoder.encodeInto`, whose call costs more than the loop for short strings (crossover
 * measured at ~32 in Node 24; browser bindings cost no less).
 */
const LOOP_ENCODE_MAX = 32;
/** Same for decoding: ASCII strings up to this many bytes by `String.fromCharCode`, not TextDecoder (~40). */
const LOOP_DECODE_MAX = 40;
/** Property names up to this many bytes go through the decoder's key cache (below 64: a one-byte header). */
const KEY_CACHE_MAX_LENGTH = 24;
const KEY_CACHE_MASK = 0x3ff;
/** Objects per value up to which the encoder finds repeats by a linear search (see `seen`). */
const LINEAR_SEEN_MAX = 16;
/** Code units per `String.fromCharCode.apply` call when decoding UTF-16 (stays below arg limits). */
const CHAR_CODE_CHUNK = 4096;
const UINT64_MASK = (1n << 64n) - 1n;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();
const hasSharedMemory = typeof SharedArrayBuffer === 'function';
const hasDomException = typeof DOMException === 'function';

/** Whether `fn` runs without throwing (feature probes). */
function works(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether TextEncoder/TextDecoder accept views of shared memory. The Encoding spec allows it,
 * but not every engine does (Node 24 does; Chromium 153 refuses both); when not, long strings
 * go through a non-shared scratch buffer.
 */
const textEncoderTakesShared = hasSharedMemory && works(() => textEncoder.encodeInto('a', new Uint8Array(new SharedArrayBuffer(1))));
const textDecoderTakesShared = hasSharedMemory && works(() => textDecoder.decode(new Uint8Array(new SharedArrayBuffer(1))));

/** `isWellFormed` (ES2024) tells whether TextEncoder may be used (it would replace a lone surrogate). */
const hasIsWellFormed = typeof String.prototype.isWellFormed === 'function';

const isSharedBuffer = (buffer: ArrayBufferLike): boolean => hasSharedMemory && buffer instanceof SharedArrayBuffer;

// ── Errors for what cannot be sent ───────────────────────────────────────────────────────────

/**
 * Thrown inside the encoder for a value that cannot be sent. Not an Error (no stack to capture):
 * each container it passes through on the way out adds its step of the path, and the encoder's
 * entry point turns it into the TypeError the caller sees. So the happy path builds no paths.
 */
class Unsendable {
  readonly what: string;
  readonly why: string;
  /** Path steps, innermost first (".handlers", "[2]"). */
  readonly steps: string[] = [];

  constructor(what: string, why: string) {
    this.what = what;
    this.why = why;
  }

  toTypeError(root: string): TypeError {
    let path = root;
    for (let i = this.steps.length - 1; i >= 0; i--) path += this.steps[i];
    return new TypeError(`Cannot send ${this.what} (at ${path}): ${this.why}`);
  }
}

/** Adds a path step to an {@link Unsendable} on its way out; other errors pass unchanged. */
function withStep(error: unknown, step: string): unknown {
  if (error instanceof Unsendable) error.steps.push(step);
  return error;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const propertyStep = (key: string): string => (IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

/** How a Map key reads in a path: `.get("a")`, `.get(3)`, `.get(…)` for objects. */
function mapKeyLabel(key: unknown): string {
  if (typeof key === 'string') return JSON.stringify(key);
  if (typeof key === 'bigint') return `${key}n`;
  if (key === null || (typeof key !== 'object' && typeof key !== 'function')) return String(key);
  return '…';
}

const article = (word: string): string => (/^[aeiou]/i.test(word) ? 'an' : 'a');

const SYMBOL_FIX = 'a symbol is unique to the thread that created it. Send a string instead.';
const SEND_DATA = 'send plain data (objects, arrays, Maps, Sets, numbers, strings) instead.';

/** The Unsendable for an object the codec cannot copy, with a fix that fits its type. */
function unsendableObject(type: string): Unsendable {
  const what = `${article(type)} ${type}`;
  switch (type) {
    case 'Promise':
      return new Unsendable(what, 'a promise cannot be copied to another thread. Await it and send its result instead.');
    case 'WeakMap':
    case 'WeakSet':
    case 'WeakRef':
    case 'FinalizationRegistry':
      return new Unsendable(what, `its entries are held weakly, so it cannot be copied to another thread; ${SEND_DATA}`);
    case 'Blob':
    case 'File':
      return new Unsendable(what, `its bytes cannot be read synchronously. Read them first (await blob.arrayBuffer()) and send the ArrayBuffer.`);
    case 'Symbol':
      return new Unsendable(what, SYMBOL_FIX);
    case 'SharedArrayBuffer':
      return new Unsendable(
        what,
        'shared memory cannot be copied into bytes, and this channel has no side table for it ' +
          '(no encodeShared hook). Pass it to the thread when you start it instead.',
      );
    default:
      return new Unsendable(what, `only data can cross between threads; ${SEND_DATA}`);
  }
}

function unsendableFunction(fn: Function): Unsendable {
  const what = fn.name ? `a function (${fn.name})` : 'a function';
  return new Unsendable(
    what,
    'only data can cross between threads, and code cannot be copied. Declare the function at ' +
      'the top level of the snippet and call it on the receiving side, or send the data it needs.',
  );
}

/** `[object Foo]` → "Foo": the brand of an object, realm-independent. */
const brandOf = (value: object): string => Object.prototype.toString.call(value).slice(8, -1);

// ── Encoder ──────────────────────────────────────────────────────────────────────────────────

/** Options of a {@link ValueEncoder}. */
export interface EncodeOptions {
  /**
   * Carries objects that cannot become bytes (see "Out-of-band values" in the module doc):
   * returns a non-negative integer index that the decoder's `decodeShared` maps back to the
   * object, or `undefined` to decline. Called at most once per object per encoded value.
   */
  encodeShared?: (value: object) => number | undefined;
}

/**
 * Encodes values into bytes. Keeps a growable scratch buffer and its reference table between
 * calls, so one encoder per channel avoids allocating per item. Not re-entrant, not shared
 * between threads (each thread makes its own).
 *
 * Every entry point throws a TypeError naming the type and the path of the first value that
 * cannot be sent, e.g. `Cannot send a function (handle) (at item.handlers[2]): …`, and leaves
 * the encoder ready for the next value.
 */
export class ValueEncoder {
  private readonly encodeShared: ((value: object) => number | undefined) | undefined;
  private scratch = new Uint8Array(INITIAL_SCRATCH_BYTES);
  private scratchView = new DataView(this.scratch.buffer);

  // Where the current encoding is written. Invariant: `bytes` and `view` cover the same whole
  // buffer, and every position below (start, pos, end) is absolute in it. Code must not hold a
  // position across a call of `ensure` (or anything that writes): `ensure` may move the
  // encoding from a caller's target into the scratch buffer (see `makeRoom`).
  private bytes: Uint8Array = this.scratch;
  private view: DataView = this.scratchView;
  private start = 0;
  private pos = 0;
  private end = 0;
  private inTarget = false;
  /** The last target buffer and its whole-buffer views, reused while the target stays the same. */
  private targetBuffer: ArrayBufferLike | null = null;
  private targetBytes: Uint8Array = this.scratch;
  private targetView: DataView = this.scratchView;
  private targetShared = false;

  /**
   * The objects met so far in the value being encoded; an object's id is its index. Emptied
   * after each value. Searched linearly while short (items are mostly a handful of objects, and
   * a Map's set + clear costs more than the whole encoding of a small object); past
   * {@link LINEAR_SEEN_MAX} objects, `seenIndex` maps them to ids.
   */
  private readonly seen: (object | undefined)[] = [];
  private seenCount = 0;
  private readonly seenIndex = new Map<object, number>();

  constructor(options: EncodeOptions = {}) {
    this.encodeShared = options.encodeShared;
  }

  /**
   * Encodes `value` into the encoder's scratch buffer and returns a view of the bytes, valid
   * until the next call on this encoder (copy it, e.g. `ring.set(bytes, at)`, to keep it).
   * `where` names the value in error messages ("item", "args").
   */
  encode(value: unknown, where = 'value'): Uint8Array {
    this.shrinkScratch();
    this.useScratch();
    this.run(value, where);
    return this.scratch.subarray(0, this.pos);
  }

  /**
   * Encodes `value` directly into `target[start, end)` (for example the free part of a ring in
   * shared memory), with no intermediate copy. Returns the encoded size in bytes:
   * - size ≤ end - start: the encoding is at `target[start, start + size)`;
   * - size > end - start: it did not fit. Bytes of `target[start, end)` may have been
   *   overwritten; the complete encoding is in {@link encoded} until the next call, to be copied
   *   in once there is room (no second walk of the value: getters and `encodeShared` run once).
   */
  encodeInto(value: unknown, target: Uint8Array, start = 0, end = target.length, where = 'value'): number {
    if (!(0 <= start && start <= end && end <= target.length)) {
      throw new RangeError(`encodeInto: [${start}, ${end}) is not a range of the target's ${target.length} bytes.`);
    }
    this.shrinkScratch();
    if (target.buffer !== this.targetBuffer) {
      this.targetBuffer = target.buffer;
      this.targetBytes = new Uint8Array(target.buffer);
      this.targetView = new DataView(target.buffer);
      this.targetShared = isSharedBuffer(target.buffer);
    }
    this.bytes = this.targetBytes;
    this.view = this.targetView;
    this.start = this.pos = target.byteOffset + start;
    this.end = target.byteOffset + end;
    this.inTarget = true;
    this.run(value, where);
    const size = this.pos - this.start;
    // A string reserves room for its worst case (3 bytes per code unit), so an encoding can
    // leave the target (see `makeRoom`) and still turn out small enough: put it where asked.
    if (!this.inTarget && size <= end - start) target.set(this.scratch.subarray(0, size), start);
    return size;
  }

  /** The bytes of the last encoding (in the target if it fitted, else in scratch); valid until the next call. */
  encoded(): Uint8Array {
    return this.bytes.subarray(this.start, this.pos);
  }

  /** Called first by each entry point: the previous encoding, which may be in scratch, is no longer needed. */
  private shrinkScratch(): void {
    if (this.scratch.length > SCRATCH_KEEP_MAX) {
      this.scratch = new Uint8Array(INITIAL_SCRATCH_BYTES);
      this.scratchView = new DataView(this.scratch.buffer);
    }
  }

  private useScratch(): void {
    this.bytes = this.scratch;
    this.view = this.scratchView;
    this.start = this.pos = 0;
    this.end = this.scratch.length;
    this.inTarget = false;
  }

  private run(value: unknown, where: string): void {
    try {
      this.write(value);
    } catch (error) {
      throw error instanceof Unsendable ? error.toTypeError(where) : error;
    } finally {
      if (this.seenCount > 0) this.forgetSeen();
    }
  }

  /** Makes room for `n` more bytes at `pos`. */
  private ensure(n: number): void {
    if (this.pos + n > this.end) this.makeRoom(n);
  }

  /**
   * Out of room: an encoding in a caller's target moves to the scratch buffer (so it never
   * writes past `end`), and the scratch buffer grows (at least doubling, so amortized O(1)).
   */
  private makeRoom(n: number): void {
    const used = this.pos - this.start;
    if (used + n > this.scratch.length) {
      let size = this.scratch.length * 2;
      while (size < used + n) size *= 2;
      const grown = new Uint8Array(size);
      // In scratch the encoding starts at 0; from a target, it is copied just below.
      if (!this.inTarget) grown.set(this.scratch.subarray(0, used));
      this.scratch = grown;
      this.scratchView = new DataView(grown.buffer);
    }
    if (this.inTarget) this.scratch.set(this.bytes.subarray(this.start, this.pos));
    this.bytes = this.scratch;
    this.view = this.scratchView;
    this.start = 0;
    this.pos = used;
    this.end = this.scratch.length;
    this.inTarget = false;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.bytes[this.pos++] = b;
  }

  private varint(n: number): void {
    this.ensure(8); // 8 × 7 bits covers every safe integer
    this.pos = putVarint(this.bytes, this.pos, n);
  }

  private write(value: unknown): void {
    switch (typeof value) {
      case 'number':
        return this.number(value);
      case 'string':
        return this.string(value);
      case 'object':
        return value === null ? this.byte(NULL) : this.object(value);
      case 'boolean':
        return this.byte(value ? TRUE : FALSE);
      case 'undefined':
        return this.byte(UNDEFINED);
      case 'bigint':
        return this.bigint(value);
      case 'function':
        throw unsendableFunction(value);
      default: // symbol
        throw new Unsendable(`a symbol (${String(value)})`, SYMBOL_FIX);
    }
  }

  /** The number fast path: 1 byte for 0…127, 5 for other int32s, 9 for the rest. */
  private number(n: number): void {
    // `(n | 0) === n` is true for -0 too; `1 / n > 0` tells +0 from -0, which must stay FLOAT64.
    if ((n | 0) === n && (n !== 0 || 1 / n > 0)) {
      if (n >= 0 && n <= SMALL_INT_MAX) return this.byte(SMALL_INT_BASE + n);
      this.ensure(5);
      this.bytes[this.pos] = INT32;
      this.view.setInt32(this.pos + 1, n, true);
      this.pos += 5;
      return;
    }
    this.ensure(9);
    this.bytes[this.pos] = FLOAT64;
    this.view.setFloat64(this.pos + 1, n, true);
    this.pos += 9;
  }

  private bigint(n: bigint): void {
    if (BigInt.asIntN(64, n) === n) {
      this.ensure(9);
      this.bytes[this.pos] = BIGINT64;
      this.view.setBigInt64(this.pos + 1, n, true);
      this.pos += 9;
      return;
    }
    const negative = n < 0n;
    let magnitude = negative ? -n : n;
    const words: bigint[] = [];
    while (magnitude > 0n) {
      words.push(magnitude & UINT64_MASK);
      magnitude >>= 64n;
    }
    this.byte(BIGINT);
    this.byte(negative ? 1 : 0);
    this.varint(words.length);
    this.ensure(words.length * 8);
    for (const word of words) {
      this.view.setBigUint64(this.pos, word, true);
      this.pos += 8;
    }
  }

  private string(s: string): void {
    this.byte(STRING);
    this.stringBody(s);
  }

  /** A string body (values, property names, RegExp and error texts): UTF-8, or UTF-16 for a lone surrogate. */
  private stringBody(s: string): void {
    if (!this.utf8Body(s)) this.utf16Body(s);
  }

  /**
   * Writes a UTF-8 string body. Returns false, having moved nothing (`pos` unchanged), when `s`
   * has a lone surrogate.
   */
  private utf8Body(s: string): boolean {
    const length = s.length;
    if (length === 0) {
      this.byte(0);
      return true;
    }
    const maxBytes = length * MAX_UTF8_BYTES_PER_UNIT;
    // The byte count is not known before encoding. Write the bytes after a header as wide as
    // for ASCII (one byte per code unit, the common case); should the count need a wider
    // header, move the bytes up. Reserving for the widest keeps that move inside the room.
    this.ensure(varintWidth(maxBytes * 2) + maxBytes);
    const bytes = this.bytes;
    const headerAt = this.pos;
    let bodyStart = headerAt + varintWidth(length * 2);
    let end: number;
    if (length <= LOOP_ENCODE_MAX || !hasIsWellFormed) {
      end = encodeUtf8(s, bytes, bodyStart);
      if (end < 0) return false;
    } else if (!s.isWellFormed()) {
      return false;
    } else if (this.inTarget && this.targetShared && !textEncoderTakesShared) {
      end = bodyStart + this.encodeViaScratch(s, bytes, bodyStart, maxBytes);
    } else {
      end = bodyStart + textEncoder.encodeInto(s, bytes.subarray(bodyStart, bodyStart + maxBytes)).written;
    }
    const header = (end - bodyStart) * 2;
    const shift = headerAt + varintWidth(header) - bodyStart;
    if (shift > 0) {
      bytes.copyWithin(bodyStart + shift, bodyStart, end);
      bodyStart += shift;
      end += shift;
    }
    putVarint(bytes, headerAt, header); // room reserved by the `ensure` above
    this.pos = end;
    return true;
  }

  /**
   * For a TextEncoder that refuses shared memory (Chromium): encodes into the scratch buffer,
   * then copies, which is still several times faster than the loop for long strings. While the
   * encoding is in a target, the scratch buffer holds nothing, so it is free to use.
   */
  private encodeViaScratch(s: string, bytes: Uint8Array, at: number, maxBytes: number): number {
    if (this.scratch.length < maxBytes) {
      this.scratch = new Uint8Array(maxBytes);
      this.scratchView = new DataView(this.scratch.buffer);
    }
    // The whole scratch (it has room for maxBytes): no view to allocate.
    const written = textEncoder.encodeInto(s, this.scratch).written;
    bytes.set(this.scratch.subarray(0, written), at);
    return written;
  }

  private utf16Body(s: string): void {
    this.varint(s.length * 2 * 2 + UTF16);
    this.ensure(s.length * 2);
    for (let i = 0; i < s.length; i++) this.view.setUint16(this.pos + i * 2, s.charCodeAt(i), true);
    this.pos += s.length * 2;
  }

  /** The id of `value` if it was met before in this value; else records it (next id) and returns -1. */
  private idOf(value: object): number {
    const seen = this.seen;
    const count = this.seenCount;
    if (count < LINEAR_SEEN_MAX) {
      for (let i = 0; i < count; i++) if (seen[i] === value) return i;
    } else {
      if (count === LINEAR_SEEN_MAX) for (let i = 0; i < count; i++) this.seenIndex.set(seen[i]!, i);
      const id = this.seenIndex.get(value);
      if (id !== undefined) return id;
      this.seenIndex.set(value, count);
    }
    seen[count] = value;
    this.seenCount = count + 1;
    return -1;
  }

  /** Drops the references to the last value's objects (`seen` keeps its length: resizing an array costs more). */
  private forgetSeen(): void {
    if (this.seenCount >= LINEAR_SEEN_MAX) this.seenIndex.clear();
    const seen = this.seen;
    for (let i = this.seenCount - 1; i >= 0; i--) seen[i] = undefined; // a loop beats fill() for a few
    this.seenCount = 0;
  }

  private object(value: object): void {
    const id = this.idOf(value);
    if (id >= 0) {
      this.byte(REF);
      this.varint(id);
      return;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return this.properties(value);
    if (Array.isArray(value)) return this.array(value);
    if (value instanceof Map) return this.map(value);
    if (value instanceof Set) return this.set(value);
    if (value instanceof Date) {
      this.byte(DATE);
      this.float64(value.getTime());
      return;
    }
    if (value instanceof RegExp) {
      this.byte(REGEXP);
      this.stringBody(value.source);
      this.stringBody(value.flags);
      return;
    }
    if (ArrayBuffer.isView(value)) return this.arrayView(value);
    if (value instanceof ArrayBuffer) return this.arrayBuffer(value);
    if (hasSharedMemory && value instanceof SharedArrayBuffer) return this.shared(value, 'SharedArrayBuffer');
    if (hasDomException && value instanceof DOMException) return this.domException(value);
    if (value instanceof Error) return this.error(value);
    if (value instanceof Boolean) return this.boxed(BOOLEAN_OBJECT, value.valueOf());
    if (value instanceof Number) return this.boxed(NUMBER_OBJECT, value.valueOf());
    if (value instanceof String) return this.boxed(STRING_OBJECT, value.valueOf());
    if (value instanceof BigInt) return this.boxed(BIGINT_OBJECT, value.valueOf());
    this.shared(value, brandOf(value));
  }

  /**
   * An object the codec does not copy by type: the `encodeShared` hook may take it; if not, a
   * class instance (brand "Object") is copied as a plain object and anything else is refused.
   */
  private shared(value: object, brand: string): void {
    const index = this.encodeShared?.(value);
    if (index !== undefined) {
      if (!Number.isSafeInteger(index) || index < 0) {
        throw new RangeError(`encodeShared returned ${index}; it must return a non-negative integer or undefined.`);
      }
      this.byte(SHARED);
      this.varint(index);
      return;
    }
    if (brand !== 'Object') {
      const type = brand === 'SharedArrayBuffer' ? brand : ((value as { constructor?: { name?: string } }).constructor?.name || brand);
      throw unsendableObject(type);
    }
    this.properties(value);
  }

  private properties(value: object): void {
    const keys = Object.keys(value);
    this.byte(OBJECT);
    this.varint(keys.length);
    let i = 0;
    try {
      for (; i < keys.length; i++) {
        const key = keys[i];
        this.stringBody(key);
        this.write((value as Record<string, unknown>)[key]);
      }
    } catch (error) {
      throw withStep(error, propertyStep(keys[i]));
    }
  }

  private array(value: unknown[]): void {
    const length = value.length;
    this.byte(ARRAY);
    this.varint(length);
    let i = 0;
    try {
      for (; i < length; i++) {
        const item = value[i];
        // `in` only for undefined: a hole reads as undefined, and the check is slow.
        if (item === undefined && !(i in value)) this.byte(HOLE);
        else this.write(item);
      }
    } catch (error) {
      throw withStep(error, `[${i}]`);
    }
  }

  private map(value: Map<unknown, unknown>): void {
    const size = value.size;
    this.byte(MAP);
    this.varint(size);
    let i = 0;
    for (const [key, item] of value) {
      if (i === size) break;
      try {
        this.write(key);
      } catch (error) {
        throw withStep(error, ' (a key)');
      }
      try {
        this.write(item);
      } catch (error) {
        throw withStep(error, `.get(${mapKeyLabel(key)})`);
      }
      i++;
    }
    if (i < size) throw new Unsendable('a Map', 'it lost entries while being sent (a getter deleted them).');
  }

  private set(value: Set<unknown>): void {
    const size = value.size;
    this.byte(SET);
    this.varint(size);
    let i = 0;
    for (const item of value) {
      if (i === size) break;
      try {
        this.write(item);
      } catch (error) {
        throw withStep(error, ' (an item)');
      }
      i++;
    }
    if (i < size) throw new Unsendable('a Set', 'it lost items while being sent (a getter deleted them).');
  }

  private float64(n: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, n, true);
    this.pos += 8;
  }

  private arrayBuffer(buffer: ArrayBuffer): void {
    if (buffer.detached) {
      throw new Unsendable(
        'a detached ArrayBuffer',
        'its memory was transferred away (postMessage transfer or ArrayBuffer.transfer()). Send it before transferring it, or send a copy.',
      );
    }
    const length = buffer.byteLength;
    if (buffer.resizable) {
      this.byte(RESIZABLE_ARRAY_BUFFER);
      this.varint(length);
      this.varint(buffer.maxByteLength);
    } else {
      this.byte(ARRAY_BUFFER);
      this.varint(length);
    }
    this.ensure(length);
    this.bytes.set(new Uint8Array(buffer), this.pos);
    this.pos += length;
  }

  /** A typed array or DataView: as structuredClone, its whole buffer travels (once per value). */
  private arrayView(view: ArrayBufferView): void {
    const brand = brandOf(view);
    const kind = VIEW_KIND_CODES.get(brand);
    if (kind === undefined) throw unsendableObject(brand);
    this.byte(VIEW);
    this.byte(kind);
    try {
      this.write(view.buffer);
    } catch (error) {
      throw withStep(error, '.buffer');
    }
    this.varint(view.byteOffset);
    this.varint(kind === DATA_VIEW_KIND ? view.byteLength : (view as Uint8Array).length);
  }

  private error(error: Error): void {
    // As structuredClone: the name picks the constructor (unknown names → Error); message and
    // cause only when they are own properties; stack when it is a string.
    const nameCode = Math.max(0, ERROR_NAMES.indexOf(error.name as (typeof ERROR_NAMES)[number]));
    const message = Object.getOwnPropertyDescriptor(error, 'message');
    const hasMessage = message !== undefined && 'value' in message;
    const stack = error.stack;
    const hasStack = typeof stack === 'string';
    const hasCause = Object.hasOwn(error, 'cause');
    this.byte(ERROR);
    this.byte(nameCode);
    this.byte((hasMessage ? HAS_MESSAGE : 0) | (hasStack ? HAS_STACK : 0) | (hasCause ? HAS_CAUSE : 0));
    if (hasMessage) this.stringBody(String(message.value));
    if (hasStack) this.stringBody(stack);
    if (hasCause) {
      try {
        this.write(error.cause);
      } catch (failure) {
        throw withStep(failure, '.cause');
      }
    }
  }

  /** DOMException keeps its name and message on its prototype, so it cannot go as an ERROR. */
  private domException(exception: DOMException): void {
    this.byte(DOM_EXCEPTION);
    this.stringBody(exception.name);
    this.stringBody(exception.message);
    this.stringBody(typeof exception.stack === 'string' ? exception.stack : '');
  }

  private boxed(tag: number, primitive: unknown): void {
    this.byte(tag);
    this.write(primitive);
  }
}

/** Writes `n` (a safe non-negative integer) as a varint at `pos`; returns the position after it. */
function putVarint(bytes: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    bytes[pos++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  bytes[pos++] = n;
  return pos;
}

/** Bytes of the varint for `n`, for n < 2^35 (a string of up to 2^33 code units). */
function varintWidth(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/**
 * UTF-8 of `s` into `bytes` at `pos` (room for 3 bytes per code unit is reserved by the
 * caller). Returns the position after the last byte, or -1 on a lone surrogate.
 */
function encodeUtf8(s: string, bytes: Uint8Array, pos: number): number {
  const length = s.length;
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      bytes[pos++] = c;
    } else if (c < 0x800) {
      bytes[pos++] = 0xc0 | (c >> 6);
      bytes[pos++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      bytes[pos++] = 0xe0 | (c >> 12);
      bytes[pos++] = 0x80 | ((c >> 6) & 0x3f);
      bytes[pos++] = 0x80 | (c & 0x3f);
    } else {
      const low = i + 1 < length ? s.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || low < 0xdc00 || low > 0xdfff) return -1;
      const point = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
      bytes[pos++] = 0xf0 | (point >> 18);
      bytes[pos++] = 0x80 | ((point >> 12) & 0x3f);
      bytes[pos++] = 0x80 | ((point >> 6) & 0x3f);
      bytes[pos++] = 0x80 | (point & 0x3f);
      i++;
    }
  }
  return pos;
}

// ── Decoder ──────────────────────────────────────────────────────────────────────────────────

/** Options of a {@link ValueDecoder}. */
export interface DecodeOptions {
  /** Gives back the object the encoder's `encodeShared` hook stored at `index`. */
  decodeShared?: (index: number) => unknown;
}

/**
 * Decodes what a {@link ValueEncoder} wrote. Keeps its reference table between calls; not
 * re-entrant. The bytes may be in shared memory; everything decoded is a fresh copy (strings,
 * buffers) except out-of-band values.
 */
export class ValueDecoder {
  private readonly decodeShared: ((index: number) => unknown) | undefined;
  // The buffer being read, as whole-buffer views reused while the buffer stays the same.
  // Positions are absolute in it.
  private buffer: ArrayBufferLike | null = null;
  private bytes: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(this.bytes.buffer);
  private shared = false;
  private pos = 0;
  /**
   * Decoded objects by id (`objects[0 … objectCount)`), for REF; emptied after each value. The
   * array keeps its length between values (resizing an array costs more than the decoding of
   * a small object).
   */
  private readonly objects: unknown[] = [];
  private objectCount = 0;
  /** Recently decoded short ASCII property names, by a hash of their bytes (see `key`). */
  private readonly keyCache: (string | undefined)[] = new Array(KEY_CACHE_MASK + 1).fill(undefined);
  /** Non-shared copy of a string's bytes, for TextDecoders that refuse shared memory. */
  private stringScratch = new Uint8Array(0);

  constructor(options: DecodeOptions = {}) {
    this.decodeShared = options.decodeShared;
  }

  /**
   * The value encoded at `bytes[start, end)`. Throws a RangeError if those bytes are not exactly
   * one encoded value (corrupt, truncated or with bytes left over).
   */
  decode(bytes: Uint8Array, start = 0, end = bytes.length): unknown {
    if (bytes.buffer !== this.buffer) {
      this.buffer = bytes.buffer;
      this.bytes = new Uint8Array(bytes.buffer);
      this.view = new DataView(bytes.buffer);
      this.shared = isSharedBuffer(bytes.buffer);
    }
    const from = bytes.byteOffset + start;
    const to = bytes.byteOffset + end;
    this.pos = from;
    let value: unknown;
    try {
      value = this.read();
    } catch (error) {
      // Reading past the buffer throws RangeError from the DataView or yields an undefined tag.
      throw error instanceof RangeError ? corrupt(this.pos - from, error.message) : error;
    } finally {
      if (this.objectCount > 0) this.forgetObjects();
    }
    if (this.pos !== to) throw corrupt(this.pos - from, `the value ends at byte ${this.pos - from} of ${to - from}`);
    return value;
  }

  private varint(): number {
    const bytes = this.bytes;
    let b = bytes[this.pos++];
    if (b < 0x80) return b;
    let n = b & 0x7f;
    let scale = 0x80;
    do {
      b = bytes[this.pos++];
      n += (b & 0x7f) * scale;
      scale *= 0x80;
    } while (b >= 0x80);
    return n;
  }

  private read(): unknown {
    const tag = this.bytes[this.pos++];
    if (tag >= SMALL_INT_BASE) return tag - SMALL_INT_BASE;
    switch (tag) {
      case UNDEFINED:
        return undefined;
      case NULL:
        return null;
      case FALSE:
        return false;
      case TRUE:
        return true;
      case INT32: {
        const n = this.view.getInt32(this.pos, true);
        this.pos += 4;
        return n;
      }
      case FLOAT64:
        return this.float64();
      case STRING:
        return this.string();
      case OBJECT: {
        const out: Record<string, unknown> = {};
        this.keep(out);
        const count = this.varint();
        for (let i = 0; i < count; i++) {
          const key = this.key();
          const value = this.read();
          // Assigning "__proto__" would set the prototype; structuredClone makes an own property.
          if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
          else out[key] = value;
        }
        return out;
      }
      case ARRAY: {
        // push keeps a hole-free array packed (faster for the receiver than new Array(length)).
        const out: unknown[] = [];
        this.keep(out);
        const length = this.varint();
        for (let i = 0; i < length; i++) {
          if (this.bytes[this.pos] === HOLE) {
            this.pos++;
            out.length++;
          } else {
            out.push(this.read());
          }
        }
        return out;
      }
      case REF: {
        const id = this.varint();
        if (id >= this.objectCount) throw new RangeError(`reference to object ${id}, of ${this.objectCount} so far`);
        return this.objects[id];
      }
      case BIGINT64: {
        const n = this.view.getBigInt64(this.pos, true);
        this.pos += 8;
        return n;
      }
      case BIGINT: {
        const negative = this.bytes[this.pos++] === 1;
        const words = this.varint();
        let n = 0n;
        for (let i = words - 1; i >= 0; i--) n = (n << 64n) | this.view.getBigUint64(this.pos + i * 8, true);
        this.pos += words * 8;
        return negative ? -n : n;
      }
      case MAP: {
        const out = new Map();
        this.keep(out);
        const size = this.varint();
        for (let i = 0; i < size; i++) {
          const key = this.read();
          out.set(key, this.read());
        }
        return out;
      }
      case SET: {
        const out = new Set();
        this.keep(out);
        const size = this.varint();
        for (let i = 0; i < size; i++) out.add(this.read());
        return out;
      }
      case DATE:
        return this.keep(new Date(this.float64()));
      case REGEXP: {
        const source = this.string();
        return this.keep(new RegExp(source, this.string()));
      }
      case ARRAY_BUFFER:
      case RESIZABLE_ARRAY_BUFFER:
        return this.keep(this.arrayBuffer(tag === RESIZABLE_ARRAY_BUFFER));
      case VIEW:
        return this.arrayView();
      case ERROR:
        return this.error();
      case DOM_EXCEPTION: {
        const name = this.string();
        const exception = this.keep(new DOMException(this.string(), name));
        const stack = this.string();
        if (stack !== '') Object.defineProperty(exception, 'stack', { value: stack, writable: true, configurable: true });
        return exception;
      }
      case BOOLEAN_OBJECT:
      case NUMBER_OBJECT:
      case STRING_OBJECT:
      case BIGINT_OBJECT: {
        // The wrapper takes its id before the primitive inside it (which has none).
        const id = this.reserve();
        const boxed = Object(this.read());
        this.objects[id] = boxed;
        return boxed;
      }
      case SHARED: {
        const index = this.varint();
        if (this.decodeShared === undefined) {
          throw new TypeError(`Cannot decode shared object #${index}: this ValueDecoder has no decodeShared hook, and the bytes came from an encoder with encodeShared.`);
        }
        return this.keep(this.decodeShared(index));
      }
      default:
        throw new RangeError(`unknown tag ${tag}`);
    }
  }

  private keep<T>(object: T): T {
    this.objects[this.objectCount++] = object;
    return object;
  }

  private forgetObjects(): void {
    const objects = this.objects;
    for (let i = this.objectCount - 1; i >= 0; i--) objects[i] = undefined;
    this.objectCount = 0;
  }

  /** Takes the next object id before the object exists (its parts come first in the bytes). */
  private reserve(): number {
    this.objects[this.objectCount] = undefined;
    return this.objectCount++;
  }

  private float64(): number {
    const n = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return n;
  }

  /** A string body: varint header (2 × byte count + UTF16), then the bytes. */
  private string(): string {
    const header = this.varint();
    // `>>> 1` and `& 1` are exact: a header is below 2^32 (V8 strings have < 2^29 code units).
    const length = header >>> 1;
    if (header & UTF16) return this.utf16(length);
    const start = this.pos;
    const end = start + length;
    if (end > this.bytes.length) throw new RangeError(`a string runs past the end of the buffer`);
    this.pos = end;
    const bytes = this.bytes;
    if (length <= LOOP_DECODE_MAX && isAscii(bytes, start, end)) return asciiString(bytes, start, end);
    if (!this.shared || textDecoderTakesShared) return textDecoder.decode(bytes.subarray(start, end));
    if (this.stringScratch.length < length) this.stringScratch = new Uint8Array(Math.max(length, this.stringScratch.length * 2));
    this.stringScratch.set(bytes.subarray(start, end));
    return textDecoder.decode(this.stringScratch.subarray(0, length));
  }

  /**
   * A property name. Items of a queue repeat the same few names, so short ASCII names come
   * from a cache: the same string object each time, which V8 finds faster as a property key
   * than a fresh string (no hashing or internalizing per property).
   */
  private key(): string {
    const bytes = this.bytes;
    const header = bytes[this.pos];
    const length = header >>> 1;
    if (header & UTF16 || length === 0 || length > KEY_CACHE_MAX_LENGTH) return this.string();
    const start = this.pos + 1;
    const end = start + length;
    const slot = (length * 0x3b + bytes[start] * 0x11 + bytes[end - 1]) & KEY_CACHE_MASK;
    const cached = this.keyCache[slot];
    if (cached !== undefined && cached.length === length && sameAscii(cached, bytes, start)) {
      this.pos = end;
      return cached;
    }
    const key = this.string();
    if (key.length === length) this.keyCache[slot] = key; // ASCII (one byte per character)
    return key;
  }

  /** UTF-16 code units, `byteLength / 2` of them. */
  private utf16(byteLength: number): string {
    const length = byteLength / 2;
    let out = '';
    for (let chunk = 0; chunk < length; chunk += CHAR_CODE_CHUNK) {
      const units: number[] = [];
      const stop = Math.min(length, chunk + CHAR_CODE_CHUNK);
      for (let i = chunk; i < stop; i++) units.push(this.view.getUint16(this.pos + i * 2, true));
      out += String.fromCharCode.apply(null, units);
    }
    this.pos += length * 2;
    return out;
  }

  private arrayBuffer(resizable: boolean): ArrayBuffer {
    const length = this.varint();
    const buffer = resizable ? new ArrayBuffer(length, { maxByteLength: this.varint() }) : new ArrayBuffer(length);
    new Uint8Array(buffer).set(this.bytes.subarray(this.pos, this.pos + length));
    this.pos += length;
    return buffer;
  }

  private arrayView(): ArrayBufferView {
    const id = this.reserve();
    const kind = this.bytes[this.pos++];
    const name = VIEW_KINDS[kind];
    const constructor = (globalThis as unknown as Record<string, ViewConstructor | undefined>)[name];
    if (name === undefined) throw new RangeError(`unknown view kind ${kind}`);
    if (constructor === undefined) throw new TypeError(`Cannot decode a ${name}: this JavaScript engine does not have ${name}.`);
    const buffer = this.read() as ArrayBufferLike;
    const view = new constructor(buffer, this.varint(), this.varint());
    this.objects[id] = view;
    return view;
  }

  private error(): Error {
    const nameCode = this.bytes[this.pos++];
    const flags = this.bytes[this.pos++];
    const error = new (ERROR_CONSTRUCTORS[nameCode] ?? Error)();
    this.keep(error);
    // Same attributes as a native error's own message and cause: writable, configurable, not enumerable.
    if (flags & HAS_MESSAGE) Object.defineProperty(error, 'message', { value: this.string(), writable: true, configurable: true });
    if (flags & HAS_STACK) error.stack = this.string();
    else delete error.stack;
    if (flags & HAS_CAUSE) Object.defineProperty(error, 'cause', { value: this.read(), writable: true, configurable: true });
    return error;
  }
}

/** Whether `s` (ASCII) is the bytes at `start`, for its length. */
function sameAscii(s: string, bytes: Uint8Array, start: number): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] >= 0x80) return false;
  return true;
}

const fromCharCode = String.fromCharCode;

/**
 * ASCII bytes → string, for short strings (keys, names): fromCharCode with up to 8 explicit
 * arguments is several times faster than a TextDecoder call or `apply` on a subarray.
 */
function asciiString(b: Uint8Array, p: number, end: number): string {
  let out = '';
  for (; end - p >= 8; p += 8) out += fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7]);
  switch (end - p) {
    case 0:
      return out;
    case 1:
      return out + fromCharCode(b[p]);
    case 2:
      return out + fromCharCode(b[p], b[p + 1]);
    case 3:
      return out + fromCharCode(b[p], b[p + 1], b[p + 2]);
    case 4:
      return out + fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3]);
    case 5:
      return out + fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4]);
    case 6:
      return out + fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5]);
    default:
      return out + fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6]);
  }
}

function corrupt(at: number, detail: string): RangeError {
  return new RangeError(`Corrupt encoded value (at byte ${at}): ${detail}. Bytes must come from a ValueEncoder, unchanged.`);
}

// ── One-shot helpers ─────────────────────────────────────────────────────────────────────────

let defaultEncoder: ValueEncoder | null = null;
let defaultDecoder: ValueDecoder | null = null;

/**
 * Encodes `value` into a new byte array of its own (a copy; for repeated sends keep a
 * {@link ValueEncoder} and use `encodeInto`). Throws a TypeError naming the type and path
 * (rooted at `where`) of anything that cannot be sent.
 */
export function encodeValue(value: unknown, options?: EncodeOptions & { where?: string }): Uint8Array {
  const encoder = options?.encodeShared ? new ValueEncoder(options) : (defaultEncoder ??= new ValueEncoder());
  return encoder.encode(value, options?.where).slice();
}

/** Decodes bytes made by {@link encodeValue} or a {@link ValueEncoder}. */
export function decodeValue(bytes: Uint8Array, options?: DecodeOptions): unknown {
  const decoder = options?.decodeShared ? new ValueDecoder(options) : (defaultDecoder ??= new ValueDecoder());
  return decoder.decode(bytes);
}
