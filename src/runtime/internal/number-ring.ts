/**
 * Number ring: the lock-free lane of a FIFO channel (channel.ts) for items that are numbers.
 *
 * A bounded many-producer, many-consumer ring of float64s in the channel's own shared words,
 * after Dmitry Vyukov's bounded MPMC queue: every slot carries a sequence word saying whose
 * turn it is, so a put is a load, one CAS on TAIL and two stores, a get a load, one CAS on
 * HEAD, a load and a store. Neither takes a mutex; puts write TAIL, gets HEAD, and they meet
 * only in the slots.
 *
 * Positions count in steps of 2 (wrapping modulo 2^32): bit 0 of TAIL is FROZEN. While it is
 * set no put can claim a position (a claim is a CAS from an even TAIL), so the channel can
 * route puts elsewhere — to its item store, for objects, for overflow, after a shutdown — and
 * still keep one FIFO order: everything claimed in the ring before the freeze comes before
 * anything stored after it (channel.ts keeps the rest of that contract).
 *
 * Slot states, for the position p a slot serves next (SEQ is the slot's sequence word):
 *   SEQ == p       free: a put may claim p (CAS TAIL p → p + STEP), write the value, publish
 *   SEQ == p + 1   published: a get may claim p (CAS HEAD p → p + STEP), read, and free the
 *                  slot for the next lap: SEQ = p + LAP (LAP = slots * STEP)
 * A claimed position is always published (or freed) right after the claim, with no waiting
 * in between, so a thread that finds a slot "busy" (claimed, not yet published or freed) only
 * waits for a running thread to finish two stores.
 *
 * Invariants: HEAD ≤ TAIL & ~FROZEN (as positions); (TAIL - HEAD) / STEP is the number of
 * claimed, not yet got items, at most the number of slots. SEQ words are stored minus the
 * slot's first position, so a zeroed buffer is an empty ring.
 *
 * Memory order: SEQ words are only ever read and written with Atomics, values with plain
 * accesses. A put's value write happens before the get's read of it (the get's SEQ load reads
 * the put's publishing store), and a get's value read happens before the next lap's put
 * writes the slot (that put's SEQ load reads the get's freeing store), so value accesses never
 * race. TAIL and HEAD are read plainly only where a CAS or a later atomic read checks them.
 *
 * Memory: positions only move forward, so a ring in steady use touches every slot once per
 * lap; its memory is all committed soon after it is first used. Size rings for what they
 * must hold (channel.ts, queue.ts).
 */

/** Positions advance by STEP, leaving bit 0 of TAIL for FROZEN. */
const STEP = 2;
const FROZEN = 1;

// Words of a ring inside its owner's Int32Array (relative to the base the owner gives): TAIL
// (written by puts) and HEAD (written by gets) on lines of their own, then the slots.
const TAIL = 0;
/** How many slots the ring has (a power of two, or 0 for a ring that stays frozen); set once. */
const CAPACITY = 1;
const HEAD = 16;
/** Slots start here, plus one word if needed to align the float64s to 8 bytes. */
const SLOTS = 32;
/** How many slots apart consecutive positions are spread (see NumberRing's #slot). */
const SPREAD_BITS = 3;
const SPREAD = 1 << SPREAD_BITS;
/** Int32 words per slot: the SEQ word, a pad, the float64 value. */
const SLOT_WORDS = 4;

/** How many Int32 words a ring of `slots` slots uses in its owner's words. */
export function ringWords(slots: number): number {
  return SLOTS + 1 + slots * SLOT_WORDS;
}

/** {@link NumberRing.tryPut}: stored. */
export const PUT_DONE = 0;
/** {@link NumberRing.tryPut}: no room under the limit (or in the ring). */
export const RING_FULL = 1;
/**
 * {@link NumberRing.tryPut}: the ring is frozen; the item must go elsewhere.
 * {@link NumberRing.tryGet}: nothing claimed in the ring, and it is frozen.
 */
export const RING_FROZEN = 2;
/**
 * {@link NumberRing.tryPut} / {@link NumberRing.tryGet}: the slot needed is claimed by a
 * thread that has not finished with it (a put not yet published, a get not yet freed);
 * it will be within a few instructions of that thread running.
 */
export const RING_BUSY = 3;
/** {@link NumberRing.tryGet}: got one; it is in {@link NumberRing.value}. */
export const GOT = 4;
/** {@link NumberRing.tryGet}: nothing claimed in the ring. */
export const RING_EMPTY = 5;

/** One thread's view of a ring. See the module comment. */
export class NumberRing {
  /** The number the last successful {@link tryGet} took. */
  value = 0;
  readonly #words: Int32Array;
  readonly #tail: number;
  readonly #head: number;
  /** Word index of slot 0's SEQ. */
  readonly #seq0: number;
  readonly #values: Float64Array;
  /** Float64 index of slot 0's value. */
  readonly #value0: number;
  /** Slots; MASK = slots - 1; LAP = slots * STEP is how far a slot's next position is. */
  readonly slots: number;
  readonly #mask: number;
  readonly #lap: number;
  /** log2(slots / SPREAD): see #slot. */
  readonly #spreadShift: number;

  constructor(words: Int32Array, base: number) {
    this.#words = words;
    this.#tail = base + TAIL;
    this.#head = base + HEAD;
    this.slots = words[base + CAPACITY];
    this.#mask = this.slots - 1;
    this.#lap = this.slots * STEP;
    this.#spreadShift = this.slots >= 4 * SPREAD ? Math.log2(this.slots / SPREAD) : -1;
    const pad = (words.byteOffset + (base + SLOTS) * 4) % 8 === 0 ? 0 : 1;
    this.#seq0 = base + SLOTS + pad;
    this.#values = new Float64Array(words.buffer, 0, (words.byteOffset + words.byteLength) >> 3);
    this.#value0 = (words.byteOffset + (this.#seq0 + 2) * 4) >> 3;
  }

  /**
   * Sets up a ring of `slots` slots (a power of two; 0: never used, frozen for good) in zeroed
   * `words` at `base`, before any other thread sees it.
   */
  static init(words: Int32Array, base: number, slots: number): void {
    if (slots !== 0 && (slots & (slots - 1)) !== 0) throw new RangeError(`ring slots must be a power of two, got ${slots}`);
    words[base + CAPACITY] = slots;
    if (slots === 0) words[base + TAIL] = FROZEN;
  }

  /**
   * Adds `value` if fewer than `limit` items are claimed (`limit` ≥ slots: no bound but the
   * ring's). Returns PUT_DONE, RING_FULL, RING_FROZEN or RING_BUSY; only PUT_DONE changes
   * anything.
   */
  tryPut(value: number, limit: number): number {
    const words = this.#words;
    const bounded = limit < this.slots;
    // Plain: the CAS below checks TAIL (a stale one fails it). Retries reread it atomically.
    let tail = words[this.#tail];
    for (;;) {
      if (tail & FROZEN) return RING_FROZEN;
      const slot = this.#slot(tail);
      const first = this.#first(tail);
      // Atomic, as the get side's SEQ read: seeing "free" must synchronise with the freeing
      // store of the get that finished with the slot, so that its plain read of the value
      // happens before our plain write of the next lap's value. (A plain read that sees the
      // store does not synchronise with it in the JS memory model: those two accesses would
      // race, whatever the CAS on TAIL between them.)
      const d = (Atomics.load(words, slot) + first - tail) | 0;
      if (d === 0) {
        // Plain first: a stale HEAD is an older, smaller one, so it can only say "full"
        // wrongly, and that is checked again. (HEAD past our `tail` means TAIL moved: the CAS
        // fails.)
        if (bounded && ((tail - words[this.#head]) | 0) >= limit * STEP) {
          if (((tail - Atomics.load(words, this.#head)) | 0) >= limit * STEP) return RING_FULL;
        }
        // The claim: only one put moves TAIL from `tail`, and none while FROZEN is set. Our
        // write below comes after the SEQ load above in program order, hence after the get's
        // read of the slot's previous value.
        const seen = Atomics.compareExchange(words, this.#tail, tail, tail + STEP);
        if (seen === tail) {
          this.#values[this.#value0 + ((slot - this.#seq0) >> 1)] = value;
          // Publishes the value (a plain write before this sequentially consistent store).
          Atomics.store(words, slot, tail + 1 - first);
          return PUT_DONE;
        }
        tail = seen;
      } else if (d < 0) {
        // The slot still holds the item of one lap before: full, or its get is in flight.
        return ((tail - Atomics.load(words, this.#head)) | 0) >= this.#lap ? RING_FULL : RING_BUSY;
      } else {
        // Another put claimed `tail` since we read it; look again.
        tail = Atomics.load(words, this.#tail);
      }
    }
  }

  /** Takes the oldest number into {@link value}: returns GOT, RING_EMPTY, RING_FROZEN or RING_BUSY. */
  tryGet(): number {
    const words = this.#words;
    for (;;) {
      // Plain: the CAS below checks HEAD. (After a retry it cannot be the HEAD we read before:
      // the SEQ load that sent us round saw a store made after the CAS that moved HEAD.)
      const head = words[this.#head];
      const slot = this.#slot(head);
      const first = this.#first(head);
      // Atomic: this load synchronises with the put's publishing store, so the put's plain
      // write of the value happens before our plain read of it.
      const d = (Atomics.load(words, slot) + first - (head + 1)) | 0;
      if (d === 0) {
        if (Atomics.compareExchange(words, this.#head, head, head + STEP) === head) {
          this.value = this.#values[this.#value0 + ((slot - this.#seq0) >> 1)];
          // Frees the slot for the put one lap on (after our read of it).
          Atomics.store(words, slot, head + this.#lap - first);
          return GOT;
        }
      } else if (d < 0) {
        // Plain: a stale TAIL is an older one, so at worst a claim in flight reads as empty
        // (or an old freeze as frozen), which callers check again before acting on it.
        const tail = words[this.#tail];
        if ((tail & ~FROZEN) !== head) return RING_BUSY;
        return tail & FROZEN ? RING_FROZEN : RING_EMPTY;
      }
      // d > 0: another get took `head` since we read it; look again.
    }
  }

  /** What {@link tryGet} would answer now (GOT, RING_EMPTY or RING_BUSY), taking nothing. */
  peek(): number {
    const words = this.#words;
    const head = Atomics.load(words, this.#head);
    const d = (Atomics.load(words, this.#slot(head)) + this.#first(head) - (head + 1)) | 0;
    if (d >= 0) return GOT;
    return (Atomics.load(words, this.#tail) & ~FROZEN) === head ? RING_EMPTY : RING_BUSY;
  }

  /** Whether {@link tryPut} would answer RING_BUSY now (the next slot's get is in flight). */
  putBusy(): boolean {
    const words = this.#words;
    const tail = Atomics.load(words, this.#tail);
    if (tail & FROZEN) return false;
    if (((Atomics.load(words, this.#slot(tail)) + this.#first(tail) - tail) | 0) >= 0) return false;
    return ((tail - Atomics.load(words, this.#head)) | 0) < this.#lap;
  }

  /** Claimed items not yet got (a snapshot; counts puts still writing). */
  size(): number {
    // HEAD first: it never passes TAIL, so the difference is never negative.
    const head = Atomics.load(this.#words, this.#head);
    return (((Atomics.load(this.#words, this.#tail) & ~FROZEN) - head) | 0) / STEP;
  }

  /** How many items were ever claimed, modulo 2^31. */
  puts(): number {
    return Atomics.load(this.#words, this.#tail) >>> 1;
  }

  /**
   * Whether puts are refused (see the module comment). A plain read: exact for a caller that
   * holds whatever lock serialises freeze and thaw (the channel's LOCK), a snapshot otherwise.
   */
  frozen(): boolean {
    return (this.#words[this.#tail] & FROZEN) !== 0;
  }

  /** Refuses later puts; claims already made still publish. */
  freeze(): void {
    Atomics.or(this.#words, this.#tail, FROZEN);
  }

  /** Accepts puts again. */
  thaw(): void {
    Atomics.and(this.#words, this.#tail, ~FROZEN);
  }

  /**
   * The SEQ word index of the slot serving `position`. Consecutive positions go to slots
   * slots/SPREAD apart (index 8q + r → r·slots/8 + q, a bijection), so threads putting or getting
   * neighbouring positions at the same time write different cache lines, not one line in turns.
   */
  #slot(position: number): number {
    const index = (position >>> 1) & this.#mask;
    const spread = this.#spreadShift < 0 ? index : ((index & (SPREAD - 1)) << this.#spreadShift) | (index >>> SPREAD_BITS);
    return this.#seq0 + spread * SLOT_WORDS;
  }

  /** What SEQ words are stored relative to: the first position of `position`'s slot. */
  #first(position: number): number {
    return ((position >>> 1) & this.#mask) * STEP;
  }
}
