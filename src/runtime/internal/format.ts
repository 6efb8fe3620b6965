/**
 * Console formatting: what `console.log(…)` and `console.table(…)` print, as plain text, the
 * way Node prints it (close enough that a reader sees the same thing in the CLI and the page).
 * Pure; no DOM, no node:util, so it runs in every worker.
 */

/** Nesting shown before an object prints as `[Object]` (Node's default). */
const MAX_DEPTH = 2;
/** Nesting for `%o`. */
const MAX_DEPTH_O = 4;
/** Entries of an array, Map, Set or object shown before `... N more items`. */
const MAX_ENTRIES = 100;
/** Bytes of an ArrayBuffer shown. */
const MAX_BYTES = 50;
/** A formatted value longer than this (one line) is broken over lines. */
const BREAK_LENGTH = 72;
/** Entries at most this long are packed several to a line when an array breaks. */
const PACKED_ENTRY = 16;
/** The whole output is cut after this many characters. */
export const MAX_OUTPUT = 10_000;

/** Node's and our hook: `[Symbol.for('nodejs.util.inspect.custom')](depth)` returns the text. */
const CUSTOM_INSPECT = Symbol.for('nodejs.util.inspect.custom');

interface State {
  seen: object[];
  maxDepth: number;
}

/**
 * `console.log` semantics: a first string argument's `%s %d %i %f %o %O %j %c %%` consume the
 * following arguments; the rest are appended, space separated. Strings print as they are at
 * the top level and quoted inside objects. Output past {@link MAX_OUTPUT} characters is cut.
 */
export function formatArgs(args: unknown[]): string {
  const parts: string[] = [];
  let next = 0;
  if (typeof args[0] === 'string' && args.length > 1) {
    next = 1;
    parts.push(
      args[0].replace(/%([sdifjoOc%])/g, (match, spec: string) => {
        if (spec === '%') return '%';
        if (next >= args.length) return match;
        return formatSpecifier(spec, args[next++]);
      }),
    );
  }
  for (; next < args.length; next++) {
    const arg = args[next];
    parts.push(typeof arg === 'string' ? arg : inspect(arg));
  }
  return cap(parts.join(' '));
}

/**
 * One value as it prints inside an object: strings quoted, objects nested up to `depth` levels,
 * cycles as `[Circular]`.
 */
export function inspect(value: unknown, depth: number = MAX_DEPTH): string {
  return formatValue(value, { seen: [], maxDepth: depth }, 0);
}

function formatSpecifier(spec: string, arg: unknown): string {
  switch (spec) {
    case 's':
      if (typeof arg === 'string') return arg;
      if (typeof arg === 'bigint') return `${arg}n`;
      if (typeof arg === 'symbol') return arg.toString();
      if (typeof arg === 'object' && arg !== null && hasOwnToString(arg)) return String(arg);
      return typeof arg === 'object' && arg !== null ? inspect(arg, 0) : String(arg);
    case 'd':
      if (typeof arg === 'bigint') return `${arg}n`;
      return typeof arg === 'symbol' ? 'NaN' : formatNumber(Number(arg));
    case 'i':
      if (typeof arg === 'bigint') return `${arg}n`;
      return typeof arg === 'symbol' ? 'NaN' : formatNumber(parseInt(String(arg), 10));
    case 'f':
      return typeof arg === 'symbol' ? 'NaN' : formatNumber(parseFloat(String(arg)));
    case 'j':
      try {
        return JSON.stringify(arg) ?? 'undefined';
      } catch {
        return '[Circular]';
      }
    case 'o':
      return inspect(arg, MAX_DEPTH_O);
    case 'O':
      return inspect(arg);
    default: // 'c': CSS, which plain text has no use for
      return '';
  }
}

/** Whether `value` has a toString of its own class (not Object's, Array's or Error's default). */
function hasOwnToString(value: object): boolean {
  if (value instanceof Error || value instanceof Date) return false;
  for (let proto = value; proto && proto !== Object.prototype && proto !== Array.prototype; proto = Object.getPrototypeOf(proto)) {
    if (Object.prototype.hasOwnProperty.call(proto, 'toString')) return true;
  }
  return false;
}

function formatNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

function formatValue(value: unknown, state: State, depth: number): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return formatNumber(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return String(value);
    case 'function':
      return formatFunction(value);
  }
  if (value === null) return 'null';
  return formatObject(value as object, state, depth);
}

function formatObject(value: object, state: State, depth: number): string {
  if (state.seen.includes(value)) return '[Circular]';
  const custom = (value as Record<symbol, unknown>)[CUSTOM_INSPECT];
  if (typeof custom === 'function') {
    const text = custom.call(value, state.maxDepth - depth, {}, inspect);
    return typeof text === 'string' ? text : formatValue(text, state, depth);
  }
  if (value instanceof Error) return depth === 0 ? errorText(value) : `[${errorText(value)}]`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof RegExp) return String(value);
  if (value instanceof WeakMap || value instanceof WeakSet) return `${className(value)} { <items unknown> }`;
  const boxed = boxedPrimitive(value);
  if (boxed !== null) return boxed;

  const name = className(value);
  let prefix: string;
  let open = '{';
  let close = '}';
  let entries: () => string[];
  let packable = false;
  if (Array.isArray(value)) {
    prefix = name === 'Array' ? '' : `${name}(${value.length}) `;
    [open, close, packable] = ['[', ']', true];
    entries = () => [...arrayEntries(value, state, depth), ...propertyEntries(value, state, depth, true)];
  } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = value as unknown as ArrayLike<number | bigint>;
    prefix = `${name}(${items.length}) `;
    [open, close, packable] = ['[', ']', true];
    entries = () => limited(Array.from({ length: Math.min(items.length, MAX_ENTRIES) }, (_, i) => formatValue(items[i], state, depth + 1)), items.length);
  } else if (isBuffer(value)) {
    const bytes = new Uint8Array(value);
    const shown = Array.from(bytes.subarray(0, MAX_BYTES), (b) => b.toString(16).padStart(2, '0')).join(' ');
    const more = bytes.length > MAX_BYTES ? ` ... ${bytes.length - MAX_BYTES} more byte${bytes.length - MAX_BYTES === 1 ? '' : 's'}` : '';
    prefix = `${name} `;
    entries = () => [`[Uint8Contents]: <${shown}${more}>`, `byteLength: ${value.byteLength}`];
  } else if (value instanceof Map) {
    prefix = `${name}(${value.size}) `;
    entries = () => limited([...take(value, MAX_ENTRIES)].map(([k, v]) => `${formatValue(k, state, depth + 1)} => ${formatValue(v, state, depth + 1)}`), value.size);
  } else if (value instanceof Set) {
    prefix = `${name}(${value.size}) `;
    packable = true;
    entries = () => limited([...take(value, MAX_ENTRIES)].map((v) => formatValue(v, state, depth + 1)), value.size);
  } else {
    const proto = Object.getPrototypeOf(value);
    prefix = proto === null ? '[Object: null prototype] ' : name === 'Object' ? '' : `${name} `;
    entries = () => propertyEntries(value, state, depth, false);
  }

  if (depth > state.maxDepth) return Array.isArray(value) ? '[Array]' : `[${name}]`;
  state.seen.push(value);
  const items = entries();
  state.seen.pop();
  if (items.length === 0) return `${prefix}${open}${close}`;
  const oneLine = `${prefix}${open} ${items.join(', ')} ${close}`;
  if (oneLine.length + depth * 2 <= BREAK_LENGTH && !oneLine.includes('\n')) return oneLine;
  const indent = '  '.repeat(depth + 1);
  const lines = packable && items.every((item) => isMoreNote(item) || (item.length <= PACKED_ENTRY && !item.includes('\n'))) ? pack(items, indent) : items.map((item, i) => `${indent}${item}${i < items.length - 1 ? ',' : ''}`);
  return `${prefix}${open}\n${lines.join('\n')}\n${'  '.repeat(depth)}${close}`;
}

/** Short entries, several to a line, each line within {@link BREAK_LENGTH}. */
function pack(items: string[], indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  items.forEach((item, i) => {
    const piece = i < items.length - 1 ? `${item},` : item;
    if (isMoreNote(item)) {
      if (line) lines.push(indent + line);
      line = piece;
    } else if (line && indent.length + line.length + 1 + piece.length > BREAK_LENGTH) {
      lines.push(indent + line);
      line = piece;
    } else line = line ? `${line} ${piece}` : piece;
  });
  lines.push(indent + line);
  return lines;
}

function isMoreNote(item: string): boolean {
  return item.startsWith('... ');
}

function arrayEntries(array: unknown[], state: State, depth: number): string[] {
  const out: string[] = [];
  let holes = 0;
  const flushHoles = () => {
    if (holes) out.push(`<${holes} empty item${holes === 1 ? '' : 's'}>`);
    holes = 0;
  };
  const shown = Math.min(array.length, MAX_ENTRIES);
  for (let i = 0; i < shown; i++) {
    if (!(i in array)) {
      holes++;
      continue;
    }
    flushHoles();
    out.push(formatValue(array[i], state, depth + 1));
  }
  flushHoles();
  return limited(out, array.length, shown);
}

/** An object's own enumerable properties as `key: value` (for arrays, the non-index ones). */
function propertyEntries(value: object, state: State, depth: number, skipIndexes: boolean): string[] {
  const keys: (string | symbol)[] = Object.keys(value).filter((key) => !skipIndexes || !/^\d+$/.test(key));
  for (const symbol of Object.getOwnPropertySymbols(value)) {
    if (Object.prototype.propertyIsEnumerable.call(value, symbol)) keys.push(symbol);
  }
  const shown = keys.slice(0, MAX_ENTRIES).map((key) => `${formatKey(key)}: ${formatValue((value as Record<string | symbol, unknown>)[key], state, depth + 1)}`);
  return limited(shown, keys.length);
}

function limited(shown: string[], total: number, count: number = Math.min(total, MAX_ENTRIES)): string[] {
  const more = total - count;
  return more > 0 ? [...shown, `... ${more} more item${more === 1 ? '' : 's'}`] : shown;
}

function* take<T>(items: Iterable<T>, count: number): Generator<T> {
  if (count <= 0) return;
  for (const item of items) {
    yield item;
    if (--count === 0) return;
  }
}

function formatKey(key: string | symbol): string {
  if (typeof key === 'symbol') return `[${key.toString()}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : quote(key);
}

function formatFunction(fn: Function): string {
  const source = Function.prototype.toString.call(fn);
  if (/^class\b/.test(source)) {
    const base = Object.getPrototypeOf(fn);
    const extendsPart = typeof base === 'function' && base.name ? ` extends ${base.name}` : '';
    return `[class ${fn.name || '(anonymous)'}${extendsPart}]`;
  }
  const kind = fn.constructor?.name && fn.constructor.name !== 'Function' ? fn.constructor.name : 'Function';
  return fn.name ? `[${kind}: ${fn.name}]` : `[${kind} (anonymous)]`;
}

function errorText(error: Error): string {
  const name = error.name || className(error);
  return error.message ? `${name}: ${error.message}` : name;
}

function boxedPrimitive(value: object): string | null {
  if (value instanceof Number) return `[Number: ${formatNumber(value.valueOf())}]`;
  if (value instanceof String) return `[String: ${quote(value.valueOf())}]`;
  if (value instanceof Boolean) return `[Boolean: ${value.valueOf()}]`;
  return null;
}

function isBuffer(value: object): value is ArrayBuffer | SharedArrayBuffer {
  return value instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer);
}

/** The name of the class that made `value` (`Object` for plain objects). */
function className(value: object): string {
  const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  if (typeof ctor?.name === 'string' && ctor.name) return ctor.name;
  return typeof tag === 'string' ? tag : 'Object';
}

/** A string as Node quotes it: single quotes unless the text has some and no double ones. */
function quote(text: string): string {
  const q = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replace(/[\\\n\r\t\b\f\v\0]/g, (c) => ESCAPES[c]).replaceAll(q, `\\${q}`);
  return `${q}${escaped}${q}`;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\0': '\\0' };

function cap(text: string): string {
  if (text.length <= MAX_OUTPUT) return text;
  return `${text.slice(0, MAX_OUTPUT)}… (${text.length - MAX_OUTPUT} more characters)`;
}

/**
 * `console.table` as aligned text (Node's box drawing): rows are an array's items or an
 * object's properties; columns are the rows' keys in first-seen order (or `columns`), with a
 * `Values` column for rows that are primitives. Anything else prints as console.log would.
 */
export function formatTable(data: unknown, columns?: string[]): string {
  if (typeof data !== 'object' || data === null) return formatArgs([data]);
  const rows: [string, unknown][] = Array.isArray(data) ? data.map((row, i) => [String(i), row]) : Object.entries(data);
  const keys: string[] = [];
  let hasValues = false;
  for (const [, row] of rows) {
    if (typeof row === 'object' && row !== null) {
      for (const key of Object.keys(row)) if (!keys.includes(key)) keys.push(key);
    } else hasValues = true;
  }
  const shownKeys = columns ?? keys;
  const header = ['(index)', ...shownKeys, ...(hasValues ? ['Values'] : [])];
  const cell = (value: unknown) => inspect(value, 0).replace(/\n\s*/g, ' ');
  const body = rows.map(([index, row]) => {
    const isObject = typeof row === 'object' && row !== null;
    const record = row as Record<string, unknown>;
    const cells = shownKeys.map((key) => (isObject && Object.prototype.hasOwnProperty.call(record, key) ? cell(record[key]) : ''));
    return [index, ...cells, ...(hasValues ? [isObject ? '' : cell(row)] : [])];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((r) => r[i].length)) + 2);
  const rule = (left: string, mid: string, right: string) => left + widths.map((w) => '─'.repeat(w)).join(mid) + right;
  const line = (cells: string[]) => `│${cells.map((c, i) => ` ${c.padEnd(widths[i] - 1)}`).join('│')}│`;
  return cap([rule('┌', '┬', '┐'), line(header), rule('├', '┼', '┤'), ...body.map(line), rule('└', '┴', '┘')].join('\n'));
}
