/**
 * Where things are in a drawn timeline: the layout constants, and the rows and cells the
 * drawing (timeline-view.ts) lays out and the details (timeline-details.ts) look up.
 */
import type { Lane, QueueTrack, TimelineModel } from './timeline-model.ts';

/** Width of the lane names at the left, px. */
export const LABEL_WIDTH = 132;
/** Width of one bin of the time axis, px: everything in a bin is drawn (and stepped to) as one. */
export const BIN_PX = 2;
export const LANE_HEIGHT = 14;
export const LANE_GAP = 14;

/**
 * One stop for the keyboard: what of a row falls in one bin. 'marks': lane.marks[first] up to
 * (not including) [end]; 'waits': the waits among lane.spans[first..end), which begin in this
 * bin; 'depths': the queue's points first..end-1 ([time, depth] pairs).
 */
export interface Cell {
  kind: 'marks' | 'waits' | 'depths';
  bin: number;
  /** The last bin it covers (a wait may go on for many), for the ring. */
  last: number;
  first: number;
  end: number;
}

/** A thread's lane, or a queue's depth, at height `y`. */
export interface Row {
  y: number;
  height: number;
  lane?: Lane;
  cells: Cell[];
  queue?: QueueTrack;
}

/** A drawn model: its rows and how time maps onto bins. */
export interface Drawing {
  model: TimelineModel;
  rows: Row[];
  plotWidth: number;
  binMs: number;
  bins: number;
}

/** The axis has about 6 ticks; never more than this, whatever the times. */
export const MAX_AXIS_TICKS = 20;

/**
 * The times of the axis ticks from `start` to `end` (ms): about 6, at round steps (1, 2 or 5
 * times a power of ten). Counted by tick, not by adding steps to a time: at huge times a step
 * may not change the sum, and the ticks must end anyway.
 */
export function axisTicks(start: number, end: number): number[] {
  const span = Math.max(end - start, 1e-3);
  const rough = span / 6;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough)!;
  const first = Math.ceil(start / step) * step;
  const ticks: number[] = [];
  for (let tick = 0; tick < MAX_AXIS_TICKS; tick++) {
    const time = first + tick * step;
    if (!(time <= end + 1e-9)) break;
    ticks.push(time);
  }
  return ticks;
}
