// C printf format grammar (docs/qemu-trace-formats.md §3.5 step 2): `%` flags width precision length
// conversion. Tokenizing with printf's own rules is what reads `%ud` as `%u` then a literal `d`.
// Also how each integer conversion prints, for the two readers of printed text (printf.ts's
// regex and printf-bytes.ts's byte matcher).
import type { ArgSpec } from './types.ts';

// Plain char is signed on x86, so it reaches printf sign-extended although it is stored as a byte.
const PLAIN_CHAR = /^(const )?char$/;

export interface ConversionToken {
  readonly kind: 'conv';
  /** Any of `-+ #0'`, as written. */
  readonly flags: string;
  readonly width: number | '*' | null;
  /** `.` alone means 0, as in C. */
  readonly precision: number | '*' | null;
  /** `hh h l ll j z t L q` or ''. */
  readonly length: string;
  /** The conversion letter (`d i o u x X c s p`, or a float/`n` QEMU never uses). */
  readonly conv: string;
  /** The conversion as written, e.g. `%08lx`. */
  readonly text: string;
}

export interface LiteralToken {
  readonly kind: 'lit';
  readonly text: string;
}

export type FormatToken = ConversionToken | LiteralToken;

const CONV_RE = /%([-+ #0']*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|j|z|t|L|q)?([diouxXcspfFeEgGaAn%])/y;

/** Split a C format into literal text (with `%%` resolved) and conversions. */
export function tokenizeFormat(format: string): FormatToken[] {
  const out: FormatToken[] = [];
  let lit = '';
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      lit += format.slice(i);
      break;
    }
    lit += format.slice(i, pct);
    CONV_RE.lastIndex = pct;
    const m = CONV_RE.exec(format);
    if (m === null) {
      // Not a conversion glibc knows: it prints the text as it is.
      lit += '%';
      i = pct + 1;
      continue;
    }
    i = CONV_RE.lastIndex;
    if (m[5] === '%') {
      lit += '%';
      continue;
    }
    if (lit !== '') out.push({ kind: 'lit', text: lit });
    lit = '';
    const width = m[2] === undefined ? null : m[2] === '*' ? '*' : Number(m[2]);
    const precision = m[3] === undefined ? null : m[3] === '*' ? '*' : Number(m[3] || '0');
    out.push({ kind: 'conv', flags: m[1], width, precision, length: m[4] ?? '', conv: m[5], text: m[0] });
  }
  if (lit !== '') out.push({ kind: 'lit', text: lit });
  return out;
}

/** Bits of the argument a conversion prints (x86_64 glibc; `%c` prints an unsigned char). */
export function conversionBits(t: ConversionToken): 8 | 16 | 32 | 64 {
  if (t.conv === 'p') return 64;
  if (t.conv === 'c') return 8;
  switch (t.length) {
    case 'hh':
      return 8;
    case 'h':
      return 16;
    case '':
      return 32;
    default:
      return 64;
  }
}

export function isIntegerConversion(conv: string): boolean {
  return conv === 'd' || conv === 'i' || conv === 'u' || conv === 'x' || conv === 'X' || conv === 'o';
}

export function conversionRadix(conv: string): 8 | 10 | 16 {
  return conv === 'x' || conv === 'X' ? 16 : conv === 'o' ? 8 : 10;
}

/** Most digits an integer conversion of this width prints in this radix (without sign). */
export function maxDigits(bits: 8 | 16 | 32 | 64, radix: 8 | 10 | 16): number {
  if (radix === 16) return bits / 4;
  if (radix === 8) return bits === 8 ? 3 : bits === 16 ? 6 : bits === 32 ? 11 : 22;
  return bits === 8 ? 3 : bits === 16 ? 5 : bits === 32 ? 10 : 20;
}

/**
 * Fewest digits a conversion always prints: its precision, or its zero-padded width (a `0`
 * flag is ignored with `-` or with a precision, as in C).
 */
export function minDigits(t: ConversionToken): number {
  if (typeof t.precision === 'number') return t.precision;
  if (t.precision === null && typeof t.width === 'number' && t.flags.includes('0') && !t.flags.includes('-')) return t.width;
  return t.precision === null ? 1 : 0;
}

/**
 * How printf writes an integer conversion, as both the regex and the byte matcher read it:
 * exactly `max(digits, m)` digits, where m is the precision or the zero-padded width (1
 * otherwise), so a longer run never starts with a 0; that and the digit bound `upper` keep
 * adjacent fields apart (`0x%lx%s`, `0x%02x0x%02x`).
 */
export type IntegerShape =
  /** A promoted narrow argument in plain decimal: its exact range (negMax 0: no sign). */
  | { readonly kind: 'range'; readonly posMax: number; readonly negMax: number }
  /** `sign?` then `nonZero cls{m,upper-1}` or `cls{m}` (exactly m when m ≥ upper). */
  | { readonly kind: 'digits'; readonly sign: '' | '-?' | '[-+]?' | '[- ]?'; readonly radix: 8 | 10 | 16; readonly upperCase: boolean; readonly m: number; readonly upper: number }
  /** Shapes QEMU's catalogues never use (`#`, `*`, zero-padded signed): any run of digits. */
  | { readonly kind: 'loose'; readonly sign: string; readonly upper: number };

export function integerShape(t: ConversionToken, a: ArgSpec | null): IntegerShape {
  const radix = conversionRadix(t.conv);
  const bits = conversionBits(t);
  const signed = t.conv === 'd' || t.conv === 'i';
  let sign: '' | '-?' | '[-+]?' | '[- ]?' = !signed ? '' : t.flags.includes('+') ? '[-+]?' : t.flags.includes(' ') ? '[- ]?' : '-?';
  // The digit bound is only sound when the argument is no wider than what the conversion prints.
  const bounded = (a === null ? 0 : a.bits) <= bits && t.width !== '*' && t.precision !== '*';
  let upper = bounded ? maxDigits(bits, radix) : Infinity;
  if (bounded && a !== null && a.bits < bits) {
    // A narrower argument is promoted, so it prints within its own range: a uint8_t under %d
    // has at most 3 digits and no sign; an int8_t (or x86's signed char) under %d at most 3
    // digits, but under %x its sign-extended 8.
    // A `+` or space flag still prints its sign character before a value that cannot be negative.
    const signFlag = t.flags.includes('+') || t.flags.includes(' ');
    if (a.kind === 'bool') {
      upper = 1;
      if (!signFlag) sign = '';
    } else if (!a.signed && !PLAIN_CHAR.test(a.ctype)) {
      upper = maxDigits(a.bits, radix);
      if (a.bits < 32 && !signFlag) sign = '';
    } else if (signed) upper = maxDigits(a.bits, radix);
  }
  const zeroPad = t.flags.includes('0') && !t.flags.includes('-') && t.precision === null && typeof t.width === 'number';
  const plainDecimal = radix === 10 && t.precision === null && !zeroPad && !/[-+ #]/.test(t.flags.replace('-', ''));
  const isChar = a !== null && PLAIN_CHAR.test(a.ctype);
  // Under an unsigned conversion a negative narrow value prints as a 32-bit (or `h`: 16-bit)
  // number, e.g. 4294967295 for an int8_t -1 under %u, so only unsigned arguments keep a range.
  const exactRange = a !== null && (signed || (!a.signed && !isChar));
  if (bounded && plainDecimal && exactRange && a !== null && a.kind === 'integer' && a.bits < bits && a.bits <= 16) {
    // The exact decimal range of a promoted narrow argument: `%d%s` of a uint8_t 31 and "57"
    // prints 3157, which must read as 31 + "57", not 315.
    const posMax = a.signed && !isChar ? 2 ** (a.bits - 1) - 1 : 2 ** a.bits - 1;
    const negMax = a.signed || isChar ? 2 ** (a.bits - 1) : 0;
    return { kind: 'range', posMax, negMax: signed ? negMax : 0 };
  }
  if (t.flags.includes('#') || t.width === '*' || t.precision === '*' || (signed && zeroPad)) return { kind: 'loose', sign, upper };
  const m = typeof t.precision === 'number' ? t.precision : zeroPad ? (t.width as number) : 1;
  return { kind: 'digits', sign, radix, upperCase: t.conv === 'X', m, upper };
}
