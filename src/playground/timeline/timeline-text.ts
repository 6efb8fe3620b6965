/**
 * The timeline in words: how objects and times are named, what a mark or a span means, and the
 * summary that sits next to the drawing (each thread's time running and waiting, the most
 * contended lock). Everything here is plain text; the view sets it with textContent.
 */
import { KIND_LABELS, objectLabel, type WaitKind } from '../../runtime/internal/control-block.ts';
import type { Lane, LaneState, Mark, QueueTrack, Span, TimelineModel } from './timeline-model.ts';

/** "0.42 ms", "12.3 ms", "1.25 s". */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
}

/** "Lock #3 (created at line 4)", or "object #3" when the object was never described. */
export function nameObject(model: TimelineModel, id: number): string {
  const object = model.objects.get(id);
  return object ? objectLabel(object.kind, id, object.line) : `object #${id}`;
}

function nameThread(model: TimelineModel, id: number): string {
  return model.lanes.find((lane) => lane.id === id)?.name ?? `thread #${id}`;
}

const STATE_WORDS: Record<LaneState, string> = {
  running: 'running',
  lock: 'blocked on',
  condition: 'waiting on',
  queue: 'waiting on',
  event: 'waiting on',
  barrier: 'waiting at',
  sleep: 'sleeping',
  wait: 'waiting on',
};

/** What a lane was doing during `span`: "blocked on Lock #1 (created at line 3) for 2.10 ms". */
export function describeSpan(model: TimelineModel, lane: Lane, span: Span): string {
  return `${lane.name}, ${formatMs(span.from)} to ${formatMs(span.to)}: ${stateWords(model, span)} for ${formatMs(span.to - span.from)}`;
}

/**
 * "blocked on Lock #1 (created at line 3)", "sleeping", "waiting for bob to finish (join)", and
 * "at line 7" after a wait whose line is known.
 */
function stateWords(model: TimelineModel, span: Span): string {
  const at = span.line > 0 && span.state !== 'running' ? ` at line ${span.line}` : '';
  if (span.state === 'running' || span.state === 'sleep') return `${STATE_WORDS[span.state]}${at}`;
  if (span.kind === 'join') return `waiting for ${nameThread(model, span.object)} to finish (join)${at}`;
  return `${STATE_WORDS[span.state]} ${waitTarget(model, span.kind, span.object)}${at}`;
}

/**
 * Waits that begin in one place of the drawing (one keyboard stop): one is described as by
 * describeSpan; several as "bob, 3.10 ms to 3.40 ms: blocked on Lock #1 (created at line 3) 2×
 * (1.20 ms in all, longest 0.90 ms)", per kind of wait.
 */
export function describeWaits(model: TimelineModel, lane: Lane, spans: Span[]): string {
  if (spans.length === 1) return describeSpan(model, lane, spans[0]);
  const groups = new Map<string, number[]>();
  for (const span of spans) {
    const words = stateWords(model, span);
    const lengths = groups.get(words) ?? [];
    lengths.push(span.to - span.from);
    groups.set(words, lengths);
  }
  const parts = [...groups].map(([words, lengths]) => {
    if (lengths.length === 1) return `${words} for ${formatMs(lengths[0])}`;
    const total = lengths.reduce((sum, ms) => sum + ms, 0);
    return `${words} ${lengths.length}× (${formatMs(total)} in all, longest ${formatMs(Math.max(...lengths))})`;
  });
  return `${lane.name}, ${formatMs(spans[0].from)} to ${formatMs(Math.max(...spans.map((span) => span.to)))}: ${parts.join('; ')}`;
}

/**
 * A queue's changes in one place of the drawing, points `first` up to (not including) `end`:
 * "Queue #3 (created at line 5), 1.00 ms to 3.50 ms: depth 1 to 3, 2 after (4 changes)".
 */
export function describeDepths(model: TimelineModel, queue: QueueTrack, first: number, end: number): string {
  const name = nameObject(model, queue.object);
  const times: number[] = [];
  const depths: number[] = [];
  for (let i = first; i < end; i++) {
    times.push(queue.points[2 * i]);
    depths.push(queue.points[2 * i + 1]);
  }
  if (depths.length === 1) return `${name}, at ${formatMs(times[0])}: depth ${depths[0]}`;
  const low = Math.min(...depths);
  const high = Math.max(...depths);
  const range = low === high ? `depth ${low}` : `depth ${low} to ${high}, ${depths.at(-1)} after`;
  return `${name}, ${formatMs(times[0])} to ${formatMs(times.at(-1)!)}: ${range} (${depths.length} changes)`;
}

function waitTarget(model: TimelineModel, kind: WaitKind | null, object: number): string {
  if (object > 0) return nameObject(model, object);
  return kind ? `a ${KIND_LABELS[kind]}` : 'something';
}

/**
 * Marks that fall together in one place of the drawing: per object, how many of each kind,
 * the waits before acquires and the hand-offs. "bob, 3.10 ms to 3.40 ms: Lock #1 (created at
 * line 3): acquired 2× (waited 1.20 ms in all, longest 0.90 ms; handed over by alice 2×), released 2×".
 */
export function describeMarks(model: TimelineModel, lane: Lane, marks: Mark[]): string {
  const byObject = new Map<number, Mark[]>();
  for (const mark of marks) {
    const list = byObject.get(mark.object) ?? [];
    list.push(mark);
    byObject.set(mark.object, list);
  }
  const parts: string[] = [];
  for (const [object, list] of byObject) {
    const words: string[] = [];
    for (const type of ['acquire', 'release', 'put', 'get'] as const) {
      const ofType = list.filter((mark) => mark.type === type);
      if (ofType.length === 0) continue;
      const verb = { acquire: 'acquired', release: 'released', put: 'put', get: 'got' }[type];
      let text = ofType.length === 1 ? verb : `${verb} ${ofType.length}×`;
      if (type === 'acquire') text += acquireDetails(model, ofType);
      if (type === 'put' || type === 'get') text += ` (depth ${ofType.at(-1)!.arg} after)`;
      words.push(text);
    }
    parts.push(`${nameObject(model, object)}: ${words.join(', ')}`);
  }
  const from = marks[0].time;
  const to = marks.at(-1)!.time;
  const when = from === to ? `at ${formatMs(from)}` : `${formatMs(from)} to ${formatMs(to)}`;
  return `${lane.name}, ${when}: ${parts.join('; ')}`;
}

function acquireDetails(model: TimelineModel, acquires: Mark[]): string {
  const waits = acquires.filter((mark) => mark.waited > 0);
  if (waits.length === 0) return ' (no wait)';
  const total = waits.reduce((sum, mark) => sum + mark.waited, 0);
  const longest = Math.max(...waits.map((mark) => mark.waited));
  const waited = waits.length === 1 ? `after waiting ${formatMs(total)}` : `waited ${formatMs(total)} in all, longest ${formatMs(longest)}`;
  const givers = new Map<number, number>();
  for (const mark of acquires) if (mark.handedBy) givers.set(mark.handedBy, (givers.get(mark.handedBy) ?? 0) + 1);
  const handed = [...givers].map(([thread, count]) => `${nameThread(model, thread)}${count > 1 ? ` ${count}×` : ''}`);
  return ` (${waited}${handed.length ? `; handed over by ${handed.join(', ')}` : ''})`;
}

/** The text summary: one line per thread, the most contended lock, what is missing. */
export function summarize(model: TimelineModel): string[] {
  const lines: string[] = [];
  if (model.records === 0) return [model.running ? 'Waiting for the first trace records…' : 'This run recorded no trace.'];
  for (const lane of model.lanes) {
    const waits = Object.entries(lane.time).filter(([state, ms]) => state !== 'running' && state !== 'sleep' && ms > 0);
    const waited = waits.reduce((sum, [, ms]) => sum + ms, 0);
    const kinds = waits.map(([state, ms]) => `${state === 'wait' ? 'join and other waits' : state} ${formatMs(ms)}`).join(', ');
    let line = `${lane.name}${lane.process ? ' (process)' : ''}: running ${formatMs(lane.time.running)}, blocked ${formatMs(waited)}`;
    if (waits.length) line += ` (${kinds})`;
    if (lane.time.sleep > 0) line += `, sleeping ${formatMs(lane.time.sleep)}`;
    // A thread's end is never dropped (trace.ts keeps it a slot): a lane without one did not finish
    // (a daemon thread, a stopped run).
    lines.push(`${line}${lane.finished ? '' : model.running ? ', still running' : ', did not finish'}.`);
  }
  const top = model.contended[0];
  lines.push(
    top
      ? `Most contended lock: ${nameObject(model, top.object)}, waited for ${top.waits} of ${top.acquires} times (${formatMs(top.waitedMs)} in all), ${top.handOffs} hand-off${top.handOffs === 1 ? '' : 's'}.`
      : 'No thread had to wait for a lock.',
  );
  if (model.dropped > 0) {
    lines.push(
      `${model.dropped.toLocaleString('en')} trace events were dropped (the trace is bounded), so parts of this timeline are missing.`,
    );
  }
  return lines;
}
