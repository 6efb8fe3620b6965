import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue, ValueDecoder, ValueEncoder } from '../../src/runtime/internal/value-codec.ts';

/** Encode then decode, as a queue would: into a ring of shared memory and back out of it. */
function send(value: unknown): unknown {
  const ring = new Uint8Array(new SharedArrayBuffer(1 << 16));
  const encoder = new ValueEncoder();
  const size = encoder.encodeInto(value, ring, 16, ring.length);
  if (size > ring.length - 16) return new ValueDecoder().decode(encoder.encoded());
  return new ValueDecoder().decode(ring, 16, 16 + size);
}

/** What structuredClone gives, what we give: the same, down to prototypes and holes. */
function expectLikeClone(value: unknown): unknown {
  const ours = send(value);
  expect(ours).toStrictEqual(structuredClone(value));
  return ours;
}

/** The message of the TypeError encoding `value` throws. */
function sendError(value: unknown, where?: string): string {
  try {
    encodeValue(value, { where });
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as TypeError).message;
  }
  throw new Error('expected encoding to throw');
}

describe('round trips', () => {
  it('primitives', () => {
    for (const value of [undefined, null, true, false, '', 'abc', 0n, -1n, 123456789012345678901234567890n]) {
      expect(send(value)).toBe(value);
    }
  });

  it('numbers, including -0, NaN, ±Infinity and the int32/small-int boundaries', () => {
    const numbers = [0, -0, 1, 127, 128, 255, 256, -1, -128, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1,
      0.5, -1.5, Math.PI, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER,
      Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, 2 ** 53 + 2];
    for (const n of numbers) expect(Object.is(send(n), n), String(n)).toBe(true);
  });

  it('bigints of every size and sign', () => {
    const bigints = [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n - 1n, 2n ** 64n,
      -(2n ** 64n), 3n ** 200n, -(7n ** 300n)];
    for (const n of bigints) expect(send(n)).toBe(n);
  });

  it('strings: ASCII, Latin-1, CJK, emoji, lone surrogates, short and long', () => {
    const strings = ['a', 'héllo wörld', '日本語のテキスト', '😀👍🏽 family: 👨‍👩‍👧', 'x\ud800', '\udc00y', '\ud800', 'a\udbff\udbffb',
      'é'.repeat(200), 'x'.repeat(100_000), '😀'.repeat(1000), 'a'.repeat(60) + '\ud83d', '\u0000\u007f\u0080\u07ff\u0800\uffff'];
    for (const s of strings) expect(send(s)).toBe(s);
  });

  it('plain objects: key order, numeric keys, unusual keys, undefined values, null prototype', () => {
    expectLikeClone({ b: 1, a: 2, 2: 'two', 1: 'one', '': 'empty', 'with space': 3, ключ: 4, '😀': 5, u: undefined });
    expectLikeClone({ nested: { deeper: { deepest: [1, { x: 'y' }] } } });
    const nullProto = Object.assign(Object.create(null), { a: 1 });
    expect(Object.getPrototypeOf(send(nullProto))).toBe(Object.prototype); // as structuredClone
    expectLikeClone(nullProto);
  });

  it('a "__proto__" key stays an own property and does not set the prototype', () => {
    const out = expectLikeClone(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('symbol-keyed and non-enumerable properties are skipped, getters are read', () => {
    const value = { a: 1, [Symbol('s')]: 2, get g() { return 3; } };
    Object.defineProperty(value, 'hidden', { value: 4, enumerable: false });
    expect(expectLikeClone(value)).toStrictEqual({ a: 1, g: 3 });
  });

  it('arrays, keeping holes as holes', () => {
    expectLikeClone([1, 'two', [3], { four: 4 }, null, undefined]);
    const sparse = expectLikeClone([1, , 3, , ]) as unknown[];
    expect(sparse.length).toBe(4);
    expect(1 in sparse).toBe(false);
    expect(2 in sparse).toBe(true);
    expect(expectLikeClone(new Array(3))).toHaveLength(3);
    expectLikeClone([]);
    expectLikeClone(Array.from({ length: 1000 }, (_, i) => i * 1.5));
  });

  it('Maps and Sets, keeping insertion order and object/NaN keys', () => {
    const key = { k: 1 };
    const map = expectLikeClone(new Map<unknown, unknown>([['b', 1], [NaN, 2], [key, 3], [0, new Set([1, 'x'])]])) as Map<unknown, unknown>;
    expect([...map.keys()].slice(0, 2)).toEqual(['b', NaN]);
    expectLikeClone(new Set([3, 1, 2, NaN, 'a', { b: 1 }]));
    expectLikeClone(new Map());
  });

  it('Dates (also invalid) and RegExps (flags kept, lastIndex reset like structuredClone)', () => {
    expectLikeClone(new Date(1_700_000_000_123));
    expect(Number.isNaN((send(new Date(NaN)) as Date).getTime())).toBe(true);
    const regexp = /a+(b)?\/é/dgimsy;
    regexp.lastIndex = 2;
    const out = expectLikeClone(regexp) as RegExp;
    expect(out.flags).toBe('dgimsy');
    expect(out.lastIndex).toBe(0);
    expect((send(/[\p{L}--[a-z]]/v) as RegExp).flags).toBe('v');
  });

  it('ArrayBuffers, resizable ones keep their maximum', () => {
    const buffer = new Uint8Array([1, 2, 3, 250]).buffer;
    expect(new Uint8Array(send(buffer) as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3, 250]));
    const resizable = new ArrayBuffer(4, { maxByteLength: 64 });
    new Uint8Array(resizable).set([9, 8, 7, 6]);
    const out = send(resizable) as ArrayBuffer;
    expect(out.resizable).toBe(true);
    expect(out.maxByteLength).toBe(64);
    expect([...new Uint8Array(out)]).toEqual([9, 8, 7, 6]);
    expect((send(new ArrayBuffer(0)) as ArrayBuffer).byteLength).toBe(0);
  });

  it('every kind of typed array and DataView, copied with its whole buffer and offset', () => {
    const kinds = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array,
      Float64Array, ...(typeof Float16Array === 'function' ? [Float16Array] : [])];
    for (const Kind of kinds) {
      const view = new Kind(new ArrayBuffer(64), 8, 4);
      view.set([1, 2, 3, 4]);
      const out = expectLikeClone(view) as typeof view;
      expect(out).toBeInstanceOf(Kind);
      expect([out.byteOffset, out.length, out.buffer.byteLength]).toEqual([8, 4, 64]);
    }
    const big = new BigInt64Array([1n, -(2n ** 63n)]);
    expect(expectLikeClone(big)).toBeInstanceOf(BigInt64Array);
    expectLikeClone(new BigUint64Array([2n ** 64n - 1n]));
    const dataView = new DataView(new ArrayBuffer(16), 4, 8);
    dataView.setFloat64(0, Math.E);
    const out = send(dataView) as DataView;
    expect([out.byteOffset, out.byteLength, out.getFloat64(0)]).toEqual([4, 8, Math.E]);
  });

  it.skipIf(typeof Buffer === 'undefined')('a Node Buffer arrives as a Uint8Array, as with structuredClone', () => {
    const out = expectLikeClone(Buffer.from('hi'));
    expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
  });

  it('views over one buffer still share one (copied) buffer', () => {
    const buffer = new ArrayBuffer(8);
    const [a, b, raw] = send([new Uint8Array(buffer, 0, 4), new Uint16Array(buffer, 4, 2), buffer]) as [Uint8Array, Uint16Array, ArrayBuffer];
    expect(a.buffer).toBe(b.buffer);
    expect(a.buffer).toBe(raw);
    expect(raw).not.toBe(buffer);
  });

  it('Errors: standard names, message, stack, cause; other names become Error', () => {
    for (const Kind of [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError]) {
      const error = new Kind('went wrong', { cause: { code: 7 } });
      const out = send(error) as Error;
      expect(out).toBeInstanceOf(Kind);
      expect(out.name).toBe(Kind.name);
      expect(out.message).toBe('went wrong');
      expect(out.stack).toBe(error.stack);
      expect(out.cause).toEqual({ code: 7 });
      expect(Object.keys(out)).toEqual([]); // message and cause not enumerable, as native
    }
    class QueueFull extends Error {
      name = 'QueueFull';
      extra = 1;
    }
    const custom = send(new QueueFull('full')) as Error;
    const cloned = structuredClone(new QueueFull('full'));
    expect(Object.getPrototypeOf(custom)).toBe(Object.getPrototypeOf(cloned));
    expect([custom.name, custom.message, 'extra' in custom]).toEqual(['Error', 'full', false]);
    const bare = send(new Error()) as Error;
    expect(Object.hasOwn(bare, 'message')).toBe(false);
    expect(Object.hasOwn(send(new Error('x', { cause: undefined })) as Error, 'cause')).toBe(true);
    expect(Object.hasOwn(send(new Error('x')) as Error, 'cause')).toBe(false);
  });

  it('DOMExceptions keep their name, message and code', () => {
    const out = send(new DOMException('took too long', 'TimeoutError')) as DOMException;
    expect(out).toBeInstanceOf(DOMException);
    expect([out.name, out.message, out.code]).toEqual(['TimeoutError', 'took too long', DOMException.TIMEOUT_ERR]);
  });

  it('boxed primitives', () => {
    for (const primitive of [true, 42, -0, 'str', 10n]) {
      const out = send(Object(primitive));
      expect(typeof out).toBe('object');
      expect(Object.is((out as { valueOf(): unknown }).valueOf(), primitive)).toBe(true);
    }
  });

  it('class instances arrive as plain objects of their own data, like structuredClone', () => {
    class Point {
      x = 1;
      y = 2;
      #secret = 3;
      get sum() {
        return this.x + this.y + this.#secret;
      }
      norm() {
        return Math.hypot(this.x, this.y);
      }
    }
    const out = expectLikeClone(new Point());
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out).toStrictEqual({ x: 1, y: 2 });
    class Registry extends Map<number, number> {}
    const subclassed = send(new Registry([[1, 2]]));
    expect(Object.getPrototypeOf(subclassed)).toBe(Map.prototype);
  });

  it('decodes from any offset of any buffer, shared or not', () => {
    const bytes = encodeValue({ a: [1, 'x'] });
    const padded = new Uint8Array(bytes.length + 10);
    padded.set(bytes, 7);
    expect(new ValueDecoder().decode(padded, 7, 7 + bytes.length)).toEqual({ a: [1, 'x'] });
    expect(decodeValue(padded.subarray(7, 7 + bytes.length))).toEqual({ a: [1, 'x'] });
  });
});

describe('shared references and cycles', () => {
  it('the same object twice decodes to the same object twice', () => {
    const shared = { n: 1 };
    const out = send({ a: shared, b: [shared, shared], m: new Map([[shared, shared]]), s: new Set([shared]) }) as any;
    expect(out.a).toEqual({ n: 1 });
    expect(out.b[0]).toBe(out.a);
    expect(out.b[1]).toBe(out.a);
    expect(out.m.get(out.a)).toBe(out.a);
    expect(out.s.has(out.a)).toBe(true);
  });

  it('cycles through objects, arrays, Maps, Sets and error causes', () => {
    const object: any = { name: 'root' };
    object.self = object;
    object.list = [object, { back: object }];
    object.map = new Map([['me', object]]);
    object.set = new Set([object]);
    const error: any = new Error('loop');
    error.cause = error;
    object.error = error;
    const out = send(object) as any;
    expect(out.self).toBe(out);
    expect(out.list[0]).toBe(out);
    expect(out.list[1].back).toBe(out);
    expect(out.map.get('me')).toBe(out);
    expect(out.set.has(out)).toBe(true);
    expect(out.error.cause).toBe(out.error);
    expect(out).toStrictEqual(structuredClone(object));
  });

  it('references stay within one value: two encodes give two independent copies', () => {
    const shared = { n: 1 };
    const encoder = new ValueEncoder();
    const decoder = new ValueDecoder();
    const first = decoder.decode(encoder.encode(shared).slice());
    const second = decoder.decode(encoder.encode([shared, shared]).slice()) as unknown[];
    expect(second[0]).not.toBe(first);
    expect(second[0]).toBe(second[1]);
  });

  it('many objects (past the linear search) keep their identities', () => {
    const objects = Array.from({ length: 100 }, (_, i) => ({ i }));
    const out = send([...objects, ...objects.slice().reverse()]) as { i: number }[];
    for (let i = 0; i < 100; i++) {
      expect(out[i].i).toBe(i);
      expect(out[199 - i]).toBe(out[i]);
    }
  });
});

describe('what cannot be sent: a TypeError naming the type and the path', () => {
  it('functions', () => {
    const message = sendError({ handlers: [1, 2, function onItem() {}] }, 'item');
    expect(message).toMatch(/^Cannot send a function \(onItem\) \(at item\.handlers\[2\]\): only data can cross between threads/);
    expect(message).toMatch(/Declare the function at the top level/);
    expect(sendError(() => 1)).toMatch(/^Cannot send a function \(at value\)/);
  });

  it('symbols, as values or boxed', () => {
    expect(sendError({ tag: Symbol('red') })).toMatch(/^Cannot send a symbol \(Symbol\(red\)\) \(at value\.tag\): .*Send a string instead/);
    expect(sendError([Object(Symbol('x'))])).toMatch(/^Cannot send a Symbol \(at value\[0\]\)/);
  });

  it('names paths through odd keys, Map values and keys, Set items, causes and buffers', () => {
    expect(sendError({ 'my key': { 0: [() => 1] } })).toMatch(/\(at value\["my key"\]\["0"\]\[0\]\)/);
    expect(sendError(new Map([['k', () => 1]]))).toMatch(/\(at value\.get\("k"\)\)/);
    expect(sendError(new Map([[7, () => 1]]))).toMatch(/\(at value\.get\(7\)\)/);
    expect(sendError(new Map([[() => 1, 1]]))).toMatch(/\(at value \(a key\)\)/);
    expect(sendError(new Set([1, () => 1]))).toMatch(/\(at value \(an item\)\)/);
    expect(sendError(new Error('x', { cause: [Symbol()] }))).toMatch(/\(at value\.cause\[0\]\)/);
    expect(sendError({ view: new Int32Array(new SharedArrayBuffer(8)) })).toMatch(
      /^Cannot send a SharedArrayBuffer \(at value\.view\.buffer\): shared memory cannot be copied/,
    );
  });

  it('objects structuredClone refuses too, and ones it can but we cannot read', () => {
    expect(sendError({ w: new WeakMap() })).toMatch(/^Cannot send a WeakMap \(at value\.w\)/);
    expect(sendError(new WeakSet())).toMatch(/^Cannot send a WeakSet/);
    expect(sendError({ p: Promise.resolve(1) })).toMatch(/^Cannot send a Promise \(at value\.p\): .*Await it/);
    expect(sendError(new Blob(['x']))).toMatch(/^Cannot send a Blob .*arrayBuffer\(\)/);
    const detached = new ArrayBuffer(8);
    detached.transfer();
    expect(sendError([detached])).toMatch(/^Cannot send a detached ArrayBuffer \(at value\[0\]\)/);
    expect(sendError((function* () {})())).toMatch(/^Cannot send an? \w+ \(at value\)/);
  });

  it('leaves the encoder ready for the next value, with no stale references', () => {
    const encoder = new ValueEncoder();
    const shared = { a: 1 };
    expect(() => encoder.encode([shared, () => 1])).toThrow(TypeError);
    const out = new ValueDecoder().decode(encoder.encode(shared)) as object;
    expect(out).toEqual({ a: 1 });
  });

  it('errors thrown by getters pass through unchanged', () => {
    const boom = new Error('getter failed');
    expect(() => encodeValue({ get x() { throw boom; } })).toThrow(boom);
  });
});

describe('out-of-band values (encodeShared / decodeShared)', () => {
  /** A side table like the one a queue will keep. */
  function sideTable() {
    const table: unknown[] = [];
    const offered: unknown[] = [];
    const encoder = new ValueEncoder({
      encodeShared: (value) => {
        offered.push(value);
        if (value instanceof SharedArrayBuffer || (value as { shareable?: boolean }).shareable) return table.push(value) - 1;
        return undefined;
      },
    });
    const decoder = new ValueDecoder({ decodeShared: (index) => table[index] });
    return { table, offered, send: (value: unknown) => decoder.decode(encoder.encode(value)) };
  }

  it('SharedArrayBuffers and views over them cross as the same memory', () => {
    const { send: sendShared } = sideTable();
    const memory = new SharedArrayBuffer(16);
    const out = sendShared({ memory, words: new Int32Array(memory, 4, 2), bytes: new Uint8Array(memory) }) as any;
    expect(out.memory).toBe(memory);
    expect(out.words).toBeInstanceOf(Int32Array);
    expect(out.words.buffer).toBe(memory);
    expect([out.words.byteOffset, out.words.length]).toEqual([4, 2]);
    out.words[0] = 99;
    expect(new Int32Array(memory)[1]).toBe(99);
    expect(out.bytes.buffer).toBe(memory);
  });

  it('a runtime-primitive-like object goes through the table, once per value', () => {
    const { table, offered, send: sendShared } = sideTable();
    class FakeLock {
      shareable = true;
      acquire() {}
    }
    const lock = new FakeLock();
    const out = sendShared([lock, { again: lock }]) as any[];
    expect(out[0]).toBe(lock);
    expect(out[1].again).toBe(lock);
    expect(table).toEqual([lock]);
    expect(offered).toEqual([lock]);
  });

  it('is offered only what the codec cannot copy itself; declined class instances are copied', () => {
    const { offered, send: sendShared } = sideTable();
    class Plain {
      x = 1;
    }
    const out = sendShared({ a: [1, 'x', { y: 2 }], m: new Map(), d: new Date(0), t: new Uint8Array(2), p: new Plain() });
    expect(offered.map((value) => (value as object).constructor.name)).toEqual(['Plain']);
    expect((out as any).p).toStrictEqual({ x: 1 });
  });

  it('misuse: a bad index, or shared bytes without decodeShared', () => {
    const bad = new ValueEncoder({ encodeShared: () => -1 });
    expect(() => bad.encode(new SharedArrayBuffer(1))).toThrow(/encodeShared returned -1/);
    const bytes = encodeValue([new SharedArrayBuffer(1)], { encodeShared: () => 3 });
    expect(() => decodeValue(bytes)).toThrow(/Cannot decode shared object #3: this ValueDecoder has no decodeShared hook/);
  });
});

describe('encodeInto: straight into a caller’s bytes', () => {
  it('writes only inside [start, end) of the target and returns the size', () => {
    const ring = new Uint8Array(new SharedArrayBuffer(256)).fill(0xee);
    const encoder = new ValueEncoder();
    const size = encoder.encodeInto({ id: 1, name: 'alice' }, ring, 100, 200);
    expect(size).toBeLessThanOrEqual(100);
    expect(ring.subarray(0, 100).every((b) => b === 0xee)).toBe(true);
    expect(ring.subarray(100 + size).every((b) => b === 0xee)).toBe(true);
    expect(new ValueDecoder().decode(ring, 100, 100 + size)).toEqual({ id: 1, name: 'alice' });
    expect(encoder.encoded()).toEqual(ring.subarray(100, 100 + size));
  });

  it('respects a subarray target’s own offset', () => {
    const whole = new Uint8Array(64).fill(0xee);
    const target = whole.subarray(10, 40);
    const size = new ValueEncoder().encodeInto('hello', target, 5);
    expect(whole.subarray(0, 15).every((b) => b === 0xee)).toBe(true);
    expect(new ValueDecoder().decode(target, 5, 5 + size)).toBe('hello');
  });

  it('when the value does not fit: reports the full size, never writes past end, keeps the encoding', () => {
    const ring = new Uint8Array(new SharedArrayBuffer(64)).fill(0xee);
    const encoder = new ValueEncoder();
    const value = { list: Array.from({ length: 50 }, (_, i) => `item ${i}`) };
    const size = encoder.encodeInto(value, ring, 8, 32);
    expect(size).toBeGreaterThan(24);
    expect(ring.subarray(32).every((b) => b === 0xee)).toBe(true);
    expect(encoder.encoded()).toHaveLength(size);
    expect(new ValueDecoder().decode(encoder.encoded())).toEqual(value);
  });

  it('at every room size, a value lands whole in the target or whole in encoded()', () => {
    const values = ['a', 'é', '日本', 'x'.repeat(70), 'é'.repeat(70), 'a\ud800', 3, 1.5, 2n ** 70n, [1, 'ab', { k: 'é' }],
      new Map([['k', [1, 2]]]), new Uint8Array([1, 2, 3]), new Error('e')];
    const encoder = new ValueEncoder();
    const decoder = new ValueDecoder();
    for (const value of values) {
      const expected = structuredClone(value);
      for (let room = 0; room <= 260; room++) {
        const target = new Uint8Array(new SharedArrayBuffer(300)).fill(0xee);
        const size = encoder.encodeInto(value, target, 20, 20 + room);
        expect(target.subarray(20 + room).every((b) => b === 0xee)).toBe(true);
        const out = size <= room ? decoder.decode(target, 20, 20 + size) : decoder.decode(encoder.encoded());
        expect(out).toStrictEqual(expected);
        expect(encoder.encoded()).toHaveLength(size);
      }
    }
  });

  it('a huge value, then small ones: the grown scratch space is let go and all still round-trip', () => {
    const encoder = new ValueEncoder();
    const huge = 'é'.repeat(1 << 20);
    expect(decodeValue(encoder.encode(huge).slice())).toBe(huge);
    expect(decodeValue(encoder.encode({ small: true }).slice())).toEqual({ small: true });
    const target = new Uint8Array(64);
    const size = encoder.encodeInto(huge, target);
    expect(size).toBeGreaterThan(64);
    expect(decodeValue(encoder.encoded())).toBe(huge);
  });

  it('refuses a range outside the target', () => {
    const encoder = new ValueEncoder();
    expect(() => encoder.encodeInto(1, new Uint8Array(8), 4, 9)).toThrow(RangeError);
    expect(() => encoder.encodeInto(1, new Uint8Array(8), 5, 4)).toThrow(/not a range of the target's 8 bytes/);
  });

  it('a string reserved for its worst case but fitting after all lands in the target', () => {
    const ring = new Uint8Array(40);
    const size = new ValueEncoder().encodeInto('x'.repeat(30), ring, 0, 40); // reserves 90+ bytes, needs 32
    expect(size).toBe(32);
    expect(new ValueDecoder().decode(ring, 0, size)).toBe('x'.repeat(30));
  });
});

describe('the number fast path', () => {
  const sizeOf = (n: number) => new ValueEncoder().encode(n).length;

  it('0…127 take one byte, other int32s five, everything else nine', () => {
    for (const n of [0, 1, 42, 127]) expect(sizeOf(n)).toBe(1);
    for (const n of [128, -1, 2 ** 31 - 1, -(2 ** 31)]) expect(sizeOf(n)).toBe(5);
    for (const n of [-0, 0.5, 2 ** 31, NaN, Infinity]) expect(sizeOf(n)).toBe(9);
  });

  it('touches neither the reference table nor the hook, and round-trips a stream through a ring', () => {
    const offered: unknown[] = [];
    const encoder = new ValueEncoder({ encodeShared: (value) => (offered.push(value), undefined) });
    const decoder = new ValueDecoder();
    const ring = new Uint8Array(new SharedArrayBuffer(1024));
    let at = 0;
    for (let i = -5000; i < 5000; i += 7) {
      const n = i % 3 === 0 ? i / 4 : i;
      if (at > 1000) at = 0;
      const size = encoder.encodeInto(n, ring, at, ring.length);
      expect(decoder.decode(ring, at, at + size)).toBe(n);
      at += size;
    }
    expect(offered).toEqual([]);
  });
});

describe('corrupt bytes', () => {
  it('throws a RangeError for unknown tags, truncation and leftovers', () => {
    const bytes = encodeValue({ a: 'text', b: [1, 2, 3] });
    expect(() => decodeValue(new Uint8Array([0x7f]))).toThrow(RangeError);
    expect(() => decodeValue(bytes.subarray(0, bytes.length - 3))).toThrow(/Corrupt encoded value/);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(() => decodeValue(longer)).toThrow(/ends at byte/);
  });
});

// ── Randomized round trips against structuredClone ─────────────────────────────────────────

/** mulberry32: a small deterministic PRNG, so failures reproduce. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A class instance: structuredClone (and the codec) copy its own fields into a plain object. */
class Sample {
  kind = 'sample';
  payload: unknown = null;
  describe() {
    return `${this.kind}: ${String(this.payload)}`;
  }
}

function generator(seed: number) {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const made: object[] = [];
  const keep = <T extends object>(object: T): T => (made.push(object), object);

  const numbers = [0, -0, 1, 127, 128, -1, 2 ** 31, -(2 ** 31), NaN, Infinity, -Infinity, 0.1, 1e300, -5e-324];
  const string = (): string => {
    const length = pick([0, 1, 3, 8, 20, 60, 300]);
    let s = '';
    for (let i = 0; i < length; i++) {
      const roll = random();
      s += roll < 0.7 ? String.fromCharCode(32 + int(95)) : roll < 0.8 ? String.fromCharCode(0x80 + int(0x780)) :
        roll < 0.9 ? String.fromCharCode(0x800 + int(0xd000)) : roll < 0.97 ? '😀' : String.fromCharCode(0xd800 + int(0x800));
    }
    return s;
  };
  const primitive = (): unknown => {
    switch (int(8)) {
      case 0: return pick([undefined, null, true, false]);
      case 1: return pick(numbers);
      case 2: return int(1000);
      case 3: return (random() - 0.5) * 10 ** int(20);
      case 4: return BigInt(int(1e9)) ** BigInt(1 + int(4)) * (random() < 0.5 ? -1n : 1n);
      default: return string();
    }
  };
  const value = (depth: number): unknown => {
    if (depth > 3 || random() < 0.35) return primitive();
    if (made.length > 0 && random() < 0.1) return pick(made); // a shared reference, maybe a cycle
    switch (int(12)) {
      case 0:
      case 1: {
        const array = keep<unknown[]>([]);
        const length = int(6);
        for (let i = 0; i < length; i++) if (random() < 0.9) array[i] = value(depth + 1);
        array.length = length; // trailing holes too
        return array;
      }
      case 2:
      case 3: {
        const object = keep<Record<string, unknown>>({});
        for (let i = int(6); i > 0; i--) object[pick(['id', 'name', 'x', '0', '17', 'ключ', string()])] = value(depth + 1);
        return object;
      }
      case 4: {
        const map = keep(new Map());
        for (let i = int(4); i > 0; i--) map.set(random() < 0.7 ? primitive() : value(depth + 1), value(depth + 1));
        return map;
      }
      case 5: {
        const set = keep(new Set());
        for (let i = int(4); i > 0; i--) set.add(value(depth + 1));
        return set;
      }
      case 6:
        return keep(random() < 0.5 ? new Date(int(2e12)) : new RegExp(pick(['a+', '^x$', '\\d{2}', '[é]']), pick(['', 'g', 'giu', 'y'])));
      case 7: {
        const buffer = new ArrayBuffer(8 * int(5));
        new Uint8Array(buffer).forEach((_, i, bytes) => (bytes[i] = int(256)));
        const Kind = pick([Uint8Array, Int16Array, Float64Array, BigInt64Array, DataView] as const);
        if (random() < 0.3) return keep(buffer);
        return keep(new (Kind as typeof Uint8Array)(buffer));
      }
      case 8: {
        const Kind = pick([Error, TypeError, RangeError, SyntaxError]);
        return keep(random() < 0.5 ? new Kind(string()) : new Kind(string(), { cause: value(depth + 1) }));
      }
      case 9:
        return keep(Object(pick([true, 3.5, 'boxed', 9n])));
      case 10: {
        const sample = keep(new Sample());
        sample.payload = value(depth + 1);
        return sample;
      }
      default:
        return primitive();
    }
  };
  return () => {
    made.length = 0;
    return value(0);
  };
}

/** Checks that `ours` shares objects exactly where `theirs` (structuredClone's result) does. */
function expectSameSharing(theirs: unknown, ours: unknown, pairs = new Map<object, unknown>()): void {
  if (theirs === null || typeof theirs !== 'object') return;
  if (pairs.has(theirs)) {
    expect(pairs.get(theirs)).toBe(ours);
    return;
  }
  pairs.set(theirs, ours);
  if (theirs instanceof Map) {
    const ourEntries = [...(ours as Map<unknown, unknown>)];
    [...theirs].forEach(([key, item], i) => {
      expectSameSharing(key, ourEntries[i][0], pairs);
      expectSameSharing(item, ourEntries[i][1], pairs);
    });
  } else if (theirs instanceof Set) {
    const ourItems = [...(ours as Set<unknown>)];
    [...theirs].forEach((item, i) => expectSameSharing(item, ourItems[i], pairs));
  } else if (ArrayBuffer.isView(theirs)) {
    expectSameSharing(theirs.buffer, (ours as ArrayBufferView).buffer, pairs);
  } else if (theirs instanceof Error) {
    expectSameSharing(theirs.cause, (ours as Error).cause, pairs);
  } else {
    for (const key of Object.keys(theirs)) expectSameSharing((theirs as any)[key], (ours as any)[key], pairs);
  }
}

describe('randomized round trips (deterministic seeds) match structuredClone', () => {
  it.each([1, 2, 3, 4])('seed %i: 150 values', (seed) => {
    const next = generator(seed);
    const encoder = new ValueEncoder();
    const decoder = new ValueDecoder();
    const ring = new Uint8Array(new SharedArrayBuffer(1 << 16));
    for (let i = 0; i < 150; i++) {
      const value = next();
      const theirs = structuredClone(value);
      const size = encoder.encodeInto(value, ring, 0, ring.length);
      const ours = size <= ring.length ? decoder.decode(ring, 0, size) : decoder.decode(encoder.encoded());
      expect(ours).toStrictEqual(theirs);
      expectSameSharing(theirs, ours);
    }
  });
});
