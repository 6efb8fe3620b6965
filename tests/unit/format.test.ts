import { describe, expect, it } from 'vitest';
import { formatArgs, formatTable, inspect, MAX_OUTPUT } from '../../src/runtime/internal/format.ts';

describe('formatArgs: format specifiers', () => {
  it('consumes arguments for %s %d %i %f %j %o %O %c and appends the rest', () => {
    expect(formatArgs(['%s|%d|%i|%f|%j|%o|%O|%c|%%|%x', 'str', '42.5', '42.5', '1.5', { a: 1 }, { b: [1] }, { c: 1 }, 'color:red', 'extra', 5])).toBe(
      'str|42.5|42|1.5|{"a":1}|{ b: [ 1 ] }|{ c: 1 }||%|%x extra 5',
    );
  });

  it('leaves a specifier with no argument as it is', () => {
    expect(formatArgs(['%s and %s', 'only'])).toBe('only and %s');
    expect(formatArgs(['100%'])).toBe('100%');
    expect(formatArgs(['%d%%', 50])).toBe('50%');
  });

  it('converts like console.log', () => {
    expect(formatArgs(['%s', { a: { b: 1 } }])).toBe('{ a: [Object] }');
    expect(formatArgs(['%s', [1, [2, [3]]]])).toBe('[ 1, [Array] ]');
    expect(formatArgs(['%s %s %s', 5n, Symbol('a'), null])).toBe('5n Symbol(a) null');
    expect(formatArgs(['%s', { toString: () => 'custom' }])).toBe('custom');
    expect(formatArgs(['%d %d %i %f', 5n, 'x', 3.9, '2.5e1'])).toBe('5n NaN 3 25');
    expect(formatArgs(['%j', (() => { const o: Record<string, unknown> = {}; o.o = o; return o; })()])).toBe('[Circular]');
    expect(formatArgs(['%j', undefined])).toBe('undefined');
  });

  it('prints top-level strings raw and the rest inspected, space separated', () => {
    expect(formatArgs(['count:', 3, 'items', ['a'], undefined, null, true])).toBe("count: 3 items [ 'a' ] undefined null true");
    expect(formatArgs([])).toBe('');
    expect(formatArgs([{ x: 1 }, '%s', 2])).toBe('{ x: 1 } %s 2');
  });

  it('caps very long output', () => {
    const text = formatArgs(['x'.repeat(MAX_OUTPUT + 5)]);
    expect(text).toBe(`${'x'.repeat(MAX_OUTPUT)}… (5 more characters)`);
  });
});

describe('formatArgs: values', () => {
  it('prints primitives the way Node does', () => {
    expect(formatArgs([-0, 1.5, NaN, -Infinity, 10n, Symbol('q'), Symbol()])).toBe('-0 1.5 NaN -Infinity 10n Symbol(q) Symbol()');
    expect(inspect("it's")).toBe(`"it's"`);
    expect(inspect('a\nb\t\\')).toBe("'a\\nb\\t\\\\'");
    expect(inspect(`'"`)).toBe(`'\\'"'`);
  });

  it('nests objects to depth 2 and quotes odd keys', () => {
    expect(formatArgs([{ a: { b: { c: { d: 1 } } }, 'a-b': 1, [Symbol('s')]: 2 }])).toBe("{ a: { b: { c: [Object] } }, 'a-b': 1, [Symbol(s)]: 2 }");
  });

  it('breaks long objects over lines, indented', () => {
    expect(formatArgs([{ aaaaaaaa: 'bbbbbbbbbbbbbbb', ccccccccccc: 'dddddddddddddddd', eeeeeeeeeeee: 'ffffffffffffffffff', g: { h: 1 } }])).toBe(
      "{\n  aaaaaaaa: 'bbbbbbbbbbbbbbb',\n  ccccccccccc: 'dddddddddddddddd',\n  eeeeeeeeeeee: 'ffffffffffffffffff',\n  g: { h: 1 }\n}",
    );
  });

  it('packs long arrays of short items and caps them at 100', () => {
    const text = formatArgs([Array.from({ length: 120 }, (_, i) => i)]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('[');
    expect(lines[1]).toBe('  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,');
    expect(lines.at(-3)).toBe('  88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99,');
    expect(lines.at(-2)).toBe('  ... 20 more items');
    expect(lines.at(-1)).toBe(']');
    expect(lines.every((line) => line.length <= 72)).toBe(true);
  });

  it('shows holes, extra array properties and array subclasses', () => {
    const array: unknown[] & { tag?: string } = [1, , , 4];
    array.tag = 'x';
    expect(inspect(array)).toBe("[ 1, <2 empty items>, 4, tag: 'x' ]");
    class Stack extends Array<number> {}
    expect(inspect(Stack.from([1, 2]))).toBe('Stack(2) [ 1, 2 ]');
  });

  it('prints Map, Set, WeakMap and empties', () => {
    expect(formatArgs([new Map<unknown, unknown>([['k', { x: 1 }], [1, [2]]]), new Set([1, 'a'])])).toBe("Map(2) { 'k' => { x: 1 }, 1 => [ 2 ] } Set(2) { 1, 'a' }");
    expect(formatArgs([new Map(), new Set(), [], {}, new WeakMap()])).toBe('Map(0) {} Set(0) {} [] {} WeakMap { <items unknown> }');
  });

  it('prints typed arrays, also over a SharedArrayBuffer, and the buffers', () => {
    const shared = new Int32Array(new SharedArrayBuffer(12));
    shared[1] = -7;
    expect(formatArgs([shared, new BigInt64Array([1n]), new Float64Array([0.5])])).toBe('Int32Array(3) [ 0, -7, 0 ] BigInt64Array(1) [ 1n ] Float64Array(1) [ 0.5 ]');
    expect(inspect(new Uint8Array([1, 255]).buffer)).toBe('ArrayBuffer { [Uint8Contents]: <01 ff>, byteLength: 2 }');
    expect(inspect(new SharedArrayBuffer(2))).toBe('SharedArrayBuffer { [Uint8Contents]: <00 00>, byteLength: 2 }');
  });

  it('names class instances, null-prototype objects and boxed primitives', () => {
    class Point {
      x: number;
      y: number;
      constructor(x: number, y: number) {
        this.x = x;
        this.y = y;
      }
    }
    class Empty {}
    expect(formatArgs([new Point(1, 2), new Empty(), Object.create(null), new Number(3), new String('s'), new Boolean(false)])).toBe(
      "Point { x: 1, y: 2 } Empty {} [Object: null prototype] {} [Number: 3] [String: 's'] [Boolean: false]",
    );
    expect(inspect({ p: { q: { r: new Point(0, 0) } } })).toBe('{ p: { q: { r: [Point] } } }');
  });

  it('prints dates, regexps, functions and classes', () => {
    class Base {}
    class Derived extends Base {}
    expect(formatArgs([new Date(0), new Date(NaN), /a+b/gi])).toBe('1970-01-01T00:00:00.000Z Invalid Date /a+b/gi');
    expect(formatArgs([function named() {}, () => 1, async function af() {}, function* gen() {}, Base, Derived, class {}])).toBe(
      '[Function: named] [Function (anonymous)] [AsyncFunction: af] [GeneratorFunction: gen] [class Base] [class Derived extends Base] [class (anonymous)]',
    );
  });

  it('prints errors as name: message, bracketed inside objects', () => {
    class TimeoutError extends Error {
      name = 'TimeoutError';
    }
    expect(formatArgs([new TypeError('bad'), new TimeoutError('slow'), new Error()])).toBe('TypeError: bad TimeoutError: slow Error');
    expect(inspect({ e: new RangeError('r') })).toBe('{ e: [RangeError: r] }');
  });

  it('prints cycles as [Circular], and repeated (non-cyclic) references in full', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    a.list = [a];
    const shared = { n: 1 };
    expect(formatArgs([a])).toBe('{ x: 1, self: [Circular], list: [ [Circular] ] }');
    expect(inspect([shared, shared])).toBe('[ { n: 1 }, { n: 1 } ]');
  });

  it('uses a value’s nodejs.util.inspect.custom method', () => {
    const lock = { [Symbol.for('nodejs.util.inspect.custom')]: () => 'Lock { locked: true }' };
    expect(formatArgs([{ lock }])).toBe('{ lock: Lock { locked: true } }');
  });

  it('caps object keys, Map and Set entries at 100', () => {
    const big = Object.fromEntries(Array.from({ length: 102 }, (_, i) => [`k${i}`, i]));
    expect(inspect(big).split('\n').at(-2)).toBe('  ... 2 more items');
    expect(inspect(new Set(Array.from({ length: 101 }, (_, i) => i))).split('\n').at(-2)).toBe('  ... 1 more item');
  });
});

describe('formatTable', () => {
  it('lays out an array of objects like console.table', () => {
    expect(formatTable([{ a: 1, b: 'Y' }, { a: 'Z', b: 2, c: { x: 1 } }])).toBe(
      [
        '┌─────────┬─────┬─────┬──────────┐',
        '│ (index) │ a   │ b   │ c        │',
        '├─────────┼─────┼─────┼──────────┤',
        "│ 0       │ 1   │ 'Y' │          │",
        "│ 1       │ 'Z' │ 2   │ { x: 1 } │",
        '└─────────┴─────┴─────┴──────────┘',
      ].join('\n'),
    );
  });

  it('lays out an object of objects, keyed by property', () => {
    expect(formatTable({ r1: { a: 1 }, r2: { b: [1, 2] } })).toBe(
      [
        '┌─────────┬───┬──────────┐',
        '│ (index) │ a │ b        │',
        '├─────────┼───┼──────────┤',
        '│ r1      │ 1 │          │',
        '│ r2      │   │ [ 1, 2 ] │',
        '└─────────┴───┴──────────┘',
      ].join('\n'),
    );
  });

  it('puts primitives in a Values column', () => {
    expect(formatTable([1, 'two', 3n])).toBe(
      ['┌─────────┬────────┐', '│ (index) │ Values │', '├─────────┼────────┤', '│ 0       │ 1      │', "│ 1       │ 'two'  │", '│ 2       │ 3n     │', '└─────────┴────────┘'].join(
        '\n',
      ),
    );
  });

  it('shows only the chosen columns, in their order', () => {
    expect(formatTable([{ a: 1, b: 2 }, { a: 3 }], ['b', 'q'])).toBe(
      ['┌─────────┬───┬───┐', '│ (index) │ b │ q │', '├─────────┼───┼───┤', '│ 0       │ 2 │   │', '│ 1       │   │   │', '└─────────┴───┴───┘'].join('\n'),
    );
  });

  it('prints a non-object as console.log would', () => {
    expect(formatTable('plain')).toBe('plain');
    expect(formatTable(null)).toBe('null');
  });
});
