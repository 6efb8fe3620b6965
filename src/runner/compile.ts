/**
 * Compile: a snippet (a TypeScript ES module importing "interleave") → the two JavaScript
 * modules a run loads. Line N of either output is line N of the snippet, so stack lines are
 * snippet lines; columns map back through `columns` (see snippet-stack.ts).
 *
 * 1. sucrase strips the types (it keeps every line; enums become same-line code).
 * 2. acorn parses the result; compile checks imports and finds the top-level bindings.
 * 3. Edits that stay within their line: `import { A } from "interleave"` → `const { A } =
 *    globalThis.__interleave;`, GIL ticks when asked. The thread module also blanks every
 *    top-level statement that is not an import or a function/class/enum declaration.
 *
 * Runs in browsers (edited snippets) as well as Node: no `node:` imports.
 */
import { parse, type Node, type Program } from 'acorn';
import { transform } from 'sucrase';
import { SNIPPET_SOURCE_URLS, type ColumnMap } from '../runtime/internal/snippet-stack.ts';
import { anchorColumn, applyEdits, decodeSourceMap, lineStarts, type Edit, type LineAnchors } from './compile/columns.ts';
import { gilEdits, TICK_BINDING } from './compile/gil.ts';

/** The module snippets import the runtime from; the only import allowed. */
export const RUNTIME_MODULE = 'interleave';
const RUNTIME_GLOBAL = 'globalThis.__interleave';

/** What a run loads. */
export interface CompiledProgram {
  /** ES module text for the main thread; line N of it is line N of the snippet. */
  main: string;
  /**
   * The same lines, with only the import rewrites and the top-level function, class and enum
   * declarations kept (everything else blanked), then `export { … }` of those on a line after
   * the last.
   */
  thread: string;
  /** The names `thread` exports: top-level functions, classes and enums. */
  exports: string[];
  /** Every other top-level binding (threads can't see these), with its line. */
  topLevelVariables: { name: string; line: number }[];
  /** Whether the modules call `globalThis.__interleaveGilTick` (see compile/gil.ts). */
  gil: boolean;
  /** Column maps from each module back to the snippet (for setSnippetColumns). */
  columns: { main: ColumnMap; thread: ColumnMap };
}

/** A snippet that does not compile; `line` and `column` are 1-based, in the snippet. */
export class CompileError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(reason: string, line: number, column: number) {
    super(`${reason} (line ${line}, column ${column})`);
    this.name = 'CompileError';
    this.line = line;
    this.column = column;
  }
}

type AnyNode = Node & Record<string, any>;

/**
 * Compiles a snippet. Throws {@link CompileError} for a syntax error, an import of anything but
 * "interleave", or TypeScript that cannot run as plain JavaScript here (a namespace).
 */
export function compileProgram(source: string, options: { gil?: boolean } = {}): CompiledProgram {
  const gil = options.gil ?? false;
  const snippet = source.replace(/\r\n?/g, '\n');
  rejectNamespaces(snippet);
  const { js, anchors } = stripTypes(snippet);
  const program = parseJs(js, anchors);
  const starts = lineStarts(js);
  const where: Where = (offset) => {
    let line = 0;
    while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
    return { line: line + 1, column: anchorColumn(anchors, line, offset - starts[line]) + 1 };
  };

  const { importEdits, blanks, exports, topLevelVariables } = readTopLevel(program, js, where);

  const binding: Edit[] = gil ? [{ start: 0, end: 0, text: TICK_BINDING, order: -Infinity }] : [];
  const ticks = gil ? gilEdits(program) : [];
  const main = applyEdits(js, [...binding, ...importEdits, ...ticks], anchors);
  const outside = (edit: Edit) => !blanks.some(([start, end]) => edit.start >= start && edit.end <= end);
  const thread = applyEdits(blank(js, blanks), [...binding, ...importEdits, ...ticks.filter(outside)], anchors);
  return {
    main: `${main.text}\n//# sourceURL=${SNIPPET_SOURCE_URLS.main}`,
    thread: `${thread.text}\nexport { ${exports.join(', ')} };\n//# sourceURL=${SNIPPET_SOURCE_URLS.thread}`,
    exports,
    topLevelVariables,
    gil,
    columns: { main: main.columns, thread: thread.columns },
  };
}

type Where = (offset: number) => { line: number; column: number };

/**
 * Walks the top-level statements: import rewrites, what the thread module keeps (and exports)
 * or blanks, and the top-level variables threads can't see.
 */
function readTopLevel(program: Program, js: string, where: Where) {
  const importEdits: Edit[] = [];
  const blanks: [number, number][] = [];
  const exports: string[] = [];
  const topLevelVariables: { name: string; line: number }[] = [];
  const body = program.body as AnyNode[];
  for (let i = 0; i < body.length; i++) {
    const statement = body[i];
    if (statement.type === 'ImportDeclaration') {
      importEdits.push(...rewriteImport(statement, js, where));
      continue;
    }
    if (statement.source) {
      const { line, column } = where(statement.start);
      throw new CompileError(`Only "${RUNTIME_MODULE}" can be imported; re-exporting from "${statement.source.value}" is not supported`, line, column);
    }
    if (isEnum(statement, body[i + 1])) {
      exports.push(statement.declarations[0].id.name);
      i++; // the enum's second statement is kept with it
      continue;
    }
    const declaration = statement.type.startsWith('Export') ? statement.declaration : statement;
    if ((declaration?.type === 'FunctionDeclaration' || declaration?.type === 'ClassDeclaration') && declaration.id) {
      exports.push(declaration.id.name);
      // The thread module re-exports by name; an `export`/`export default` in front would clash.
      if (declaration !== statement) blanks.push([statement.start, declaration.start]);
      continue;
    }
    if (declaration?.type === 'VariableDeclaration') {
      for (const declarator of declaration.declarations) {
        for (const id of patternIdentifiers(declarator.id)) topLevelVariables.push({ name: id.name, line: id.loc!.start.line }); // parsed with locations
      }
    }
    blanks.push([statement.start, statement.end]);
  }

  return { importEdits, blanks, exports, topLevelVariables };
}

/** TypeScript → JavaScript with sucrase, and sucrase's column anchors. */
function stripTypes(snippet: string): { js: string; anchors: LineAnchors } {
  let result;
  try {
    result = transform(snippet, {
      transforms: ['typescript'],
      // Keep every value import, so a non-"interleave" import is reported, not silently dropped.
      keepUnusedImports: true,
      // Modern syntax (class fields, ?., ??) runs as is in every engine the site supports.
      disableESTransforms: true,
      filePath: 'snippet.ts',
      sourceMapOptions: { compiledFilename: 'snippet.js' },
    });
  } catch (error) {
    throw syntaxError(error, snippet);
  }
  if (countLines(result.code) !== countLines(snippet)) {
    throw new Error('compile: sucrase moved lines; stack lines would be wrong');
  }
  return { js: result.code, anchors: decodeSourceMap(result.sourceMap!.mappings) };
}

function parseJs(js: string, anchors: LineAnchors): Program {
  try {
    return parse(js, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
  } catch (error) {
    const mapped = syntaxError(error, js);
    throw new CompileError(mapped.message.replace(/ \(line \d+, column \d+\)$/, ''), mapped.line, anchorColumn(anchors, mapped.line - 1, mapped.column - 1) + 1);
  }
}

/** A parser's error (sucrase's or acorn's: both carry `pos`) as a CompileError in `text`. */
function syntaxError(error: unknown, text: string): CompileError {
  const pos = (error as { pos?: unknown }).pos;
  const reason = (error instanceof Error ? error.message : String(error)).replace(/^Error transforming \S+: /, '').replace(/ \(\d+:\d+\)$/, '');
  if (typeof pos !== 'number') return new CompileError(reason, 1, 1);
  const starts = lineStarts(text);
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= pos) line++;
  return new CompileError(reason, line + 1, pos - starts[line] + 1);
}

/**
 * `import { A, B as C } from "interleave"` → `const { A, B: C } = globalThis.__interleave;` and
 * `import * as il from "interleave"` → `const il = globalThis.__interleave;`, token by token so
 * a multi-line import keeps its lines. A side-effect `import "interleave"` is dropped.
 */
function rewriteImport(statement: AnyNode, js: string, where: Where): Edit[] {
  const { line, column } = where(statement.start);
  if (statement.source.value !== RUNTIME_MODULE) {
    throw new CompileError(`Only "${RUNTIME_MODULE}" can be imported, not "${statement.source.value}": a snippet runs in workers with just the runtime, so copy what you need into the snippet`, line, column);
  }
  const specifiers = statement.specifiers as AnyNode[];
  if (specifiers.some((s) => s.type === 'ImportDefaultSpecifier')) {
    throw new CompileError(`"${RUNTIME_MODULE}" has no default export: write import { Thread, Lock } from "${RUNTIME_MODULE}"`, line, column);
  }
  if (specifiers.length === 0 && !js.slice(statement.start, statement.source.start).includes('{')) {
    return [{ start: statement.start, end: statement.end, text: ' '.repeat(statement.end - statement.start), order: 0 }];
  }
  const edits: Edit[] = [{ start: statement.start, end: statement.start + 'import'.length, text: 'const', order: 0 }];
  for (const specifier of specifiers) {
    if (specifier.type === 'ImportNamespaceSpecifier') {
      edits.push({ start: specifier.start, end: specifier.local.start, text: '', order: 0 });
    } else if (specifier.imported.end !== specifier.local.end) {
      edits.push({ start: specifier.imported.end, end: specifier.local.start, text: ': ', order: 0 });
    }
  }
  const from = js.lastIndexOf('from', statement.source.start);
  const semicolon = js[statement.end - 1] === ';' ? '' : ';';
  edits.push({ start: from, end: from + 'from'.length, text: '=', order: 0 });
  edits.push({ start: statement.source.start, end: statement.source.end, text: RUNTIME_GLOBAL + semicolon, order: 0 });
  return edits;
}

/** Sucrase's enum output: `var E;` then `(function (E) { … })(E || (E = {}));`. */
function isEnum(statement: AnyNode, next: AnyNode | undefined): boolean {
  if (statement.type !== 'VariableDeclaration' || statement.kind !== 'var' || statement.declarations.length !== 1) return false;
  const [declarator] = statement.declarations;
  const call = next?.type === 'ExpressionStatement' ? next.expression : undefined;
  return (
    declarator.id.type === 'Identifier' &&
    declarator.init === null &&
    call?.type === 'CallExpression' &&
    call.callee.type === 'FunctionExpression' &&
    call.callee.params[0]?.name === declarator.id.name &&
    call.arguments[0]?.type === 'LogicalExpression' &&
    call.arguments[0].left.name === declarator.id.name
  );
}

/** The identifiers a binding pattern declares (`a`, `{ a, b: [c, ...d] }`, `e = 1`). */
function patternIdentifiers(pattern: AnyNode): AnyNode[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern];
    case 'ObjectPattern':
      return pattern.properties.flatMap((p: AnyNode) => patternIdentifiers(p.type === 'RestElement' ? p.argument : p.value));
    case 'ArrayPattern':
      return pattern.elements.flatMap((e: AnyNode | null) => (e ? patternIdentifiers(e) : []));
    case 'RestElement':
      return patternIdentifiers(pattern.argument);
    case 'AssignmentPattern':
      return patternIdentifiers(pattern.left);
    default:
      return [];
  }
}

/** `text` with each range turned into spaces, newlines kept (so nothing moves). */
function blank(text: string, ranges: [number, number][]): string {
  let out = '';
  let copied = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    out += text.slice(copied, start) + text.slice(start, end).replace(/[^\n]/g, ' ');
    copied = end;
  }
  return out + text.slice(copied);
}

/**
 * Sucrase erases a TypeScript namespace without a word, values and all; say so instead.
 * (A `declare namespace` is types only and fine.)
 */
function rejectNamespaces(snippet: string): void {
  const found = /^([ \t]*)(?:export[ \t]+)?(?:namespace|module)[ \t]+[\w$.]+[ \t]*\{/m.exec(snippet);
  if (!found) return;
  const line = countLines(snippet.slice(0, found.index + 1));
  throw new CompileError('TypeScript namespaces are not supported in snippets: use an object, or top-level functions and constants', line, found[1].length + 1);
}

function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}
