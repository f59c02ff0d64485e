// Pure parts of the Tracks view (issue 16): a run's TrackSetData turned into lanes with heights
// and y positions, times as doubles relative to one BigInt origin (epoch ns exceed 2^53; a run's
// offsets from its own start do not), hit testing, and a stable colour per slice name.
import type { TrackArgValue, TrackData, TrackLaneRef, TrackSetData } from '../../src-main/contract.ts';
import { PALETTE } from '../charts/palette.ts';
import type { NsWindow } from './time-window.ts';

export const ROW_H = 16;
export const LANE_PAD = 3;
export const COUNTER_H = 34;
export const GROUP_H = 20;

export interface SliceBox {
  /** Start and end in ns from the model's origin; an untraced end is the model's end. */
  readonly t0: number;
  readonly t1: number;
  readonly depth: number;
  readonly name: string;
  readonly tsNs: bigint;
  readonly durNs: bigint | null;
  readonly args: Readonly<Record<string, TrackArgValue>>;
}

export interface CounterStep {
  readonly t: number;
  readonly value: number;
  readonly tsNs: bigint;
}

/** A thinned track's summary of one span (about a pixel column): count, min/max of value or duration. */
export interface BucketBox {
  readonly t0: number;
  readonly t1: number;
  readonly count: number;
  readonly min: number | null;
  readonly max: number | null;
}

interface LaneCommon {
  readonly id: string;
  readonly title: string;
  readonly group: string;
  readonly lane: TrackLaneRef;
  readonly y: number;
  readonly height: number;
  readonly truncated: boolean;
  readonly total: number;
  readonly note: string | null;
  /** The engine's per-bucket summary when the track was thinned in the fetched window; else null. */
  readonly buckets: readonly BucketBox[] | null;
  /** Key of the lane group it is drawn in (see groupOf). */
  readonly groupKey: string;
}

export type Lane =
  | (LaneCommon & { readonly kind: 'slice'; readonly rows: number; readonly items: readonly SliceBox[] })
  | (LaneCommon & { readonly kind: 'counter'; readonly unit: string; readonly min: number; readonly max: number; readonly items: readonly CounterStep[] });

export interface FlowArrow {
  readonly from: string;
  readonly to: string;
  readonly t0: number;
  readonly t1: number;
  readonly name: string;
}

/** A header row above a group's lanes; a collapsed group draws only it. */
export interface LaneGroup {
  readonly key: string;
  readonly title: string;
  readonly y: number;
  readonly collapsed: boolean;
  /** Lanes in the group (drawn or not). */
  readonly count: number;
}

export interface TracksModel {
  readonly origin: bigint;
  /** Where an open-ended slice ends, relative to origin. */
  readonly end: number;
  /** The lanes drawn (those of collapsed groups left out). */
  readonly lanes: readonly Lane[];
  readonly groups: readonly LaneGroup[];
  readonly flows: readonly FlowArrow[];
  readonly height: number;
}

const GROUP_TITLES: Record<string, string> = { migration: 'Migration', src: 'Source', dst: 'Destination', other: 'Other tracks' };
const GROUP_ORDER = ['migration', 'src', 'dst', 'other'];

/**
 * The group a track is drawn in: both sides' migration states and downtime together on top (the
 * run at a glance), then everything else of the source, of the destination, then tracks of no side
 * (the user's views).
 */
export function groupOf(t: Pick<TrackData, 'id' | 'lane'>): string {
  if (/^(states|downtime):/.test(t.id)) return 'migration';
  return t.lane.side ?? 'other';
}

/** Where multifd lanes sit within a side: by channel, so that channel N is at the same place on both sides. */
function laneKey(t: TrackData, i: number): [number, number, number] {
  const multifd = /^multifd(-bytes)?:/.test(t.id);
  return [multifd ? 1 : 0, multifd ? (t.lane.channel ?? Number.MAX_SAFE_INTEGER) : 0, i];
}

/**
 * Tracks in drawing order: by group, and within a side the engine's order but for multifd lanes,
 * which follow the side's other lanes ordered by channel (a channel's packets, then its bytes).
 */
export function orderTracks(tracks: readonly TrackData[]): TrackData[] {
  const keyed = tracks.map((t, i) => ({ t, g: GROUP_ORDER.indexOf(groupOf(t)), k: laneKey(t, i) }));
  keyed.sort((a, b) => a.g - b.g || a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.k[2] - b.k[2]);
  return keyed.map((x) => x.t);
}

/** The span every item of the set covers (an unended slice counts by its start); null when empty. */
export function boundsOf(set: TrackSetData): NsWindow | null {
  let lo: bigint | null = null;
  let hi: bigint | null = null;
  const see = (ts: bigint) => {
    if (lo === null || ts < lo) lo = ts;
    if (hi === null || ts > hi) hi = ts;
  };
  for (const t of set.tracks) {
    if (t.kind === 'flow') {
      for (const f of t.items) {
        see(BigInt(f.fromTsNs));
        see(BigInt(f.toTsNs));
      }
    } else if (t.kind === 'slice') {
      for (const s of t.items) {
        see(BigInt(s.tsNs));
        if (s.durNs !== null) see(BigInt(s.tsNs) + BigInt(s.durNs));
      }
    } else {
      for (const p of t.items) see(BigInt(p.tsNs));
    }
  }
  return lo === null || hi === null ? null : { from: lo, to: hi };
}

/**
 * The axis's zero: the source's first migration state (the migration's start), else the
 * destination's, else the first item.
 */
export function zeroOf(set: TrackSetData): { zero: bigint; caption: string } | null {
  for (const id of ['states:src', 'states:dst']) {
    const t = set.tracks.find((x) => x.id === id);
    if (t?.kind === 'slice' && t.items.length > 0) return { zero: BigInt(t.items[0]!.tsNs), caption: '0 = migration start' };
  }
  const b = boundsOf(set);
  return b && { zero: b.from, caption: '0 = first item' };
}

function laneHeight(t: TrackData): { height: number; rows: number } {
  if (t.kind === 'counter') return { height: COUNTER_H, rows: 1 };
  let rows = 1;
  if (t.kind === 'slice') for (const s of t.items) rows = Math.max(rows, s.depth + 1);
  return { height: rows * ROW_H + 2 * LANE_PAD, rows };
}

/**
 * Lanes in the engine's order (it ranks them: source before destination, migration before
 * multifd); flow tracks are not lanes but arrows between the lanes they join. `end` is the last
 * instant (ns, absolute) an unended slice reaches. `ranges`: counters' value ranges to keep (the
 * whole run's), so a zoomed window keeps the scale it had.
 */
export function buildModel(set: TrackSetData, origin: bigint, end: bigint, ranges: ReadonlyMap<string, CounterRange> = new Map(),
  collapsed: ReadonlySet<string> = new Set()): TracksModel {
  const rel = (ns: string) => Number(BigInt(ns) - origin);
  const endRel = Number(end - origin);
  const lanes: Lane[] = [];
  const groups: LaneGroup[] = [];
  const flows: FlowArrow[] = [];
  let y = 0;
  const ordered = orderTracks(set.tracks);
  for (const t of ordered) {
    if (t.kind === 'flow') {
      for (const f of t.items) flows.push({ from: f.fromTrackId, to: f.toTrackId, t0: rel(f.fromTsNs), t1: rel(f.toTsNs), name: f.name });
      continue;
    }
    const groupKey = groupOf(t);
    let g = groups[groups.length - 1];
    if (g?.key !== groupKey) {
      const count = ordered.filter((x) => x.kind !== 'flow' && groupOf(x) === groupKey).length;
      g = { key: groupKey, title: GROUP_TITLES[groupKey] ?? groupKey, y, collapsed: collapsed.has(groupKey), count };
      groups.push(g);
      y += GROUP_H;
    }
    if (g.collapsed) continue;
    const buckets = t.buckets === null ? null : t.buckets.map((b): BucketBox => ({ t0: rel(b.fromNs), t1: rel(b.toNs) + 1, count: b.count, min: b.min, max: b.max }));
    const common = { id: t.id, title: t.title, group: t.group, lane: t.lane, truncated: t.truncated, total: t.total, note: t.note, buckets, groupKey };
    const { height, rows } = laneHeight(t);
    if (t.kind === 'slice') {
      const items = t.items.map((s): SliceBox => {
        const tsNs = BigInt(s.tsNs);
        const t0 = Number(tsNs - origin);
        const durNs = s.durNs === null ? null : BigInt(s.durNs);
        return { t0, t1: durNs === null ? Math.max(t0, endRel) : t0 + Number(durNs), depth: s.depth, name: s.name, tsNs, durNs, args: s.args };
      });
      lanes.push({ ...common, kind: 'slice', y, height, rows, items });
    } else {
      let min = Infinity;
      let max = -Infinity;
      const items = t.items.map((p): CounterStep => {
        min = Math.min(min, p.value);
        max = Math.max(max, p.value);
        const tsNs = BigInt(p.tsNs);
        return { t: Number(tsNs - origin), value: p.value, tsNs };
      });
      // A thinned counter's buckets hold values its kept points may not (the band is drawn).
      for (const b of buckets ?? []) {
        if (b.min !== null) min = Math.min(min, b.min);
        if (b.max !== null) max = Math.max(max, b.max);
      }
      const r = ranges.get(t.id);
      lanes.push({ ...common, kind: 'counter', unit: t.unit, y, height, min: r?.min ?? Math.min(0, min), max: r?.max ?? (max === -Infinity ? 1 : max), items });
    }
    y += height;
  }
  const shown = new Set(lanes.map((l) => l.id));
  return { origin, end: endRel, lanes, groups, flows: flows.filter((f) => shown.has(f.from) && shown.has(f.to)), height: y };
}

/** The group header at y (px from the top of the lanes), or null. */
export function groupAt(m: TracksModel, y: number): LaneGroup | null {
  return m.groups.find((g) => y >= g.y && y < g.y + GROUP_H) ?? null;
}

/** The bucket of a thinned lane covering t (ns from the origin), or null. */
export function bucketAt(lane: Lane, t: number): BucketBox | null {
  if (!lane.buckets) return null;
  let lo = 0;
  let hi = lane.buckets.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = lane.buckets[mid]!;
    if (t < b.t0) hi = mid - 1;
    else if (t >= b.t1) lo = mid + 1;
    else return b;
  }
  return null;
}

/** `text` cut to fit `room` px with an ellipsis (measured by `width`); the whole text when it fits. */
export function ellipsize(text: string, room: number, width: (s: string) => number): string {
  if (width(text) <= room) return text;
  let lo = 0;
  let hi = text.length;
  // The longest prefix that fits with its ellipsis.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (width(`${text.slice(0, mid)}…`) <= room) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

export interface CounterRange {
  readonly min: number;
  readonly max: number;
}

export function counterRanges(m: TracksModel): Map<string, CounterRange> {
  return new Map(m.lanes.flatMap((l) => (l.kind === 'counter' ? [[l.id, { min: l.min, max: l.max }] as const] : [])));
}

/** Flows that start or end on this slice (its lane, within its time span): the ones to highlight. */
export function flowsOf(m: TracksModel, laneId: string, b: { t0: number; t1: number }): FlowArrow[] {
  return m.flows.filter((f) => (f.from === laneId && f.t0 >= b.t0 && f.t0 <= b.t1) || (f.to === laneId && f.t1 >= b.t0 && f.t1 <= b.t1));
}

/** The lane drawn at y (px from the top of the lanes), or null. */
export function laneAt(m: TracksModel, y: number): Lane | null {
  for (const l of m.lanes) if (y >= l.y && y < l.y + l.height) return l;
  return null;
}

export type Hit =
  | { readonly kind: 'slice'; readonly lane: Lane; readonly item: SliceBox }
  | { readonly kind: 'counter'; readonly lane: Lane; readonly item: CounterStep }
  | { readonly kind: 'bucket'; readonly lane: Lane; readonly item: BucketBox };

/**
 * What is under (t, y): t in ns from the origin, y in px. A slice row hits the slice covering t,
 * else the nearest one within `tolNs` (instants and slices thinner than a pixel); a counter lane
 * hits the step in force at t.
 */
export function hitTest(m: TracksModel, t: number, y: number, tolNs: number): Hit | null {
  const lane = laneAt(m, y);
  if (!lane) return null;
  const bucket = bucketAt(lane, t);
  if (lane.kind === 'counter') {
    // In a thinned span the band (count, min, max) says more than one kept point.
    if (bucket) return { kind: 'bucket', lane, item: bucket };
    let best: CounterStep | null = null;
    for (const p of lane.items) if (p.t <= t && (best === null || p.t >= best.t)) best = p;
    return best && { kind: 'counter', lane, item: best };
  }
  const row = Math.floor((y - lane.y - LANE_PAD) / ROW_H);
  if (row < 0 || row >= lane.rows) return bucket && { kind: 'bucket', lane, item: bucket };
  let best: SliceBox | null = null;
  let bestD = Infinity;
  for (const s of lane.items) {
    if (s.depth !== row) continue;
    const d = t < s.t0 ? s.t0 - t : t > s.t1 ? t - s.t1 : 0;
    // Inside a slice beats near one; among those inside, the shortest (the most specific).
    if (d < bestD || (d === 0 && bestD === 0 && best !== null && s.t1 - s.t0 < best.t1 - best.t0)) {
      best = s;
      bestD = d;
    }
  }
  if (best !== null && bestD <= tolNs) return { kind: 'slice', lane, item: best };
  return bucket && { kind: 'bucket', lane, item: bucket };
}

/** FNV-1a of the name: the same name has the same colour in every window and session. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function sliceColor(name: string): string {
  return PALETTE[nameHash(name) % PALETTE.length]!;
}

/** Value of a counter in its unit, short (`1.5 GiB`, `12.3k`). */
export function formatValue(v: number, unit: string): string {
  if (unit === 'bytes/s') return `${formatValue(v, 'bytes')}/s`;
  if (unit === 'bytes') {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let x = Math.abs(v);
    let i = 0;
    while (x >= 1024 && i < units.length - 1) {
      x /= 1024;
      i++;
    }
    return `${v < 0 ? '-' : ''}${i === 0 ? x : x.toFixed(1)} ${units[i]}`;
  }
  const a = Math.abs(v);
  const s = a >= 1e9 ? `${(v / 1e9).toFixed(1)}G` : a >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : a >= 1e4 ? `${(v / 1e3).toFixed(1)}k` : Number.isInteger(v) ? String(v) : v.toFixed(2);
  return unit && unit !== 'count' ? `${s} ${unit}` : s;
}

/** x in px within the plot of `width` px for t (ns from origin) in window `view`. */
export function xOf(t: number, viewFrom: number, span: number, width: number): number {
  return ((t - viewFrom) / span) * width;
}
