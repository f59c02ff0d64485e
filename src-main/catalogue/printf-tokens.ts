// C printf format grammar (qemu-trace-formats.md §3.5 step 2): `%` flags width precision length
// conversion. Tokenizing with printf's own rules is what reads `%ud` as `%u` then a literal `d`.

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
