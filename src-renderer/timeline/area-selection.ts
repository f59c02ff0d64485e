// The Tracks view's area selection (issue 16), pure: a time range (BigInt ns on the run's source
// clock) across the lanes a drag covered, as the engine's areaSummary takes it, and the cells of
// its table as text.
import type { AreaLaneRef, WireCell } from '../../src-main/contract.ts';
import { formatDurationNs } from '../util/time-format.ts';
import type { NsWindow } from './time-window.ts';
import type { Lane } from './tracks-model.ts';

export interface AreaSelection {
  readonly from: bigint;
  readonly to: bigint;
  /** The lanes covered, top to bottom. */
  readonly lanes: readonly AreaLaneRef[];
  readonly titles: readonly string[];
}

/** The instant at `fraction` (0..1, clamped) of the window: exact ns, rounded to the nearest. */
export function timeAt(view: NsWindow, fraction: number): bigint {
  const f = Math.max(0, Math.min(1, fraction));
  return view.from + BigInt(Math.round(Number(view.to - view.from) * f));
}

/** Lanes with any part between y0 and y1 (px from the top of the lanes, either order). */
export function lanesBetween(lanes: readonly Lane[], y0: number, y1: number): Lane[] {
  const lo = Math.min(y0, y1);
  const hi = Math.max(y0, y1);
  return lanes.filter((l) => l.y < hi + 1 && l.y + l.height > lo);
}

export function selectionOf(view: NsWindow, f0: number, f1: number, lanes: readonly Lane[]): AreaSelection {
  const a = timeAt(view, f0);
  const b = timeAt(view, f1);
  return {
    from: a < b ? a : b,
    to: a < b ? b : a,
    lanes: lanes.map((l) => ({ trackId: l.id, side: l.lane.side, tid: l.lane.tid, channel: l.lane.channel })),
    titles: lanes.map((l) => l.title),
  };
}

/** Columns holding ns durations (shown as durations; the SQL keeps ns). */
const DURATION_COLUMNS = new Set(['clipped_dur_ns', 'longest_slice_dur_ns']);

export function formatAreaCell(column: string, v: WireCell): string {
  if (v === null) return '—';
  if (DURATION_COLUMNS.has(column) && (typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v)))) return formatDurationNs(BigInt(v));
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 3 });
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v).toLocaleString('en-US');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
