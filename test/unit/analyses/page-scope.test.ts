// How a run and attempt become the windows every Migration and Compare query is filtered to
// (page-queries.ts resolveScope). No sample holds a retried migration, so the retry cases are
// built from the facts such a trace pair gives: a source with a cancelled first attempt and a
// destination that waited (-incoming) for each; the one-attempt case is the 7.2 a-precopy pair's
// own figures (start of each side's first state change, from its logs).
import { describe, expect, it } from 'vitest';
import type { RunInfo } from '../../../src-main/contract.ts';
import { newestRun, noRunsReason, resolveScope, RunNotFound, type RunFacts, type TraceAttemptFacts } from '../../../src-main/analyses/page-queries.ts';

const run = (runId: number, over: Partial<RunInfo> = {}): RunInfo => ({
  runId, label: `run${runId}`, labelSource: 'layout', srcTraceId: 2 * runId, dstTraceId: 2 * runId - 1, qemuVersion: '7.2.22',
  startTsNs: null, clock: 'epoch', pairedBy: 'layout', traceIds: [2 * runId - 1, 2 * runId], alternates: [], ...over,
});
const S = 1_000_000_000n;
const T0 = 1795635800n * S;

function facts(runs: RunInfo[], traces: Record<number, TraceAttemptFacts>): RunFacts {
  return { runs, traces: new Map(Object.entries(traces).map(([k, v]) => [Number(k), v])), traceCount: Object.keys(traces).length };
}
const att = (attempt: number, start: bigint | null, next: bigint | null, finalState: string) => ({ attempt, startNs: start, nextStartNs: next, finalState, postcopy: false });

describe('resolveScope', () => {
  // 7.2 a-precopy: source setup at 12:03:27.247673, destination's first change (active) 3 ms later.
  const one = facts([run(1)], {
    2: { offsetNs: 0n, lastNs: T0 + 4n * S, attempts: [att(1, T0 + 247_673_000n, null, 'completed')] },
    1: { offsetNs: -1_200_000n, lastNs: T0 + 4n * S, attempts: [att(1, T0 + 250_627_000n, null, 'completed')] },
  });

  it('one attempt on each side: both taken whole from their first state change', () => {
    const s = resolveScope(one, null, null)!;
    expect(s.attempt).toBe(1);
    expect(s.windows).toEqual([
      { side: 'src', traceId: 2, attempt: 1, fromNs: T0 + 247_673_000n, toNs: null, finalState: 'completed', matchedBy: 'only' },
      { side: 'dst', traceId: 1, attempt: 1, fromNs: T0 + 250_627_000n, toNs: null, finalState: 'completed', matchedBy: 'only' },
    ]);
  });

  // A cancelled attempt at T0+1 s, retried at T0+10 s; the destination QEMU waited for each.
  const retry = facts([run(1)], {
    2: { offsetNs: 0n, lastNs: T0 + 20n * S, attempts: [att(1, T0 + S, T0 + 10n * S, 'cancelled'), att(2, T0 + 10n * S, null, 'completed')] },
    1: { offsetNs: 5_000_000n, lastNs: T0 + 20n * S, attempts: [att(1, T0, T0 + 9n * S, 'failed'), att(2, T0 + 9n * S, null, 'completed')] },
  });

  it('a retried migration: the last attempt by default, the destination attempt that overlaps it, marked as a heuristic', () => {
    const s = resolveScope(retry, 1, null)!;
    expect(s.attempt).toBe(2);
    expect(s.windows.map((w) => [w.side, w.attempt, w.fromNs, w.toNs, w.matchedBy])).toEqual([
      ['src', 2, T0 + 10n * S, null, 'picked'],
      ['dst', 2, T0 + 9n * S, null, 'overlap'],
    ]);
    const first = resolveScope(retry, 1, 1)!;
    expect(first.windows.map((w) => [w.side, w.attempt, w.fromNs, w.toNs, w.matchedBy])).toEqual([
      ['src', 1, T0 + S, T0 + 10n * S, 'picked'],
      ['dst', 1, T0, T0 + 9n * S, 'overlap'],
    ]);
  });

  it('no overlap (clocks far apart): the same attempt number when both have as many, else no destination window', () => {
    const apart = facts([run(1)], {
      2: retry.traces.get(2)!,
      1: { offsetNs: 0n, lastNs: T0 + 1000n * S, attempts: [att(1, T0 + 500n * S, T0 + 600n * S, 'failed'), att(2, T0 + 600n * S, null, 'completed')] },
    });
    expect(resolveScope(apart, 1, 1)!.windows.map((w) => [w.side, w.attempt, w.matchedBy])).toEqual([['src', 1, 'picked'], ['dst', 1, 'ordinal']]);
    const three = facts([run(1)], {
      2: retry.traces.get(2)!,
      1: { ...apart.traces.get(1)!, attempts: [...apart.traces.get(1)!.attempts, att(3, T0 + 700n * S, null, 'completed')] },
    });
    expect(resolveScope(three, 1, 1)!.windows.map((w) => w.side)).toEqual(['src']);
  });

  it('a destination without state changes is taken whole; a run of one destination takes its attempts', () => {
    const noStates = facts([run(1)], { 2: one.traces.get(2)!, 1: { offsetNs: 0n, lastNs: null, attempts: [] } });
    expect(resolveScope(noStates, 1, null)!.windows[1]).toMatchObject({ side: 'dst', attempt: null, fromNs: null, toNs: null, matchedBy: 'whole-trace' });
    const dstOnly = facts([run(1, { srcTraceId: null, traceIds: [1], pairedBy: 'single' })], { 1: retry.traces.get(1)! });
    const s = resolveScope(dstOnly, 1, 1)!;
    expect(s.windows).toEqual([{ side: 'dst', traceId: 1, attempt: 1, fromNs: T0, toNs: T0 + 9n * S, finalState: 'failed', matchedBy: 'picked' }]);
  });

  it('refuses a run or attempt that is not there, naming it', () => {
    expect(() => resolveScope(one, 7, null)).toThrow(new RunNotFound('no run 7 in this workspace'));
    expect(() => resolveScope(one, 1, 3)).toThrow('run 1 (run1) has no attempt 3');
    expect(resolveScope(facts([], {}), null, null)).toBeNull();
  });
});

describe('newestRun and the empty state', () => {
  it('picks the run that started last; a run without a start only when none has one', () => {
    const runs = [run(1, { startTsNs: String(T0 + 5n * S) }), run(2, { startTsNs: null }), run(3, { startTsNs: String(T0 + S) })];
    expect(newestRun(runs)?.runId).toBe(1);
    expect(newestRun([run(4), run(5)])?.runId).toBe(5);
    expect(newestRun([])).toBeNull();
  });

  it('says why there is no run', () => {
    expect(noRunsReason(facts([], {}))).toMatch(/^No traces in this workspace yet/);
    expect(noRunsReason({ runs: [], traces: new Map(), traceCount: 1 })).toMatch(/^This workspace has 1 trace but no runs/);
  });
});
