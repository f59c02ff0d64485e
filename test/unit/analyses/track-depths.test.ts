// Nesting rows of slices (analyses/tracks/run-tracks.ts assignDepths).
import { describe, expect, it } from 'vitest';
import { assignDepths } from '../../../src-main/analyses/tracks/run-tracks.ts';

const s = (ts: number, dur: number | null, depth: number | null = null) => ({ ts: BigInt(ts), dur: dur === null ? null : BigInt(dur), depth });

describe('assignDepths', () => {
  it('puts a slice inside another one row deeper, and back on row 0 once the outer one ends', () => {
    expect(assignDepths([s(0, 100), s(10, 20), s(12, 5), s(40, 10), s(100, 5)])).toEqual([0, 1, 2, 1, 0]);
  });

  it('moves a slice that overlaps without nesting to a row of its own', () => {
    expect(assignDepths([s(0, 50), s(30, 50), s(60, 10), s(65, 1)])).toEqual([0, 1, 0, 2]);
  });

  it('orders by start then longest first, keeps given depths, and treats an open slice as lasting to the end', () => {
    expect(assignDepths([s(5, 1), s(5, 10), s(0, null), s(3, 1, 7)])).toEqual([2, 1, 0, 7]);
  });
});
