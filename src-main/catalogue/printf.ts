// printf inversion (qemu-trace-formats.md §3.5): a real C printf tokenizer, and a compiler that
// turns an event's format into one anchored regex with a capture per conversion plus a typed
// converter per argument. Integers are read in the conversion's radix and width, then their
// bits are reinterpreted as the declared C type (`%d` printing -5 for a uint32_t → 4294967291).
import { typedFromBits } from './ctypes.ts';
import type { ArgSpec, ArgValue, CompiledFormat, EventSpec } from './types.ts';

export interface ConversionToken {
  readonly kind: 'conv';
  readonly flags: string;
  readonly width: number | '*' | null;
  readonly precision: number | '*' | null;
  readonly length: string;
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

/** Split a C format into literal text and conversions with printf's own grammar. */
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
      // Not a valid conversion: glibc prints it literally.
      lit += '%';
      i = pct + 1;
      continue;
    }
    i = CONV_RE.lastIndex;
    if (m[5] === '%') {
      lit += '%';
      continue;
    }
    if (lit) out.push({ kind: 'lit', text: lit });
    lit = '';
    const w = m[2] === undefined ? null : m[2] === '*' ? '*' : Number(m[2]);
    const p = m[3] === undefined ? null : m[3] === '*' ? '*' : Number(m[3] || '0');
    out.push({ kind: 'conv', flags: m[1], width: w, precision: p, length: m[4] ?? '', conv: m[5], text: m[0] });
  }
  if (lit) out.push({ kind: 'lit', text: lit });
  return out;
}

/** Bits a conversion reads from its argument (x86_64 glibc). */
export function conversionBits(t: ConversionToken): 8 | 16 | 32 | 64 {
  if (t.conv === 'p') return 64;
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

const DEC_DIGITS = { 8: 3, 16: 5, 32: 10, 64: 20 } as const;
const OCT_DIGITS = { 8: 3, 16: 6, 32: 11, 64: 22 } as const;

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

type Converter = (text: string) => ArgValue | undefined;

function intConverter(a: ArgSpec | null, t: ConversionToken): Converter {
  const bits = conversionBits(t);
  const radix = t.conv === 'x' || t.conv === 'X' ? 16 : t.conv === 'o' ? 8 : 10;
  return (text) => {
    if (a === null) return null;
    let s = text.trim();
    let neg = false;
    if (s[0] === '-' || s[0] === '+') {
      neg = s[0] === '-';
      s = s.slice(1).trimStart();
    }
    if (radix === 16 && (s.startsWith('0x') || s.startsWith('0X'))) s = s.slice(2);
    if (s === '') s = '0'; // `%.0d` of 0 prints nothing
    let v = radix === 16 ? BigInt('0x' + s) : radix === 8 ? BigInt('0o' + s) : BigInt(s);
    if (neg) v = -v;
    const r = typedFromBits(a, BigInt.asUintN(bits, v), bits);
    return r;
  };
}

function stringConverter(a: ArgSpec | null): Converter {
  return (text) => {
    if (a === null) return null;
    if (text === '(null)') return null;
    if (a.kind === 'string') return text;
    return undefined;
  };
}

function pointerConverter(a: ArgSpec | null): Converter {
  return (text) => {
    if (a === null) return null;
    const v = text === '(nil)' ? 0n : BigInt(text);
    return typedFromBits(a, v, 64);
  };
}

function charConverter(a: ArgSpec | null): Converter {
  return (text) => {
    if (a === null) return null;
    const code = text.charCodeAt(0);
    if (code > 0xff) return null;
    return typedFromBits(a, BigInt(code), 8);
  };
}

interface Capture {
  /** Index of the argument this capture fills. */
  readonly arg: number;
  readonly convert: Converter;
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
    private readonly literalOnly: string | null,
  ) {}

  decode(msg: string): ArgValue[] | null {
    const n = this.event.args.length;
    if (this.literalOnly !== null) {
      if (msg !== this.literalOnly) return null;
      return n === 0 ? [] : new Array<ArgValue>(n).fill(null);
    }
    if (this.re === null) this.re = new RegExp(this.source, 's');
    const m = this.re.exec(msg);
    if (m === null) return null;
    const out = new Array<ArgValue>(n).fill(null);
    const caps = this.captures;
    for (let i = 0; i < caps.length; i++) {
      const c = caps[i];
      let v: ArgValue | undefined;
      try {
        v = c.convert(m[i + 1]);
      } catch {
        return null;
      }
      if (v === undefined) return null;
      out[c.arg] = v;
    }
    return out;
  }
}

/** Compile an event's format into a decoder for its log messages. */
export function compileFormat(event: EventSpec): CompiledFormat {
  const tokens = tokenizeFormat(event.format);
  const args = event.args;
  let next = 0;
  let src = '^';
  const captures: Capture[] = [];
  const unrecoverable: number[] = [];
  const reasons: string[] = [];
  const take = (): number | null => (next < args.length ? next++ : null);

  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind === 'lit') {
      src += escapeRegex(t.text);
      continue;
    }
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
    const left = t.flags.includes('-');
    const zero = t.flags.includes('0') && !left;
    const padBefore = t.width !== null && !left && !(zero && 'diouxX'.includes(t.conv)) ? ' *' : '';
    const padAfter = t.width !== null && left ? ' *' : '';
    let frag: string;
    let convert: Converter;
    const bits = conversionBits(t);
    const minDigits = Math.max(typeof t.width === 'number' && zero ? t.width : 0, typeof t.precision === 'number' ? t.precision : 0);
    const unbounded = (t.width === '*' && zero) || t.precision === '*';
    const bound = (max: number) => (unbounded ? '+' : `{1,${Math.max(max, minDigits)}}`);
    switch (t.conv) {
      case 'd':
      case 'i':
        frag = `([-+ ]?\\d${bound(DEC_DIGITS[bits])})`;
        convert = intConverter(a, t);
        break;
      case 'u':
        frag = `(\\d${bound(DEC_DIGITS[bits])})`;
        convert = intConverter(a, t);
        break;
      case 'x':
        frag = `(${t.flags.includes('#') ? '(?:0x)?' : ''}[0-9a-f]${bound(bits / 4)})`;
        convert = intConverter(a, t);
        break;
      case 'X':
        frag = `(${t.flags.includes('#') ? '(?:0X)?' : ''}[0-9A-F]${bound(bits / 4)})`;
        convert = intConverter(a, t);
        break;
      case 'o':
        frag = `([0-7]${bound(OCT_DIGITS[bits])})`;
        convert = intConverter(a, t);
        break;
      case 'c':
        frag = '([\\s\\S])';
        convert = charConverter(a);
        break;
      case 's': {
        // Before a short punctuation separator and another %s ("%s/%s", "%s:%s"), the first
        // string is the hierarchical one (vmstate "cpu/msr", PCI "0000:00:02.0/vfio"): take
        // the longest first string. Elsewhere the shortest, so that literals after it anchor.
        const greedy = sepBeforeString(tokens, k) !== null;
        const q = greedy ? '' : '?';
        frag = typeof t.precision === 'number' ? `([\\s\\S]{0,${t.precision}}${q})` : `([\\s\\S]*${q})`;
        convert = stringConverter(a);
        break;
      }
      case 'p':
        frag = '(0x[0-9a-f]+|\\(nil\\))';
        convert = pointerConverter(a);
        break;
      default:
        // Floating point and %n never occur in QEMU catalogues (forbidden since 3.0).
        frag = '([\\s\\S]*?)';
        convert = () => null;
        if (ai !== null) unrecoverable.push(ai);
        reasons.push(`unsupported conversion ${t.text}`);
    }
    src += padBefore + frag + padAfter;
    captures.push({ arg: ai ?? -1, convert: ai === null ? () => null : convert });
    if (ai === null) reasons.push(`more conversions than arguments (${t.text})`);
    if (a !== null && t.conv === 's' && a.kind !== 'string') reasons.push(`%s for non-string argument ${a.name}`);
    // Two variable-length fields with nothing but spaces between them: the split is a guess.
    if (t.conv === 's') {
      const n1 = tokens[k + 1];
      const n2 = tokens[k + 2];
      if (n1 !== undefined && n1.kind === 'conv' && (n1.conv === 's' || n1.conv === 'c')) {
        reasons.push(`${t.text} directly followed by ${n1.text}`);
      } else {
        const sep = sepBeforeString(tokens, k);
        if (sep !== null) reasons.push(`${t.text} and the next %s separated only by ${JSON.stringify(sep)}, which the strings may contain`);
      }
      void n2;
    }
  }
  src += '$';
  if (next < args.length) {
    for (let i = next; i < args.length; i++) unrecoverable.push(i);
    reasons.push(`${args.length - next} argument(s) not printed by the format`);
  }
  // Captures bound to no argument still occupy a group; keep them but write nowhere.
  const realCaptures = captures.map((c) => (c.arg < 0 ? { arg: args.length, convert: () => null } : c));
  const literalOnly = captures.length === 0 ? tokens.map((t) => (t.kind === 'lit' ? t.text : '')).join('') : null;
  const ambiguous = reasons.length > 0;
  return new CompiledWithSpill(event, src, realCaptures, ambiguous, ambiguous ? reasons.join('; ') : undefined, unrecoverable, literalOnly);
}

/** Like Compiled, but tolerates captures that have no argument (written past the end, dropped). */
class CompiledWithSpill extends Compiled {
  override decode(msg: string): ArgValue[] | null {
    const r = super.decode(msg);
    if (r !== null && r.length > this.event.args.length) r.length = this.event.args.length;
    return r;
  }
}

/**
 * The literal between the %s at `k` and a following %s when it is short punctuation or
 * whitespace (characters that strings often contain), else null.
 */
function sepBeforeString(tokens: readonly FormatToken[], k: number): string | null {
  const n1 = tokens[k + 1];
  const n2 = tokens[k + 2];
  if (n1 === undefined || n1.kind !== 'lit' || n2 === undefined || n2.kind !== 'conv' || n2.conv !== 's') return null;
  return /^[\s\p{P}\p{S}]{1,3}$/u.test(n1.text) ? n1.text : null;
}

const cache = new WeakMap<EventSpec, CompiledFormat>();

/** compileFormat, once per EventSpec. */
export function compileFormatCached(event: EventSpec): CompiledFormat {
  let c = cache.get(event);
  if (c === undefined) {
    c = compileFormat(event);
    cache.set(event, c);
  }
  return c;
}
