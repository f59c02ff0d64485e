// Timeline window arithmetic and lane logic, on the a-precopy logs' real timestamps (epoch ns
// beyond 2^53) and threads.
import { beforeAll, describe, expect, it } from 'vitest';
import type { TimelineEvent, TimelineLane } from '../../../../src-main/contract.ts';
import { axisTicks, formatOffset, MIN_SPAN_NS, niceStep, panWindow, selectWindow, spanOf, unitFor, zoomWindow, type NsWindow } from '../../../../src-renderer/timeline/time-window.ts';
import { ambiguousSides, colorFor, eventRowQuery, LaneIndex, laneLabel, orderLanes, PALETTE, timelinePattern, topNames } from '../../../../src-renderer/timeline/timeline-layout.ts';
import { prng } from '../../../helpers/prng.ts';
import { readLog, type LogRecord } from '../../../helpers/sample-log.ts';

let records: LogRecord[] = [];
let bounds: NsWindow;
let lanes: TimelineLane[] = [];
let events: TimelineEvent[] = [];

beforeAll(() => {
  records = [...readLog('src'), ...readLog('dst')];
  let lo = records[0]!.tsNs;
  let hi = lo;
  for (const r of records) {
    if (r.tsNs < lo) lo = r.tsNs;
    if (r.tsNs > hi) hi = r.tsNs;
  }
  bounds = { from: lo, to: hi };
  const laneOf = new Map<string, number>();
  const count = new Map<number, number>();
  for (const r of records) {
    const key = `${r.side}/${r.tid}`;
    let id = laneOf.get(key);
    if (id === undefined) {
      id = laneOf.size;
      laneOf.set(key, id);
    }
    count.set(id, (count.get(id) ?? 0) + 1);
    events.push({ laneId: id, t: Number(r.tsNs - lo), name: r.name, traceId: r.side === 'src' ? 1 : 2, seq: r.seq });
  }
  // pid = the lowest tid of each side: QEMU's main thread is created first.
  const pidOf = new Map<string, number>();
  for (const r of records) pidOf.set(r.side, Math.min(pidOf.get(r.side) ?? Infinity, r.tid));
  // Reverse so ordering has work to do.
  lanes = [...laneOf].reverse().map(([key, laneId]) => {
    const [side, tid] = key.split('/') as ['src' | 'dst', string];
    return { laneId, traceId: side === 'src' ? 1 : 2, side, tid: Number(tid), pid: pidOf.get(side)!, threadName: null, events: count.get(laneId)! };
  });
});

describe('window arithmetic', () => {
  it('works on timestamps that doubles cannot hold', () => {
    expect(bounds.from > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('zooming keeps the instant under the cursor, exactly, and stays inside the trace', () => {
    const rnd = prng(7);
    let w = bounds;
    for (let i = 0; i < 200; i++) {
      const anchor = Math.round(rnd() * 1000) / 1000;
      const factor = 0.3 + rnd() * 0.6;
      const span = spanOf(w);
      const at = w.from + (span * BigInt(anchor * 1000)) / 1000n;
      const z = zoomWindow(w, anchor, factor, bounds);
      expect(z.from >= bounds.from && z.to <= bounds.to).toBe(true);
      expect(spanOf(z) >= MIN_SPAN_NS).toBe(true);
      const zAt = z.from + (spanOf(z) * BigInt(anchor * 1000)) / 1000n;
      // Not clamped at an edge: the anchor instant is where it was, to within rounding of one ns
      // per division.
      if (z.from > bounds.from && z.to < bounds.to) expect(Number(zAt > at ? zAt - at : at - zAt)).toBeLessThanOrEqual(2);
      w = spanOf(z) <= MIN_SPAN_NS ? bounds : z;
    }
  });

  it('zooming out past the trace gives the whole trace', () => {
    const mid = zoomWindow(bounds, 0.5, 0.01, bounds);
    expect(zoomWindow(mid, 0.5, 1e6, bounds)).toEqual(bounds);
  });

  it('panning there and back is the identity, and pans clamp at the ends', () => {
    const w = zoomWindow(bounds, 0.4, 0.001, bounds);
    const back = panWindow(panWindow(w, 0.25, bounds), -0.25, bounds);
    expect(back).toEqual(w);
    const far = panWindow(w, 1e9, bounds);
    expect(far.to).toBe(bounds.to);
    expect(spanOf(far)).toBe(spanOf(w));
  });

  it('a drag selection selects the window between the two positions', () => {
    const s = selectWindow(bounds, 0.75, 0.25, bounds);
    const span = spanOf(bounds);
    expect(s.from).toBe(bounds.from + span / 4n);
    expect(s.to).toBe(bounds.from + (span * 3n) / 4n);
  });
});

describe('axis ticks', () => {
  it('are 1-2-5 steps, evenly spaced, labelled with their exact offset from the origin', () => {
    const windows = [bounds, zoomWindow(bounds, 0.3, 1e-3, bounds), zoomWindow(bounds, 0.6, 1e-7, bounds), zoomWindow(bounds, 0.9, 1e-9, bounds)];
    for (const w of windows) {
      const ticks = axisTicks(w, bounds.from, 1000, 90);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(Math.floor(1000 / 90) + 1);
      const step = ticks[1]!.at - ticks[0]!.at;
      expect(niceStep(step)).toBe(step);
      const unit = unitFor(step);
      for (let i = 0; i < ticks.length; i++) {
        const t = ticks[i]!;
        expect(t.at >= w.from && t.at <= w.to).toBe(true);
        if (i > 0) expect(t.at - ticks[i - 1]!.at).toBe(step);
        expect((t.at - bounds.from) % step).toBe(0n);
        // Parse the label back: digits and unit give the offset exactly.
        const m = /^\+(\d+)(?:\.(\d+))? (ns|µs|ms|s)$/.exec(t.label)!;
        expect(m).not.toBeNull();
        expect(m[3]).toBe(unit.name);
        const digits = unit.ns.toString().length - 1;
        const ns = BigInt(m[1]!) * unit.ns + BigInt((m[2] ?? '').padEnd(digits, '0') || '0');
        expect(ns).toBe(t.at - bounds.from);
        expect(t.x).toBeCloseTo(Number(t.at - w.from) / Number(spanOf(w)), 9);
      }
    }
  });

  it('formats offsets in the unit asked for', () => {
    expect(formatOffset(1_500_000n, unitFor(500_000n))).toBe('+1.5 ms');
    expect(formatOffset(-2_000_000_000n, unitFor(1_000_000_000n))).toBe('-2 s');
    expect(formatOffset(250n, unitFor(50n))).toBe('+250 ns');
  });
});

describe('lanes', () => {
  it('put the source above the destination and each main thread first', () => {
    const ordered = orderLanes(lanes);
    const sides = ordered.map((l) => l.side);
    expect(sides.indexOf('dst')).toBe(sides.lastIndexOf('src') + 1);
    for (const side of ['src', 'dst']) {
      const own = ordered.filter((l) => l.side === side);
      expect(own[0]!.tid).toBe(own[0]!.pid);
      const rest = own.slice(1).map((l) => l.tid!);
      expect(rest).toEqual([...rest].sort((a, b) => a - b));
    }
  });

  it('are labelled side · tid · thread name', () => {
    const l = lanes.find((x) => x.side === 'src')!;
    expect(laneLabel(l)).toBe(`src · tid ${l.tid}`);
    expect(laneLabel({ ...l, threadName: 'multifd_send_2' })).toBe(`src · tid ${l.tid} · multifd send 2`);
    expect(laneLabel({ ...l, side: null })).toBe(`trace 1 · tid ${l.tid}`);
    const twoSrc = [...lanes, { ...l, laneId: 99, traceId: 3 }];
    expect(laneLabel({ ...l, laneId: 99, traceId: 3 }, ambiguousSides(twoSrc))).toBe(`src#3 · tid ${l.tid}`);
  });

  it('give each event name a stable palette colour', () => {
    const names = [...new Set(events.map((e) => e.name))];
    const used = new Set(names.map(colorFor));
    for (const c of used) expect(PALETTE).toContain(c);
    // Many names spread over most of the palette rather than collapsing onto a few colours.
    expect(names.length).toBeGreaterThan(PALETTE.length);
    expect(used.size).toBeGreaterThanOrEqual(PALETTE.length - 2);
    expect(names.map(colorFor)).toEqual(names.map(colorFor));
  });

  it('legend lists the most frequent names with their counts', () => {
    const count = new Map<string, number>();
    for (const r of records) count.set(r.name, (count.get(r.name) ?? 0) + 1);
    const top = topNames(events, 5);
    expect(top).toHaveLength(5);
    for (const { name, count: n } of top) expect(n).toBe(count.get(name));
    const maxOther = Math.max(...[...count].filter(([n]) => !top.some((t) => t.name === n)).map(([, n]) => n));
    expect(top[4]!.count).toBeGreaterThanOrEqual(maxOther);
  });

  it('finds the nearest event of a lane as a brute-force scan would', () => {
    const index = new LaneIndex(events);
    const rnd = prng(11);
    const span = Number(spanOf(bounds));
    for (let i = 0; i < 300; i++) {
      const lane = lanes[Math.floor(rnd() * lanes.length)]!;
      const t = rnd() * span;
      const tol = rnd() * span * 0.01;
      let bestD = Infinity;
      for (const e of events) if (e.laneId === lane.laneId) bestD = Math.min(bestD, Math.abs(e.t - t));
      const got = index.nearest(lane.laneId, t, tol);
      if (bestD <= tol) {
        expect(got).not.toBeNull();
        expect(got!.laneId).toBe(lane.laneId);
        expect(Math.abs(got!.t - t)).toBe(bestD);
      } else {
        expect(got).toBeNull();
      }
    }
    expect(lanes.reduce((s, l) => s + index.count(l.laneId), 0)).toBe(events.length);
  });
});

describe('filter and row query', () => {
  it('turns a bare word into a contains-glob and keeps explicit globs', () => {
    expect(timelinePattern('')).toBeNull();
    expect(timelinePattern(' multifd ')).toBe('*multifd*');
    expect(timelinePattern('multifd_*')).toBe('multifd_*');
  });

  it('selects exactly one row by trace and seq', () => {
    expect(eventRowQuery('migrate_set_state', 2, 4711)).toBe('SELECT * FROM migrate_set_state WHERE trace_id = 2 AND seq = 4711');
  });
});
