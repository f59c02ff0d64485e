// Round trip through the test writer for every event of every catalogue: random values of each
// declared type, v4 in both byte orders with run-time ids and mapping records scattered through
// the stream, plus headerless v4, v3 and v2 positional streams for a subset.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCatalogue } from '../../../src-main/catalogue/index.ts';
import type { ArgSpec, ArgValue, Catalogue, EventSpec } from '../../../src-main/catalogue/types.ts';
import { decode, rng } from '../../helpers/simpletrace-collect.ts';
import { SimpletraceWriter } from '../../helpers/simpletrace-writer.ts';

const SHARED = fileURLToPath(new URL('../../../../shared/', import.meta.url));
const CATALOGUES = SHARED + 'catalogues/';

const dirs = readdirSync(CATALOGUES)
  .filter((d) => existsSync(`${CATALOGUES}${d}/trace-events-all`))
  .sort();

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789 _-./:{}"\'\\\t\n';
const WIDE = ['é', '☃', '😀', 'ß', '\u0000'];

function randomValue(a: ArgSpec, r: () => number): ArgValue {
  const pick = r();
  if (a.kind === 'string') {
    if (pick < 0.1) return '';
    const n = Math.floor(r() * (pick < 0.15 ? 512 : 40));
    let s = '';
    for (let i = 0; i < n; i++) s += r() < 0.05 ? WIDE[Math.floor(r() * WIDE.length)] : ALPHABET[Math.floor(r() * ALPHABET.length)];
    return s;
  }
  if (a.kind === 'bool') return pick < 0.5;
  const u64 = () => BigInt(Math.floor(r() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(r() * 2 ** 32));
  if (a.kind === 'pointer') return pick < 0.1 ? 0n : u64();
  if (/^(const )?char$/.test(a.ctype)) return Math.floor(r() * 256);
  const bits = a.bits;
  if (bits === 64) {
    const v = pick < 0.1 ? 0n : pick < 0.2 ? 2n ** 64n - 1n : u64();
    return a.signed ? BigInt.asIntN(64, v) : v;
  }
  const span = 2 ** bits;
  const edge = pick < 0.1 ? 0 : pick < 0.2 ? span - 1 : pick < 0.3 ? span / 2 : pick < 0.4 ? span / 2 - 1 : Math.floor(r() * span);
  return a.signed && edge >= span / 2 ? edge - span : edge;
}

function shuffle<T>(xs: T[], r: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

interface Written {
  bytes: Uint8Array;
  expected: Array<{ event: EventSpec; args: ArgValue[]; tsNs: bigint; pid: number; offset: number }>;
}

/** v4 with random run-time ids; half the mappings up front, the rest just before first use. */
function writeV4(cat: Catalogue, le: boolean, seed: number): Written {
  const r = rng(seed);
  const events = cat.events;
  const ids = shuffle(events.map((_, i) => i * 3 + 7), r);
  const w = new SimpletraceWriter({ littleEndian: le, version: 4 });
  const mapped = new Set<number>();
  events.forEach((e, i) => {
    if (r() < 0.5) {
      w.mapping(ids[i], e.name);
      mapped.add(i);
    }
  });
  const expected: Written['expected'] = [];
  const order = shuffle(events.map((_, i) => i), r);
  let ts = 10n ** 12n;
  for (const i of order) {
    const e = events[i];
    if (!mapped.has(i)) {
      w.mapping(ids[i], e.name);
      mapped.add(i);
    }
    for (let k = 0; k < 2; k++) {
      const args = e.args.map((a) => randomValue(a, r));
      const pid = Math.floor(r() * 2 ** 32);
      ts += BigInt(Math.floor(r() * 100_000));
      expected.push({ event: e, args, tsNs: ts, pid, offset: w.offset });
      w.event(ids[i], ts, pid, e.args, args);
    }
    if (r() < 0.01) w.dropped(ts, 1, BigInt(Math.floor(r() * 1000)));
  }
  return { bytes: w.bytes(), expected };
}

/** Positional streams over a random subset of events (v2 counts only enabled events). */
function writePositional(cat: Catalogue, opts: { le: boolean; version: 2 | 3 | 4; headerless: boolean }, seed: number): Written {
  const r = rng(seed);
  const numbered = opts.version === 2 ? cat.events.filter((e) => !e.disabled) : cat.events;
  const w = new SimpletraceWriter({ littleEndian: opts.le, version: opts.version, headerless: opts.headerless });
  const expected: Written['expected'] = [];
  for (let k = 0; k < 400; k++) {
    const pos = Math.floor(r() * numbered.length);
    const e = numbered[pos];
    const args = e.args.map((a) => randomValue(a, r));
    const pid = 1 + Math.floor(r() * 100000);
    const ts = BigInt(k) * 1000n;
    expected.push({ event: e, args, tsNs: ts, pid, offset: w.offset });
    w.event(pos, ts, pid, e.args, args);
  }
  return { bytes: w.bytes(), expected };
}

function check(cat: Catalogue, written: Written, chunk: number): void {
  const d = decode(written.bytes, cat, chunk);
  expect(d.summary.error).toBeNull();
  expect(d.unparsed.slice(0, 3)).toEqual([]);
  expect(d.events.length).toBe(written.expected.length);
  let bad = 0;
  for (let i = 0; i < d.events.length; i++) {
    const got = d.events[i];
    const want = written.expected[i];
    const same =
      got.event === want.event &&
      got.tsNs === want.tsNs &&
      got.pid === want.pid &&
      got.offset === want.offset &&
      got.args.length === want.args.length &&
      got.args.every((v, k) => v === want.args[k]);
    if (!same) {
      bad++;
      if (bad < 3) expect({ name: got.event.name, args: got.args, offset: got.offset }).toEqual({ name: want.event.name, args: want.args, offset: want.offset });
    }
  }
  expect(bad).toBe(0);
}

describe.each(dirs)('round trip, catalogue %s', (dir) => {
  const path = `${CATALOGUES}${dir}/trace-events-all`;
  const cat = buildCatalogue({ name: `${dir}/trace-events-all`, source: path, text: readFileSync(path, 'utf8'), file: path });

  it('has events with every kind of argument', () => {
    expect(cat.events.length).toBeGreaterThan(3000);
    const kinds = new Set(cat.events.flatMap((e) => e.args.map((a) => a.kind)));
    expect([...kinds].sort()).toEqual(['bool', 'integer', 'pointer', 'string']);
  });

  it('v4 little-endian, every event', () => check(cat, writeV4(cat, true, 1), 65536));
  it('v4 big-endian, every event', () => check(cat, writeV4(cat, false, 2), 4093));
  it('headerless v4 both byte orders', () => {
    check(cat, writePositional(cat, { le: true, version: 4, headerless: true }, 3), 1000);
    check(cat, writePositional(cat, { le: false, version: 4, headerless: true }, 4), 999);
  });
  it('v3 and v2 positional', () => {
    check(cat, writePositional(cat, { le: true, version: 3, headerless: false }, 5), 777);
    check(cat, writePositional(cat, { le: false, version: 2, headerless: false }, 6), 333);
  });
});
