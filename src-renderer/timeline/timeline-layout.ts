// Pure timeline logic: lane labels and order, a stable colour per event name, the legend, and a
// per-lane index for hit-testing 50k ticks under the mouse without scanning them all.
import type { TimelineEvent, TimelineLane } from '../../src-main/contract.ts';
import { quoteIdent } from '../editor/completion-items.ts';
import { PALETTE as SHARED_PALETTE, pageColors } from '../charts/palette.ts';

/** `src · tid 1234 · multifd send 2`: side (or trace id), thread, and its name when known. */
export function laneLabel(lane: TimelineLane, ambiguousSides: ReadonlySet<string> = new Set()): string {
  const who = lane.side === null ? `trace ${lane.traceId}` : ambiguousSides.has(lane.side) ? `${lane.side}#${lane.traceId}` : lane.side;
  const parts = [who];
  if (lane.tid !== null) parts.push(`tid ${lane.tid}`);
  if (lane.threadName) parts.push(lane.threadName.replace(/_/g, ' '));
  return parts.join(' · ');
}

/** Sides claimed by more than one trace: their labels need the trace id too. */
export function ambiguousSides(lanes: readonly TimelineLane[]): Set<string> {
  const traces = new Map<string, Set<number>>();
  for (const l of lanes) {
    if (l.side === null) continue;
    const s = traces.get(l.side) ?? new Set<number>();
    s.add(l.traceId);
    traces.set(l.side, s);
  }
  return new Set([...traces].filter(([, s]) => s.size > 1).map(([k]) => k));
}

const SIDE_ORDER: Record<string, number> = { src: 0, dst: 1 };

/**
 * Source above destination, then by trace; within a trace the main thread (tid = pid) first,
 * then threads in tid order (QEMU creates migration threads in a stable order).
 */
export function orderLanes(lanes: readonly TimelineLane[]): TimelineLane[] {
  return [...lanes].sort((a, b) =>
    (SIDE_ORDER[a.side ?? ''] ?? 2) - (SIDE_ORDER[b.side ?? ''] ?? 2) ||
    a.traceId - b.traceId ||
    Number(b.tid !== null && b.tid === b.pid) - Number(a.tid !== null && a.tid === a.pid) ||
    (a.tid ?? -1) - (b.tid ?? -1) ||
    a.laneId - b.laneId);
}

/** The page's shared palette (charts/palette.ts): an event has one colour in every view. */
export const PALETTE: readonly string[] = SHARED_PALETTE;

/** FNV-1a over UTF-16 code units: cheap, stable across sessions and machines. */
export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The next free colour for a name not seen before on this page (no two legend entries share one up to 20). */
export function colorIndex(name: string): number {
  return pageColors.index(name);
}

export function colorFor(name: string): string {
  return pageColors.color(name);
}

/** The most frequent names in the window, for the legend. */
export function topNames(events: readonly TimelineEvent[], n: number): { name: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  return [...counts].map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1))
    .slice(0, n);
}

/**
 * Events of each lane sorted by time, so the nearest tick to the mouse is a binary search.
 * Indices point into the original events array.
 */
export class LaneIndex {
  private readonly byLane = new Map<number, Int32Array>();

  constructor(private readonly events: readonly TimelineEvent[]) {
    const lists = new Map<number, number[]>();
    events.forEach((e, i) => {
      const l = lists.get(e.laneId) ?? [];
      l.push(i);
      lists.set(e.laneId, l);
    });
    for (const [lane, idx] of lists) {
      idx.sort((a, b) => events[a]!.t - events[b]!.t || a - b);
      this.byLane.set(lane, Int32Array.from(idx));
    }
  }

  count(laneId: number): number {
    return this.byLane.get(laneId)?.length ?? 0;
  }

  /** The event of `laneId` nearest to `t` (ns from origin), if within `tolerance` ns. */
  nearest(laneId: number, t: number, tolerance: number): TimelineEvent | null {
    const idx = this.byLane.get(laneId);
    if (!idx || idx.length === 0) return null;
    let lo = 0;
    let hi = idx.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[idx[mid]!]!.t < t) lo = mid + 1;
      else hi = mid;
    }
    let best: TimelineEvent | null = null;
    let bestD = Infinity;
    for (const j of [lo - 1, lo]) {
      if (j < 0 || j >= idx.length) continue;
      const e = this.events[idx[j]!]!;
      const d = Math.abs(e.t - t);
      if (d < bestD) {
        best = e;
        bestD = d;
      }
    }
    return bestD <= tolerance ? best : null;
  }
}

/**
 * The filter box's text as the engine's glob: a bare word means "names containing it", as in
 * the catalogue search; with `*`/`?` the user wrote a glob already.
 */
export function timelinePattern(text: string): string | null {
  const t = text.trim();
  if (t === '') return null;
  return /[*?]/.test(t) ? t : `*${t}*`;
}

/** SQL that shows one timeline event's full row in the editor. */
export function eventRowQuery(name: string, traceId: number, seq: number): string {
  return `SELECT * FROM ${quoteIdent(name)} WHERE trace_id = ${traceId} AND seq = ${seq}`;
}
