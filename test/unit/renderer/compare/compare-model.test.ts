// Which two runs Compare shows first, on the runs of the 7.2 sample folder (listRuns order:
// oldest first).
import { describe, expect, it } from 'vitest';
import type { RunChoice, RunInfo } from '../../../../src-main/contract.ts';
import { defaultPair } from '../../../../src-renderer/compare/compare-model.ts';

const run = (runId: number, label: string): RunInfo => ({
  runId, label, labelSource: 'layout', srcTraceId: 2 * runId, dstTraceId: 2 * runId - 1, qemuVersion: '7.2.22',
  startTsNs: null, clock: 'epoch', pairedBy: 'layout', traceIds: [2 * runId - 1, 2 * runId], alternates: [],
});
const choice = (r: RunInfo, attempts = 1): RunChoice => ({
  run: r, finalState: 'completed',
  attempts: Array.from({ length: attempts }, (_, i) => ({ attempt: i + 1, finalState: i + 1 < attempts ? 'cancelled' : 'completed', startTsNs: null, postcopy: false })),
});
const runs = [choice(run(1, 'a-precopy')), choice(run(2, 'b-multifd4')), choice(run(3, 'qemu-7.2.22-log-nots-multifd'))];

describe('defaultPair', () => {
  it('the two latest runs, earlier as A', () => {
    expect(defaultPair(runs, { a: null, b: null })).toEqual({ a: { runId: 2, attempt: null }, b: { runId: 3, attempt: null } });
  });
  it('keeps the previous pick while both runs exist', () => {
    const prev = { a: { runId: 1, attempt: 1 }, b: { runId: 2, attempt: null } };
    expect(defaultPair(runs, prev)).toEqual(prev);
    expect(defaultPair(runs.slice(1), prev)).toEqual({ a: { runId: 2, attempt: null }, b: { runId: 3, attempt: null } });
  });
  it('one run: its last two attempts, or the run against itself', () => {
    expect(defaultPair([choice(run(1, 'retry'), 3)], { a: null, b: null })).toEqual({ a: { runId: 1, attempt: 2 }, b: { runId: 1, attempt: null } });
    expect(defaultPair([runs[0]!], { a: null, b: null })).toEqual({ a: { runId: 1, attempt: null }, b: { runId: 1, attempt: null } });
    expect(() => defaultPair([], { a: null, b: null })).toThrow('no runs to compare');
  });
});
