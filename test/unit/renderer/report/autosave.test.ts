// Debounced saving with a manual clock: coalescing, ordering, failure and retry.
import { describe, expect, it } from 'vitest';
import { createAutosave, type SaveState, type Timers } from '../../../../src-renderer/report/autosave.ts';

function manualTimers(): Timers & { now: number; advance(ms: number): void } {
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const t = {
    now: 0,
    set(fn: () => void, ms: number) {
      pending.set(++seq, { at: t.now + ms, fn });
      return seq;
    },
    clear(h: unknown) {
      pending.delete(h as number);
    },
    advance(ms: number) {
      t.now += ms;
      for (const [k, v] of [...pending]) if (v.at <= t.now) {
        pending.delete(k);
        v.fn();
      }
    },
  };
  return t;
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('autosave', () => {
  it('coalesces a burst of edits into one save of the latest value', async () => {
    const timers = manualTimers();
    const saved: string[] = [];
    const a = createAutosave<string>(async (v) => void saved.push(v), { delayMs: 500, timers });
    for (const v of ['m', 'mi', 'mig', 'migr']) {
      a.schedule(v);
      timers.advance(200);
    }
    expect(saved).toEqual([]);
    expect(a.busy).toBe(true);
    timers.advance(500);
    await tick();
    expect(saved).toEqual(['migr']);
    expect(a.busy).toBe(false);
  });

  it('never overlaps saves and ends with the newest value', async () => {
    const timers = manualTimers();
    const saved: string[] = [];
    let inFlight = 0;
    let release: (() => void) | null = null;
    const a = createAutosave<string>(async (v) => {
      inFlight++;
      expect(inFlight).toBe(1);
      await new Promise<void>((r) => (release = r));
      saved.push(v);
      inFlight--;
    }, { delayMs: 100, timers });
    a.schedule('one');
    timers.advance(100);
    await tick();
    a.schedule('two');
    a.schedule('three');
    timers.advance(100);
    await tick();
    release!();
    await tick();
    release!();
    await a.flush();
    expect(saved).toEqual(['one', 'three']);
  });

  it('a failed save is reported, kept, and retried by flush', async () => {
    const timers = manualTimers();
    const states: SaveState[] = [];
    let fail = true;
    const saved: string[] = [];
    const a = createAutosave<string>(async (v) => {
      if (fail) throw new Error('simulated save failure');
      saved.push(v);
    }, { delayMs: 50, timers, onState: (s) => states.push(s) });
    a.schedule('note');
    timers.advance(50);
    await tick();
    expect(states).toEqual(['pending', 'saving', 'error']);
    expect(a.busy).toBe(true);
    fail = false;
    await a.flush();
    expect(saved).toEqual(['note']);
    expect(states.slice(-2)).toEqual(['saving', 'saved']);
    expect(a.busy).toBe(false);
  });

  it('flush saves immediately without waiting for the quiet period', async () => {
    const timers = manualTimers();
    const saved: number[] = [];
    const a = createAutosave<number>(async (v) => void saved.push(v), { delayMs: 10_000, timers });
    a.schedule(1);
    await a.flush();
    expect(saved).toEqual([1]);
    timers.advance(10_000);
    await tick();
    expect(saved).toEqual([1]);
  });
});
