import { describeOutcomes, histogram } from '../runner/outcomes.ts';

/**
 * The Run ×N histogram under a playground's status line. The bar renderer is the one
 * `show.bars` uses, loaded on first use; redrawing is coalesced to one per animation frame, so a
 * fast batch never queues more drawing than the page can do.
 */
export class HistogramView {
  readonly #container: HTMLElement;
  readonly #title: string;
  #outcomes: readonly string[] = [];
  #frame = 0;

  constructor(container: HTMLElement, title: string) {
    this.#container = container;
    this.#title = title;
  }

  /** Shows the histogram of `outcomes` (every outcome so far; the array is not kept changing). */
  show(outcomes: readonly string[]): void {
    this.#outcomes = [...outcomes];
    this.#frame ||= requestAnimationFrame(() => void this.#draw());
  }

  /** Hides the histogram (a new run begins); a draw still pending is dropped. */
  clear(): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.#outcomes = [];
    this.#container.hidden = true;
    this.#container.replaceChildren();
  }

  async #draw(): Promise<void> {
    this.#frame = 0;
    const outcomes = this.#outcomes;
    const { renderBars } = await import('./show/bars.ts');
    if (outcomes !== this.#outcomes || outcomes.length === 0) return; // Newer data, or cleared.
    const bars = histogram(outcomes).map((bar) => ({ label: bar.label, value: bar.count }));
    const chart = renderBars(
      { kind: 'bars', bars },
      { caption: `Outcomes of ${this.#title}: ${describeOutcomes(outcomes)}` },
    );
    this.#container.replaceChildren(chart);
    this.#container.hidden = false;
  }
}
