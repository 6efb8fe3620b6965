/**
 * Number ring: the lock-free lane of a FIFO channel (channel.ts) for items that are numbers.
 *
 * A bounded many-producer, many-consumer ring of float64s in the channel's own shared words,
 * after Dmitry Vyukov's bounded MPMC queue, with one store fewer on each side: a put is a CAS
 * on TAIL, a plain write and a publishing store; a get a load, a plain read and a CAS on HEAD.
 * Neither takes a mutex; puts write TAIL, gets HEAD, and they meet only in the slots. Every
 * Atomics call is a call into the engine (about 11 ns in V8, against under 1 ns for a plain
 * access), so the count per item is what this design minimises.
 *
 * Positions count in steps of 2 (wrapping modulo 2^32): bit 0 of TAIL is FROZEN. While it is
 * set no put can claim a position (a claim is a CAS from an even TAIL), so the channel can
 * route puts elsewhere — to its item store, for objects, for overflow, after a shutdown — and
 * still keep one FIFO order: everything claimed in the ring before the freeze comes before
 * anything stored after it (channel.ts keeps the rest of that contract).
 *
 * A put claims position p (CAS TAIL p → p + STEP) only when the slot is free, i.e. the get of
 * the position one lap before (p - LAP, LAP = slots * STEP) has moved HEAD past it; it then
 * writes the value and publishes it: SEQ = p + 1 (SEQ is the slot's sequence word). A get
 * reads SEQ for HEAD's position h; SEQ == h + 1 means published: it reads the value and claims
 * h (CAS HEAD h → h + STEP). The claim is the free: a get reads before it claims, and a put
 * reuses a slot only after seeing HEAD past it, so the one get whose claim succeeds read the
 * value before any later lap could write it. A get that read and then lost the claim raced a
 * faster get (and maybe the next lap's write): it drops what it read. A put waits for nothing
 * between its claim and its publish, so a get that finds a position claimed but not yet
 * published ("busy") only waits for a running thread to finish a write and a store.
 *
 * Each thread keeps the last HEAD it read: HEAD only moves forward, so a put that finds room
 * against that old value has room, and reads HEAD (the consumers' line) only when it seems
 * full — once a lap in steady streaming, not once a put.
 *
 * Invariants: HEAD ≤ TAIL & ~FROZEN (as positions); (TAIL - HEAD) / STEP is the number of
 * claimed, not yet got items, at most the number of slots. SEQ words are stored minus the
 * slot's first position, so a zeroed buffer is an empty ring.
 *
 * Memory order: SEQ, TAIL and HEAD are written only with Atomics, values plainly. A put's
 * value write happens before a get's read of it (the get's SEQ load reads the publishing
 * store). The winning get's read happens before the next lap's write of the slot (that put
 * saw HEAD past the get's claim, with an atomic load, and the read precedes the claim).
 * Losing gets' reads may race that write (the JS memory model gives such a read some value,
 * never undefined behaviour); they are dropped. TAIL and HEAD are read plainly only where a
 * CAS, or an atomic read before anything depends on the answer, checks them.
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
 * {@link NumberRing.tryGet}: the oldest position is claimed by a put that has not published
 * it yet; it will within a few instructions of that thread running.
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
  /**
   * The position the last {@link tryGet} that answered RING_BUSY found claimed and not yet
   * published; its put publishes it within a few instructions of running.
   */
  busy = 0;
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
  /**
   * A HEAD this thread read (atomically), and the TAIL it was putting at then. HEAD never
   * goes back, so room against it is room. Read again once TAIL has moved 2^30 past, so the
   * modular difference to the true HEAD can never wrap.
   */
  #headSeen = 0;
  #headSeenAt = 0;

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
    this.#readHead(0);
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
   * ring's). Returns PUT_DONE, RING_FULL or RING_FROZEN; only PUT_DONE changes anything.
   */
  tryPut(value: number, limit: number): number {
    const words = this.#words;
    const room = limit < this.slots ? limit * STEP : this.#lap;
    // Plain: the CAS below checks TAIL (a stale one fails it), and a failed CAS hands back
    // the current one.
    let tail = words[this.#tail];
    for (;;) {
      if (tail & FROZEN) return RING_FROZEN;
      // Unsigned: the difference to a HEAD seen is in [0, 2^31) (see #headSeen).
      if ((tail - this.#headSeen) >>> 0 >= room || (tail - this.#headSeenAt) >>> 0 >= 2 ** 30) {
        this.#readHead(tail);
        if ((tail - this.#headSeen) >>> 0 >= room) {
          // Full, unless TAIL moved on meanwhile (then HEAD is past `tail`, and the CAS fails).
          const now = Atomics.load(words, this.#tail);
          if (now === tail) return RING_FULL;
          tail = now;
          continue;
        }
      }
      // The claim: only one put moves TAIL from `tail`, and none while FROZEN is set.
      const seen = Atomics.compareExchange(words, this.#tail, tail, tail + STEP);
      if (seen === tail) {
        const slot = this.#slot(tail);
        // After the atomic HEAD read that showed the slot's last get claimed (see the module
        // comment): that get's read of the old value happens before this write.
        this.#values[this.#value0 + ((slot - this.#seq0) >> 1)] = value;
        // Publishes the value (a plain write before this sequentially consistent store).
        Atomics.store(words, slot, tail + 1 - this.#first(tail));
        return PUT_DONE;
      }
      tail = seen;
    }
  }

  /** Takes the oldest number into {@link value}: returns GOT, RING_EMPTY, RING_FROZEN or RING_BUSY. */
  tryGet(): number {
    const words = this.#words;
    // Plain: the CAS below checks HEAD. Retries read it atomically.
    let head = words[this.#head];
    for (;;) {
      const slot = this.#slot(head);
      // Atomic: this load synchronises with the put's publishing store, so the put's plain
      // write of the value happens before our plain read of it.
      const d = (Atomics.load(words, slot) + this.#first(head) - (head + 1)) | 0;
      if (d === 0) {
        // Read before the claim: once HEAD passes `head`, the next lap may write the slot.
        const value = this.#values[this.#value0 + ((slot - this.#seq0) >> 1)];
        const seen = Atomics.compareExchange(words, this.#head, head, head + STEP);
        if (seen === head) {
          this.value = value;
          return GOT;
        }
        // Another get claimed `head` first; what we read may be torn by the next lap.
        head = seen;
      } else if (d < 0) {
        // Not published: empty, or claimed by a put still writing. Plain first: a stale TAIL
        // is an older one, so at worst a claim in flight reads as empty (or an old freeze as
        // frozen), which callers check again before acting on it.
        let tail = words[this.#tail];
        if ((tail & ~FROZEN) !== head) {
          // RING_BUSY must mean `head` is claimed: callers wait for exactly its publish. A
          // weakly ordered CPU may have shown an older TAIL (or a `head` read after it), so
          // both are read again atomically, HEAD first: a TAIL read after it is never behind.
          const now = Atomics.load(words, this.#head);
          if (now !== head) {
            head = now;
            continue;
          }
          tail = Atomics.load(words, this.#tail);
          if ((tail & ~FROZEN) !== head) {
            this.busy = head;
            return RING_BUSY;
          }
        }
        return tail & FROZEN ? RING_FROZEN : RING_EMPTY;
      } else {
        // The slot serves a later lap: another get took `head` since we read it.
        head = Atomics.load(words, this.#head);
      }
    }
  }

  /** HEAD now: the position the next get takes. */
  head(): number {
    return Atomics.load(this.#words, this.#head);
  }

  /**
   * Whether the item at `position` is published (a get at that position would take it).
   * Reads only that slot's SEQ: waiters spin on this, not on TAIL, which every put writes
   * (a waiter reading TAIL would make each put's claim a cache miss).
   */
  published(position: number): boolean {
    return ((Atomics.load(this.#words, this.#slot(position)) + this.#first(position) - (position + 1)) | 0) >= 0;
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

  /** Reads HEAD for {@link tryPut}'s room check, noting the TAIL it was putting at. */
  #readHead(tail: number): void {
    this.#headSeen = Atomics.load(this.#words, this.#head);
    this.#headSeenAt = tail;
  }

  /** What SEQ words are stored relative to: the first position of `position`'s slot. */
  #first(position: number): number {
    return ((position >>> 1) & this.#mask) * STEP;
  }
}
