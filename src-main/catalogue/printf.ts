// printf inversion (qemu-trace-formats.md §3.5): an event's C format becomes one anchored regex
// with a capture per conversion, plus a typed converter per argument. Integers are read in the
// conversion's radix and width, then their bits are reinterpreted as the declared C type
// (`%d` printing -5 for a uint32_t → 4294967291; `%x` printing ffffffff for an int → -1).
import { ambiguityReasons } from './ambiguity.ts';
import { typedFromBits, typedFromBits32 } from './ctypes.ts';
import {
  conversionBits,
  conversionRadix,
  isIntegerConversion,
  maxDigits,
  minDigits,
  tokenizeFormat,
} from './printf-tokens.ts';
import type { ConversionToken } from './printf-tokens.ts';
import type { ArgSpec, ArgValue, Catalogue, CompiledFormat, EventSpec } from './types.ts';

export { conversionBits, tokenizeFormat } from './printf-tokens.ts';
export type { ConversionToken, FormatToken, LiteralToken } from './printf-tokens.ts';

// Capture kinds. Value null: no argument, an unsupported conversion, or a conversion/type mismatch.
const K_NONE = 0;
// An integer conversion of ≤ 32 bits into a declared type of ≤ 32 bits (plain numbers).
const K_INT32 = 1;
// Any other integer conversion (BigInt).
const K_INTBIG = 2;
const K_POINTER = 3;
const K_CHAR = 4;
const K_TEXT = 5;

interface Capture {
  readonly kind: number;
  /** Index into the result; args.length for a conversion bound to no argument. */
  readonly arg: number;
  readonly spec: ArgSpec | null;
  readonly bits: 8 | 16 | 32 | 64;
  readonly radix: 8 | 10 | 16;
  /** `%Ns` / `%-Ns`: the capture includes the padding, stripped when the text is exactly N long. */
  readonly padWidth: number;
  readonly padLeft: boolean;
}

// Plain char is signed on x86, so it reaches printf sign-extended although it is stored as a byte.
const PLAIN_CHAR = /^(const )?char$/;

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** Integer text (sign, optional 0x, digits; maybe empty for `%.0d` of 0) → value, or undefined. */
function int32Value(c: Capture, text: string): ArgValue | undefined {
  let n = text === '' ? 0 : parseInt(text, c.radix);
  if (n !== n) return undefined;
  const bits = c.bits as 8 | 16 | 32;
  if (n < -(2 ** (bits - 1)) || n >= 2 ** bits) return undefined;
  if (n < 0) n += 2 ** bits;
  return typedFromBits32(c.spec as ArgSpec, n, bits);
}

function bigValue(c: Capture, text: string): ArgValue | undefined {
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

function convert(c: Capture, text: string): ArgValue | undefined {
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

class Compiled implements CompiledFormat {
  private re: RegExp | null = null;

  constructor(
    readonly event: EventSpec,
    private readonly source: string,
    private readonly captures: readonly Capture[],
    readonly ambiguous: boolean,
    readonly ambiguity: string | undefined,
    readonly unrecoverable: readonly number[],
    /** The whole message when the format has no conversions. */
    private readonly literalOnly: string | null,
  ) {}

  /** The regex source (for diagnostics and tests). */
  get pattern(): string {
    return this.source;
  }

  decode(msg: string): ArgValue[] | null {
    const n = this.event.args.length;
    if (this.literalOnly !== null) {
      if (msg !== this.literalOnly) return null;
      return n === 0 ? [] : new Array<ArgValue>(n).fill(null);
    }
    let re = this.re;
    if (re === null) re = this.re = new RegExp(this.source, 's');
    const m = re.exec(msg);
    if (m === null) return null;
    const out = new Array<ArgValue>(n).fill(null);
    const caps = this.captures;
    for (let i = 0; i < caps.length; i++) {
      const c = caps[i];
      if (c.arg >= n) continue;
      const v = convert(c, m[i + 1]);
      if (v === undefined) return null;
      out[c.arg] = v;
    }
    return out;
  }
}

/**
 * The text of an integer conversion. printf writes exactly `max(digits, M)` digits, where M is
 * the precision or the zero-padded width (1 otherwise), so a longer run never starts with a 0;
 * that and the digit bound keep adjacent fields apart (`0x%lx%s`, `0x%02x0x%02x`).
 */
function integerPattern(t: ConversionToken, a: ArgSpec | null): string {
  const radix = conversionRadix(t.conv);
  const bits = conversionBits(t);
  const cls = radix === 16 ? (t.conv === 'X' ? '[0-9A-F]' : '[0-9a-f]') : radix === 8 ? '[0-7]' : '\\d';
  const nonZero = radix === 16 ? (t.conv === 'X' ? '[1-9A-F]' : '[1-9a-f]') : radix === 8 ? '[1-7]' : '[1-9]';
  const signed = t.conv === 'd' || t.conv === 'i';
  let sign = !signed ? '' : t.flags.includes('+') ? '[-+]?' : t.flags.includes(' ') ? '[- ]?' : '-?';
  // The digit bound is only sound when the argument is no wider than what the conversion prints.
  const bounded = (a === null ? 0 : a.bits) <= bits && t.width !== '*' && t.precision !== '*';
  let upper = bounded ? maxDigits(bits, radix) : Infinity;
  if (bounded && a !== null && a.bits < bits) {
    // A narrower argument is promoted, so it prints within its own range: a uint8_t under %d
    // has at most 3 digits and no sign; an int8_t (or x86's signed char) under %d at most 3
    // digits, but under %x its sign-extended 8.
    if (a.kind === 'bool') {
      upper = 1;
      sign = '';
    } else if (!a.signed && !PLAIN_CHAR.test(a.ctype)) {
      upper = maxDigits(a.bits, radix);
      if (a.bits < 32) sign = '';
    } else if (signed) upper = maxDigits(a.bits, radix);
  }
  const zeroPad = t.flags.includes('0') && !t.flags.includes('-') && t.precision === null && typeof t.width === 'number';
  const plainDecimal = radix === 10 && t.precision === null && !zeroPad && !/[-+ #]/.test(t.flags.replace('-', ''));
  if (bounded && plainDecimal && a !== null && a.kind === 'integer' && a.bits < bits && a.bits <= 16) {
    // The exact decimal range of a promoted narrow argument: `%d%s` of a uint8_t 31 and "57"
    // prints 3157, which must read as 31 + "57", not 315.
    const isChar = PLAIN_CHAR.test(a.ctype);
    const posMax = a.signed && !isChar ? 2 ** (a.bits - 1) - 1 : 2 ** a.bits - 1;
    const negMax = a.signed || isChar ? 2 ** (a.bits - 1) : 0;
    if (!signed || negMax === 0) return `(?:${decimalUpTo(posMax)})`;
    return `(?:-(?:${decimalUpTo(negMax)})|${decimalUpTo(posMax)})`;
  }
  if (t.flags.includes('#') || t.width === '*' || t.precision === '*' || (signed && zeroPad)) {
    // Rare shapes (never in QEMU's catalogues): any run of digits, the sign counted in the width.
    const prefix = t.flags.includes('#') && radix === 16 ? `(?:0${t.conv})?` : '';
    const max = Math.max(upper, typeof t.width === 'number' ? t.width : 0);
    const min = t.precision === '*' || t.precision === 0 ? 0 : 1;
    return `${sign}${prefix}${cls}${max === Infinity ? (min === 0 ? '*' : '+') : `{${min},${max}}`}`;
  }
  const m = typeof t.precision === 'number' ? t.precision : zeroPad ? (t.width as number) : 1;
  if (m >= upper) return `${sign}${cls}{${m}}`;
  const longer = `${nonZero}${cls}{${m},${upper === Infinity ? '' : upper - 1}}`;
  return m === 0 ? `${sign}(?:${longer})?` : `${sign}(?:${longer}|${cls}{${m}})`;
}

/** An alternation matching the decimal numbers 0..max as printf writes them (no leading zeros). */
export function decimalUpTo(max: number): string {
  const s = String(max);
  const d = s.length;
  if (d === 1) return `[0-${s}]`;
  const parts: string[] = ['\\d'];
  if (d > 2) parts.push(`[1-9]\\d{1,${d - 2}}`);
  for (let i = 0; i < d; i++) {
    const lowest = i === 0 ? 1 : 0;
    const digit = Number(s[i]);
    if (digit > lowest) {
      const range = digit - 1 === lowest ? String(lowest) : `[${lowest}-${digit - 1}]`;
      const rest = d - 1 - i;
      parts.push(`${s.slice(0, i)}${range}${rest > 0 ? `\\d{${rest}}` : ''}`);
    }
  }
  parts.push(s);
  // Longest first: a number directly followed by more digits takes all it can, like \\d{1,N}.
  return parts.reverse().join('|');
}

/** The regex fragment for one conversion: padding outside the capture, the text inside it. */
function fragment(t: ConversionToken, a: ArgSpec | null): string {
  const left = t.flags.includes('-');
  const star = t.width === '*';
  const w = typeof t.width === 'number' ? t.width : 0;
  const zeroPadded = t.flags.includes('0') && !left && t.precision === null && isIntegerConversion(t.conv);
  let before = '';
  let after = '';
  if (star) {
    // A negative `*` width left-justifies, so the padding may be on either side.
    before = ' *';
    after = ' *';
  } else if (w > 1 && !zeroPadded && t.conv !== 's') {
    if (left) after = ` {0,${w - 1}}`;
    else before = ` {0,${w - 1}}`;
  }
  let body: string;
  switch (t.conv) {
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o':
      body = integerPattern(t, a);
      break;
    case 'c':
      body = '[\\s\\S]';
      break;
    case 'p':
      body = '0x[1-9a-f][0-9a-f]{0,15}|\\(nil\\)';
      break;
    case 's': {
      const p = typeof t.precision === 'number' ? t.precision : null;
      if (star || w === 0) body = p === null ? '[\\s\\S]*?' : `[\\s\\S]{0,${p}}?`;
      else body = `[\\s\\S]{${w},${p === null ? '' : Math.max(w, p)}}?`;
      break;
    }
    default:
      body = '[\\s\\S]*?';
  }
  return `${before}(${body})${after}`;
}

/** Compile an event's format into a decoder for its log messages (no RegExp built until used). */
export function compileFormat(event: EventSpec): CompiledFormat {
  const tokens = tokenizeFormat(event.format);
  const args = event.args;
  let next = 0;
  let src = '^';
  const captures: Capture[] = [];
  const unrecoverable: number[] = [];
  const reasons: string[] = [];
  const argOf = new Map<ConversionToken, ArgSpec | null>();
  const take = (): number | null => (next < args.length ? next++ : null);

  for (const t of tokens) {
    if (t.kind === 'lit') {
      src += escapeRegex(t.text);
      continue;
    }
    // `*` width and precision each consume an int argument that is never printed on its own.
    if (t.width === '*') {
      const w = take();
      if (w !== null) unrecoverable.push(w);
    }
    if (t.precision === '*') {
      const p = take();
      if (p !== null) unrecoverable.push(p);
    }
    const ai = take();
    const a = ai === null ? null : args[ai];
    argOf.set(t, a);
    src += fragment(t, a);
    let kind: number;
    if (a === null) {
      kind = K_NONE;
      reasons.push(`more conversions than arguments (${t.text})`);
    } else if (t.conv === 's') {
      kind = a.kind === 'string' ? K_TEXT : K_NONE;
    } else if (a.kind === 'string') {
      kind = K_NONE;
    } else if (isIntegerConversion(t.conv)) {
      kind = conversionBits(t) <= 32 && a.bits <= 32 ? K_INT32 : K_INTBIG;
    } else if (t.conv === 'p') {
      kind = K_POINTER;
    } else if (t.conv === 'c') {
      kind = a.kind === 'pointer' ? K_NONE : K_CHAR;
    } else {
      kind = K_NONE;
      reasons.push(`unsupported conversion ${t.text}`);
    }
    if (a !== null && ai !== null && kind === K_NONE) {
      unrecoverable.push(ai);
      if (isIntegerConversion(t.conv) || 'csp'.includes(t.conv)) reasons.push(`${t.text} cannot print the ${a.ctype} argument ${a.name}`);
    }
    const padWidth = t.conv === 's' && typeof t.width === 'number' ? t.width : 0;
    captures.push({
      kind,
      arg: ai ?? args.length,
      spec: a,
      bits: conversionBits(t),
      radix: conversionRadix(t.conv),
      padWidth,
      padLeft: t.flags.includes('-'),
    });
  }
  src += '$';
  if (next < args.length) {
    for (let i = next; i < args.length; i++) unrecoverable.push(i);
    reasons.push(`${args.length - next} argument(s) not printed by the format`);
  }
  reasons.push(...ambiguityReasons(tokens, argOf));
  const literalOnly = captures.length === 0 ? tokens.map((t) => t.text).join('') : null;
  const ambiguous = reasons.length > 0;
  return new Compiled(event, src, captures, ambiguous, ambiguous ? reasons.join('; ') : undefined, unrecoverable, literalOnly);
}

const cache = new WeakMap<EventSpec, CompiledFormat>();

/** compileFormat, once per EventSpec (the regex itself is built on the first decode). */
export function compileFormatCached(event: EventSpec): CompiledFormat {
  let c = cache.get(event);
  if (c === undefined) {
    c = compileFormat(event);
    cache.set(event, c);
  }
  return c;
}

/** A catalogue's compiled formats by event name, compiled on first use. */
export function compiledFormats(catalogue: Catalogue): (name: string) => CompiledFormat | undefined {
  return (name) => {
    const e = catalogue.get(name);
    return e === undefined ? undefined : compileFormatCached(e);
  };
}
