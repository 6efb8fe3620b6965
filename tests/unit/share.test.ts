import { afterAll, describe, expect, it } from 'vitest';
import { Barrier } from '../../src/runtime/barrier.ts';
import { Condition } from '../../src/runtime/condition.ts';
import { Event } from '../../src/runtime/event.ts';
import { Lock } from '../../src/runtime/lock.ts';
import { RLock } from '../../src/runtime/rlock.ts';
import { BoundedSemaphore, Semaphore } from '../../src/runtime/semaphore.ts';
import { decodeFromThread, encodeForThread, SHARE } from '../../src/runtime/internal/share.ts';
import { RawThreadPool } from '../support/raw-threads.ts';

const pool = new RawThreadPool();
afterAll(() => pool.close());

/** What another thread would get: encode, structured clone (as postMessage does), decode. */
const send = (value: unknown, where = 'args') => decodeFromThread(structuredClone(encodeForThread(value, where)));

describe('encodeForThread / decodeFromThread', () => {
  it('copies plain data through arrays, objects, Maps and Sets, keeping shared references and cycles', () => {
    const shared = { n: 1 };
    const value: any = { list: [1, 'two', shared, shared], map: new Map([['k', shared]]), set: new Set([3]), date: new Date(5) };
    value.self = value;
    const out = send(value) as any;
    expect(out.list.slice(0, 2)).toEqual([1, 'two']);
    expect(out.list[2]).toBe(out.list[3]);
    expect(out.map.get('k')).toBe(out.list[2]);
    expect(out.set.has(3)).toBe(true);
    expect(out.date.getTime()).toBe(5);
    expect(out.self).toBe(out);
  });

  it('every primitive arrives as a view of the same shared memory', () => {
    pool.startRun();
    const lock = new Lock();
    const rlock = new RLock();
    const cond = new Condition(rlock);
    const sem = new BoundedSemaphore(2);
    const event = new Event();
    const barrier = new Barrier(1, { action: () => 'x' });
    const [l, r, c, s, e, b] = send([lock, rlock, cond, sem, event, barrier]) as any[];
    expect(l).toBeInstanceOf(Lock);
    expect(l).not.toBe(lock);
    l.acquire();
    expect(lock.locked()).toBe(true);
    lock.release();
    expect(l.locked()).toBe(false);
    expect(l.id).toBe(lock.id);
    expect(r).toBeInstanceOf(RLock);
    expect(c.lock).toBeInstanceOf(RLock);
    c.acquire();
    expect(rlock.locked()).toBe(true);
    c.release();
    expect(s).toBeInstanceOf(BoundedSemaphore);
    s.acquire();
    expect(sem.value).toBe(1);
    expect(() => s.release(2)).toThrow(/initial value 2/);
    e.set();
    expect(event.isSet()).toBe(true);
    expect(b).toBeInstanceOf(Barrier);
    expect(b.parties).toBe(1);
    expect(b.wait()).toBe(0);
    expect(new Semaphore(1)[SHARE]().$interleave).toBe('semaphore');
  });

  it('the same object sent twice in one message arrives as one object', () => {
    const lock = new Lock();
    const [a, b] = send([lock, { again: lock }]) as any[];
    expect(b.again).toBe(a);
  });

  it('refuses functions, symbols and class instances, naming the type and the path', () => {
    expect(() => encodeForThread([1, { callback: function onDone() {} }], 'args')).toThrow(
      /^args\[1\]\.callback is a function onDone\. Functions cannot be sent to another thread/,
    );
    expect(() => encodeForThread({ s: Symbol('x') }, 'args')).toThrow(/^args\.s is a symbol/);
    class Account {
      balance = 0;
      deposit() {}
    }
    expect(() => encodeForThread({ accounts: new Map([['a', new Account()]]) }, 'args')).toThrow(
      /^args\.accounts\.get\("a"\) is an Account, which cannot be sent to another thread\. .*loses its methods/,
    );
    expect(() => encodeForThread([new WeakMap()], 'args')).toThrow(/^args\[0\] is a WeakMap/);
  });

  it('an unknown descriptor kind is a clear error', () => {
    expect(() => decodeFromThread({ $interleave: 'teapot' })).toThrow(/Cannot revive a shared "teapot"/);
  });

  it('a lock passed to real threads is the same lock there', async () => {
    const run = pool.startRun();
    const lock = new Lock();
    lock.acquire();
    const [seen] = (await pool.run((rt, me, lock) => [lock.locked(), lock.owner, lock.acquire({ blocking: false })], {
      threads: 1,
      args: [lock],
      run,
    })) as [boolean, number, boolean][];
    expect(seen).toEqual([true, 1, false]);
    lock.release();
  });
});
