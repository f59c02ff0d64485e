// Every event of every catalogue: random typed arguments → C printf (cprintf.ts, written from
// glibc's rules) → compileFormat().decode → the same typed values. Non-ambiguous events must
// decode exactly; ambiguous ones must at least decode to values that print the same text.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFormat, loadCatalogueFile } from '../../../src-main/catalogue/index.ts';
import type { ArgSpec, ArgValue, EventSpec } from '../../../src-main/catalogue/index.ts';
import { big, viaBytes, viaWriter, written } from '../../helpers/catalogue-writers.ts';
import { CATALOGUES, SHARED } from '../../helpers/paths.ts';
import { conversions, cprintf, lengthBits } from '../../helpers/cprintf.ts';
import type { CArg, CSpec } from '../../helpers/cprintf.ts';
import { prng } from '../../helpers/prng.ts';

const SAMPLES_PER_EVENT = 5;


const ALPHABET = 'abcdefxyzABCFXZ0123456789 ,:/[]()-._=';

function randomString(rnd: () => number): string {
  const len = Math.floor(rnd() * 14);
  let s = '';
  for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
  return s;
}

function randomBits(rnd: () => number, bits: number): bigint {
  let v = 0n;
  for (let b = 0; b < bits; b += 16) v = (v << 16n) | BigInt(Math.floor(rnd() * 65536));
  return BigInt.asUintN(bits, v);
}

/** A value of the declared integer type: 0, the extremes, small numbers, or random bits. */
function randomInteger(rnd: () => number, a: ArgSpec): bigint {
  const bits = a.bits;
  const max = a.signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const min = a.signed ? -(1n << BigInt(bits - 1)) : 0n;
  const pick = Math.floor(rnd() * 6);
  if (pick === 0) return 0n;
  if (pick === 1) return max;
  if (pick === 2) return min;
  const r = pick === 3 ? BigInt(Math.floor(rnd() * 300)) * (a.signed && rnd() < 0.5 ? -1n : 1n) : randomBits(rnd, bits);
  return a.signed ? BigInt.asIntN(bits, r) : BigInt.asUintN(bits, r);
}

const X86_CHAR = /^(const )?char$/;

type Role = { kind: 'star' } | { kind: 'conv'; spec: CSpec } | { kind: 'unused' };

/** Which conversion reads each argument, bound the way printf consumes its varargs. */
function bind(e: EventSpec): Role[] | null {
  const roles: Role[] = e.args.map(() => ({ kind: 'unused' }));
  let next = 0;
  for (const spec of conversions(e.format)) {
    if (spec.width === '*') roles[next++] = { kind: 'star' };
    if (spec.precision === '*') roles[next++] = { kind: 'star' };
    if (next >= e.args.length) return null;
    roles[next++] = { kind: 'conv', spec };
  }
  return next > e.args.length ? null : roles;
}

function randomArg(rnd: () => number, a: ArgSpec, role: Role, sample: number): CArg {
  if (role.kind === 'star') return BigInt(Math.floor(rnd() * 24));
  switch (a.kind) {
    case 'string':
      if (sample === 0) return '';
      if (rnd() < 0.1) return null;
      return randomString(rnd);
    case 'bool':
      return rnd() < 0.5 ? 0n : 1n;
    case 'pointer': {
      const pick = Math.floor(rnd() * 4);
      if (sample === 0 || pick === 0) return 0n;
      if (pick === 1) return 0x7f0000000000n + randomBits(rnd, 32);
      return randomBits(rnd, 64);
    }
    case 'integer': {
      const v = sample === 0 ? 0n : randomInteger(rnd, a);
      // Plain `char` is signed on x86, so printf receives it sign-extended (`%x` → ffffff80).
      return X86_CHAR.test(a.ctype) ? BigInt.asIntN(8, v) : v;
    }
  }
}

/**
 * What the decoder must give back: printf shows only the conversion's width of the register,
 * and that pattern is read back as the declared type (sign-extended for signed types).
 */
function expected(a: ArgSpec, role: Role, v: CArg): ArgValue {
  if (role.kind !== 'conv') return null;
  const spec = role.spec;
  if (spec.conv === 's') {
    if (v === null) return spec.precision !== null && spec.precision !== '*' && spec.precision < 6 ? '' : null;
    const s = v as string;
    return typeof spec.precision === 'number' ? s.slice(0, spec.precision) : s;
  }
  let n = v as bigint;
  if (a.kind === 'bool') return n !== 0n;
  // The catalogue model keeps a `char` as its byte, whatever the host's char signedness.
  if (X86_CHAR.test(a.ctype)) n = BigInt.asUintN(8, n);
  const convBits = lengthBits(spec.length, spec.conv);
  let r: bigint;
  // `%c` prints an unsigned char, which a wider signed type holds as a non-negative value.
  if (spec.conv === 'c' && a.bits > 8) r = BigInt.asUintN(8, n);
  else if (X86_CHAR.test(a.ctype)) r = n;
  else if (convBits >= a.bits) r = n;
  else r = a.signed ? BigInt.asIntN(convBits, n) : BigInt.asUintN(convBits, n);
  if (a.kind === 'pointer') return BigInt.asUintN(64, r);
  return a.bits === 64 ? r : Number(r);
}

function toCArg(v: ArgValue): CArg {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return v;
}

interface Tally {
  events: number;
  ambiguous: number;
  samples: number;
  unbindable: number;
  /** Samples of ambiguous events that decoded to other values printing the same text. */
  reprinted: number;
  /** ASCII samples given to the byte matcher, and those it answered. */
  byteTries: number;
  byteAnswers: number;
  failures: string[];
}

function catalogueFiles(): { name: string; file: string }[] {
  const out: { name: string; file: string }[] = [];
  for (const d of readdirSync(CATALOGUES).sort()) {
    const f = path.join(CATALOGUES, d, 'trace-events-all');
    if (existsSync(f)) out.push({ name: d, file: f });
  }
  out.push({ name: 'seed', file: path.join(SHARED, 'seed/migration.trace-events') });
  return out;
}

function roundTrip(events: readonly EventSpec[], seed: number, tally: Tally): void {
  const rnd = prng(seed);
  for (const e of events) {
    const cf = compileFormat(e);
    tally.events++;
    if (cf.ambiguous) tally.ambiguous++;
    const roles = bind(e);
    if (roles === null) {
      // printf would read past its arguments: undefined behaviour, nothing to compare with.
      tally.unbindable++;
      if (!cf.ambiguous) tally.failures.push(`${e.name}: conversions do not match arguments but not flagged`);
      continue;
    }
    for (let s = 0; s < SAMPLES_PER_EVENT; s++) {
      const args = e.args.map((a, i) => randomArg(rnd, a, roles[i], s));
      const text = cprintf(e.format, args);
      const want = e.args.map((a, i) => expected(a, roles[i], args[i]));
      const got = cf.decode(text);
      tally.samples++;
      // The columnar path must agree with `decode` value for value, and on what does not fit.
      const into = viaWriter(cf, text);
      const asWritten = got === null ? null : got.map((g, i) => written(e.args[i], g));
      if (JSON.stringify(into, big) !== JSON.stringify(asWritten, big)) {
        tally.failures.push(`${e.name} decodeInto ${JSON.stringify(text)}: ${JSON.stringify(into, big)} != ${JSON.stringify(asWritten, big)}`);
      }
      if (viaWriter(cf, `${text}\u0001`) !== null && cf.decode(`${text}\u0001`) === null) tally.failures.push(`${e.name} decodeInto accepts a trailing byte`);
      // The byte matcher may decline, but when it answers it answers what the regex does.
      if (/^[\x00-\x7f]*$/.test(text)) {
        for (const probe of [text, `${text}x`, text.slice(0, -1), `-${text}`]) {
          const bytes = viaBytes(cf, probe);
          if (probe === text) {
            tally.byteTries++;
            if (bytes !== null) tally.byteAnswers++;
          }
          if (bytes !== null && JSON.stringify(bytes, big) !== JSON.stringify(viaWriter(cf, probe), big)) {
            tally.failures.push(`${e.name} matchBytes ${JSON.stringify(probe)}: ${JSON.stringify(bytes, big)} != ${JSON.stringify(viaWriter(cf, probe), big)}`);
          }
        }
      }
      const exact = got !== null && got.length === want.length && got.every((g, i) => g === want[i]);
      if (exact) continue;
      if (cf.ambiguous && got !== null) {
        // Another reading of the same text is acceptable for a flagged event, if it is one.
        const again = got.map((g, i) => (roles[i].kind === 'star' ? args[i] : toCArg(g)));
        let same = false;
        try {
          same = cprintf(e.format, again) === text;
        } catch {
          same = false;
        }
        if (same) {
          tally.reprinted++;
          continue;
        }
      }
      tally.failures.push(
        `${e.name}${cf.ambiguous ? ' (ambiguous)' : ''} ${JSON.stringify(e.format)} text=${JSON.stringify(text)} ` +
          `want=${show(want)} got=${got === null ? 'null' : show(got)}`,
      );
    }
  }
}

function show(v: readonly ArgValue[]): string {
  return `[${v.map((x) => (typeof x === 'bigint' ? `${x}n` : JSON.stringify(x))).join(', ')}]`;
}

function runCatalogue(c: { name: string; file: string }, seed: number): Tally {
  const cat = loadCatalogueFile(c.file);
  expect(cat.errors).toEqual([]);
  const tally: Tally = { events: 0, ambiguous: 0, samples: 0, unbindable: 0, reprinted: 0, byteTries: 0, byteAnswers: 0, failures: [] };
  roundTrip(cat.events, seed, tally);
  expect(tally.events).toBe(cat.events.length);
  expect(tally.samples).toBeGreaterThan(cat.events.length * (SAMPLES_PER_EVENT - 1));
  return tally;
}

describe('printf round trip over every catalogue event', () => {
  const catalogues = catalogueFiles();
  const tallies = new Map<string, Tally>();
  for (const [ci, c] of catalogues.entries()) {
    it(`${c.name}: every event decodes what printf printed`, () => {
      const tally = runCatalogue(c, 0x5eed + ci);
      tallies.set(c.name, tally);
      expect(tally.failures.slice(0, 20)).toEqual([]);
    });
  }
  it('reports the totals', () => {
    // Catalogues skipped by a test filter are run here, so the totals are always complete.
    catalogues.forEach((c, ci) => {
      if (!tallies.has(c.name)) tallies.set(c.name, runCatalogue(c, 0x5eed + ci));
    });
    const sum = (k: 'events' | 'ambiguous' | 'samples' | 'unbindable' | 'reprinted' | 'byteTries' | 'byteAnswers') =>
      [...tallies.values()].reduce((n, t) => n + t[k], 0);
    const failures = [...tallies.values()].reduce((n, t) => n + t.failures.length, 0);
    console.log(
      `round trip: ${sum('events')} events in ${tallies.size} catalogues, ${sum('ambiguous')} ambiguous, ` +
        `${sum('samples')} samples (${sum('reprinted')} ambiguous samples read another way that prints the same text), ` +
        `${sum('unbindable')} with conversions that do not match their arguments, ${failures} failures; ` +
        `the byte matcher answered ${sum('byteAnswers')} of ${sum('byteTries')} ASCII samples`,
    );
    // Most QEMU formats are plain enough for the byte matcher; a drop means it declines by mistake.
    expect(sum('byteAnswers')).toBeGreaterThan(0.9 * sum('byteTries'));
    expect(sum('events')).toBeGreaterThan(50_000);
    expect(failures).toBe(0);
  });
});
