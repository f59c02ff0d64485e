// From the text of one printf conversion to the declared C type's value (docs/qemu-trace-formats.md
// §3.5 step 8): integers are read in the conversion's radix, then their bits are reinterpreted
// as the declared type. Shared by the regex decoder (printf.ts) and the byte matcher
// (printf-bytes.ts), so both give the same values.
import { typedFromBits, typedFromBits32 } from './ctypes.ts';
import type { ArgSpec, ArgValue, ArgWriter } from './types.ts';

// Capture kinds. Value null: no argument, an unsupported conversion, or a conversion/type mismatch.
export const K_NONE = 0;
// An integer conversion of ≤ 32 bits into a declared type of ≤ 32 bits (plain numbers).
export const K_INT32 = 1;
// Any other integer conversion (BigInt).
export const K_INTBIG = 2;
export const K_POINTER = 3;
export const K_CHAR = 4;
export const K_TEXT = 5;

export interface Capture {
  readonly kind: number;
  /** Index into the result; args.length for a conversion bound to no argument. */
  readonly arg: number;
  readonly spec: ArgSpec | null;
  readonly bits: 8 | 16 | 32 | 64;
  readonly radix: 8 | 10 | 16;
  /** `%Ns` / `%-Ns`: the capture includes the padding, stripped when the text is exactly N long. */
  readonly padWidth: number;
  readonly padLeft: boolean;
  /**
   * The value's 64-bit pattern is the declared type's (a 64-bit conversion of a 64-bit integer
   * or pointer, or `%p`): decodeInto writes it as two words without making a BigInt.
   */
  readonly words: boolean;
}

/** Integer text (sign, optional 0x, digits; maybe empty for `%.0d` of 0) → value, or undefined. */
export function int32Value(c: Capture, text: string): number | boolean | undefined {
  return int32FromNumber(c, text === '' ? 0 : parseInt(text, c.radix));
}

/** A ≤ 32-bit conversion's printed number (NaN: not a number) → value, or undefined. */
export function int32FromNumber(c: Capture, printed: number): number | boolean | undefined {
  let n = printed;
  if (n !== n) return undefined;
  const bits = c.bits as 8 | 16 | 32;
  if (n < -(2 ** (bits - 1)) || n >= 2 ** bits) return undefined;
  if (n < 0) n += 2 ** bits;
  return typedFromBits32(c.spec as ArgSpec, n, bits);
}

export function bigValue(c: Capture, text: string): ArgValue | undefined {
  let v: bigint;
  // Up to 13 hex or 15 decimal digits fit a double exactly, and BigInt(number) is the fast path.
  if (text.length <= (c.radix === 10 ? 15 : 13) && !(c.radix !== 10 && text[1] === 'x') && !(c.radix !== 10 && text[1] === 'X')) {
    const n = text === '' ? 0 : parseInt(text, c.radix);
    if (n !== n) return undefined;
    v = BigInt(n);
  } else if (c.radix === 10) v = BigInt(text);
  else {
    const digits = text[0] === '0' && (text[1] === 'x' || text[1] === 'X') ? text.slice(2) : text;
    v = BigInt((c.radix === 16 ? '0x' : '0o') + (digits === '' ? '0' : digits));
  }
  if (c.bits === 64) {
    if (v < MIN_I64 || v > MAX_U64) return undefined;
  } else {
    const bits = BigInt(c.bits);
    if (v < -(1n << (bits - 1n)) || v >= 1n << bits) return undefined;
  }
  return typedFromBits(c.spec as ArgSpec, BigInt.asUintN(c.bits, v), c.bits);
}

const MIN_I64 = -(1n << 63n);
const MAX_U64 = (1n << 64n) - 1n;

export function convert(c: Capture, text: string): ArgValue | undefined {
  switch (c.kind) {
    case K_INT32:
      return int32Value(c, text);
    case K_INTBIG:
      return bigValue(c, text);
    case K_POINTER:
      if (text === '(nil)') return typedFromBits(c.spec as ArgSpec, 0n, 64);
      return typedFromBits(c.spec as ArgSpec, BigInt(text), 64);
    case K_CHAR: {
      const code = text.charCodeAt(0);
      // A code above 0xff is a byte lost to lossy decoding of the log: unknown, not a value.
      if (code > 0xff) return null;
      const a = c.spec as ArgSpec;
      // `%c` prints an unsigned char; a wider signed argument held that non-negative code.
      return a.kind === 'integer' && a.signed && a.bits > 8 ? code : typedFromBits32(a, code, 8);
    }
    case K_TEXT: {
      let s = text;
      if (c.padWidth > 0 && s.length === c.padWidth) s = c.padLeft ? s.replace(/ +$/, '') : s.replace(/^ +/, '');
      return s === '(null)' ? null : s;
    }
    default:
      return null;
  }
}

/** A 64-bit column: its values go through setWords. */
export function isWide(a: ArgSpec): boolean {
  return a.duckType === 'BIGINT' || a.duckType === 'UBIGINT';
}

/** Writes a value as `decode` would have returned it. */
export function put(out: ArgWriter, arg: number, wide: boolean, v: ArgValue): void {
  if (v === null) out.setNull(arg);
  else if (typeof v === 'string') out.setString(arg, v);
  else if (typeof v === 'boolean') out.setSmall(arg, v ? 1 : 0);
  else if (typeof v === 'bigint') {
    const u = BigInt.asUintN(64, v);
    out.setWords(arg, Number(u & 0xffffffffn), Number(u >> 32n));
  } else if (wide) out.setWords(arg, v >>> 0, Math.floor(v / 4294967296) >>> 0);
  else out.setSmall(arg, v);
}

export const TWO_32 = 4294967296;

/**
 * The text of a 64-bit capture straight to words, when that needs no BigInt: hex of at most 16
 * digits (after `skip` characters, `0x` for `%p`), decimal of at most 15 digits with an optional
 * '-'. Anything else (octal, sign flags, longer decimals): false, and the BigInt way decides.
 */
export function putWords(out: ArgWriter, arg: number, c: Capture, text: string, skip: number): boolean {
  const len = text.length;
  if (c.radix === 16) {
    // `%#x` captures its `0x`.
    if (skip === 0 && len > 1 && (text.charCodeAt(1) | 32) === 120) skip = 2;
    if (len - skip > 16) return false;
    let lo = 0;
    let hi = 0;
    for (let i = skip; i < len; i++) {
      const ch = text.charCodeAt(i);
      // The regex admitted only hex digits here.
      const d = ch <= 57 ? ch - 48 : (ch | 32) - 87;
      hi = ((hi << 4) | (lo >>> 28)) >>> 0;
      lo = ((lo << 4) | d) >>> 0;
    }
    out.setWords(arg, lo, hi);
    return true;
  }
  if (c.radix !== 10 || len > 16 || (len === 16 && text.charCodeAt(0) !== 45)) return false;
  let n = 0;
  const neg = len > 0 && text.charCodeAt(0) === 45;
  for (let i = neg ? 1 : 0; i < len; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    n = n * 10 + d;
  }
  if (neg) n = -n;
  // Two's complement halves; exact for |n| < 2^53.
  out.setWords(arg, n >>> 0, Math.floor(n / TWO_32) >>> 0);
  return true;
}
