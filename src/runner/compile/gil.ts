/**
 * GIL ticks: with `gil: true`, compiled code calls the worker's tick at every function entry and
 * at the start of every loop iteration, so a thread that never blocks still offers the GIL.
 * Every insertion stays on its line (see columns.ts).
 */
import type { Node } from 'acorn';
import type { Edit } from './columns.ts';

/** The module-local alias of `globalThis.__interleaveGilTick`, bound on line 1. */
export const TICK = '__interleaveTick';
/** Binds {@link TICK}; goes before everything on line 1 (so no line moves). */
export const TICK_BINDING = `const ${TICK} = globalThis.__interleaveGilTick;`;
const CALL = `${TICK}();`;

type AnyNode = Node & Record<string, unknown>;

const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/**
 * The tick insertions for everything under `root`. Edits at one offset are ordered so that
 * an inner construct's closing text comes before its parent's (`order`).
 */
export function gilEdits(root: Node): Edit[] {
  const edits: Edit[] = [];
  const visit = (node: AnyNode, depth: number): void => {
    if (LOOPS.has(node.type)) wrapBody(node.body as AnyNode, depth, edits);
    if (FUNCTIONS.has(node.type)) {
      const body = node.body as AnyNode;
      if (body.type === 'BlockStatement') edits.push({ start: body.start + 1, end: body.start + 1, text: CALL, order: depth });
      else {
        // `x => expr` becomes `x => (tick(), expr)`.
        edits.push({ start: body.start, end: body.start, text: `(${TICK}(), `, order: depth });
        edits.push({ start: body.end, end: body.end, text: ')', order: -depth });
      }
    }
    for (const key in node) {
      const value = node[key];
      if (Array.isArray(value)) {
        for (const child of value) if (isNode(child)) visit(child, depth + 1);
      } else if (isNode(value)) visit(value, depth + 1);
    }
  };
  visit(root as AnyNode, 0);
  return edits;
}

function wrapBody(body: AnyNode, depth: number, edits: Edit[]): void {
  if (body.type === 'BlockStatement') {
    edits.push({ start: body.start + 1, end: body.start + 1, text: CALL, order: depth });
    return;
  }
  // `while (c) stmt` becomes `while (c) {tick();stmt}`.
  edits.push({ start: body.start, end: body.start, text: `{${CALL}`, order: depth });
  edits.push({ start: body.end, end: body.end, text: '}', order: -depth });
}

function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
