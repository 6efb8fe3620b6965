/**
 * Run ×N: what one run's outcome is, and how a batch of outcomes becomes a histogram.
 * Pure functions, so the page and the tests share them.
 */

/** An example's outcome pattern, as embedded in the page (a RegExp's source and flags). */
export interface OutcomePattern {
  source: string;
  flags: string;
}

/** One bar of the histogram: an outcome (or a range of numeric outcomes) and its run count. */
export interface OutcomeBar {
  label: string;
  count: number;
}

/** Above this many distinct numeric outcomes, they are grouped into ranges. */
const MOST_NUMERIC_BARS = 12;
/** How many ranges numeric outcomes are grouped into. */
const NUMERIC_BINS = 10;
/** Above this many distinct other outcomes, the rarest are counted together as "other". */
const MOST_TEXT_BARS = 30;
/** Outcomes are labels: a longer one is cut. */
const MAX_OUTCOME_LENGTH = 80;

/**
 * Reads one run's outcome from its output as it streams: the last line matching `pattern` (its
 * first capture group, or the whole match), or without a pattern the last non-empty line.
 */
export class OutcomeReader {
  readonly #regex: RegExp | null;
  #last: string | null = null;

  constructor(pattern?: OutcomePattern) {
    // Without g/y a RegExp keeps no state between lines.
    this.#regex = pattern ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : null;
  }

  /** Reads one output event's text (it may hold several lines). */
  read(text: string): void {
    for (const line of text.split('\n')) {
      if (!this.#regex) {
        if (line.trim() !== '') this.#last = line.trim();
        continue;
      }
      const match = this.#regex.exec(line);
      if (match) this.#last = (match[1] ?? match[0]).trim();
    }
  }

  /** The outcome so far; "(no output)" / "(no match)" when no line qualified. */
  get outcome(): string {
    if (this.#last === null) return this.#regex ? '(no match)' : '(no output)';
    return cut(this.#last);
  }
}

/** The outcome of a run that printed `lines` (see OutcomeReader). */
export function outcomeOf(lines: readonly string[], pattern?: OutcomePattern): string {
  const reader = new OutcomeReader(pattern);
  for (const line of lines) reader.read(line);
  return reader.outcome;
}

function cut(text: string): string {
  return text.length > MAX_OUTCOME_LENGTH ? `${text.slice(0, MAX_OUTCOME_LENGTH - 1)}…` : text;
}

/** A number written plainly (digits, sign, decimals, exponent, `_`/`,` digit groups), or null. */
function numericValue(outcome: string): number | null {
  if (!/^[-+]?[\d_,]*\.?\d+(e[-+]?\d+)?$/i.test(outcome)) return null;
  const value = Number(outcome.replace(/[_,]/g, ''));
  return Number.isFinite(value) ? value : null;
}

/**
 * The histogram of a batch's outcomes; the counts always add up to `outcomes.length`.
 * Numeric outcomes are sorted by value (grouped into NUMERIC_BINS equal ranges when there are
 * more than MOST_NUMERIC_BARS distinct values); other outcomes keep the order in which they
 * first appeared, and past MOST_TEXT_BARS the rarest are counted as "other outcomes".
 */
export function histogram(outcomes: readonly string[]): OutcomeBar[] {
  const counts = tally(outcomes);
  const numbers = [...counts.keys()].map(numericValue);
  if (numbers.length > 0 && numbers.every((value) => value !== null)) {
    return numericBars(counts, numbers as number[]);
  }
  const bars = [...counts].map(([label, count]) => ({ label, count }));
  if (bars.length <= MOST_TEXT_BARS) return bars;
  const kept = new Set([...bars].sort((a, b) => b.count - a.count).slice(0, MOST_TEXT_BARS - 1));
  const other = bars.filter((bar) => !kept.has(bar)).reduce((sum, bar) => sum + bar.count, 0);
  return [...bars.filter((bar) => kept.has(bar)), { label: 'other outcomes', count: other }];
}

function numericBars(counts: Map<string, number>, values: number[]): OutcomeBar[] {
  const entries = [...counts].map(([label, count], i) => ({ label, count, value: values[i] }));
  entries.sort((a, b) => a.value - b.value);
  if (entries.length <= MOST_NUMERIC_BARS) return entries.map(({ label, count }) => ({ label, count }));
  const low = entries[0].value;
  const high = entries[entries.length - 1].value;
  const integers = entries.every((entry) => Number.isInteger(entry.value));
  // Integer outcomes get integer ranges that do not overlap: "10–19", "20–29", …
  const width = integers ? Math.ceil((high - low + 1) / NUMERIC_BINS) : (high - low) / NUMERIC_BINS;
  const bins = Array.from({ length: NUMERIC_BINS }, (_, i) => {
    const from = low + i * width;
    const to = integers ? Math.min(from + width - 1, high) : from + width;
    return { label: integers && from === to ? format(from) : `${format(from)}–${format(to)}`, count: 0, from };
  }).filter((bin) => bin.from <= high);
  for (const entry of entries) {
    const index = Math.min(Math.floor((entry.value - low) / width), bins.length - 1);
    bins[index].count += entry.count;
  }
  return bins.map(({ label, count }) => ({ label, count }));
}

function format(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en') : value.toPrecision(4);
}

/** One sentence for screen readers and the status line: how the outcomes spread. */
export function describeOutcomes(outcomes: readonly string[]): string {
  const counts = tally(outcomes);
  const [top, topCount] = [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best), ['', 0]);
  const runs = outcomes.length === 1 ? '1 run' : `${outcomes.length} runs`;
  if (counts.size === 1) return `${runs}, every one with the outcome ${top}.`;
  if (counts.size === outcomes.length) return `${runs}, each with a different outcome.`;
  return `${runs}, ${counts.size} different outcomes; the most common, ${top}, came ${topCount === 1 ? 'once' : `${topCount} times`}.`;
}

/** How many times each outcome came, in the order outcomes first appeared. */
function tally(outcomes: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  return counts;
}
