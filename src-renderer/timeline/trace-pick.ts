// What the Timeline shows: a run (its primary traces) or traces the user picked. One axis holds
// one clock kind, so a pick never mixes them: checking a trace of another clock starts a new
// pick. Pure, so the rules are unit-tested without a page.
import type { RunInfo, TimelineData, TraceInfo } from '../../src-main/contract.ts';
import { formatTimestampNs } from '../util/time-format.ts';

/** The run to show (null: the newest), or exactly these traces. */
export type TimelineSource = { readonly kind: 'run'; readonly runId: number | null } | { readonly kind: 'traces'; readonly traceIds: readonly number[] };

export const NEWEST: TimelineSource = { kind: 'run', runId: null };

export function requestOf(s: TimelineSource): { runId: number | null; traceIds: number[] | null } {
  return s.kind === 'run' ? { runId: s.runId, traceIds: null } : { runId: null, traceIds: [...s.traceIds] };
}

/** The file name a user recognises: the name given at upload, the archive member, else the path's last part. */
export function traceName(t: TraceInfo): string {
  const full = t.originalName ?? t.member ?? t.path;
  return full.split(/[\\/]/).pop() || full;
}

/** `#3 src src.simple.gz · monotonic · alternate of #1`. */
export function traceLabel(t: TraceInfo): string {
  const parts = [`#${t.traceId} ${t.side ?? '?'} ${traceName(t)}`, t.clock];
  if (t.alternateOf !== null) parts.push(`alternate of #${t.alternateOf}`);
  return parts.join(' · ');
}

/** A run as the picker lists it: its label and the clock of its primary traces. */
export function runLabel(r: RunInfo): string {
  return r.clock ? `${r.label} (${r.clock})` : r.label;
}

/**
 * The traces offered as checkboxes: the run's own (alternates included) when a run is chosen,
 * else every trace; primaries before their alternates, then by id.
 */
export function pickable(traces: readonly TraceInfo[], run: RunInfo | null): TraceInfo[] {
  const ids = run ? new Set(run.traceIds) : null;
  return traces.filter((t) => !ids || ids.has(t.traceId)).sort((a, b) => Number(a.alternateOf !== null) - Number(b.alternateOf !== null) || a.traceId - b.traceId);
}

/**
 * Check or uncheck `id` in `picked`. A trace of another clock kind than those already picked
 * replaces them (one axis, one clock); unchecking the last one leaves an empty pick, which the
 * panel does not send.
 */
export function togglePick(picked: readonly number[], id: number, on: boolean, traces: readonly TraceInfo[]): number[] {
  const clockOf = new Map(traces.map((t) => [t.traceId, t.clock]));
  if (!on) return picked.filter((x) => x !== id);
  const clock = clockOf.get(id);
  const same = picked.filter((x) => clockOf.get(x) === clock && x !== id);
  return [...same, id].sort((a, b) => a - b);
}

/** Every trace of each clock kind, for "all traces of one clock". */
export function clockGroups(traces: readonly TraceInfo[]): { clock: string; traceIds: number[] }[] {
  const m = new Map<string, number[]>();
  for (const t of traces) m.set(t.clock, [...(m.get(t.clock) ?? []), t.traceId]);
  return [...m].map(([clock, traceIds]) => ({ clock, traceIds: traceIds.sort((a, b) => a - b) })).sort((a, b) => (a.clock < b.clock ? -1 : 1));
}

/** The axis's zero: the migration's start when traced, else the start of the shown span. */
export function axisZero(d: TimelineData): bigint {
  return BigInt(d.startNs ?? d.originNs);
}

/** What the axis's zero is, for the axis corner and its tooltip. */
export function zeroCaption(d: TimelineData): { short: string; title: string } {
  const at = formatTimestampNs(axisZero(d), d.clock);
  return d.startNs !== null
    ? { short: '0 = migration start', title: `0 on the axis: the migration's first state change, ${at} (${d.clock ?? 'unknown'} clock)` }
    : { short: '0 = first event', title: `0 on the axis: the first event shown, ${at} (${d.clock ?? 'unknown'} clock); no migration state change was traced` };
}
