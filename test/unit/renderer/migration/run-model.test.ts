// The Migration page's run and attempt selectors, and openRun: labels, what stays selected
// across reloads, and the sentences that say a trace's attempt was matched by a heuristic.
import { describe, expect, it } from 'vitest';
import type { AttemptWindow, RunChoice, RunInfo, RunRef } from '../../../../src-main/contract.ts';
import { attemptOptionLabel, keepSelection, missingSidesText, runOptionLabel, runStartText, windowText } from '../../../../src-renderer/migration/run-model.ts';
import { onOpenRun, openRun } from '../../../../src-renderer/migration/open-run.ts';

// The 7.2 b-multifd4 run as listRuns gives it (ids as an ingest of the sample folder numbers them).
const info: RunInfo = {
  runId: 2, label: 'b-multifd4', labelSource: 'layout', srcTraceId: 4, dstTraceId: 3, qemuVersion: '7.2.22',
  startTsNs: '1795635807247673000', clock: 'epoch', pairedBy: 'layout', traceIds: [3, 4], alternates: [],
};
const choice = (over: Partial<RunChoice> = {}): RunChoice => ({
  run: info, attempts: [{ attempt: 1, finalState: 'completed', startTsNs: info.startTsNs, postcopy: false }], finalState: 'completed', ...over,
});

describe('run selector', () => {
  it('labels a run by label, QEMU version, final state and start', () => {
    // UTC date and time to the second from the Date API, then every digit of the nanoseconds.
    const ns = info.startTsNs!;
    const start = `${new Date(Number(BigInt(ns) / 1_000_000n)).toISOString().slice(0, 19).replace('T', ' ')}.${ns.slice(-9)}`;
    expect(runStartText(info)).toBe(start);
    expect(runOptionLabel(choice())).toBe(`b-multifd4 · QEMU 7.2.22 · completed · ${start.slice(0, 19)}`);
    // The no-timestamp logs of the sample folder: no start, no version known.
    const nots = choice({ run: { ...info, label: 'nots', startTsNs: null, clock: 'none', qemuVersion: null }, finalState: null });
    expect(runOptionLabel(nots)).toBe('nots · QEMU ? · no state changes');
    expect(runStartText({ startTsNs: '12345678901', clock: 'monotonic' })).toMatch(/^12\.345678901 s \(monotonic\)$/);
  });

  it('labels attempts with their number, count and outcome', () => {
    expect(attemptOptionLabel({ attempt: 2, finalState: 'cancelled', startTsNs: null, postcopy: true }, 3)).toBe('attempt 2 of 3 · cancelled · postcopy');
  });

  it('keeps the run and attempt shown while the workspace has them', () => {
    const runs = [choice(), choice({ run: { ...info, runId: 5 }, attempts: [] })];
    expect(keepSelection(runs, { runId: 2, attempt: 1 })).toEqual({ runId: 2, attempt: 1 });
    expect(keepSelection(runs, { runId: 2, attempt: 4 })).toEqual({ runId: 2, attempt: null });
    expect(keepSelection(runs, { runId: 9, attempt: 1 })).toEqual({ runId: null, attempt: null });
    expect(keepSelection(runs, { runId: null, attempt: null })).toEqual({ runId: null, attempt: null });
  });
});

describe('window sentences', () => {
  const w = (over: Partial<AttemptWindow>): AttemptWindow => ({ side: 'dst', traceId: 3, attempt: 2, fromNs: null, toNs: null, finalState: null, matchedBy: 'picked', ...over });
  it('name the trace and attempt, and say when the attempt was matched by a heuristic', () => {
    expect(windowText(w({ side: 'src', traceId: 4, matchedBy: 'only', attempt: 1 }))).toBe('source trace #4, attempt 1');
    expect(windowText(w({ matchedBy: 'overlap' }))).toMatch(/^destination trace #3, attempt 2 \(matched by time overlap .*heuristic\)$/);
    expect(windowText(w({ matchedBy: 'ordinal' }))).toMatch(/matched by number: a heuristic/);
    expect(windowText(w({ matchedBy: 'whole-trace', attempt: null }))).toBe('destination trace #3, every row (no migration state changes traced)');
  });
  it('say which side a run lacks', () => {
    const src = w({ side: 'src', traceId: 4 });
    expect(missingSidesText({ run: info, attempt: 1, windows: [src, w({})] })).toBeNull();
    expect(missingSidesText({ run: { ...info, dstTraceId: null }, attempt: 1, windows: [src] })).toBe('This run has no destination trace.');
    expect(missingSidesText({ run: info, attempt: 1, windows: [src] })).toBe('This run has no destination attempt matches this one (trace #3).');
  });
});

describe('openRun', () => {
  it('reaches every listener with the run and attempt until it unsubscribes', () => {
    const target = new EventTarget();
    const got: RunRef[] = [];
    const off = onOpenRun((r) => got.push(r), target);
    openRun(2, null, target);
    openRun(3, 1, target);
    off();
    openRun(4, null, target);
    expect(got).toEqual([{ runId: 2, attempt: null }, { runId: 3, attempt: 1 }]);
  });
});
