// Pipe and Connection between real worker threads (through the runner).
import { describe, expect, it } from 'vitest';
import { run, usePool } from './threads/harness.ts';

const pool = usePool(3);

async function lines(source: string): Promise<string[]> {
  const result = await run(pool, source, { timeout: 20_000 });
  if (result.end.status !== 'finished') throw new Error(`${result.end.status}: ${result.end.message}\n${result.lines.join('\n')}`);
  return result.lines;
}

describe('Pipe between threads', () => {
  it('carries values in order, both ways', async () => {
    const out = await lines(`import { Thread, Pipe, Connection } from 'interleave';
function child(conn: Connection) {
  for (;;) {
    const message = conn.recv() as { n: number; text: string } | null;
    if (message === null) break;
    conn.send({ n: message.n * 2, text: message.text.toUpperCase() });
  }
  conn.close();
}
const [parent, childEnd] = Pipe();
const t = new Thread({ target: child, args: [childEnd] });
t.start();
for (let i = 0; i < 1000; i++) parent.send({ n: i, text: 'item' + i });
parent.send(null);
let ordered = true;
for (let i = 0; i < 1000; i++) {
  const reply = parent.recv() as { n: number; text: string };
  if (reply.n !== i * 2 || reply.text !== 'ITEM' + i) ordered = false;
}
t.join();
console.log('ordered', ordered);
try { parent.recv(); } catch (error) { console.log((error as Error).name); }
try { parent.send(1); } catch (error) { console.log((error as Error).name); }
`);
    expect(out).toEqual(['ordered true', 'EOFError', 'BrokenPipeError']);
  });

  it('lets the receiver drain what was sent before the close, then throws EOFError', async () => {
    const out = await lines(`import { Thread, Pipe, Connection } from 'interleave';
function send(conn: Connection) {
  for (let i = 0; i < 5; i++) conn.send(i);
  conn.close();
}
const [receiver, sender] = Pipe({ duplex: false });
const t = new Thread({ target: send, args: [sender] });
t.start(); t.join();
const got: number[] = [];
try { for (;;) got.push(receiver.recv() as number); } catch (error) { console.log(got.join(','), (error as Error).name); }
console.log(receiver.poll(), receiver.readable, receiver.writable, sender.readable, sender.writable);
`);
    expect(out).toEqual(['0,1,2,3,4 EOFError', 'true true false false true']);
  });

  it('wakes a blocked recv with EOFError when the other end closes', async () => {
    const out = await lines(`import { Thread, Pipe, Connection, sleep } from 'interleave';
function closeLater(conn: Connection) { sleep(50); conn.close(); }
const [a, b] = Pipe();
new Thread({ target: closeLater, args: [b] }).start();
const start = performance.now();
try { a.recv(); } catch (error) { console.log((error as Error).name, performance.now() - start < 2000); }
`);
    expect(out).toEqual(['EOFError true']);
  });

  it('poll waits up to its timeout, and returns true as soon as a value arrives', async () => {
    const out = await lines(`import { Thread, Pipe, Connection, sleep } from 'interleave';
function sendLater(conn: Connection) { sleep(100); conn.send('late'); }
const [a, b] = Pipe();
console.log(a.poll());
let start = performance.now();
const polled = a.poll(120);
const waited = performance.now() - start;
console.log(polled, waited >= 115, waited < 1500);
new Thread({ target: sendLater, args: [b] }).start();
start = performance.now();
console.log(a.poll(5000), performance.now() - start < 2000, a.recv());
start = performance.now();
try { a.recv({ timeout: 80 }); } catch (error) { console.log((error as Error).name, performance.now() - start >= 75); }
`);
    expect(out).toEqual(['false', 'false true true', 'true true late', 'TimeoutError true']);
  });

  it('refuses misuse clearly: wrong direction, closed end, values that cannot be copied', async () => {
    const out = await lines(`import { Pipe } from 'interleave';
const [receiver, sender] = Pipe({ duplex: false });
const show = (fn: () => unknown) => { try { fn(); console.log('ok'); } catch (error) { console.log((error as Error).name + ': ' + (error as Error).message); } };
show(() => receiver.send(1));
show(() => sender.recv());
show(() => sender.send(() => 1));
show(() => sender.send({ id: Symbol('x') }));
sender.send('fine');
console.log(receiver.recv());
receiver.close();
show(() => receiver.recv());
show(() => sender.send(2));
`);
    expect(out[0]).toMatch(/^UsageError: send\(\) at line 4 on end 0 of Pipe #1 .*receive-only/);
    expect(out[1]).toMatch(/^UsageError: recv\(\) at line 5 on end 1 of Pipe #1 .*send-only/);
    expect(out[2]).toMatch(/^TypeError: Cannot send a function/);
    expect(out[3]).toMatch(/^TypeError: Cannot send a symbol .*value\.id/);
    expect(out[4]).toBe('fine');
    expect(out[5]).toMatch(/^UsageError: recv\(\) at line 11 on end 0 .*was closed/);
    expect(out[6]).toMatch(/^BrokenPipeError: /);
  });

  it('measures up: 2000 round trips between two threads', async () => {
    const out = await lines(`import { Thread, Pipe, Connection } from 'interleave';
function echo(conn: Connection) {
  for (;;) { const x = conn.recv() as number; if (x < 0) return; conn.send(x + 1); }
}
const [a, b] = Pipe();
const t = new Thread({ target: echo, args: [b] });
t.start();
let x = 0;
for (let i = 0; i < 2000; i++) { a.send(x); x = a.recv() as number; }
a.send(-1);
t.join();
console.log(x);
`);
    expect(out).toEqual(['2000']);
  });
});
