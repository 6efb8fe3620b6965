/**
 * Column bookkeeping for compile. Lines never move (sucrase keeps them, and every edit here
 * stays within its line), but columns do: sucrase drops type annotations, and compile inserts
 * GIL ticks and rewrites imports. This file applies compile's edits to sucrase's output and
 * builds the {@link ColumnMap} from the final text back to the snippet.
 */
import type { ColumnMap } from '../../runtime/internal/snippet-stack.ts';

/** Replace `[start, end)` of the JavaScript text with `text`. Neither may span a newline. */
export interface Edit {
  start: number;
  end: number;
  text: string;
  /** Tie-break among edits at the same offset: lower first. */
  order: number;
}

/** Per line (index = line - 1): flat `[jsCol, snippetCol, …]` pairs, sorted by jsCol, 0-based. */
export type LineAnchors = number[][];

const VLQ_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VLQ_CONTINUE = 32;
const VLQ_SHIFT = 5;

/**
 * Sucrase's source map as per-line anchors. Sucrase maps every token and keeps lines, so a
 * segment's source line is its generated line; a segment that says otherwise is skipped.
 */
export function decodeSourceMap(mappings: string): LineAnchors {
  const lines: LineAnchors = [];
  const field = [0, 0, 0, 0, 0];
  let line = 0;
  let pos = 0;
  while (pos <= mappings.length) {
    const anchors: number[] = [];
    field[0] = 0; // the generated column restarts on every line; the other fields run on
    while (pos < mappings.length && mappings[pos] !== ';') {
      let index = 0;
      while (pos < mappings.length && mappings[pos] !== ',' && mappings[pos] !== ';') {
        let value = 0;
        let shift = 0;
        let digit: number;
        do {
          digit = VLQ_CHARS.indexOf(mappings[pos++]);
          value += (digit & (VLQ_CONTINUE - 1)) << shift;
          shift += VLQ_SHIFT;
        } while (digit & VLQ_CONTINUE);
        field[index++] += value & 1 ? -(value >>> 1) : value >>> 1;
      }
      if (index >= 4 && field[2] === line) anchors.push(field[0], field[3]);
      if (mappings[pos] === ',') pos++;
    }
    lines.push(anchors);
    line++;
    pos++;
  }
  return lines;
}

/** Offsets where each line of `text` starts. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Maps a 0-based column of the JavaScript on `line` (0-based) to the snippet's column. */
export function anchorColumn(anchors: LineAnchors, line: number, column: number): number {
  const pairs = anchors[line];
  let mapped = column;
  if (pairs) for (let i = 0; i < pairs.length && pairs[i] <= column; i += 2) mapped = pairs[i + 1] + (column - pairs[i]);
  return mapped;
}

/**
 * Applies `edits` (non-overlapping, none spanning a newline) to `js` and returns the result
 * with its column map back to the snippet, given sucrase's anchors (JavaScript → snippet).
 */
export function applyEdits(js: string, edits: Edit[], anchors: LineAnchors): { text: string; columns: ColumnMap } {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.order - b.order);
  const starts = lineStarts(js);
  const byLine: Edit[][] = starts.map(() => []);
  let line = 0;
  for (const edit of sorted) {
    while (line + 1 < starts.length && starts[line + 1] <= edit.start) line++;
    byLine[line].push(edit);
  }
  const columns = byLine.map((lineEdits, line) => lineColumns(lineEdits, starts[line], anchors, line));

  const pieces: string[] = [];
  let copied = 0;
  for (const edit of sorted) {
    pieces.push(js.slice(copied, edit.start), edit.text);
    copied = edit.end;
  }
  pieces.push(js.slice(copied));
  return { text: pieces.join(''), columns: compactColumns(columns) };
}

/** One line's final-text anchors `[finalCol, snippetCol, …]`, unsorted. */
function lineColumns(edits: Edit[], lineStart: number, anchors: LineAnchors, line: number): number[] {
  const out: number[] = [];
  let delta = 0;
  for (const edit of edits) {
    const start = edit.start - lineStart;
    const end = edit.end - lineStart;
    out.push(start + delta, anchorColumn(anchors, line, start));
    delta += edit.text.length - (end - start);
    out.push(end + delta, anchorColumn(anchors, line, end));
  }
  const pairs = anchors[line] ?? [];
  next: for (let i = 0; i < pairs.length; i += 2) {
    let column = pairs[i];
    for (const edit of edits) {
      const start = edit.start - lineStart;
      const end = edit.end - lineStart;
      // An insertion at a token's offset goes before the token, so it moves the token too.
      if (end <= pairs[i]) column += edit.text.length - (end - start);
      else if (start < pairs[i]) continue next; // inside replaced text: the edit's anchors cover it
      else break;
    }
    out.push(column, pairs[i + 1]);
  }
  return out;
}

/** Sorts each line's pairs and drops those that repeat the offset before them. */
function compactColumns(lines: number[][]): ColumnMap {
  const map: ColumnMap = lines.map((flat) => {
    const pairs: [number, number][] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
    pairs.sort((a, b) => a[0] - b[0]);
    const kept: number[] = [];
    let offset = 0;
    for (const [generated, snippet] of pairs) {
      if (snippet - generated === offset) continue;
      offset = snippet - generated;
      kept.push(generated, snippet);
    }
    return kept;
  });
  while (map.length > 0 && map[map.length - 1].length === 0) map.pop();
  return map;
}
