// babeltrace / babeltrace2 `text`/`pretty` output of an LTTng-UST trace written by QEMU's `ust`
// backend (docs/qemu-trace-formats.md §4.3):
//   [19:23:25.253839012] (+0.000038123) myhost qemu:migrate_set_state: { cpu_id = 3 }, { new_state = "setup" }
// The time is `HH:MM:SS.nnnnnnnnn`, `sec.nnnnnnnnn` (--clock-seconds) or
// `YYYY-MM-DD HH:MM:SS.nnnnnnnnn` (--clock-date); the delta and host are optional. Blocks before
// the last are contexts (cpu_id, vpid, vtid, procname); the last block is the payload, whose
// fields are returned by name with string values unquoted and unescaped, and whose exact text
// (braces included) is the message. vtid/vpid/cpu_id/procname contexts fill tid/pid/cpu/comm.
//
// Time-of-day stamps carry no date, so their tsNs is nanoseconds since the midnight before the
// trace's first record, not since the epoch: a trace read whole (forTrace) counts a day each time
// the time of day steps back by more than twelve hours, and its clock is `daytime`. The date form
// is read as UTC (babeltrace prints local time unless --clock-gmt is given, and the zone is not in
// the text).
import type { TextDialect, TextHeader } from '../text-types.ts';
import {
  dateTimeSeconds,
  digitsValue,
  epochNs,
  fitsTsNs,
  fractionNs,
  isNameChar,
  skipDigits,
  timeOfDaySeconds,
} from './scan.ts';

const SPACE = 32;
const QUOTE = 34;
const BACKSLASH = 92;
const PROVIDER = 'qemu:';
const INT_RE = /^\d{1,15}$/;
const HEX2_RE = /^[0-9A-Fa-f]{2}$/;

type Fields = Array<readonly [string, string]>;

/** Parses the bracketed time between `[` at 0 and `close`, or returns null. */
function parseStamp(line: string, close: number): bigint | null {
  const len = close - 1;
  let sec: number;
  let fracDot: number;
  if (len >= 20 && line.charCodeAt(11) === SPACE) {
    sec = dateTimeSeconds(line, 1);
    fracDot = 20;
  } else if (len >= 9 && line.charCodeAt(3) === 58) {
    sec = timeOfDaySeconds(line, 1);
    fracDot = 9;
  } else {
    fracDot = skipDigits(line, 1);
    if (fracDot === 1 || fracDot - 1 > 15) return null;
    sec = digitsValue(line, 1, fracDot);
  }
  if (sec < 0) return null;
  if (fracDot === close) return fitsTsNs(sec, 0) ? epochNs(sec, 0) : null;
  if (line.charCodeAt(fracDot) !== 46 || skipDigits(line, fracDot + 1) !== close) return null;
  const ns = fractionNs(line, fracDot + 1, close);
  return ns < 0 || !fitsTsNs(sec, ns) ? null : epochNs(sec, ns);
}

/** Index just after the string literal whose opening quote is at `i`, or -1. */
function skipString(line: string, i: number): number {
  const len = line.length;
  for (let k = i + 1; k < len; k++) {
    const c = line.charCodeAt(k);
    if (c === BACKSLASH) k++;
    else if (c === QUOTE) return k + 1;
  }
  return -1;
}

/** Index just after the `{ ... }` block opening at `i` (nesting and strings respected), or -1. */
function skipBlock(line: string, i: number): number {
  const len = line.length;
  let depth = 0;
  for (let k = i; k < len; k++) {
    const c = line.charCodeAt(k);
    if (c === QUOTE) {
      k = skipString(line, k) - 1;
      if (k < 0) return -1;
    } else if (c === 123 || c === 91 || c === 40) {
      depth++;
    } else if (c === 125 || c === 93 || c === 41) {
      depth--;
      if (depth === 0) return c === 125 ? k + 1 : -1;
    }
  }
  return -1;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };

function unquote(text: string): string {
  const body = text.slice(1, -1);
  if (body.indexOf('\\') < 0) return body;
  let out = '';
  for (let k = 0; k < body.length; k++) {
    const ch = body[k];
    if (ch !== '\\' || k + 1 >= body.length) {
      out += ch;
      continue;
    }
    const e = body[++k];
    if (e === 'x' && HEX2_RE.test(body.slice(k + 1, k + 3))) {
      out += String.fromCharCode(parseInt(body.slice(k + 1, k + 3), 16));
      k += 2;
    } else {
      out += ESCAPES[e] ?? e;
    }
  }
  return out;
}

/** Top-level `name = value` fields of the block text [open, close) (braces included). */
function parseFields(line: string, open: number, close: number): Fields | null {
  const fields: Fields = [];
  const end = close - 1; // the closing brace
  let k = open + 1;
  for (;;) {
    while (k < end && line.charCodeAt(k) === SPACE) k++;
    if (k >= end) return fields;
    const eq = line.indexOf(' = ', k);
    if (eq < 0 || eq >= end) return null;
    const name = line.slice(k, eq);
    let v = eq + 3;
    const vStart = v;
    // The value runs to the next top-level comma.
    let depth = 0;
    while (v < end) {
      const c = line.charCodeAt(v);
      if (c === QUOTE) {
        v = skipString(line, v);
        if (v < 0 || v > end) return null;
        continue;
      }
      if (c === 123 || c === 91 || c === 40) depth++;
      else if (c === 125 || c === 93 || c === 41) depth--;
      else if (c === 44 && depth === 0) break;
      v++;
    }
    let vEnd = v;
    while (vEnd > vStart && line.charCodeAt(vEnd - 1) === SPACE) vEnd--;
    const raw = line.slice(vStart, vEnd);
    const quoted = raw.length >= 2 && raw.charCodeAt(0) === QUOTE && skipString(raw, 0) === raw.length;
    fields.push([name, quoted ? unquote(raw) : raw]);
    if (v >= end) return fields;
    k = v + 1;
  }
}

function intField(v: string): number | null {
  return INT_RE.test(v) ? Number(v) : null;
}

export function parseBabeltraceLine(line: string): TextHeader | null {
  if (line.charCodeAt(0) !== 91 /* [ */) return null;
  const close = line.indexOf(']');
  if (close < 2) return null;
  const tsNs = parseStamp(line, close);
  if (tsNs === null) return null;
  let i = close + 1;
  if (line.charCodeAt(i) !== SPACE) return null;
  i++;
  if (line.charCodeAt(i) === 40 /* ( */) {
    const cp = line.indexOf(')', i);
    if (cp < 0 || line.charCodeAt(cp + 1) !== SPACE) return null;
    i = cp + 2;
  }
  if (!line.startsWith(PROVIDER, i)) {
    const sp = line.indexOf(' ', i);
    if (sp <= i || !line.startsWith(PROVIDER, sp + 1)) return null;
    i = sp + 1;
  }
  const nameStart = i + PROVIDER.length;
  let n = nameStart;
  while (n < line.length && isNameChar(line.charCodeAt(n))) n++;
  if (n === nameStart || line.charCodeAt(n) !== 58 || line.charCodeAt(n + 1) !== SPACE) return null;
  const name = line.slice(nameStart, n);

  let tid: number | null = null;
  let pid: number | null = null;
  let cpu: number | undefined;
  let comm: string | undefined;
  let k = n + 2;
  for (;;) {
    if (line.charCodeAt(k) !== 123 /* { */) return null;
    const after = skipBlock(line, k);
    if (after < 0) return null;
    const fields = parseFields(line, k, after);
    if (fields === null) return null;
    if (after >= line.length) {
      return { tsNs, tid, pid, name, msg: line.slice(k, after), fields, prefixStyle: 'babeltrace', comm, cpu };
    }
    if (line.charCodeAt(after) !== 44 || line.charCodeAt(after + 1) !== SPACE) return null;
    for (const [fname, value] of fields) {
      const key = fname.charCodeAt(0) === 95 ? fname.slice(1) : fname;
      if (key === 'cpu_id') cpu = intField(value) ?? cpu;
      else if (key === 'vtid') tid = intField(value) ?? tid;
      else if (key === 'vpid') pid = intField(value) ?? pid;
      else if (key === 'procname') comm = value;
    }
    k = after + 2;
  }
}

const DAY_NS = 86_400_000_000_000n;
const HALF_DAY_NS = DAY_NS / 2n;

/** `[HH:MM:SS...]`: neither the date form nor seconds since the epoch. */
function isTimeOfDay(line: string): boolean {
  return line.charCodeAt(3) === 58 /* : */;
}

/** The dialect for one whole trace: time-of-day stamps count the days they pass through. */
function babeltraceForTrace(): TextDialect {
  let daytime = false;
  let last = -1n;
  let days = 0n;
  return {
    format: 'babeltrace',
    get clock() {
      return daytime ? 'daytime' : 'epoch';
    },
    parse(line) {
      const h = parseBabeltraceLine(line);
      if (h === null || h.tsNs === null || !isTimeOfDay(line)) return h;
      daytime = true;
      const t = h.tsNs;
      if (last >= 0n && t + HALF_DAY_NS < last) days += DAY_NS;
      last = t;
      return days === 0n ? h : { ...h, tsNs: t + days };
    },
  };
}

export const babeltrace: TextDialect = {
  format: 'babeltrace',
  clock: 'epoch',
  parse: (line) => parseBabeltraceLine(line),
  forTrace: babeltraceForTrace,
};
