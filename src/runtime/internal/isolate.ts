/**
 * What "a process has its own memory" means for the values given to it: every
 * SharedArrayBuffer reachable from them as plain data (directly, or under a typed array or
 * DataView) is copied, so writes on either side are not seen by the other. Runtime objects
 * that are shared on purpose (anything with a SHARE method: Value, SharedArray, Queue, Pipe
 * ends, Manager containers, locks…) are left as they are and stay shared.
 *
 * The walk rebuilds arrays, plain objects, Maps and Sets (keeping shared references and
 * cycles), so that the copies can take the place of the originals; anything else is kept as
 * it is, for encodeForThread or the value codec to copy or refuse.
 */
import { SHARE } from './share.ts';

/** What the copies of shared buffers are: SharedArrayBuffers again, or plain ArrayBuffers. */
export type CopyInto = 'shared' | 'plain';

/** `value` with every plain-data SharedArrayBuffer replaced by a copy (see the module comment). */
export function copySharedMemory<T>(value: T, into: CopyInto): T {
  return copy(value, into, new Map()) as T;
}

type ViewConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;

function copy(value: unknown, into: CopyInto, seen: Map<object, unknown>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (SHARE in value) return value;
  if (value instanceof SharedArrayBuffer) {
    const buffer = into === 'shared' ? new SharedArrayBuffer(value.byteLength) : new ArrayBuffer(value.byteLength);
    new Uint8Array(buffer).set(new Uint8Array(value));
    seen.set(value, buffer);
    return buffer;
  }
  if (ArrayBuffer.isView(value)) {
    if (!(value.buffer instanceof SharedArrayBuffer)) return value;
    const buffer = copy(value.buffer, into, seen) as ArrayBufferLike;
    const out =
      value instanceof DataView
        ? new DataView(buffer, value.byteOffset, value.byteLength)
        : new (value.constructor as ViewConstructor)(buffer, value.byteOffset, (value as unknown as { length: number }).length);
    seen.set(value, out);
    return out;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i], into, seen);
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    seen.set(value, out);
    for (const [key, item] of value) out.set(copy(key, into, seen), copy(item, into, seen));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set();
    seen.set(value, out);
    for (const item of value) out.add(copy(item, into, seen));
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const key of Object.keys(value)) out[key] = copy((value as Record<string, unknown>)[key], into, seen);
  return out;
}
