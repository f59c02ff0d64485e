// The Migration and Compare pages' data (the engine's migrationPage and compareRuns) and the
// renderer's models over it, run through the real engine service on the QEMU 7.2 a-precopy
// sample (source + destination logs). Expected values come from the raw log files and from
// QEMU's own query-migrate.json, never from the queries under test.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineClient, MigrationPageData, PageQueryData } from '../../../../src-main/contract.ts';
import { installAnalyses } from '../../../../src-main/analyses/index.ts';
import { OVERVIEW_METRICS } from '../../../../src-main/analyses/page-queries.ts';
import { WorkspaceEngine } from '../../../../src-main/service/workspace-engine.ts';
import { EngineService } from '../../../../src-main/service/api.ts';
import { parseClientMessage } from '../../../../src-main/service/rpc-validate.ts';
import { stateIntervals, stateTimelineOption, timelineFocusEndMs } from '../../../../src-renderer/migration/chart-options.ts';
import { describeAlignment } from '../../../../src-renderer/migration/alignment-text.ts';
import { clockAlignment, parseAlignment, parseOffsetInput } from '../../../../src-renderer/migration/engine-extras.ts';
import { toAttempt, type AttemptSummary } from '../../../../src-renderer/migration/overview-model.ts';
import { num, str, type Row } from '../../../../src-renderer/migration/query-rows.ts';
import { DEBIAN_72, scratch } from '../../../helpers/paths.ts';
import { A_PRECOPY, readRaw, type RawRecord } from '../../../helpers/raw-log.ts';

const qm = JSON.parse(readFileSync(path.join(A_PRECOPY, 'query-migrate.json'), 'utf8')) as {
  status: string; 'total-time': number; 'setup-time': number; downtime: number; ram: { 'dirty-sync-count': number; normal: number };
};
const raw = { src: readRaw('src'), dst: readRaw('dst') };

const tmp = scratch('qtw-mig-ui-');
let svc: EngineService;
let client: EngineClient;
let page: MigrationPageData;
let attempts: AttemptSummary[];
let traceIds: Record<'src' | 'dst', number>;

beforeAll(async () => {
  const file = path.join(tmp.dir, 'ws.duckdb');
  const engine = await WorkspaceEngine.open(file);
  await engine.openInputs([path.join(A_PRECOPY, 'src.log.gz'), path.join(A_PRECOPY, 'dst.log.gz')], { catalogues: [DEBIAN_72] });
  // The service installs the analyses after ingest too; doing it here keeps this test about the UI.
  await installAnalyses(engine.ws.conn);
  engine.close();
  svc = await EngineService.open(file, { host: 'server' });
  client = svc;
  page = await client.call('migrationPage', { runId: null, attempt: null });
  attempts = page.overview.rows.map(toAttempt);
  const ids: Partial<Record<'src' | 'dst', number>> = {};
  for (const t of await client.call('listTraces', {})) if (t.side) ids[t.side] = t.traceId;
  traceIds = ids as Record<'src' | 'dst', number>;
}, 180_000);

afterAll(async () => {
  await svc?.close();
  tmp.cleanup();
});

const states = (side: 'src' | 'dst'): RawRecord[] => raw[side].filter((r) => r.name === 'migrate_set_state');

/** Rows of a page query that ran; fails the test with its reason otherwise. */
function rowsOf(q: PageQueryData | null): Row[] {
  if (q === null) throw new Error('no query');
  if (q.sql === null) throw new Error(q.missing ?? 'no SQL');
  if (q.error !== null) throw new Error(q.error);
  return [...q.rows];
}

/** Plain SELECTs of the test's own, through the engine like any client's. */
async function queryRows(sql: string): Promise<Row[]> {
  const r = await client.call('runQuery', { sql });
  const pageRows = await client.call('fetchRows', { handle: r.handle, offset: 0, count: r.rowCount, sort: null });
  await client.call('releaseResult', { handle: r.handle });
  return pageRows.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i] ?? null])));
}

describe('page queries', () => {
  it('Compare lines up exactly the numeric measures of migration_overview', async () => {
    const cols = await queryRows(
      `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'migration_overview' AND schema_name = 'main' ORDER BY column_index`,
    );
    const numeric = cols
      .filter((c) => /^(INTEGER|BIGINT|HUGEINT|DOUBLE)$/.test(str(c.data_type) ?? '') && !/^(attempt|run_id|trace_id)$|_ts_ns$/.test(str(c.column_name) ?? ''))
      .map((c) => str(c.column_name));
    expect(numeric).toEqual([...OVERVIEW_METRICS]);
  });

  it('take a picked run and attempt only when they are well formed', () => {
    const msg = (a: unknown) => parseClientMessage({ kind: 'request', id: 1, method: 'compareRuns', params: { a, b: null } });
    expect(msg({ runId: 2, attempt: 1 })).toMatchObject({ method: 'compareRuns', params: { a: { runId: 2, attempt: 1 }, b: null } });
    expect(msg({ runId: 2, attempt: 1.5 })).toEqual({ error: 'params.a.attempt: expected an integer', code: 'invalid-input' });
    expect(msg({ runId: 0, attempt: null })).toEqual({ error: 'params.a.runId: must be 1..2147483647', code: 'invalid-input' });
    expect(msg({ runId: 2, attempt: 1, sql: 'x' })).toMatchObject({ code: 'invalid-input' });
    const page = (params: unknown) => parseClientMessage({ kind: 'request', id: 1, method: 'migrationPage', params });
    expect(page({ runId: null, attempt: null })).toMatchObject({ params: { runId: null, attempt: null } });
    expect(page({})).toEqual({ error: 'params: missing runId', code: 'invalid-input' });
  });
});

describe('state timeline', () => {
  it('has every state change of both sides, with durations from the raw log timestamps', async () => {
    const rows = rowsOf(page.charts.states);
    for (const side of ['src', 'dst'] as const) {
      const mine = rows.filter((r) => r.side === side);
      const want = states(side);
      expect(mine.map((r) => str(r.state))).toEqual(want.map((r) => r.args.replace(/^new state /, '')));
      // Intervals between consecutive state changes equal the log's timestamp differences.
      for (let i = 0; i + 1 < want.length; i++) {
        expect(num(mine[i]!.duration_ms)).toBeCloseTo(Number(want[i + 1]!.tsNs - want[i]!.tsNs) / 1e6, 6);
      }
      // The last state lasts until the trace's last record.
      const last = raw[side][raw[side].length - 1]!.tsNs;
      expect(num(mine[mine.length - 1]!.duration_ms)).toBeCloseTo(Number(last - want[want.length - 1]!.tsNs) / 1e6, 6);
    }
    // Both sides on one axis: start_ms is relative to the source's first state change (the
    // migrate command), with the destination shifted by its stored clock offset.
    const offsets = new Map((await queryRows('SELECT trace_id, coalesce(clock_offset_ns, 0) AS o FROM traces')).map((r) => [num(r.trace_id), BigInt(str(r.o) ?? '0')]));
    const firstSrc = states('src')[0]!.tsNs + (offsets.get(traceIds.src) ?? 0n);
    const firstDst = states('dst')[0]!.tsNs + (offsets.get(traceIds.dst) ?? 0n);
    const origin = firstSrc;
    expect(num(rows.find((r) => r.side === 'dst')!.start_ms)).toBeCloseTo(Number(firstDst - origin) / 1e6, 6);
    expect(num(rows.find((r) => r.side === 'src')!.start_ms)).toBeCloseTo(Number(firstSrc - origin) / 1e6, 6);

    const option = stateTimelineOption(rows) as { yAxis: { data: string[] } };
    expect(option.yAxis.data).toEqual([`src #${traceIds.src}`, `dst #${traceIds.dst}`]);
    expect(stateIntervals(rows).length).toBe(states('src').length + states('dst').length);
    // The axis stops 8 % after the last 'completed', not at the end of the recording.
    const lastCompleted = [firstSrc - states('src')[0]!.tsNs, firstDst - states('dst')[0]!.tsNs]
      .map((off, i) => states(i === 0 ? 'src' : 'dst').find((r) => r.args.endsWith(' completed'))!.tsNs + off - origin);
    const latest = lastCompleted.reduce((x, y) => (x > y ? x : y));
    expect(timelineFocusEndMs(stateIntervals(rows))).toBeCloseTo((Number(latest) / 1e6) * 1.08, 6);
  });
});

describe('attempt cards (migration_overview)', () => {
  it('map the overview row of the source to QEMU query-migrate figures', () => {
    const src = attempts.filter((a) => a.side === 'src');
    expect(src.length).toBe(1);
    const a = src[0]!;
    // Cards list the source first.
    expect(attempts[0]!.side).toBe('src');
    expect(a.finalState).toBe(qm.status);
    expect(a.dirtySyncs).toBe(qm.ram['dirty-sync-count']);
    expect(a.normalPages).toBe(qm.ram.normal);
    expect(Math.abs(a.totalMs! - qm['total-time'])).toBeLessThanOrEqual(5);
    expect(Math.abs(a.downtimeMs! - qm.downtime)).toBeLessThanOrEqual(3);
    expect(Math.abs(a.setupMs! - qm['setup-time'])).toBeLessThanOrEqual(2);
    expect(a.traceId).toBe(traceIds.src);
    // No mbps column: the estimate is labelled and uses normal pages over (total - setup).
    expect(a.throughputSource).toMatch(/≈/);
    expect(a.throughputMbps).toBeCloseTo((qm.ram.normal * 4096 * 8) / (a.totalMs! - a.setupMs!) / 1000, 6);
  });

  it('estimate no throughput for the destination, whose total starts when it began waiting', () => {
    const dst = attempts.filter((a) => a.side === 'dst');
    expect(dst.length).toBe(1);
    expect(dst[0]!.normalPages).toBeGreaterThan(0);
    expect(dst[0]!.setupMs).toBeNull();
    expect([dst[0]!.throughputMbps, dst[0]!.throughputSource]).toEqual([null, null]);
  });
});

describe('chart queries', () => {
  it('all run on the sample; dirty pages per sync equal migration_bitmap_sync_end values', async () => {
    for (const q of Object.values(page.charts)) {
      expect(q.error).toBeNull();
      expect(q.sql ?? q.missing).toMatch(/\w/);
    }
    const rows = rowsOf(page.charts.dirty).filter((r) => r.side === 'src');
    const want = raw.src.filter((r) => r.name === 'migration_bitmap_sync_end').map((r) => Number(/dirty_pages (\d+)/.exec(r.args)![1]));
    expect(rows.map((r) => num(r.dirty_pages))).toEqual(want);
    expect(rows.map((r) => num(r.iteration))).toEqual(want.map((_, i) => i + 1));
  });
  it('throughput per rate-limit period equals migrate_transferred bytes over time_spent', async () => {
    const rows = rowsOf(page.charts.throughput);
    const want = raw.src
      .filter((r) => r.name === 'migrate_transferred')
      .map((r) => {
        const m = /transferred (\d+) time_spent (\d+)/.exec(r.args)!;
        return { mbps: (Number(m[1]) * 8) / Number(m[2]) / 1000, tsNs: r.tsNs };
      });
    expect(rows.length).toBe(want.length);
    rows.forEach((r, i) => expect(num(r.mbps)).toBeCloseTo(want[i]!.mbps, 6));
    // Same time axis as the state timeline: ms since the first state change (the source's setup).
    const origin = states('src')[0]!.tsNs;
    expect(num(rows[0]!.t_ms)).toBeCloseTo(Number(want[0]!.tsNs - origin) / 1e6, 6);
  });

  it('a precopy migration without multifd or postcopy gives empty multifd and postcopy charts', async () => {
    for (const q of [page.charts.multifd, page.charts.postcopy]) expect(q.rows).toEqual([]);
  });
});

describe('compare', () => {
  // One run in this workspace: compared with itself, each side against the same side.
  const runRef = () => ({ runId: page.selection!.run.runId, attempt: null });
  const card = (side: 'src' | 'dst') => attempts.find((x) => x.side === side)!;

  it('counts each event inside each side\'s attempt window as the raw logs do, with rates per second', async () => {
    const data = await client.call('compareRuns', { a: runRef(), b: runRef() });
    for (const side of ['src', 'dst'] as const) {
      const rows = rowsOf(data[side]?.events ?? null);
      const att = card(side);
      const t0 = BigInt(att.startTsNs!);
      const t1 = att.endTsNs ? BigInt(att.endTsNs) : raw[side][raw[side].length - 1]!.tsNs;
      const m = new Map<string, number>();
      for (const r of raw[side]) if (r.tsNs >= t0 && r.tsNs <= t1) m.set(r.name, (m.get(r.name) ?? 0) + 1);
      const spanS = Number(t1 - t0) / 1e9;
      expect(new Set(rows.map((r) => str(r.event)))).toEqual(new Set(m.keys()));
      for (const r of rows) {
        const n = m.get(str(r.event)!) ?? 0;
        expect([num(r.a_count), num(r.b_count), num(r.delta), num(r.ratio)]).toEqual([n, n, 0, 1]);
        expect(num(r.a_per_s)).toBeCloseTo(n / spanS, 1);
      }
      // Most frequent first.
      expect(num(rows[0]!.a_count)).toBe(Math.max(...m.values()));
    }
  });

  it('lines up overview metrics and time per state of the same side, B − A and B / A', async () => {
    const data = await client.call('compareRuns', { a: runRef(), b: runRef() });
    for (const side of ['src', 'dst'] as const) {
      const rows = rowsOf(data[side]?.phases ?? null);
      const total = rows.find((r) => r.metric === 'total_ms')!;
      expect([num(total.a), num(total.b), num(total.delta)]).toEqual([card(side).totalMs, card(side).totalMs, 0]);
    }
    const active = rowsOf(data.src?.phases ?? null).find((r) => r.metric === 'ms in active')!;
    const s = states('src');
    const i = s.findIndex((r) => r.args.endsWith(' active'));
    expect(num(active.a)).toBeCloseTo(Number(s[i + 1]!.tsNs - s[i]!.tsNs) / 1e6, 6);
  });
});

describe('clock alignment and offsets', () => {
  it('parses user offsets exactly', () => {
    expect(parseOffsetInput('-3.7 s')).toBe('-3700000000');
    expect(parseOffsetInput('250ms')).toBe('250000000');
    expect(parseOffsetInput('12.5 µs')).toBe('12500');
    expect(parseOffsetInput('1200')).toBe('1200');
    expect(parseOffsetInput('+0.0000000014 s')).toBe('1');
    expect(parseOffsetInput('3.7 parsecs')).toBeNull();
    expect(parseOffsetInput('')).toBeNull();
  });
  it('keeps only well-formed alignment rows, and describes the engine estimate for the sample pair', async () => {
    const good = { srcTraceId: 1, dstTraceId: 2, offsetNs: '-5', uncertaintyNs: '7', estimateNs: '-5', lowerNs: '-12', upperNs: null, pairs: 3, method: 'lower-bound', overridden: false };
    expect(parseAlignment([good, { srcTraceId: 1 }, null, 'x'])).toEqual([good]);
    expect(describeAlignment(good)).toBe('dst #2 → src #1: −5 ns ± 7 ns · 3 landmark pairs · lower-bound · bounds [−12 ns, +∞]');
    const rows = await clockAlignment(client);
    expect(rows).not.toBeNull();
    const row = rows!.find((r) => r.dstTraceId === traceIds.dst)!;
    expect(row.srcTraceId).toBe(traceIds.src);
    expect(describeAlignment(row)).toContain(`${row.pairs} landmark pair`);
    // The stored offset is what the state timeline shifts the destination by.
    const stored = await queryRows(`SELECT clock_offset_ns FROM traces WHERE trace_id = ${traceIds.dst}`);
    expect(str(stored[0]!.clock_offset_ns) ?? '0').toBe(row.offsetNs ?? '0');
  });
});
