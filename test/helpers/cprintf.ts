// A C printf written from the glibc manual, independent of src-main's tokenizer, so that the
// round-trip test checks the decoder against printf's behaviour rather than against itself.
// Integer arguments are the value as it sits in a 64-bit register (signed types sign-extended,
// unsigned zero-extended); the length modifier decides how many of those bits are printed.

export type CArg = bigint | string | null;

const SPEC_RE = /%([-+ #0']*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|j|z|t|L|q)?([diouxXcsp%])/y;

export interface CSpec {
  readonly text: string;
  readonly flags: string;
  readonly width: number | '*' | null;
  readonly precision: number | '*' | null;
  readonly length: string;
  readonly conv: string;
}

/** The conversions of a format in order (`%%` and invalid sequences are not conversions). */
export function conversions(format: string): CSpec[] {
  const out: CSpec[] = [];
  for (let i = format.indexOf('%'); i >= 0; i = format.indexOf('%', i)) {
    SPEC_RE.lastIndex = i;
    const m = SPEC_RE.exec(format);
    if (m === null) {
      i++;
      continue;
    }
    i = SPEC_RE.lastIndex;
    if (m[5] === '%') continue;
    const width = m[2] === undefined ? null : m[2] === '*' ? '*' : Number(m[2]);
    const precision = m[3] === undefined ? null : m[3] === '*' ? '*' : Number(m[3] || '0');
    out.push({ text: m[0], flags: m[1], width, precision, length: m[4] ?? '', conv: m[5] });
  }
  return out;
}

/** Bits of the register a conversion reads on x86_64 glibc (`%c` reads an unsigned char). */
export function lengthBits(length: string, conv: string): 8 | 16 | 32 | 64 {
  if (conv === 'c') return 8;
  if (conv === 'p') return 64;
  if (length === 'hh') return 8;
  if (length === 'h') return 16;
  if (length === '') return 32;
  return 64;
}

function pad(body: string, width: number, left: boolean): string {
  if (body.length >= width) return body;
  return left ? body + ' '.repeat(width - body.length) : ' '.repeat(width - body.length) + body;
}

function intArg(v: CArg, what: string): bigint {
  if (typeof v !== 'bigint') throw new Error(`cprintf: ${what} needs an integer argument, got ${String(v)}`);
  return v;
}

function formatInt(flags: string, width: number, precision: number | null, conv: string, bits: number, v: bigint): string {
  const left = flags.includes('-');
  const signed = conv === 'd' || conv === 'i';
  const value = signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
  const neg = value < 0n;
  const mag = neg ? -value : value;
  let digits = conv === 'x' ? mag.toString(16) : conv === 'X' ? mag.toString(16).toUpperCase() : conv === 'o' ? mag.toString(8) : mag.toString(10);
  if (precision !== null) {
    // An explicit precision of 0 prints nothing for the value 0.
    if (precision === 0 && mag === 0n) digits = '';
    else if (digits.length < precision) digits = '0'.repeat(precision - digits.length) + digits;
  }
  let prefix = '';
  if (signed) prefix = neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  if (flags.includes('#')) {
    if ((conv === 'x' || conv === 'X') && mag !== 0n) prefix = conv === 'x' ? '0x' : '0X';
    if (conv === 'o' && !digits.startsWith('0')) digits = '0' + digits;
  }
  // `0` pads between the sign/prefix and the digits, unless `-` or a precision is given.
  if (flags.includes('0') && !left && precision === null) {
    const n = width - prefix.length - digits.length;
    if (n > 0) digits = '0'.repeat(n) + digits;
  }
  return pad(prefix + digits, width, left);
}

/** Format like glibc's printf on x86_64 for the conversions trace-events formats use. */
export function cprintf(format: string, args: readonly CArg[]): string {
  let out = '';
  let ai = 0;
  let i = 0;
  const next = (what: string): CArg => {
    if (ai >= args.length) throw new Error(`cprintf: too few arguments for ${what} in ${JSON.stringify(format)}`);
    return args[ai++];
  };
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    SPEC_RE.lastIndex = pct;
    const m = SPEC_RE.exec(format);
    if (m === null) {
      // glibc prints an unknown conversion as it was written.
      out += '%';
      i = pct + 1;
      continue;
    }
    i = SPEC_RE.lastIndex;
    const [, rawFlags, rawWidth, rawPrec, length = '', conv] = m;
    if (conv === '%') {
      out += '%';
      continue;
    }
    let flags = rawFlags;
    let width = 0;
    if (rawWidth === '*') {
      const w = Number(BigInt.asIntN(32, intArg(next('*'), 'a * width')));
      if (w < 0) flags += '-';
      width = Math.abs(w);
    } else if (rawWidth !== undefined) width = Number(rawWidth);
    let precision: number | null = null;
    if (rawPrec === '*') {
      const p = Number(BigInt.asIntN(32, intArg(next('.*'), 'a * precision')));
      precision = p < 0 ? null : p;
    } else if (rawPrec !== undefined) precision = Number(rawPrec || '0');
    const left = flags.includes('-');
    const arg = next(m[0]);
    switch (conv) {
      case 'd':
      case 'i':
      case 'u':
      case 'x':
      case 'X':
      case 'o':
        out += formatInt(flags, width, precision, conv, lengthBits(length, conv), intArg(arg, m[0]));
        break;
      case 'c':
        out += pad(String.fromCharCode(Number(BigInt.asUintN(8, intArg(arg, m[0])))), width, left);
        break;
      case 's': {
        let s: string;
        if (arg === null) s = precision === null || precision >= 6 ? '(null)' : '';
        else if (typeof arg === 'string') s = precision === null ? arg : arg.slice(0, precision);
        else throw new Error(`cprintf: ${m[0]} needs a string argument`);
        out += pad(s, width, left);
        break;
      }
      case 'p': {
        const v = BigInt.asUintN(64, intArg(arg ?? 0n, m[0]));
        out += pad(v === 0n ? '(nil)' : '0x' + v.toString(16), width, left);
        break;
      }
      default:
        throw new Error(`cprintf: unsupported conversion ${m[0]}`);
    }
  }
  return out;
}
