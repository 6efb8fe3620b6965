/**
 * A layered layout for small directed graphs (show.graph caps them at 60 nodes): pure numbers,
 * no DOM, so it is tested in Node.
 *
 * Layers run left to right. Cycles are broken first: a depth-first search from the sources
 * (nodes nothing points to), then from any node not reached yet (a part that is all cycles),
 * sets aside the edges that lead back to a node on its path. What remains has no cycle, and a
 * node's layer is the longest path to it from a source, so every remaining edge points to a
 * later layer (a shortest-path layering would leave edges within a layer, drawn as arcs).
 * Within a layer, nodes are ordered by the mean row of the nodes pointing to them (one
 * barycentre sweep), which removes most crossings in trees and object graphs. Forward edges
 * are straight; the edges set aside (they close cycles) arc over the nodes back to an earlier
 * layer; a self-loop is a small loop above its node.
 */
import type { GraphData } from '../../runtime/internal/show-data.ts';

/** Approximate width of one character of the graph's 12 px monospace text. */
export const CHAR_WIDTH = 7.3;
/** Height of a node's box, in px. */
export const NODE_HEIGHT = 28;
const NODE_PADDING = 10;
const MIN_NODE_WIDTH = 36;
const ROW_GAP = 18;
/** Space between layers: room for the arrow, more when edges carry labels. */
const LAYER_GAP = 56;
const MAX_LABEL_GAP = 180;
const MARGIN = 12;
/** How high an arc rises per pixel of the distance it spans, and at least. */
const ARC_RISE = 0.25;
const MIN_ARC = 30;
const LOOP_SIZE = 22;

/** A node's box, in px from the picture's top left. */
export interface PlacedNode {
  label: string;
  /** Top-left corner and size. */
  x: number;
  y: number;
  width: number;
  height: number;
  layer: number;
}

/** An edge's path and where its label goes. */
export interface PlacedEdge {
  /** SVG path data, ending at the target's border (the arrowhead goes there). */
  path: string;
  label?: string;
  /** Where the label's centre goes. */
  labelX: number;
  labelY: number;
}

/** The picture's size, and every node and edge in it. */
export interface GraphLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const NEW = 0;
const ON_PATH = 1;
const DONE = 2;

/**
 * Layer of every node: the longest path to it from a source, once the edges that close cycles
 * are set aside (see the file's comment). Self-loops never count.
 */
export function assignLayers(count: number, edges: readonly { from: number; to: number }[]): number[] {
  const out: number[][] = Array.from({ length: count }, () => []);
  const hasInput = new Array<boolean>(count).fill(false);
  for (const { from, to } of edges) {
    if (from === to) continue;
    out[from].push(to);
    hasInput[to] = true;
  }
  // Depth-first search; an edge to a node on the current path closes a cycle and is set aside.
  const state = new Uint8Array(count);
  const forward: number[][] = Array.from({ length: count }, () => []);
  const visit = (node: number) => {
    state[node] = ON_PATH;
    for (const next of out[node]) {
      if (state[next] === ON_PATH) continue;
      forward[node].push(next);
      if (state[next] === NEW) visit(next);
    }
    state[node] = DONE;
  };
  for (let node = 0; node < count; node++) if (!hasInput[node] && state[node] === NEW) visit(node);
  for (let node = 0; node < count; node++) if (state[node] === NEW) visit(node);

  // Longest paths over the forward edges, in topological order (Kahn).
  const waiting = new Array<number>(count).fill(0);
  for (const targets of forward) for (const next of targets) waiting[next]++;
  const layer = new Array<number>(count).fill(0);
  const ready = [...Array(count).keys()].filter((node) => waiting[node] === 0);
  for (let head = 0; head < ready.length; head++) {
    const node = ready[head];
    for (const next of forward[node]) {
      layer[next] = Math.max(layer[next], layer[node] + 1);
      if (--waiting[next] === 0) ready.push(next);
    }
  }
  return layer;
}

/** Places every node and routes every edge of `data`. */
export function layoutGraph(data: GraphData): GraphLayout {
  const count = data.nodes.length;
  const layerOf = assignLayers(count, data.edges);
  const layers: number[][] = [];
  for (let node = 0; node < count; node++) (layers[layerOf[node]] ??= []).push(node);

  // One barycentre sweep: order each layer by the mean row of the nodes in earlier layers pointing to it.
  const row = new Array<number>(count).fill(0);
  layers[0]?.forEach((node, i) => (row[node] = i));
  for (let l = 1; l < layers.length; l++) {
    const weight = (node: number) => {
      const rows = data.edges.filter((edge) => edge.to === node && layerOf[edge.from] < l).map((edge) => row[edge.from]);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Infinity;
    };
    const weights = new Map(layers[l].map((node) => [node, weight(node)]));
    layers[l].sort((a, b) => (weights.get(a)! - weights.get(b)!) || a - b);
    layers[l].forEach((node, i) => (row[node] = i));
  }

  const labelGap = Math.min(MAX_LABEL_GAP, Math.max(0, ...data.edges.map((edge) => (edge.label?.length ?? 0) * CHAR_WIDTH)));
  const gap = LAYER_GAP + labelGap;
  const widthOf = (node: number) => Math.max(MIN_NODE_WIDTH, data.nodes[node].length * CHAR_WIDTH + 2 * NODE_PADDING);
  const tallest = Math.max(0, ...layers.map((nodes) => nodes.length));
  const columnHeight = tallest * NODE_HEIGHT + Math.max(0, tallest - 1) * ROW_GAP;

  const placed: PlacedNode[] = new Array(count);
  let x = MARGIN;
  for (const [l, nodes] of layers.entries()) {
    const width = Math.max(...nodes.map(widthOf));
    const height = nodes.length * NODE_HEIGHT + (nodes.length - 1) * ROW_GAP;
    nodes.forEach((node, i) => {
      placed[node] = {
        label: data.nodes[node],
        x: x + (width - widthOf(node)) / 2,
        y: (columnHeight - height) / 2 + i * (NODE_HEIGHT + ROW_GAP),
        width: widthOf(node),
        height: NODE_HEIGHT,
        layer: l,
      };
    });
    x += width + gap;
  }
  const width = Math.max(x - gap + MARGIN, 2 * MARGIN);

  const edges = data.edges.map((edge) => route(placed[edge.from], placed[edge.to], edge.label, placed, gap));
  // Arcs and their labels may reach above the nodes: shift everything down so nothing is cut.
  const top = Math.min(0, ...edges.map((edge) => edge.top));
  const bottom = Math.max(columnHeight, ...edges.map((edge) => edge.bottom));
  const shift = MARGIN - top;
  for (const node of placed) node.y += shift;
  const routed = data.edges.map((edge) => route(placed[edge.from], placed[edge.to], edge.label, placed, gap));
  return { width, height: bottom + shift + MARGIN, nodes: placed, edges: routed.map(({ top: _top, bottom: _bottom, ...edge }) => edge) };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Room a label needs beside its anchor: the baseline offset plus the text's height. */
const LABEL_ROOM = 20;
/** How far an arc passes from the nodes it goes around. */
const CLEARANCE = 14;

/** A routed edge with its vertical extent (label included), for the picture's height. */
type Route = PlacedEdge & { top: number; bottom: number };

function centre(node: PlacedNode): { x: number; y: number } {
  return { x: node.x + node.width / 2, y: node.y + node.height / 2 };
}

function route(from: PlacedNode, to: PlacedNode, label: string | undefined, nodes: readonly PlacedNode[], gap: number): Route {
  const labelled = (edge: Omit<Route, 'label'>): Route => (label === undefined ? edge : { ...edge, label });
  if (from === to) {
    // A loop from the node's top edge back to it.
    const { x } = centre(from);
    const y = from.y;
    const path = `M${round(x - 8)},${round(y)} C${round(x - 8 - LOOP_SIZE)},${round(y - LOOP_SIZE * 1.6)} ${round(x + 8 + LOOP_SIZE)},${round(y - LOOP_SIZE * 1.6)} ${round(x + 8)},${round(y)}`;
    const labelY = y - LOOP_SIZE * 1.2 - 6;
    return labelled({ path, labelX: x, labelY, top: labelY - LABEL_ROOM, bottom: y });
  }
  if (to.layer > from.layer) {
    // Forward: from the right side of `from` to the left side of `to`. The label sits in the
    // gap after `from`, so on an edge that spans layers it is not drawn over a node.
    const start = { x: from.x + from.width, y: from.y + from.height / 2 };
    const end = { x: to.x, y: to.y + to.height / 2 };
    const t = Math.min(0.5, gap / 2 / Math.max(1, end.x - start.x));
    const labelX = start.x + t * (end.x - start.x);
    const labelY = start.y + t * (end.y - start.y) - 6;
    const path = `M${round(start.x)},${round(start.y)} L${round(end.x)},${round(end.y)}`;
    return labelled({ path, labelX, labelY, top: labelY - LABEL_ROOM, bottom: Math.max(start.y, end.y) });
  }
  // Back to an earlier layer (it closes a cycle): an arc over or under the nodes between the
  // two, whichever side is the shorter way round. Its middle (where the label goes) clears them.
  const left = Math.min(from.x, to.x);
  const right = Math.max(from.x + from.width, to.x + to.width);
  const between = nodes.filter((node) => node !== from && node !== to && node.x < right && node.x + node.width > left);
  const over = Math.min(from.y, to.y, ...between.filter((node) => node.y < Math.max(from.y, to.y)).map((node) => node.y)) - CLEARANCE - MIN_ARC / 2;
  const underFloor = Math.max(from.y, to.y) + NODE_HEIGHT;
  const under = Math.max(underFloor, ...between.filter((node) => node.y > Math.min(from.y, to.y)).map((node) => node.y + node.height)) + CLEARANCE + MIN_ARC / 2;
  const goOver = Math.min(from.y, to.y) - over <= under - underFloor;
  const rise = ARC_RISE * Math.abs(centre(from).x - centre(to).x) * 0.5;
  const start = { x: centre(from).x + (goOver ? 6 : -6), y: goOver ? from.y : from.y + from.height };
  const end = { x: centre(to).x + (goOver ? -6 : 6), y: goOver ? to.y : to.y + to.height };
  const peak = goOver ? over - rise : under + rise;
  // A quadratic curve's middle is (start + 2 control + end) / 4: put it at the peak.
  const control = { x: (start.x + end.x) / 2, y: 2 * peak - (start.y + end.y) / 2 };
  const labelX = (start.x + end.x) / 2;
  const labelY = goOver ? peak - 6 : peak + 14;
  const path = `M${round(start.x)},${round(start.y)} Q${round(control.x)},${round(control.y)} ${round(end.x)},${round(end.y)}`;
  return labelled({ path, labelX, labelY, top: Math.min(peak, labelY) - LABEL_ROOM, bottom: Math.max(peak, labelY) + 6 });
}
