// The text that QEMU's scripts/simpletrace.py prints from a simpletrace binary (docs/qemu-trace-formats.md
// §2.3, §2.8), in every layout its releases used:
//   name DELTA pid=N arg=0x1a str=b'ram'        2.1+ (8.2+ leaves a space after `pid=N` when
//                                                the event has no arguments)
//   name DELTA arg=0x1a str=raw text             1.2–2.0: no pid; Python 2 prints strings raw
//   Dropped_Event DELTA pid=N num_events_dropped=0x3   (1.2–2.0: `dropped_events=0x3`)
// DELTA is the time since the previous record, in µs with three decimals (`%0.3f` of ns / 1000,
// so the printed digits are the exact nanoseconds); a whole number is read as nanoseconds. The
// script prints no format, only `name=value` in declaration order: values are typed by the
// catalogue's argument list, not by inverting printf. Every integer is the record's u64 in
// unsigned hex, so the simpletrace rules recover the declared type (a signed int's -1 is
// 0xffffffffffffffff); strings are Python bytes literals with their escapes, or raw text.
// Timestamps are the sum of the deltas, 0 at the first record: a clock of its own (`relative`).
import { isUtf8 } from 'node:buffer';
import type { ArgValue, EventSpec } from '../../catalogue/types.ts';
import { argCode, K_I64, K_POINTER, K_STRING, K_U64, smallValue } from '../simpletrace-args.ts';
import type { TextDialect, TextHeader } from '../text-types.ts';

export const DROPPED_EVENT = 'Dropped_Event';

export interface PyLine {
  readonly name: string;
  /** Time since the previous record, in ns (may be negative: threads' stamps interleave). */
  readonly deltaNs: bigint;
  readonly pid: number | null;
  /** The `name=value` fields, after the separating space (empty for an event with none). */
  readonly msg: string;
  /** Dropped_Event: the number of events lost; null for malformed counts and other events. */
  readonly dropped: bigint | null;
}

// name, sign, integer part, 3 decimals (µs) or none (ns), pid.
const HEAD_RE = /^([A-Za-z_][A-Za-z0-9_]*) (-?)(\d{1,16})(?:\.(\d{3}))?(?: pid=(\d{1,10}))?(?= |$)/;
const FIELD_START_RE = /^[A-Za-z_][A-Za-z0-9_]*=/;
const DROPPED_RE = /^(?:num_events_dropped|dropped_events)=0x([0-9a-fA-F]{1,16})$/;

/**
 * The record header of one line, or null. With `pid=` the shape is distinctive and any name is
 * taken (an event missing from the catalogue is then reported by name); the pid-less layout of
 * 1.2–2.0 is taken only for a known name, a µs delta and `name=` fields, so that a plain
 * `name msg` log is never read as one.
 */
export function parsePyLine(line: string, isKnown: (name: string) => boolean): PyLine | null {
  const m = HEAD_RE.exec(line);
  if (m === null) return null;
  const name = m[1];
  const micro = m[4] !== undefined;
  const pid = m[5] === undefined ? null : Number(m[5]);
  let rest = line.slice(m[0].length);
  if (rest.endsWith('\r')) rest = rest.slice(0, -1);
  const msg = rest.length === 0 ? '' : rest.slice(1);
  if (pid === null) {
    if (!micro || !(name === DROPPED_EVENT || isKnown(name))) return null;
    if (msg.length > 0 && !FIELD_START_RE.test(msg)) return null;
  }
  const digits = micro ? m[3] + m[4] : m[3];
  const deltaNs = m[2] === '-' ? -BigInt(digits) : BigInt(digits);
  let dropped: bigint | null = null;
  if (name === DROPPED_EVENT) {
    const d = DROPPED_RE.exec(msg);
    if (d !== null) dropped = BigInt('0x' + d[1]);
  }
  return { name, deltaNs, pid, msg, dropped };
}

function header(p: PyLine, tsNs: bigint | null): TextHeader {
  return {
    tsNs,
    tid: null,
    pid: p.pid,
    name: p.name,
    msg: p.msg,
    prefixStyle: 'simpletrace.py',
    ...(p.dropped !== null ? { dropped: p.dropped } : {}),
  };
}

/** One trace read in order: each record's time is the sum of the deltas since the first. */
function simpletracePyForTrace(): TextDialect {
  let ts: bigint | null = null;
  return {
    format: 'simpletrace-py',
    clock: 'relative',
    parse(line, isKnown) {
      const p = parsePyLine(line, isKnown);
      if (p === null) return null;
      // The first delta printed is 0; a cut-out part starts at 0 all the same.
      ts = ts === null ? 0n : ts + p.deltaNs;
      return header(p, ts);
    },
  };
}

export const simpletracePy: TextDialect = {
  format: 'simpletrace-py',
  clock: 'relative',
  parse: (line, isKnown) => {
    const p = parsePyLine(line, isKnown);
    return p === null ? null : header(p, null);
  },
  forTrace: simpletracePyForTrace,
};

// ---- Arguments ----

const SPACE = 32;
const EQ = 61;
const BACKSLASH = 92;
const U64_LIMIT = 1n << 64n;
/** Raw (Python 2) strings may hold ` next=`: split points tried per line before giving up. */
const MAX_SPLIT_TRIES = 4096;

/** Exact bytes of a string argument that are not UTF-8 (stored decoded lossily). */
export interface PyLossyArg {
  readonly arg: number;
  readonly raw: Uint8Array;
}

/** A Python bytes literal `b'…'`/`b"…"` at `i`: its bytes and the index after it, or null. */
export function bytesLiteral(s: string, i: number): { bytes: Uint8Array; end: number } | null {
  if (s.charCodeAt(i) !== 98 /* b */) return null;
  const quote = s.charCodeAt(i + 1);
  if (quote !== 39 && quote !== 34) return null;
  const out: number[] = [];
  const len = s.length;
  for (let k = i + 2; k < len; k++) {
    const c = s.charCodeAt(k);
    if (c === quote) return { bytes: Uint8Array.from(out), end: k + 1 };
    if (c === 10 || c === 13) return null; // repr escapes line breaks: a raw one is not inside
    if (c === BACKSLASH) {
      const e = s[++k];
      switch (e) {
        case '\\':
        case "'":
        case '"':
          out.push(e.charCodeAt(0));
          break;
        case 'n':
          out.push(10);
          break;
        case 't':
          out.push(9);
          break;
        case 'r':
          out.push(13);
          break;
        case 'x': {
          const hex = s.slice(k + 1, k + 3);
          if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
          out.push(parseInt(hex, 16));
          k += 2;
          break;
        }
        default:
          // repr() writes no other escape: this is not a bytes literal.
          return null;
      }
      continue;
    }
    if (c < 0x80) out.push(c);
    else for (const b of Buffer.from(String.fromCodePoint(s.codePointAt(k) as number), 'utf8')) out.push(b);
    if (c >= 0xd800 && c < 0xdc00) k++;
  }
  return null;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** The string of a byte string as simpletrace's binary decoder gives it (lossy UTF-8). */
function bytesString(bytes: Uint8Array): string {
  return bytes.every((b) => b < 0x80) ? Buffer.from(bytes).toString('latin1') : utf8.decode(bytes);
}

/** The u64 printed in hex, as the declared type (the simpletrace binary's rules); undefined if it does not fit. */
function typedU64(code: number, v: bigint): ArgValue | undefined {
  if (v >= U64_LIMIT) return undefined;
  if (code === K_U64 || code === K_POINTER) return v;
  if (code === K_I64) return BigInt.asIntN(64, v);
  return smallValue(code, Number(v >> 32n), Number(v & 0xffffffffn));
}

const codesOf = new WeakMap<EventSpec, Uint8Array>();

function codes(ev: EventSpec): Uint8Array {
  let c = codesOf.get(ev);
  if (c === undefined) {
    c = Uint8Array.from(ev.args, argCode);
    codesOf.set(ev, c);
  }
  return c;
}

/**
 * The typed arguments of `msg` (the `name=value` fields) for `ev`, or null when the fields are
 * not the catalogue's arguments in order or a value does not fit its type. Strings whose bytes
 * are not UTF-8 are decoded lossily and their bytes appended to `lossy`.
 */
export function decodePyArgs(ev: EventSpec, msg: string, lossy?: PyLossyArg[]): ArgValue[] | null {
  const out = new Array<ArgValue>(ev.args.length);
  const found: PyLossyArg[] = [];
  const budget = { tries: MAX_SPLIT_TRIES };
  if (!fieldsFrom(ev, codes(ev), msg, 0, 0, out, found, budget)) return null;
  if (lossy !== undefined) for (const l of found) lossy.push(l);
  return out;
}

function fieldsFrom(
  ev: EventSpec,
  code: Uint8Array,
  msg: string,
  i: number,
  start: number,
  out: ArgValue[],
  lossy: PyLossyArg[],
  budget: { tries: number },
): boolean {
  const n = code.length;
  if (i === n) return start === msg.length;
  let pos = start;
  if (i > 0) {
    if (msg.charCodeAt(pos) !== SPACE) return false;
    pos++;
  }
  const name = ev.args[i].name;
  if (!msg.startsWith(name, pos) || msg.charCodeAt(pos + name.length) !== EQ) return false;
  pos += name.length + 1;

  if (code[i] !== K_STRING) {
    if (msg.charCodeAt(pos) !== 48 /* 0 */ || msg.charCodeAt(pos + 1) !== 120 /* x */) return false;
    let e = pos + 2;
    while (e < msg.length && isHex(msg.charCodeAt(e))) e++;
    if (e === pos + 2) return false;
    const v = typedU64(code[i], BigInt('0x' + msg.slice(pos + 2, e)));
    if (v === undefined) return false;
    out[i] = v;
    return fieldsFrom(ev, code, msg, i + 1, e, out, lossy, budget);
  }

  // Python 3: a bytes literal, which ends unambiguously at its closing quote.
  const lit = bytesLiteral(msg, pos);
  if (lit !== null && (lit.end === msg.length || msg.charCodeAt(lit.end) === SPACE)) {
    out[i] = bytesString(lit.bytes);
    const mark = lossy.length;
    if (!isUtf8(lit.bytes)) lossy.push({ arg: i, raw: lit.bytes });
    if (fieldsFrom(ev, code, msg, i + 1, lit.end, out, lossy, budget)) return true;
    lossy.length = mark;
  }
  // Python 2: the raw text, up to a ` next=` after which the rest is the next arguments.
  if (i === n - 1) {
    out[i] = msg.slice(pos);
    return true;
  }
  const next = ' ' + ev.args[i + 1].name + '=';
  for (let k = msg.indexOf(next, pos); k >= 0 && budget.tries-- > 0; k = msg.indexOf(next, k + 1)) {
    out[i] = msg.slice(pos, k);
    if (fieldsFrom(ev, code, msg, i + 1, k, out, lossy, budget)) return true;
  }
  return false;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
