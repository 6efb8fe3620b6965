/**
 * Snippet stacks: finding and printing the snippet's own frames in a V8 (or Firefox/Safari)
 * stack, in snippet coordinates.
 *
 * How a frame is recognised as the snippet's: compile ends both modules with
 * `//# sourceURL=interleave-snippet-main.js` / `…-thread.js`, which V8 (Chrome and Node alike)
 * prints instead of the module's blob:/data:/file: URL. Modules not made by compile can be
 * registered by URL with {@link setSnippetModuleUrls}. Lines are snippet lines already (compile
 * preserves them); columns go through the module's {@link ColumnMap} when one is set.
 */
import { inspect } from './format.ts';

/**
 * Per generated line (index = line - 1): flat pairs `[generatedCol, snippetCol, …]`, 0-based,
 * sorted by generated column. A column maps through the last pair at or before it; a line
 * without pairs (or past the end) maps columns unchanged. Plain arrays, so it clones cheaply.
 */
export type ColumnMap = number[][];

/** The two module kinds compile produces. */
export type SnippetModuleKind = 'main' | 'thread';

/** The `//# sourceURL` names compile gives the modules (and that stacks then show). */
export const SNIPPET_SOURCE_URLS: Record<SnippetModuleKind, string> = {
  main: 'interleave-snippet-main.js',
  thread: 'interleave-snippet-thread.js',
};

/** The file name snippet frames are printed with. */
export const SNIPPET_FILE = 'snippet.ts';

const MARKER_FRAME = /interleave-snippet-(main|thread)\.js:(\d+):(\d+)/;
/** Stack depth wanted when looking for the caller's snippet frame under runtime frames. */
const CAPTURE_DEPTH = 64;

let extraUrls: { url: string; kind?: SnippetModuleKind }[] = [];
let columnMaps: Partial<Record<SnippetModuleKind, ColumnMap>> = {};

/**
 * Frames at these URLs also count as the snippet's: for engines or stack formatters that print
 * a module's URL rather than its sourceURL (Firefox, Safari, Node under a test runner's
 * `Error.prepareStackTrace`). `kinds[i]`, when given, says which compiled module `urls[i]` is,
 * so its columns map too. Per worker; replaces the previous list.
 */
export function setSnippetModuleUrls(urls: string[], kinds?: SnippetModuleKind[]): void {
  extraUrls = urls.map((url, i) => ({ url, kind: kinds?.[i] }));
}

/**
 * The column maps of the program this worker runs (`CompiledProgram.columns`), or null to
 * forget them. Without them, columns are the compiled module's; lines are right either way.
 */
export function setSnippetColumns(columns: Partial<Record<SnippetModuleKind, ColumnMap>> | null): void {
  columnMaps = columns ?? {};
}

/** Maps a 1-based column on a 1-based line of a compiled module back to the snippet's. */
export function snippetColumn(map: ColumnMap | undefined, line: number, column: number): number {
  const pairs = map?.[line - 1];
  if (!pairs) return column;
  const at = column - 1;
  let mapped = at;
  for (let i = 0; i < pairs.length && pairs[i] <= at; i += 2) mapped = pairs[i + 1] + (at - pairs[i]);
  return mapped + 1;
}

/** A snippet position, 1-based. */
export interface SnippetPosition {
  line: number;
  column: number;
}

/** One stack line that points into the snippet. */
interface SnippetStackFrame extends SnippetPosition {
  fn: string;
}

/**
 * The first frame of `stack` inside the snippet's modules, or null if there is none. Without
 * an argument, the caller's own stack (so runtime code can ask "which snippet line called me").
 */
export function snippetFrame(stack?: string): SnippetPosition | null {
  const text = stack ?? captureStack();
  for (const line of text.split('\n')) {
    const frame = parseFrame(line);
    if (frame) return { line: frame.line, column: frame.column };
  }
  return null;
}

/**
 * The error as a reader wants it: its `name: message` first, then one `    at fn (snippet.ts:L:C)`
 * line per snippet frame (runtime, native and host frames dropped). A thrown non-Error (a
 * string, an object, undefined) gets a line saying what was thrown, since it has no stack.
 */
export function toSnippetStack(error: unknown): string {
  if (!(error instanceof Error)) {
    return `Uncaught ${inspect(error)} (not an Error, so there is no line: throw new Error(…) instead)`;
  }
  const frames: string[] = [];
  for (const line of (error.stack ?? '').split('\n')) {
    const frame = parseFrame(line);
    if (!frame) continue;
    const where = `${SNIPPET_FILE}:${frame.line}:${frame.column}`;
    frames.push(frame.fn ? `    at ${frame.fn} (${where})` : `    at ${where}`);
  }
  return [errorHeader(error), ...frames].join('\n');
}

/**
 * If `error` is the ReferenceError a thread gets for touching one of the snippet's top-level
 * variables (which threads don't share), an Error saying so: which variable, which thread, the
 * line it was touched on, where it was declared, and how to fix it. Its stack keeps the
 * original frames; `cause` is the original. Null for any other error.
 */
export function explainUnsharedVariable(
  error: unknown,
  topLevelVariables: readonly { name: string; line: number }[],
  threadName: string,
): Error | null {
  if (!(error instanceof ReferenceError)) return null;
  // V8 and Firefox say "x is not defined", Safari "Can't find variable: x".
  const name = /^(\S+) is not defined$|^Can't find variable: (\S+)$/.exec(error.message);
  const variable = name && topLevelVariables.find((v) => v.name === (name[1] ?? name[2]));
  if (!variable) return null;
  const used = snippetFrame(error.stack ?? '');
  const message =
    `Thread "${threadName}" used "${variable.name}"${used ? ` on line ${used.line}` : ''}, a top-level ` +
    `variable of the main program (line ${variable.line}). Threads don't share the program's ` +
    `top-level variables, only its functions, classes and imports. Pass it in: ` +
    `new Thread({ target, args: [${variable.name}] }) and take it as a parameter, or share memory ` +
    `(a SharedArrayBuffer, or a Lock, Event, … from "interleave").`;
  const explained = new ReferenceError(message, { cause: error });
  const frames = (error.stack ?? '').split('\n').filter((line) => parseFrame(line) !== null);
  explained.stack = [`ReferenceError: ${message}`, ...frames].join('\n');
  return explained;
}

function captureStack(): string {
  const limit = Error.stackTraceLimit;
  // Runtime frames sit between the snippet and here; look deep enough to get past them.
  Error.stackTraceLimit = Math.max(limit, CAPTURE_DEPTH);
  try {
    return new Error().stack ?? '';
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** A V8 (`    at fn (url:L:C)`, `    at url:L:C`) or Firefox/Safari (`fn@url:L:C`) frame. */
function parseFrame(text: string): SnippetStackFrame | null {
  const marker = MARKER_FRAME.exec(text);
  let kind: SnippetModuleKind | undefined;
  let line: number;
  let column: number;
  let locationStart: number;
  if (marker) {
    kind = marker[1] as SnippetModuleKind;
    line = Number(marker[2]);
    column = Number(marker[3]);
    locationStart = marker.index;
  } else {
    const known = extraUrls.find((candidate) => text.includes(`${candidate.url}:`));
    if (known === undefined) return null;
    kind = known.kind;
    locationStart = text.indexOf(`${known.url}:`);
    const position = /^:(\d+):(\d+)/.exec(text.slice(locationStart + known.url.length));
    if (!position) return null;
    line = Number(position[1]);
    column = Number(position[2]);
  }
  return { fn: functionName(text, locationStart), line, column: snippetColumn(kind && columnMaps[kind], line, column) };
}

function functionName(text: string, locationStart: number): string {
  const v8 = /^\s*at (.*?) \($/.exec(text.slice(0, locationStart));
  const other = /^(.*)@$/.exec(text.slice(0, locationStart));
  const name = (v8?.[1] ?? other?.[1] ?? '').trim();
  // Node names an exported function called through its module namespace "Module.f".
  return name.replace(/^(async |new )?Module\./, '$1');
}

function errorHeader(error: Error): string {
  const name = error.name || 'Error';
  return error.message ? `${name}: ${error.message}` : name;
}
