/**
 * Item store: where a queue (or one direction of a pipe) keeps its items, in shared memory.
 *
 * Items are stored as records in an arena, a growable `SharedArrayBuffer`: every thread that
 * has the queue sees the same bytes, so an item crosses threads by being written here by one
 * thread and read by another, with no message per item. The caller (channel.ts) holds the
 * queue's mutex around every method: the store itself does no synchronisation.
 *
 * A record:
 *
 *   header   u32: payload size in bytes | NUMBER_FLAG (payload is a float64) | FREE_FLAG
 *   key      (priority order only) float64 priority, float64 insertion sequence
 *   payload  the item: a float64 for a number (the fast path: no codec), else the value
 *            codec's bytes (value-codec.ts); padded to a multiple of 4
 *   trailer  (LIFO order only) u32, a copy of the header, so the last record can be found
 *
 * Live records lie in [HEAD, TOP). In FIFO order, putters and getters hold different locks
 * (channel.ts): putters own TOP, getters own HEAD, COUNT is atomic, and moving
 * records (compaction, growth, clear) happens with both locks held. The store's words are
 * spread over four cache lines: see the layout below. Other orders run under one
 * lock. The three orders take from different places:
 *   fifo      the record at HEAD (HEAD moves up; records are never freed out of order)
 *   lifo      the record ending at TOP (TOP moves down; HEAD stays 0)
 *   priority  the record a binary heap of record offsets (a second growable buffer) says is
 *             smallest by (priority, sequence); it is marked FREE, and HEAD skips FREE records
 *
 * Space: a new record goes at TOP. When it does not fit before the end, the live records are
 * moved down to offset 0 (compaction) if at most half the arena would then be used, else the
 * arena grows (doubling, up to MAX_STORE_BYTES). An empty store starts again at 0 (FIFO: at
 * the next put), so a queue that is emptied often never compacts. Each byte is moved at most about once per pass.
 *
 * Invariants: LIVE (TOP - HEAD in FIFO order) is the sum of the live records' sizes; COUNT
 * the number of live records (and, in priority order, the heap's size); CAPACITY the arena's byte length, which only
 * grows. Other threads rebuild their views of the arena when they see CAPACITY change.
 */
/** Which item a store gives back first. */
export type ItemOrder = 'fifo' | 'lifo' | 'priority';

// Words of a store inside its owner's Int32Array (relative to the base the owner gives), in
// four groups a cache line (16 words) apart, so that in FIFO order a putter and a getter
// working at once share only COUNT's line (and the arena's bytes): the put side's words, the
// get side's HEAD, COUNT, and the read-mostly sizes, which both sides read on every operation
// and which change only when the arena or heap grows.
const TOP = 0;
/** Bytes of live records (FIFO order does not keep it: there it is TOP - HEAD). */
const LIVE = 1;
const HEAD = 16;
const COUNT = 32;
const CAPACITY = 48;
const HEAP_CAPACITY = 49;
/**
 * How many Int32 words a store spans in its owner's words. Its last line (from CAPACITY) is
 * read-mostly: an owner may put its own read-mostly words after these, on the same line.
 */
export const STORE_WORDS = HEAP_CAPACITY + 1;


/** Arena bytes a new store starts with. */
const INITIAL_BYTES = 64 * 1024;
/**
 * Most bytes one store can hold. The arena's address space is reserved up front (not its
 * memory: only what is used is committed), so this bounds a reservation, not a cost.
 */
export const MAX_STORE_BYTES = 256 * 1024 * 1024;
const INITIAL_HEAP_ENTRIES = 256;
/** Heap entries a priority store can hold: one per record, and a record is ≥ 24 bytes. */
const MAX_HEAP_ENTRIES = MAX_STORE_BYTES / 24;
/** Bytes before the heap's entries: the float64 next insertion sequence. */
const HEAP_HEADER_BYTES = 8;

const HEADER_BYTES = 4;
const KEY_BYTES = 16;
const TRAILER_BYTES = 4;
const NUMBER_BYTES = 8;
const NUMBER_FLAG = 1 << 30;
const FREE_FLAG = 0x8000_0000;
const SIZE_MASK = NUMBER_FLAG - 1;

/** The largest payload a single item may have, in bytes (its record must fit the arena). */
export const MAX_PAYLOAD_BYTES = MAX_STORE_BYTES - HEADER_BYTES - KEY_BYTES - TRAILER_BYTES;

const pad4 = (n: number): number => (n + 3) & ~3;

/** What {@link ItemStore.pop} returns for an item that is not a number. */
export const ENCODED: unique symbol = Symbol('encoded');

/** The shared buffers of a store, as they travel in a descriptor. */
export interface StoreBuffers {
  arena: SharedArrayBuffer;
  heap: SharedArrayBuffer | null;
}

/** One thread's view of a store. See the module comment. */
export class ItemStore {
  readonly order: ItemOrder;
  readonly buffers: StoreBuffers;
  /** This thread's copy of the last item {@link pop} returned as {@link ENCODED}. */
  encoded = new Uint8Array(256);
  encodedSize = 0;
  readonly #words: Int32Array;
  readonly #base: number;
  /** Bytes before the payload and after it, for this order. */
  readonly #prefix: number;
  readonly #suffix: number;
  // Views of the arena (and heap) as long as this thread last saw them; see #refresh.
  #capacity = 0;
  #bytes: Uint8Array<SharedArrayBuffer> = new Uint8Array(new SharedArrayBuffer(0));
  #view: DataView<SharedArrayBuffer> = new DataView(this.#bytes.buffer);
  #heapCapacity = 0;
  #heap: Uint32Array<SharedArrayBuffer> = new Uint32Array(this.#bytes.buffer);
  #sequence: Float64Array<SharedArrayBuffer> = new Float64Array(this.#bytes.buffer);

  constructor(words: Int32Array, base: number, order: ItemOrder, buffers: StoreBuffers) {
    this.#words = words;
    this.#base = base;
    this.order = order;
    this.buffers = buffers;
    this.#prefix = HEADER_BYTES + (order === 'priority' ? KEY_BYTES : 0);
    this.#suffix = order === 'lifo' ? TRAILER_BYTES : 0;
  }

  /** A new, empty store in `words` at `base` (which must be zero), with fresh buffers. */
  static create(words: Int32Array, base: number, order: ItemOrder): ItemStore {
    const arena = new SharedArrayBuffer(INITIAL_BYTES, { maxByteLength: MAX_STORE_BYTES });
    words[base + CAPACITY] = INITIAL_BYTES;
    let heap: SharedArrayBuffer | null = null;
    if (order === 'priority') {
      heap = new SharedArrayBuffer(HEAP_HEADER_BYTES + INITIAL_HEAP_ENTRIES * 4, {
        maxByteLength: HEAP_HEADER_BYTES + MAX_HEAP_ENTRIES * 4,
      });
      words[base + HEAP_CAPACITY] = INITIAL_HEAP_ENTRIES;
    }
    return new ItemStore(words, base, order, { arena, heap });
  }

  /** Items stored. May be read without the lock (a snapshot). */
  count(): number {
    return Atomics.load(this.#words, this.#base + COUNT);
  }

  /** The record size an item of `payloadBytes` needs. */
  recordBytes(payloadBytes: number): number {
    return this.#prefix + pad4(payloadBytes) + this.#suffix;
  }

  /**
   * Whether a record of `recordBytes` fits at TOP as things are (the put side's fast path: in
   * FIFO order, only the putters' lock is held). An empty FIFO store whose TOP has reached the
   * arena's end starts again at 0 here, so a queue emptied often never compacts. (Only then:
   * resetting on every put into an empty store would write the getters' HEAD line, and read
   * COUNT's, on every put of a stream that the getters keep up with.)
   */
  fits(recordBytes: number): boolean {
    this.#refresh();
    const words = this.#words;
    const b = this.#base;
    const full = words[b + TOP] + recordBytes > this.#capacity;
    if (full && this.order === 'fifo' && Atomics.load(words, b + COUNT) === 0) {
      // No getter touches HEAD while COUNT is 0: each finished with it before its decrement
      // of COUNT (which our load of COUNT synchronises with), and none reads it again before
      // it sees our next increment (which publishes this plain store).
      words[b + HEAD] = 0;
      words[b + TOP] = 0;
    }
    return words[b + TOP] + recordBytes <= this.#capacity && this.#heapHasRoom();
  }

  /**
   * Makes room at TOP for a record of `recordBytes` (compacting or growing the arena). Returns
   * false, changing nothing, if the arena at its largest could not hold it next to the live
   * records: the caller waits for items to be taken. The caller must exclude getters too (it
   * moves records).
   */
  reserve(recordBytes: number): boolean {
    if (this.fits(recordBytes)) return true;
    const words = this.#words;
    const b = this.#base;
    const need = this.#live() + recordBytes;
    if (need > MAX_STORE_BYTES) return false;
    if (need > this.#capacity / 2) {
      let capacity = this.#capacity;
      while (capacity < 2 * need && capacity < MAX_STORE_BYTES) capacity *= 2;
      capacity = Math.min(capacity, MAX_STORE_BYTES);
      if (capacity > this.#capacity) {
        this.buffers.arena.grow(capacity);
        // Published under the caller's lock: the next holder sees it and rebuilds its views.
        words[b + CAPACITY] = capacity;
        this.#refresh();
      }
    }
    if (words[b + TOP] + recordBytes > this.#capacity) this.#compact();
    if (!this.#heapHasRoom()) this.#growHeap();
    return true;
  }

  /**
   * Appends an item whose room {@link reserve} made: `number` when `bytes` is null (the number
   * fast path), else the encoded `bytes`. `priority` is used in priority order only.
   */
  push(number: number, bytes: Uint8Array | null, priority: number): void {
    const words = this.#words;
    const b = this.#base;
    const at = words[b + TOP];
    const size = bytes === null ? NUMBER_BYTES : bytes.length;
    const header = bytes === null ? size | NUMBER_FLAG : size;
    const view = this.#view;
    view.setUint32(at, header, true);
    const payload = at + this.#prefix;
    if (bytes === null) view.setFloat64(payload, number, true);
    else if (size <= 16) for (let i = 0; i < size; i++) this.#bytes[payload + i] = bytes[i];
    else this.#bytes.set(bytes, payload);
    const record = this.recordBytes(size);
    if (this.order === 'lifo') view.setUint32(at + record - TRAILER_BYTES, header, true);
    words[b + TOP] = at + record;
    if (this.order !== 'fifo') words[b + LIVE] += record;
    if (this.order === 'priority') {
      const sequence = this.#sequence[0]++;
      view.setFloat64(at + HEADER_BYTES, priority, true);
      view.setFloat64(at + HEADER_BYTES + 8, sequence, true);
      this.#heapPush(at);
    }
    // COUNT is read without the lock by qsize()/empty(): store it atomically, last.
    Atomics.add(words, b + COUNT, 1);
  }

  /**
   * Removes the next item in this store's order (the store must not be empty) and returns it
   * if it is a number; else returns {@link ENCODED}, with its encoding copied to
   * {@link encoded}`[0, encodedSize)` (decoded by the caller once the lock is released: a
   * private copy decodes several times faster than views of a growable shared buffer).
   */
  pop(): number | typeof ENCODED {
    this.#refresh();
    const words = this.#words;
    const b = this.#base;
    const view = this.#view;
    let at: number;
    let header: number;
    if (this.order === 'fifo') {
      // Plain: HEAD is written under the getters' lock, which we hold, or by a putter (fits)
      // before an increment of COUNT that our caller's load of COUNT synchronised with.
      at = words[b + HEAD];
      header = view.getUint32(at, true);
    } else if (this.order === 'lifo') {
      header = view.getUint32(words[b + TOP] - TRAILER_BYTES, true);
      at = words[b + TOP] - this.recordBytes(header & SIZE_MASK);
    } else {
      at = this.#heapPop();
      header = view.getUint32(at, true);
    }
    const size = header & SIZE_MASK;
    const payload = at + this.#prefix;
    let item: number | typeof ENCODED;
    if (header & NUMBER_FLAG) {
      item = view.getFloat64(payload, true);
    } else {
      if (size > this.encoded.length) this.encoded = new Uint8Array(Math.max(size, 2 * this.encoded.length));
      const bytes = this.#bytes;
      const into = this.encoded;
      if (size <= 16) for (let i = 0; i < size; i++) into[i] = bytes[payload + i];
      else into.set(bytes.subarray(payload, payload + size));
      this.encodedSize = size;
      item = ENCODED;
    }
    this.#remove(at, this.recordBytes(size));
    return item;
  }

  /** Drops every item (an immediate shutdown); returns how many there were. */
  clear(): number {
    const words = this.#words;
    const b = this.#base;
    const count = words[b + COUNT];
    words[b + HEAD] = words[b + TOP] = words[b + LIVE] = 0;
    Atomics.store(words, b + COUNT, 0);
    return count;
  }

  #remove(at: number, record: number): void {
    const words = this.#words;
    const b = this.#base;
    if (this.order === 'fifo') {
      // Getters and putters hold different locks in FIFO order: HEAD first, COUNT last, so
      // a putter that sees COUNT 0 knows we are done with HEAD (see fits). HEAD can be a plain
      // store: the sequentially consistent decrement of COUNT after it publishes it.
      words[b + HEAD] = at + record;
      Atomics.sub(words, b + COUNT, 1);
      return;
    }
    words[b + LIVE] -= record;
    Atomics.sub(words, b + COUNT, 1);
    if (words[b + COUNT] === 0) {
      // Empty: start again at the bottom, so a queue emptied often never needs to compact.
      words[b + HEAD] = words[b + TOP] = 0;
    } else if (this.order === 'lifo') {
      words[b + TOP] = at;
    } else {
      this.#view.setUint32(at, this.#view.getUint32(at, true) | FREE_FLAG, true);
      let head = words[b + HEAD];
      const top = words[b + TOP];
      while (head < top) {
        const header = this.#view.getUint32(head, true);
        if (!(header & FREE_FLAG)) break;
        head += this.recordBytes(header & SIZE_MASK);
      }
      words[b + HEAD] = head;
    }
  }

  /** Bytes of live records. In FIFO order, with both locks held (HEAD is the getters'). */
  #live(): number {
    const words = this.#words;
    const b = this.#base;
    return this.order === 'fifo' ? words[b + TOP] - words[b + HEAD] : words[b + LIVE];
  }

  /** Moves the live records down to offset 0 (priority order: and re-points the heap). */
  #compact(): void {
    const words = this.#words;
    const b = this.#base;
    const head = words[b + HEAD];
    const top = words[b + TOP];
    if (this.order !== 'priority') {
      this.#bytes.copyWithin(0, head, top);
      words[b + HEAD] = 0;
      words[b + TOP] = top - head;
      return;
    }
    const moved = new Map<number, number>();
    let to = 0;
    for (let at = head; at < top; ) {
      const header = this.#view.getUint32(at, true);
      const record = this.recordBytes(header & SIZE_MASK);
      if (!(header & FREE_FLAG)) {
        if (to !== at) this.#bytes.copyWithin(to, at, at + record);
        moved.set(at, to);
        to += record;
      }
      at += record;
    }
    const count = words[b + COUNT];
    for (let i = 0; i < count; i++) this.#heap[i] = moved.get(this.#heap[i])!;
    words[b + HEAD] = 0;
    words[b + TOP] = to;
  }

  /** Rebuilds this thread's views if another thread grew the arena or heap since. */
  #refresh(): void {
    const words = this.#words;
    const b = this.#base;
    const capacity = words[b + CAPACITY];
    if (capacity !== this.#capacity) {
      // The grower's lock release made the new length visible; fixed-length views of it.
      this.#capacity = capacity;
      this.#bytes = new Uint8Array(this.buffers.arena, 0, capacity);
      this.#view = new DataView(this.buffers.arena, 0, capacity);
    }
    const heap = this.buffers.heap;
    if (heap !== null && words[b + HEAP_CAPACITY] !== this.#heapCapacity) {
      this.#heapCapacity = words[b + HEAP_CAPACITY];
      this.#heap = new Uint32Array(heap, HEAP_HEADER_BYTES, this.#heapCapacity);
      this.#sequence = new Float64Array(heap, 0, 1);
    }
  }

  // ── The heap (priority order): record offsets, smallest (priority, sequence) first ──────

  #heapHasRoom(): boolean {
    return this.order !== 'priority' || this.#words[this.#base + COUNT] < this.#heapCapacity;
  }

  #growHeap(): void {
    const entries = Math.min(this.#heapCapacity * 2, MAX_HEAP_ENTRIES);
    this.buffers.heap!.grow(HEAP_HEADER_BYTES + entries * 4);
    this.#words[this.#base + HEAP_CAPACITY] = entries;
    this.#refresh();
  }

  /** Whether the record at `a` comes out before the record at `b`. */
  #before(a: number, b: number): boolean {
    const view = this.#view;
    const pa = view.getFloat64(a + HEADER_BYTES, true);
    const pb = view.getFloat64(b + HEADER_BYTES, true);
    if (pa !== pb) return pa < pb;
    return view.getFloat64(a + HEADER_BYTES + 8, true) < view.getFloat64(b + HEADER_BYTES + 8, true);
  }

  #heapPush(at: number): void {
    const heap = this.#heap;
    let i = this.#words[this.#base + COUNT];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(at, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = at;
  }

  #heapPop(): number {
    const heap = this.#heap;
    const top = heap[0];
    const size = this.#words[this.#base + COUNT] - 1;
    const last = heap[size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && this.#before(heap[child + 1], heap[child])) child++;
      if (!this.#before(heap[child], last)) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
