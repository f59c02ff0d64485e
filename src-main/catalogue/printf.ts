// printf inversion (docs/qemu-trace-formats.md §3.5): an event's C format becomes one anchored regex
// with a capture per conversion, plus a typed converter per argument. Integers are read in the
// conversion's radix and width, then their bits are reinterpreted as the declared C type
// (`%d` printing -5 for a uint32_t → 4294967291; `%x` printing ffffffff for an int → -1).
import { ambiguityReasons } from './ambiguity.ts';
import {
  conversionBits,
  conversionRadix,
  isIntegerConversion,
  integerShape,
  maxDigits,
  tokenizeFormat,
} from './printf-tokens.ts';
import type { ConversionToken } from './printf-tokens.ts';
import type { ArgSpec, ArgValue, ArgWriter, Catalogue, CompiledFormat, EventSpec } from './types.ts';
import { compileByteMatcher, type ByteMatcher } from './printf-bytes.ts';
import { convert, int32Value, isWide, K_CHAR, K_INT32, K_INTBIG, K_NONE, K_POINTER, K_TEXT, put, putWords, type Capture } from './printf-values.ts';

export { conversionBits, tokenizeFormat } from './printf-tokens.ts';
export type { ConversionToken, FormatToken, LiteralToken } from './printf-tokens.ts';

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
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
    /** Arguments that no conversion prints (always null). */
    private readonly uncaptured: readonly number[],
    /** Per argument: a 64-bit column. */
    private readonly wide: readonly boolean[],
    /** Builds the byte matcher, on the first line to match: most of a catalogue never occurs. */
    private makeBytes: (() => ByteMatcher | null) | null,
  ) {}

  private bytes: ByteMatcher | null = null;

  matchBytes(b: Uint8Array, start: number, end: number, text: string, textStart: number, out: ArgWriter): boolean {
    if (this.makeBytes !== null) {
      this.bytes = this.makeBytes();
      this.makeBytes = null;
    }
    return this.bytes !== null && this.bytes.match(b, start, end, text, textStart, out);
  }

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

  decodeInto(msg: string, out: ArgWriter): boolean {
    const n = this.event.args.length;
    if (this.literalOnly !== null) {
      if (msg !== this.literalOnly) return false;
      for (let i = 0; i < n; i++) out.setNull(i);
      return true;
    }
    let re = this.re;
    if (re === null) re = this.re = new RegExp(this.source, 's');
    const m = re.exec(msg);
    if (m === null) return false;
    const caps = this.captures;
    for (let i = 0; i < caps.length; i++) {
      const c = caps[i];
      const arg = c.arg;
      if (arg >= n) continue;
      const text = m[i + 1];
      switch (c.kind) {
        case K_INT32: {
          const v = int32Value(c, text);
          if (v === undefined) return false;
          out.setSmall(arg, v === true ? 1 : v === false ? 0 : v);
          continue;
        }
        case K_INTBIG:
          if (c.words && putWords(out, arg, c, text, 0)) continue;
          break;
        case K_POINTER:
          if (c.words) {
            if (text === '(nil)') {
              out.setWords(arg, 0, 0);
              continue;
            }
            if (putWords(out, arg, c, text, 2)) continue;
          }
          break;
        case K_TEXT:
          if (c.padWidth > 0 || text.length === 6) {
            const v = convert(c, text) as string | null;
            if (v === null) out.setNull(arg);
            else out.setString(arg, v);
          } else out.setString(arg, text);
          continue;
        case K_NONE:
          out.setNull(arg);
          continue;
      }
      const v = convert(c, text);
      if (v === undefined) return false;
      put(out, arg, this.wide[arg], v);
    }
    const u = this.uncaptured;
    for (let i = 0; i < u.length; i++) out.setNull(u[i]);
    return true;
  }
}

/** The regex of an integer conversion's text (see IntegerShape). */
function integerPattern(t: ConversionToken, a: ArgSpec | null): string {
  const shape = integerShape(t, a);
  if (shape.kind === 'range') {
    if (shape.negMax === 0) return `(?:${decimalUpTo(shape.posMax)})`;
    return `(?:-(?:${decimalUpTo(shape.negMax)})|${decimalUpTo(shape.posMax)})`;
  }
  const radix = conversionRadix(t.conv);
  const cls = radix === 16 ? (t.conv === 'X' ? '[0-9A-F]' : '[0-9a-f]') : radix === 8 ? '[0-7]' : '\\d';
  if (shape.kind === 'loose') {
    const sign = shape.sign;
    const prefix = t.flags.includes('#') && radix === 16 ? `(?:0${t.conv})?` : '';
    // `%#o` puts a 0 before the digits of a nonzero value: one digit more than the type holds.
    const alt = t.flags.includes('#') && radix === 8 ? 1 : 0;
    const max = Math.max(shape.upper + alt, typeof t.width === 'number' ? t.width : 0);
    const min = t.precision === '*' || t.precision === 0 ? 0 : 1;
    return `${sign}${prefix}${cls}${max === Infinity ? (min === 0 ? '*' : '+') : `{${min},${max}}`}`;
  }
  const nonZero = radix === 16 ? (t.conv === 'X' ? '[1-9A-F]' : '[1-9a-f]') : radix === 8 ? '[1-7]' : '[1-9]';
  const { sign, m, upper } = shape;
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
      // glibc prints a null pointer as (nil) and others without leading zeros, but SystemTap and
      // other libcs print 0x0 and zero-padded values (docs/qemu-trace-formats.md §3.4.3, §4.4).
      body = '0x[0-9a-f]{1,16}|\\(nil\\)';
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
    const bits = conversionBits(t);
    const wideArg = a !== null && (a.kind === 'pointer' || (a.kind === 'integer' && a.bits === 64));
    captures.push({
      kind,
      arg: ai ?? args.length,
      spec: a,
      bits,
      radix: conversionRadix(t.conv),
      padWidth,
      padLeft: t.flags.includes('-'),
      words: wideArg && ((kind === K_INTBIG && bits === 64) || kind === K_POINTER),
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
  const captured = new Set(captures.map((c) => c.arg));
  const uncaptured = args.map((_, i) => i).filter((i) => !captured.has(i));
  const bytes = () => compileByteMatcher(tokens, captures, argOf, args.length, uncaptured);
  return new Compiled(event, src, captures, ambiguous, ambiguous ? reasons.join('; ') : undefined, unrecoverable, literalOnly, uncaptured, args.map(isWide), bytes);
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
