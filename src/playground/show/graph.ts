/** `show.graph` as SVG: boxes and arrows in layers (graph-layout.ts), plus the edge list as text. */
import type { GraphData } from '../../runtime/internal/show-data.ts';
import { asText, figure, scrolling, svg, svgText } from './dom.ts';
import { layoutGraph, NODE_HEIGHT } from './graph-layout.ts';
import './show.css';

/** Arrowhead markers need ids unique in the page. */
let markers = 0;

/** Renders a directed graph; every label is set as text. */
export function renderGraph(data: GraphData): HTMLElement {
  const layout = layoutGraph(data);
  const marker = `show-arrow-${++markers}`;
  const picture = svg('svg', { class: 'show-graph-svg', width: Math.ceil(layout.width), height: Math.ceil(layout.height), viewBox: `0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`, role: 'img' });
  picture.setAttribute('aria-label', `Directed graph of ${count(data.nodes.length, 'node')} and ${count(data.edges.length, 'edge')}; the edges are listed as text below.`);
  const defs = svg('defs');
  const arrow = svg('marker', { id: marker, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  arrow.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'show-arrowhead' }));
  defs.append(arrow);
  picture.append(defs);
  const edges = svg('g', { class: 'show-edges' });
  const labels = svg('g', { class: 'show-edge-labels' });
  for (const edge of layout.edges) {
    edges.append(svg('path', { d: edge.path, class: 'show-edge', 'marker-end': `url(#${marker})` }));
    if (edge.label !== undefined) labels.append(svgText(edge.label, { x: edge.labelX, y: edge.labelY, class: 'show-edge-label', 'text-anchor': 'middle' }));
  }
  const nodes = svg('g', { class: 'show-nodes' });
  for (const node of layout.nodes) {
    const group = svg('g');
    group.append(
      svg('rect', { x: node.x, y: node.y, width: node.width, height: node.height, rx: 6, class: 'show-node' }),
      svgText(node.label, { x: node.x + node.width / 2, y: node.y + NODE_HEIGHT / 2, class: 'show-node-label', 'text-anchor': 'middle', 'dominant-baseline': 'central' }),
    );
    nodes.append(group);
  }
  picture.append(edges, nodes, labels);
  return figure('graph', data.title, 'Graph', [scrolling(picture), asText(data)], data.notes);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
