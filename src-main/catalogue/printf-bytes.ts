// printf inversion on a message's bytes, without a regex: the hot path of text ingest, where a
// regex costs its match array and a substring per capture, and reading numbers back out of
// those substrings costs as much again. The matcher takes, at every choice, the alternative
// printf.ts's regex tries first (the shortest `%s` after which the next literal matches, the
// longest digit run its pattern allows) and gives up where the regex would backtrack; the caller
// then asks the regex. So whenever it answers, it answers what the regex would.
// Formats with conversions it does not model (`%c`, padding, `*`, `%s` directly followed by a
// conversion...) get no matcher at all.
import {
  integerShape,
  isIntegerConversion,
  type ConversionToken,
  type FormatToken,
} from './printf-tokens.ts';
import { convert, int32FromNumber, K_INT32, K_INTBIG, K_NONE, K_POINTER, K_TEXT, put, TWO_32, type Capture } from './printf-values.ts';
import type { ArgSpec, ArgWriter } from './types.ts';

const S_LIT = 0;
/** sign? then `nonZero cls{m,upper-1}` or `cls{m}` (see IntegerShape `digits`). */
const S_INT = 1;
/** A decimal in [-negMax, posMax] (IntegerShape `range`). */
const S_RANGE = 2;
/** A lazy `%s`, up to the next literal or the end. */
const S_STR = 3;
const S_PTR = 4;

interface Step {
  readonly op: number;
  /** S_LIT: its bytes; S_STR: the literal that follows it (null: the message's end). */
  readonly lit: Uint8Array | null;
  readonly cap: Capture | null;
  /** The capture's argument is a 64-bit column. */
  readonly wide: boolean;
  readonly radix: 8 | 10 | 16;
  /** The radix's digits (see digitTable). */
  readonly digits: Int8Array;
  readonly minus: boolean;
  readonly m: number;
  readonly upper: number;
  readonly posMax: number;
  readonly negMax: number;
  /** Digits of posMax and negMax. */
  readonly posDigits: number;
  readonly negDigits: number;
}

const MINUS = 45;
const ZERO = 48;

/** Digit values by byte for a radix (hex in one case only, as printf prints it); -1: not a digit. */
function digitTable(radix: 8 | 10 | 16, upperCase: boolean): Int8Array {
  const t = new Int8Array(256).fill(-1);
  for (let d = 0; d < Math.min(radix, 10); d++) t[ZERO + d] = d;
  if (radix === 16) for (let d = 10; d < 16; d++) t[(upperCase ? 55 : 87) + d] = d;
  return t;
}
const OCT = digitTable(8, false);
const DEC = digitTable(10, false);
const HEX = digitTable(16, false);
const HEX_UPPER = digitTable(16, true);
/** Hex digit values in either case, for digits a scan has already checked. */
const HEX_VALUE = digitTable(16, false);
for (let d = 10; d < 16; d++) HEX_VALUE[55 + d] = d;

function digitValue(c: number): number {
  return c <= ZERO + 9 ? c - ZERO : (c | 32) - 87;
}

/** The number of b[from, to) in `radix` (to - from small enough to be exact). */
function numberOf(b: Uint8Array, from: number, to: number, radix: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * radix + digitValue(b[i]);
  return n;
}

/** First index ≥ from where `lit` occurs within b[from, end), or -1. */
function find(b: Uint8Array, from: number, end: number, lit: Uint8Array): number {
  const first = lit[0];
  const last = end - lit.length;
  outer: for (let i = from; i <= last; i++) {
    if (b[i] !== first) continue;
    for (let k = 1; k < lit.length; k++) if (b[i + k] !== lit[k]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Digits of `decimalUpTo(max)` at b[i…): the alternation takes the full width when the number
 * fits, else up to one digit less when it starts with 1-9, else a single digit. 0: no match.
 */
function rangeLength(b: Uint8Array, i: number, end: number, max: number, maxLen: number): number {
  let run = 0;
  while (i + run < end && run < maxLen && b[i + run] >= ZERO && b[i + run] <= ZERO + 9) run++;
  if (run === 0) return 0;
  if (maxLen === 1) return b[i] - ZERO <= max ? 1 : 0;
  if (run === maxLen && b[i] !== ZERO && numberOf(b, i, i + run, 10) <= max) return maxLen;
  if (maxLen > 2 && b[i] !== ZERO && run >= 2) return Math.min(run, maxLen - 1);
  return 1;
}

/** A writer that also takes an ASCII string as its bytes (formats' EventRows). */
interface AsciiBytesWriter extends ArgWriter {
  setAsciiBytes(arg: number, bytes: Uint8Array, start: number, end: number): void;
}

/**
 * Strings up to this long go to setAsciiBytes when the writer has it: DuckDB's inline string_t,
 * which the writer lays out from the bytes with no JS string at all. A longer one becomes a
 * string either way, and a slice of the line's text is the cheapest.
 */
const BYTES_STRING_MAX = 12;

export class ByteMatcher {
  constructor(
    private readonly steps: readonly Step[],
    private readonly nArgs: number,
    private readonly uncaptured: readonly number[],
  ) {}

  /**
   * Match the ASCII message b[start, end), which is also text[textStart, …), and write its
   * values into `out`. False: no match here (some values may have been written); ask the regex.
   */
  match(b: Uint8Array, start: number, end: number, text: string, textStart: number, out: ArgWriter): boolean {
    const steps = this.steps;
    const shift = textStart - start;
    const bytesOut = typeof (out as Partial<AsciiBytesWriter>).setAsciiBytes === 'function' ? (out as AsciiBytesWriter) : null;
    let i = start;
    for (let k = 0; k < steps.length; k++) {
      const st = steps[k];
      switch (st.op) {
        case S_LIT: {
          const lit = st.lit as Uint8Array;
          if (end - i < lit.length) return false;
          for (let j = 0; j < lit.length; j++) if (b[i + j] !== lit[j]) return false;
          i += lit.length;
          break;
        }
        case S_STR: {
          const e = st.lit === null ? end : find(b, i, end, st.lit);
          if (e < 0) return false;
          const c = st.cap as Capture;
          if (c.arg < this.nArgs) {
            if (c.kind === K_TEXT) {
              // `(null)` is how glibc prints a NULL `char *`.
              const isNull = e - i === 6 && b[i] === 40 && b[i + 1] === 110 && b[i + 2] === 117 && b[i + 3] === 108 && b[i + 4] === 108 && b[i + 5] === 41;
              if (isNull) out.setNull(c.arg);
              else if (bytesOut !== null && e - i <= BYTES_STRING_MAX) bytesOut.setAsciiBytes(c.arg, b, i, e);
              else out.setString(c.arg, text.slice(i + shift, e + shift));
            } else out.setNull(c.arg);
          }
          // The literal it stopped at is the next step: matched already.
          if (st.lit === null) i = e;
          else {
            i = e + st.lit.length;
            k++;
          }
          break;
        }
        case S_INT: {
          const from = i;
          const neg = st.minus && i < end && b[i] === MINUS;
          if (neg) i++;
          const d0 = i;
          const most = Math.max(st.upper, st.m);
          const lim = most === Infinity ? end : Math.min(end, d0 + most);
          const tab = st.digits;
          while (i < lim && tab[b[i]] >= 0) i++;
          const run = i - d0;
          let len: number;
          if (st.m >= st.upper) len = st.m;
          else if (run > st.m && b[d0] !== ZERO) len = Math.min(run, st.upper);
          else len = st.m;
          if (run < len) return false;
          i = d0 + len;
          if (!this.integer(st, b, from, d0, i, neg, text, shift, out)) return false;
          break;
        }
        case S_RANGE: {
          const from = i;
          let len: number;
          if (st.negMax > 0 && i < end && b[i] === MINUS) {
            len = rangeLength(b, i + 1, end, st.negMax, st.negDigits);
            if (len === 0) return false;
            i += 1 + len;
          } else {
            len = rangeLength(b, i, end, st.posMax, st.posDigits);
            if (len === 0) return false;
            i += len;
          }
          const c = st.cap as Capture;
          if (c.arg >= this.nArgs) break;
          if (c.kind === K_INT32) {
            const n = numberOf(b, i - len, i, 10);
            const v = int32FromNumber(c, b[from] === MINUS ? -n : n);
            if (v === undefined) return false;
            out.setSmall(c.arg, v === true ? 1 : v === false ? 0 : v);
          } else if (!this.viaText(st, text.slice(from + shift, i + shift), out)) return false;
          break;
        }
        case S_PTR: {
          const from = i;
          const c = st.cap as Capture;
          // The value is taken while the digits are scanned: %p is the commonest 64-bit argument.
          let lo = 0;
          let hi = 0;
          if (end - i >= 3 && b[i] === ZERO && b[i + 1] === 120 && HEX[b[i + 2]] >= 0) {
            i += 2;
            const lim = Math.min(end, i + 16);
            for (; i < lim; i++) {
              const v = HEX[b[i]];
              if (v < 0) break;
              hi = ((hi << 4) | (lo >>> 28)) >>> 0;
              lo = ((lo << 4) | v) >>> 0;
            }
          } else if (end - i >= 5 && b[i] === 40 && b[i + 1] === 110 && b[i + 2] === 105 && b[i + 3] === 108 && b[i + 4] === 41) {
            i += 5;
          } else return false;
          if (c.arg >= this.nArgs) break;
          if (c.kind === K_POINTER && c.words) out.setWords(c.arg, lo, hi);
          else if (!this.viaText(st, text.slice(from + shift, i + shift), out)) return false;
          break;
        }
      }
    }
    if (i !== end) return false;
    const u = this.uncaptured;
    for (let k = 0; k < u.length; k++) out.setNull(u[k]);
    return true;
  }

  /** An integer conversion's value from its digits b[d0, to) (sign before d0 when `neg`). */
  private integer(st: Step, b: Uint8Array, from: number, d0: number, to: number, neg: boolean, text: string, shift: number, out: ArgWriter): boolean {
    const c = st.cap as Capture;
    if (c.arg >= this.nArgs) return true;
    const digits = to - d0;
    switch (c.kind) {
      case K_INT32:
        // ≤ 32-bit conversions print at most 11 digits: exact in a double.
        if (digits <= 15) {
          const n = numberOf(b, d0, to, st.radix);
          const v = int32FromNumber(c, neg ? -n : n);
          if (v === undefined) return false;
          out.setSmall(c.arg, v === true ? 1 : v === false ? 0 : v);
          return true;
        }
        break;
      case K_INTBIG:
        if (!c.words) break;
        if (st.radix === 16 && digits <= 16) {
          this.hexWords(b, d0, to, c.arg, out);
          return true;
        }
        if (st.radix === 10 && digits <= 15) {
          const n = numberOf(b, d0, to, 10);
          const v = neg ? -n : n;
          // Two's complement halves; exact for |v| < 2^53.
          out.setWords(c.arg, v >>> 0, Math.floor(v / TWO_32) >>> 0);
          return true;
        }
        break;
      case K_NONE:
        out.setNull(c.arg);
        return true;
    }
    return this.viaText(st, text.slice(from + shift, to + shift), out);
  }

  private hexWords(b: Uint8Array, from: number, to: number, arg: number, out: ArgWriter): void {
    let lo = 0;
    let hi = 0;
    for (let i = from; i < to; i++) {
      hi = ((hi << 4) | (lo >>> 28)) >>> 0;
      lo = ((lo << 4) | HEX_VALUE[b[i]]) >>> 0;
    }
    out.setWords(arg, lo, hi);
  }

  /** The rare cases: the capture's text through the regex decoder's converter. */
  private viaText(st: Step, captured: string, out: ArgWriter): boolean {
    const c = st.cap as Capture;
    const v = convert(c, captured);
    if (v === undefined) return false;
    put(out, c.arg, st.wide, v);
    return true;
  }
}

function ascii(s: string): Uint8Array | null {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return null;
    out[i] = c;
  }
  return out;
}

const NO_STEP = { lit: null, cap: null, wide: false, radix: 10 as const, digits: DEC, minus: false, m: 0, upper: 0, posMax: 0, negMax: 0, posDigits: 0, negDigits: 0 };

function isWideArg(a: ArgSpec | null): boolean {
  return a !== null && (a.duckType === 'BIGINT' || a.duckType === 'UBIGINT');
}

/** The step of one conversion, or null when the matcher does not model it. */
function conversionStep(t: ConversionToken, a: ArgSpec | null, cap: Capture, next: FormatToken | undefined): Step | null {
  const wide = isWideArg(a);
  if (t.width === '*' || t.precision === '*') return null;
  if (t.conv === 's') {
    if (t.flags !== '' || t.width !== null || t.precision !== null) return null;
    if (next !== undefined && next.kind !== 'lit') return null;
    const lit = next === undefined ? null : ascii(next.text);
    if (next !== undefined && lit === null) return null;
    return { ...NO_STEP, op: S_STR, lit, cap, wide };
  }
  if (t.conv === 'p') {
    if (t.flags !== '' || t.width !== null || t.precision !== null) return null;
    return { ...NO_STEP, op: S_PTR, cap, wide };
  }
  if (!isIntegerConversion(t.conv)) return null;
  // Space padding (a width without the 0 flag) is not modelled.
  const zeroPadded = t.flags === '0' && typeof t.width === 'number' && t.precision === null;
  if (t.width !== null && !zeroPadded) return null;
  if (t.flags !== '' && !zeroPadded) return null;
  const shape = integerShape(t, a);
  if (shape.kind === 'range') {
    const { posMax, negMax } = shape;
    return { ...NO_STEP, op: S_RANGE, cap, wide, posMax, negMax, posDigits: String(posMax).length, negDigits: String(negMax).length };
  }
  if (shape.kind !== 'digits' || shape.m < 1 || (shape.sign !== '' && shape.sign !== '-?')) return null;
  const digits = shape.radix === 8 ? OCT : shape.radix === 10 ? DEC : shape.upperCase ? HEX_UPPER : HEX;
  return { ...NO_STEP, op: S_INT, cap, wide, radix: shape.radix, digits, minus: shape.sign === '-?', m: shape.m, upper: shape.upper };
}

/**
 * The byte matcher of a format, or null when it has a conversion the matcher does not model.
 * `captures[i]` and `argOf` are the regex decoder's, for the format's i-th conversion.
 */
export function compileByteMatcher(
  tokens: readonly FormatToken[],
  captures: readonly Capture[],
  argOf: ReadonlyMap<ConversionToken, ArgSpec | null>,
  nArgs: number,
  uncaptured: readonly number[],
): ByteMatcher | null {
  const steps: Step[] = [];
  let ci = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind === 'lit') {
      const lit = ascii(t.text);
      if (lit === null) return null;
      steps.push({ ...NO_STEP, op: S_LIT, lit });
      continue;
    }
    const step = conversionStep(t, argOf.get(t) ?? null, captures[ci++], tokens[k + 1]);
    if (step === null) return null;
    steps.push(step);
  }
  return new ByteMatcher(steps, nArgs, uncaptured);
}
