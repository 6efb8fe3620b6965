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

/** Marks of one lane that share a bin: lane.marks[first] up to (not including) [end]. */
export interface Cell {
  bin: number;
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
