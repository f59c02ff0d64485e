// Source/destination clock alignment: estimate each destination trace's clock offset from the
// migration protocol's landmarks, store it in traces.clock_offset_ns (ts_aligned_ns = ts_ns +
// clock_offset_ns puts a record on its source's clock) and let the user override it.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ClockAlignmentEntry } from '../contract.ts';
import { combineBounds, type LandmarkBounds, type OffsetEstimate } from './alignment/estimate.ts';
import { LANDMARKS, landmarkBoundsSql, type Landmark } from './alignment/landmarks.ts';
import { applyOffsets, ensureAlignmentTable, readAlignmentRows, storeEstimate, storeOverride, type AlignmentRow } from './alignment/store.ts';

export type { AlignmentRow } from './alignment/store.ts';
export type { OffsetEstimate } from './alignment/estimate.ts';

interface TraceRow {
  readonly traceId: number;
  readonly side: string | null;
  readonly clock: string | null;
  readonly runId: number | null;
  readonly alternateOf: number | null;
  /** epoch µs of the trace's last (re-)ingest. */
  readonly ingestedUs: bigint;
  /** The stored estimate: its source and when it was made (epoch µs); null when there is none. */
  readonly stored: { readonly src: number | null; readonly atUs: bigint } | null;
}

async function readSides(conn: DuckDBConnection): Promise<TraceRow[]> {
  const r = await conn.runAndReadAll(
    `SELECT t.trace_id, t.side, t.clock, t.run_id, t.alternate_of, coalesce(epoch_us(t.ingested_at), 0), c.trace_id IS NOT NULL AND c.estimated_at IS NOT NULL,
            c.src_trace_id, epoch_us(c.estimated_at)
       FROM traces t LEFT JOIN clock_alignment c USING (trace_id) WHERE t.error IS NULL ORDER BY t.trace_id`,
  );
  return r.getRows().map((x) => ({
    traceId: Number(x[0]),
    side: x[1] === null ? null : String(x[1]),
    clock: x[2] === null ? null : String(x[2]),
    runId: x[3] === null ? null : Number(x[3]),
    alternateOf: x[4] === null ? null : Number(x[4]),
    ingestedUs: BigInt(x[5] as bigint),
    stored: x[6] === true ? { src: x[7] === null ? null : Number(x[7]), atUs: BigInt(x[8] as bigint) } : null,
  }));
}

/** Landmarks whose events (with the columns they key on) exist in this workspace. */
async function availableLandmarks(conn: DuckDBConnection): Promise<Landmark[]> {
  const r = await conn.runAndReadAll(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'`);
  const cols = new Map<string, Set<string>>();
  for (const [t, c] of r.getRows()) {
    const set = cols.get(String(t)) ?? new Set<string>();
    set.add(String(c));
    cols.set(String(t), set);
  }
  const has = (needs: Readonly<Record<string, readonly string[]>>) =>
    Object.entries(needs).every(([t, cs]) => cols.has(t) && cs.every((c) => cols.get(t)?.has(c)));
  return LANDMARKS.filter((l) => has(l.sender.needs) && has(l.receiver.needs));
}

async function boundsFor(conn: DuckDBConnection, landmarks: readonly Landmark[], src: number, dst: number): Promise<LandmarkBounds[]> {
  const out: LandmarkBounds[] = [];
  for (const l of landmarks) {
    const r = await conn.runAndReadAll(landmarkBoundsSql(l, src, dst));
    const [pairs, best, top, coarse, discarded] = r.getRows()[0];
    const list = (top as { items?: unknown[] } | null)?.items ?? [];
    out.push({
      kind: l.kind,
      direction: l.direction,
      pairs: Number(pairs),
      best: best === null ? null : BigInt(best as bigint),
      top: list.filter((v) => v !== null).map((v) => BigInt(v as bigint)),
      coarse: coarse === true,
      discarded: Number(discarded),
    });
  }
  return out;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The estimate between two given traces (src, dst), without storing anything. */
export async function estimatePair(conn: DuckDBConnection, srcTrace: number, dstTrace: number): Promise<OffsetEstimate> {
  return combineBounds(await boundsFor(conn, await availableLandmarks(conn), srcTrace, dstTrace));
}

/** Prefer a pair with landmarks, then the same clock kind, then more landmark pairs, then the source analyses use. */
function rank(c: { est: OffsetEstimate; sameClock: boolean; primary: boolean }): number[] {
  return [c.est.pairs > 0 ? 1 : 0, c.sameClock ? 1 : 0, c.est.pairs, c.primary ? 1 : 0];
}

/**
 * A destination's stored estimate still holds when it was made after the last ingest of the
 * destination and of every source it may pair with, and its source is still one of those (or it
 * found none). Every estimate depends only on those traces' rows, so after an ingest only the
 * runs it touched are estimated again: a workspace of a hundred runs does not redo ninety-nine.
 */
function isCurrent(d: TraceRow, mine: readonly TraceRow[]): boolean {
  const s = d.stored;
  if (s === null || s.atUs < d.ingestedUs) return false;
  if (mine.some((x) => x.ingestedUs > s.atUs)) return false;
  return s.src === null || mine.some((x) => x.traceId === s.src);
}

/**
 * Estimate and store the offset of every destination trace against a source of its own run
 * (analyses/runs/). The destination analyses use is put on the clock of the source they use
 * (they join the two). An alternate destination takes the run's source of its own clock kind
 * when there is one (the same migration traced by both backends gives equally good landmarks
 * across clocks, but a simpletrace destination is expected beside a simpletrace source, and its
 * offset then reads as a clock error rather than as wall-minus-monotonic). A destination whose
 * run has no source gets no estimate: pairing it with another migration's source would give a
 * confident wrong offset.
 */
export async function estimateClockOffsets(conn: DuckDBConnection, opts: { readonly onlyChanged?: boolean } = {}): Promise<AlignmentRow[]> {
  await ensureAlignmentTable(conn);
  const traces = await readSides(conn);
  const srcs = traces.filter((t) => t.side === 'src');
  const dsts = traces.filter((t) => t.side === 'dst');
  const landmarks = dsts.length && srcs.length ? await availableLandmarks(conn) : [];
  const results: { dst: number; src: number | null; est: OffsetEstimate }[] = [];
  for (const d of dsts) {
    let chosen: { src: number; est: OffsetEstimate; sameClock: boolean; primary: boolean } | null = null;
    // Traces not planned into runs (runs failed to plan, or rows written by hand) pair among themselves.
    const mine = srcs.filter((x) => x.runId === d.runId && (d.alternateOf !== null || x.alternateOf === null));
    if (opts.onlyChanged && isCurrent(d, mine)) continue;
    for (const s of mine) {
      const est = combineBounds(await boundsFor(conn, landmarks, s.traceId, d.traceId));
      const candidate = { src: s.traceId, est, sameClock: s.clock === d.clock, primary: s.alternateOf === null };
      if (chosen === null || compareRanks(rank(candidate), rank(chosen)) > 0) chosen = candidate;
    }
    const est = chosen?.est ?? combineBounds([]);
    results.push({ dst: d.traceId, src: est.method === 'none' ? null : (chosen?.src ?? null), est });
  }
  // All estimates land together: a reader never sees half of them applied.
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const r of results) await storeEstimate(conn, r.dst, r.src, r.est);
    await applyOffsets(conn);
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
  return readAlignmentRows(conn);
}

export async function readClockAlignment(conn: DuckDBConnection): Promise<AlignmentRow[]> {
  return readAlignmentRows(conn);
}

/** Pin a trace's offset (null: back to the estimate). Later estimates keep the pin. */
export async function setClockOffset(conn: DuckDBConnection, traceId: number, offsetNs: bigint | null): Promise<AlignmentRow[]> {
  await ensureAlignmentTable(conn);
  const r = await conn.runAndReadAll(`SELECT 1 FROM traces WHERE trace_id = ${Math.trunc(traceId)}`);
  if (r.currentRowCount === 0) throw new Error(`no trace ${traceId} in this workspace`);
  await storeOverride(conn, traceId, offsetNs);
  await applyOffsets(conn);
  return readAlignmentRows(conn);
}

const str = (v: bigint | null): string | null => (v === null ? null : v.toString());

/** Rows as they cross a process boundary (ns as decimal strings). */
export function toAlignmentEntries(rows: readonly AlignmentRow[]): ClockAlignmentEntry[] {
  return rows.map((r) => ({
    srcTraceId: r.srcTraceId,
    dstTraceId: r.traceId,
    offsetNs: str(r.offsetNs),
    uncertaintyNs: r.overrideNs !== null ? null : str(r.uncertaintyNs),
    estimateNs: str(r.estimateNs),
    lowerNs: str(r.lowerNs),
    upperNs: str(r.upperNs),
    pairs: r.pairs,
    method: r.method,
    overridden: r.overrideNs !== null,
  }));
}

/** A decimal ns string as BigInt, or why not. */
export function parseOffsetNs(s: string): bigint {
  if (!/^-?\d{1,19}$/.test(s)) throw new Error(`not a nanosecond offset: ${s}`);
  const v = BigInt(s);
  if (v > 2n ** 63n - 1n || v < -(2n ** 63n) + 1n) throw new Error(`offset out of range: ${s}`);
  return v;
}
