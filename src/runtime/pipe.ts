/**
 * Pipe and Connection, as Python's `multiprocessing.Pipe()`.
 *
 * `Pipe()` returns the two ends of a channel, each a Connection: what one end sends, the other
 * receives, in order. A duplex pipe (the default) carries values both ways; `Pipe({ duplex:
 * false })` gives a receive-only end and a send-only end, in that order (as Python). Values
 * are copied (any structured-cloneable value) through shared memory, like Queue items; the ends
 * are shared like a Lock, so pass one to a thread and keep the other.
 *
 * Closing: `close()` ends this end. The other end can still receive what was already sent,
 * then `recv()` throws `EOFError`; sending to a closed end throws `BrokenPipeError`. Using an
 * end after closing it, or in the direction it does not carry, is a UsageError.
 *
 * Algorithm: one channel (internal/channel.ts) per direction; channel k carries values to
 * end k. Closing end k shuts its outgoing channel down normally (the peer drains it, then sees
 * EOF) and its incoming channel immediately (the peer's sends fail).
 */
import { BrokenPipeError, EOFError, TimeoutError, UsageError } from './errors.ts';
import { CHANNEL_WORDS, Channel, FAILED, type ChannelIdentity } from './internal/channel.ts';
import { timeoutMs } from './internal/futex.ts';
import type { StoreBuffers } from './internal/item-store.ts';
import { atLine, registerKind, SHARE, SharedState, type Shareable, type ShareDescriptor } from './internal/share.ts';
import { trace } from './internal/trace.ts';
import { OP_CLOSE, OP_RECV, OP_SEND } from './internal/trace-ops.ts';

/** 1 once end 0 / end 1 is closed. */
const CLOSED = 0;
/** Where channel k (carrying values to end k) starts in the pipe's words. */
const CHANNEL = 2;
const WORDS = CHANNEL + 2 * CHANNEL_WORDS;

const channelBase = (end: number): number => CHANNEL + end * CHANNEL_WORDS;

/** Options of {@link Pipe}. */
export interface PipeOptions {
  /** `true` (default): both ends send and receive. `false`: the first end only receives, the second only sends. */
  duplex?: boolean;
}

/** Options of {@link Connection.recv}. */
export interface RecvOptions {
  /** Most ms to wait for a value, then throw a TimeoutError; `-1` (the default) waits as long as it takes. */
  timeout?: number;
}

interface Revived {
  state: SharedState;
  end: number;
  buffers: (StoreBuffers | null)[];
}

let reviving: Revived | null = null;

/**
 * Creates a pipe and returns its two ends. With `duplex: false`, the first end can only
 * receive and the second only send (Python's order).
 */
export function Pipe(options: PipeOptions = {}): [Connection, Connection] {
  const duplex = options.duplex ?? true;
  const state = SharedState.create('pipe', WORDS);
  const channels = [0, 1].map((end) =>
    // Simplex: only channel 0 (values to the receive-only end 0) exists.
    end === 0 || duplex ? Channel.create(state.words, channelBase(end), identityOf(state), 'fifo', 0) : null,
  );
  const buffers = channels.map((channel) => channel?.store.buffers ?? null);
  return [0, 1].map((end) => {
    reviving = { state, end, buffers };
    return new Connection();
  }) as [Connection, Connection];
}

function identityOf(state: SharedState): ChannelIdentity {
  return {
    kind: 'pipe',
    object: state.id,
    putOp: OP_SEND,
    getOp: OP_RECV,
    label: () => state.label(),
    noun: 'value',
  };
}

/**
 * One end of a {@link Pipe}, shared by every thread it is passed to. Several threads may use
 * the same end at once: each value sent is received exactly once.
 */
export class Connection implements Shareable {
  readonly #state: SharedState;
  readonly #end: number;
  readonly #buffers: (StoreBuffers | null)[];
  /** Values arriving at this end (null on a send-only end). */
  readonly #incoming: Channel | null;
  /** Values leaving this end (null on a receive-only end). */
  readonly #outgoing: Channel | null;

  /** Connections come from {@link Pipe}; `new Connection()` is a TypeError. */
  constructor() {
    if (reviving === null) throw new TypeError('Connections come in pairs from Pipe(): const [a, b] = Pipe();');
    const { state, end, buffers } = reviving;
    reviving = null;
    this.#state = state;
    this.#end = end;
    this.#buffers = buffers;
    const identity = identityOf(state);
    const attach = (k: number) => {
      const store = buffers[k];
      return store === null ? null : Channel.attach(state.words, channelBase(k), identity, 'fifo', store);
    };
    this.#incoming = attach(end);
    this.#outgoing = attach(1 - end);
  }

  /** Whether this end can receive (false for the send-only end of a simplex pipe). */
  get readable(): boolean {
    return this.#incoming !== null;
  }

  /** Whether this end can send (false for the receive-only end of a simplex pipe). */
  get writable(): boolean {
    return this.#outgoing !== null;
  }

  /** Whether this end was closed (by any thread). */
  get closed(): boolean {
    return Atomics.load(this.#state.words, CLOSED + this.#end) === 1;
  }

  /**
   * Sends a copy of `value` (any structured-cloneable value) to the other end; never waits
   * (a pipe holds up to 256 MiB of encoded values; past that, send waits for the receiver).
   * Throws BrokenPipeError if the other end is closed, a UsageError if this end is closed or
   * receive-only, a TypeError naming the type and place of anything that cannot be copied,
   * a RangeError for a value over 256 MiB encoded; nothing is sent then.
   */
  send(value: unknown): void {
    const channel = this.#usable('send', this.#outgoing);
    if (channel.put(value, Infinity) === FAILED) {
      throw new BrokenPipeError(`send()${atLine()} on ${this.#name()}: the other end is closed, so nobody can receive it.`);
    }
  }

  /**
   * Receives the next value, waiting for one: as long as it takes by default, or at most
   * `timeout` ms, then throws a TimeoutError. Throws EOFError once the other end is closed and
   * everything it sent was received; a UsageError if this end is closed or send-only.
   */
  recv(options: RecvOptions = {}): unknown {
    const timeout = timeoutMs(options.timeout, 'connection.recv');
    const channel = this.#usable('recv', this.#incoming);
    const value = channel.get(timeout);
    if (value !== FAILED) return value;
    if (channel.failure === 'shut') {
      throw new EOFError(`recv()${atLine()} on ${this.#name()}: the other end is closed and everything it sent was received.`);
    }
    throw new TimeoutError(`recv()${atLine()} on ${this.#name()}: nothing arrived within ${timeout} ms.`);
  }

  /**
   * Whether there is something to receive: a value, or the other end's close (then `recv()`
   * throws EOFError). Waits up to `timeout` ms for it: by default not at all; `null`, `-1` or
   * `Infinity` wait as long as it takes (Python's `poll(None)`). Throws a UsageError if this end
   * is closed or send-only, a RangeError for a negative timeout.
   */
  poll(timeout: number | null = 0): boolean {
    const ms = timeoutMs(timeout, 'connection.poll');
    return this.#usable('poll', this.#incoming).poll(ms) !== FAILED;
  }

  /**
   * Closes this end: the other end receives what was sent before, then EOFError; its sends
   * throw BrokenPipeError. Values sent to this end and not received are dropped. Closing
   * twice is harmless.
   */
  close(): void {
    if (Atomics.exchange(this.#state.words, CLOSED + this.#end, 1) === 1) return;
    trace(OP_CLOSE, this.#state.id, this.#end);
    this.#outgoing?.shutdown(false);
    this.#incoming?.shutdown(true);
  }

  /** The pipe's id in the run's object table (0 if it has none); both ends share it. */
  get id(): number {
    return this.#state.id;
  }

  toString(): string {
    return `${this.#name()}${this.closed ? ' (closed)' : ''}`;
  }

  [SHARE](): ShareDescriptor {
    return this.#state.describe({ end: this.#end, buffers: this.#buffers });
  }

  #name(): string {
    return `end ${this.#end} of ${this.#state.label()}`;
  }

  #usable(method: 'send' | 'recv' | 'poll', channel: Channel | null): Channel {
    if (this.closed) {
      throw new UsageError(`${method}()${atLine()} on ${this.#name()}, which was closed. A closed Connection cannot be used again.`);
    }
    if (channel === null) {
      const other = method === 'send' ? 'receive-only (the first end of Pipe({ duplex: false }))' : 'send-only (the second end of Pipe({ duplex: false }))';
      throw new UsageError(`${method}()${atLine()} on ${this.#name()}, which is ${other}.`);
    }
    return channel;
  }
}

registerKind('pipe', (descriptor) => {
  const { end, buffers } = descriptor as ShareDescriptor & { end: number; buffers: (StoreBuffers | null)[] };
  reviving = { state: SharedState.revive(descriptor), end, buffers };
  return new Connection();
});
