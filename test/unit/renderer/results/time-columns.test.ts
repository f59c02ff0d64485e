// Time columns of the result grid: which columns are times or durations, what each row's
// relative times are measured from, and exact BigInt formatting of 19-digit epoch stamps.
import { describe, expect, it } from 'vitest';
import type { ClockAlignmentEntry, QueryColumn, RunInfo, TraceInfo } from '../../../../src-main/contract.ts';
import {
  columnRole, formatDurationCell, formatTimeCell, nextTimeMode, refColumns, rowRef, TimeContext, timeColumnSpec,
} from '../../../../src-renderer/results/time-columns.ts';
import { formatNsAsMs, formatRelativeMs } from '../../../../src-renderer/util/time-format.ts';

const col = (name: string, type: string): QueryColumn => ({ name, type });

function run(runId: number, startTsNs: string | null, clock: string | null, label = `r${runId}`, src: number | null = null, dst: number | null = null): RunInfo {
  return { runId, label, labelSource: 'stem', srcTraceId: src, dstTraceId: dst, qemuVersion: null, startTsNs, clock, pairedBy: 'stem', traceIds: [], alternates: [] };
}
function trace(traceId: number, runId: number | null, clock: string, firstTsNs: string | null): TraceInfo {
  return { traceId, runId, clock, firstTsNs } as Partial<TraceInfo> as TraceInfo;
}

describe('BigInt ms formatting', () => {
  it('keeps the last digits of 19-digit stamps that a float would lose', () => {
    const base = 1795636884591689000n;
    expect(formatRelativeMs(1795636884591689123n, base)).toBe('0.000');
    expect(formatRelativeMs(1795636884591689123n, base, 6)).toBe('0.000123');
    // 1 500 ns: a float subtraction of the two stamps gives 0 or 2048 ns here (spacing 256).
    expect(Number(base + 1_500n) - Number(base)).not.toBe(1500);
    expect(formatRelativeMs(base + 1_500n, base)).toBe('0.002');
    expect(formatRelativeMs(base + 12_345_678_901n, base)).toBe('12345.679');
    expect(formatRelativeMs(base - 12_345_678_901n, base)).toBe('-12345.679');
  });

  it('rounds half away from zero and never shows -0.000', () => {
    expect(formatNsAsMs(500n)).toBe('0.001');
    expect(formatNsAsMs(499n)).toBe('0.000');
    expect(formatNsAsMs(-500n)).toBe('-0.001');
    expect(formatNsAsMs(-499n)).toBe('0.000');
    expect(formatNsAsMs(123456789n, 0)).toBe('123');
    expect(formatNsAsMs(18446744073709551615n)).toBe('18446744073709.552');
  });
});

describe('columnRole', () => {
  it('finds the engine\'s time columns by name on integer types only', () => {
    for (const n of ['ts_ns', 'src_ts_ns', 'ts_aligned_ns', 'first_ts_ns', 'last_ts_ns', 'start_ts_ns', 'end_ts_ns', 'start_ns', 'first_ns']) {
      expect(columnRole(col(n, 'BIGINT')), n).toBe('time');
      expect(columnRole(col(n, 'UBIGINT')), n).toBe('time');
    }
    expect(columnRole(col('ts_ns', 'VARCHAR'))).toBeNull();
    // An average of stamps is a float: not an exact time, left as it is.
    expect(columnRole(col('ts_ns', 'DOUBLE'))).toBeNull();
  });

  it('treats other *_ns numbers as durations and leaves *_ms and the rest alone', () => {
    for (const n of ['dur_ns', 'duration_ns', 'gap_ns', 'downtime_ns']) expect(columnRole(col(n, 'BIGINT')), n).toBe('duration');
    expect(columnRole(col('avg_dur_ns', 'DOUBLE'))).toBe('duration');
    for (const n of ['dur_ms', 'ns', 'trace_id', 'new_state', 'tsns']) expect(columnRole(col(n, 'BIGINT')), n).toBeNull();
  });
});

describe('TimeContext', () => {
  const runs = [run(1, '1795636884000000000', 'epoch', 'a-precopy', 1, 2), run(2, '1795636999000000000', 'epoch', 'b-postcopy'), run(3, '5000', 'monotonic')];
  const traces = [
    trace(1, 1, 'epoch', '1795636883000000000'),
    trace(2, 1, 'epoch', '1795636883500000000'),
    trace(3, 2, 'monotonic', '1000'), // clock differs from its run's
    trace(4, null, 'epoch', '1795636800000000000'),
  ];
  const offset = (dstTraceId: number, offsetNs: string | null) => ({ dstTraceId, offsetNs }) as Partial<ClockAlignmentEntry> as ClockAlignmentEntry;
  const ctx = new TimeContext(runs, traces, [offset(2, '-2500000'), offset(3, null)]);

  it('measures a row from its trace\'s run start, or its run_id\'s', () => {
    expect(ctx.baseFor({ traceId: 1, runId: null })).toEqual({ ns: 1795636884000000000n, what: 'the migration start of run 1 "a-precopy"' });
    expect(ctx.baseFor({ traceId: null, runId: 3 })?.ns).toBe(5000n);
  });

  it('puts destination stamps on the source clock with the destination\'s offset, as ts_aligned_ns', () => {
    // dst ts + (-2.5 ms) is on the source clock: its base is the start + 2.5 ms on its own clock.
    const dst = ctx.baseFor({ traceId: 2, runId: null })!;
    expect(dst.ns).toBe(1795636884002500000n);
    expect(dst.what).toContain('clock offset -2500000 ns applied');
    expect(ctx.baseFor({ traceId: 2, runId: null }, timeColumnSpec('ts_aligned_ns'))!.ns).toBe(1795636884000000000n);
    // An analysis row of the source trace with the destination's stamp in dst_ts_ns.
    expect(ctx.baseFor({ traceId: 1, runId: 1 }, timeColumnSpec('dst_ts_ns'))!.ns).toBe(1795636884002500000n);
    expect(ctx.baseFor({ traceId: 2, runId: 1 }, timeColumnSpec('src_ts_ns'))!.ns).toBe(1795636884000000000n);
    expect(timeColumnSpec('first_ts_ns')).toEqual({ aligned: false, side: null });
  });

  it('falls back to the trace\'s first record, and says why', () => {
    const b3 = ctx.baseFor({ traceId: 3, runId: null })!;
    expect(b3.ns).toBe(1000n);
    expect(b3.what).toContain('clock, monotonic, is not its run\'s epoch');
    const b4 = ctx.baseFor({ traceId: 4, runId: null })!;
    expect(b4.ns).toBe(1795636800000000000n);
    expect(b4.what).toContain('has no migration start');
  });

  it('uses the newest run when the row names no trace or run, and nothing when it names an unknown run', () => {
    const b = ctx.baseFor({ traceId: null, runId: null })!;
    expect(b.ns).toBe(1795636999000000000n);
    expect(b.what).toContain('run 2 "b-postcopy" (the newest run');
    expect(ctx.baseFor({ traceId: null, runId: 99 })).toBeNull();
    expect(new TimeContext([], []).baseFor({ traceId: null, runId: null })).toBeNull();
  });

  it('reads trace_id / run_id of a row as numbers or wire strings', () => {
    const cols = refColumns([col('ts_ns', 'BIGINT'), col('trace_id', 'INTEGER'), col('x', 'INTEGER')]);
    expect(cols).toEqual({ trace: 1, run: -1 });
    expect(rowRef(['1', 2, 3], cols)).toEqual({ traceId: 2, runId: null });
    expect(rowRef(['1', '7', 3], cols)).toEqual({ traceId: 7, runId: null });
    expect(rowRef(['1', null, 3], cols)).toEqual({ traceId: null, runId: null });
  });
});

describe('formatTimeCell / formatDurationCell', () => {
  const base = { ns: 1795636884591689000n, what: 'the migration start of run 1' };
  it('shows relative ms, date-time or every raw digit; the tooltip always has all three', () => {
    const v = '1795636884591689123';
    const rel = formatTimeCell(v, 'relative', base, 'epoch');
    expect(rel.text).toBe('0.000 ms');
    // Checked against `date -u -d @1795636884`.
    expect(formatTimeCell(v, 'absolute', base, 'epoch').text).toBe('2026-11-25 20:01:24.591689123 UTC');
    expect(formatTimeCell(v, 'raw', base, 'epoch').text).toBe(v);
    expect(rel.title).toBe(`${v} ns\n2026-11-25 20:01:24.591689123 UTC\n0.000 ms after the migration start of run 1`);
    expect(formatTimeCell(null, 'relative', base, null)).toMatchObject({ text: 'NULL', cls: 'null' });
  });

  it('shows the date-time, not a guessed origin, when no base is known', () => {
    const f = formatTimeCell('1795636884591689123', 'relative', null, 'epoch');
    expect(f.text).toBe('2026-11-25 20:01:24.591689123 UTC');
    expect(f.title).toContain('no migration start known');
  });

  it('shows durations in ms (raw ns in raw mode), integers exactly', () => {
    expect(formatDurationCell('9007199254740993', 'relative').text).toBe('9007199254.741 ms');
    expect(formatDurationCell(1_234_567, 'absolute').text).toBe('1.235 ms');
    expect(formatDurationCell(1_234_567, 'raw').text).toBe('1234567');
    expect(formatDurationCell(2500.5, 'relative').text).toBe('0.003 ms');
  });

  it('cycles relative → absolute → raw', () => {
    expect([nextTimeMode('relative'), nextTimeMode('absolute'), nextTimeMode('raw')]).toEqual(['absolute', 'raw', 'relative']);
  });
});
