/**
 * Building blocks of the drawings: elements whose text is always set as text (textContent),
 * never parsed, and the figure every drawing sits in (its title, then the drawing, then the
 * notes on what was left out).
 */
import type { ShowData } from '../../runtime/internal/show-data.ts';
import { showText } from '../../runner/show-text.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An HTML element with a class and, optionally, text. */
export function html<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** An SVG element with attributes (numbers and names only: no text from the data goes here). */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/** SVG text at (x, y), set as text. */
export function svgText(text: string, attributes: Record<string, string | number>): SVGTextElement {
  const element = svg('text', attributes);
  element.textContent = text;
  return element;
}

/**
 * The figure a drawing sits in: `caption` (or the data's title) as its caption, `body`, then
 * each note. `label` names the figure for assistive technology when it has no caption.
 */
export function figure(kind: ShowData['kind'], caption: string | undefined, label: string, body: Node[], notes: readonly string[] = []): HTMLElement {
  // not-content: Starlight's article styles (flow margins, table borders) stay out of drawings.
  const element = html('figure', `show show-${kind} not-content`);
  if (caption) element.append(html('figcaption', 'show-title', caption));
  else element.setAttribute('aria-label', label);
  element.append(...body);
  for (const note of notes) element.append(html('p', 'show-note', `(${note})`));
  return element;
}

/**
 * `content` in a box that scrolls when it is wider or taller than the output (a wide table, a
 * big graph, long bar labels on a phone). Focusable, so the keyboard can scroll it too.
 */
export function scrolling(content: Element): HTMLElement {
  const box = html('div', 'show-scroll');
  box.tabIndex = 0;
  box.append(content);
  return box;
}

/**
 * The drawing as text (what the command-line runner prints), in a closed disclosure: the words
 * behind a picture, for screen readers and for copying.
 */
export function asText(data: ShowData): HTMLElement {
  const details = html('details', 'show-as-text');
  details.append(html('summary', '', 'As text'), html('pre', '', showText({ ...data, title: undefined, notes: [] }).join('\n')));
  return details;
}
