// QEMU's syslog backend as a syslog daemon writes it to disk (docs/qemu-trace-formats.md §4.2):
//   Nov 25 19:23:05 host qemu-system-x86_64[16503]: name msg          (rsyslog traditional)
//   2025-11-25T19:23:05.253839+00:00 host qemu-system-x86_64[16503]: name msg   (RFC 3339)
// Daemons that keep the priority write it first (`<30>Nov 25 ...`), and those configured for RFC
// 5424 (rsyslog's RSYSLOG_SyslogProtocol23Format, syslog-ng's syslog() destination) write
//   <30>1 2025-11-25T19:23:05.253839Z host qemu-system-x86_64 16503 - - name msg
// (version, time or `-`, host, app, procid, msgid, structured data or `-`, then the message).
// The bracketed number (RFC 5424: the procid) is the process id. A syslog file is shared with every other daemon, so
// a line is a record only when its name is a known event or its ident names QEMU (an unknown
// event from QEMU still deserves a row in unparsed; a line from sshd does not look like one).
// "message repeated N times: [ ... ]" summaries carry no record of their own: null.
//
// The traditional format has no year and no zone. Times are read as UTC (the host's zone is not
// knowable from the file). The year is decided once per file from its head (`tune`, so that
// every segment of a file parsed in parallel reads the same years): the first record's stamp
// is placed in the current UTC year, or the previous one when that would put it more than a
// month in the future (a log from December read in January); that instant is the reference,
// and every year-less stamp of the file takes the year that puts it nearest the reference
// (within ±6 months), so `Dec 31` then `Jan  1` advances the year. A journalctl header
// (`-- Logs begin at Mon 2024-05-06 ...` / `-- Journal begins at ...`) tells the year instead.
// Whatever no header told is a guess: the trace row says which year was assumed
// (yearAssumed). journalctl's short output has the same layout, with the month name of the
// writer's locale (`янв 07`, `Mär 07`, ` 1月 07`): see months.ts.
import type { TextDialect, TextHeader } from '../text-types.ts';
import {
  dateTimeSeconds,
  digitsValue,
  epochNs,
  fitsTsNs,
  fixedDigits,
  fractionNs,
  isDigit,
  messageAfter,
  nameEnd,
  skipDigits,
  timeOfDaySeconds,
  utcSeconds,
} from './scan.ts';
import { localizedMonth, monthAmbiguity, tuneLocales } from './months.ts';

const SPACE = 32;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const REPEATED = 'message repeated ';

export interface SyslogOptions {
  /** Year for traditional (year-less) timestamps; see the file comment for the default. */
  readonly year?: number;
  /** "Now" in epoch ms for the default year rule (tests). */
  readonly nowMs?: number;
  /** Locales that ambiguous localized month names are read in (the sniffer's tuning). */
  readonly locales?: readonly string[];
  /**
   * The instant (epoch ms, the wall time read as UTC) year-less stamps are read nearest to,
   * decided from the file's head by `tune`; without it, each stamp gets the now-rule's year.
   */
  readonly referenceMs?: number;
  /** Whether the reference's year was assumed (no header in the file told it). */
  readonly referenceAssumed?: boolean;
}

/** What `tune` settles for a syslog file: plain JSON, it travels in the decode plan. */
interface SyslogTuning {
  readonly locales?: readonly string[];
  readonly referenceMs?: number;
  readonly referenceAssumed?: boolean;
}

interface Stamp {
  tsNs: bigint;
  /** Index of the first character after the timestamp and its space. */
  next: number;
  /** The year given to a year-less stamp; absent when the stamp carries its own. */
  year?: number;
}

const DAY_MS = 86_400_000;
const HALF_YEAR_MS = 183 * DAY_MS;

/** Whether `day` exists in `month` of `year` (Feb 29). */
function validDay(year: number, month: number, day: number): boolean {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

/** The year of the candidates around `refMs` that puts month/day/time nearest it; null if none is within ±6 months. */
function nearestYear(refMs: number, month: number, day: number, tod: number): number | null {
  const refYear = new Date(refMs).getUTCFullYear();
  let best: number | null = null;
  let bestDist = Infinity;
  for (let y = refYear - 1; y <= refYear + 1; y++) {
    if (!validDay(y, month, day)) continue;
    const dist = Math.abs(Date.UTC(y, month - 1, day) + tod * 1000 - refMs);
    if (dist < bestDist) [best, bestDist] = [y, dist];
  }
  return bestDist <= HALF_YEAR_MS ? best : null;
}

// journalctl's header: `-- Logs begin at Mon 2024-05-06 10:00:00 CEST, end at Tue ... --`
// (systemd < 246) or `-- Journal begins at ..., ends at ... --`. Its times are the same local
// wall times as the lines', so they are read as UTC too.
const JOURNAL_HEADER_RE =
  /^-- (?:Logs begin|Journal begins) at \S+ (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\b(?:.*?, (?:end|ends) at \S+ (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\b)?/;

/** The [begin, end] (epoch ms) a journalctl header gives; end is Infinity when not given. */
export function journalHeaderSpan(line: string): [number, number] | null {
  const m = JOURNAL_HEADER_RE.exec(line);
  if (m === null) return null;
  const at = (k: number) => Date.UTC(+m[k], +m[k + 1] - 1, +m[k + 2], +m[k + 3], +m[k + 4], +m[k + 5]);
  const begin = at(1);
  const end = m[7] === undefined ? Infinity : at(7);
  return Number.isFinite(begin) && end >= begin ? [begin, end] : null;
}

function monthIndex(line: string): number {
  for (let m = 0; m < 12; m++) if (line.startsWith(MONTHS[m], 0)) return m + 1;
  return 0;
}

/** Whether `line` has ` DD HH:MM:SS ` (or `  D HH:MM:SS `) after a month name ending before `i`. */
function dayTimeFollows(line: string, i: number): boolean {
  if (line.charCodeAt(i) === SPACE) i++;
  const dEnd = skipDigits(line, i);
  return dEnd > i && dEnd - i <= 2 && line.charCodeAt(dEnd) === SPACE && line.charCodeAt(dEnd + 9) === SPACE && timeOfDaySeconds(line, dEnd + 1) >= 0;
}

/**
 * Where a month name other than C's starts and ends at the head of `line` ([start, end), `end`
 * being the space before the day), or null. The name may hold spaces (vi `thg 1`) and follow one
 * space (glibc pads ja/ko ` 1月`); the day and time after it say where it ends.
 */
function localMonthSpan(line: string): [number, number] | null {
  const start = line.charCodeAt(0) === SPACE ? 1 : 0;
  let sp = start;
  for (let words = 0; words < 3; words++) {
    sp = line.indexOf(' ', sp + 1);
    if (sp < 0 || sp - start > 32) return null;
    if (dayTimeFollows(line, sp + 1)) return [start, sp];
  }
  return null;
}

function traditionalStamp(line: string, yearFor: (month: number, day: number, tod: number) => number, locales: ReadonlySet<string> | undefined): Stamp | null {
  let mo = monthIndex(line);
  let i = 4;
  if (mo === 0 || line.charCodeAt(3) !== SPACE) {
    const span = localMonthSpan(line);
    if (span === null) return null;
    mo = localizedMonth(line.slice(span[0], span[1]), locales);
    if (mo === 0) return null;
    i = span[1] + 1;
  }
  if (line.charCodeAt(i) === SPACE) i++;
  const dEnd = skipDigits(line, i);
  if (dEnd === i || dEnd - i > 2 || line.charCodeAt(dEnd) !== SPACE) return null;
  const day = digitsValue(line, i, dEnd);
  const tod = timeOfDaySeconds(line, dEnd + 1);
  if (tod < 0 || day < 1 || day > 31 || line.charCodeAt(dEnd + 9) !== SPACE) return null;
  const year = yearFor(mo, day, tod);
  const sec = utcSeconds(year, mo, day, 0, 0, 0) + tod;
  if (!fitsTsNs(sec, 0)) return null;
  return { tsNs: epochNs(sec, 0), next: dEnd + 10, year };
}

function rfc3339Stamp(line: string): Stamp | null {
  const t = line.charCodeAt(10);
  if (t !== 84 && t !== 116 /* T or t */) return null;
  let sec = dateTimeSeconds(line, 0);
  if (sec < 0) return null;
  let i = 19;
  let ns = 0;
  if (line.charCodeAt(i) === 46) {
    const fEnd = skipDigits(line, i + 1);
    ns = fractionNs(line, i + 1, fEnd);
    if (fEnd === i + 1 || ns < 0) return null;
    i = fEnd;
  }
  const z = line.charCodeAt(i);
  if (z === 90 || z === 122) {
    i++;
  } else if (z === 43 || z === 45) {
    const hh = fixedDigits(line, i + 1, 2);
    const mm = fixedDigits(line, i + 4, 2);
    if (hh < 0 || mm < 0 || line.charCodeAt(i + 3) !== 58) return null;
    const off = hh * 3600 + mm * 60;
    sec += z === 43 ? -off : off;
    i += 6;
  } else {
    return null;
  }
  if (line.charCodeAt(i) !== SPACE || !fitsTsNs(sec, ns)) return null;
  return { tsNs: epochNs(sec, ns), next: i + 1 };
}

function parseAfterStamp(line: string, stamp: Stamp, isKnown: (name: string) => boolean, hostOptional: boolean): TextHeader | null {
  // host, then the tag `ident[pid]:` (or `ident:`), each followed by one space. What glibc's
  // syslog() sends to /dev/log has no host (`<30>Nov 25 19:23:05 ident[pid]: ...`), as a capture
  // of that socket shows; a host name never ends in ':'. Without the `<PRI>` the host is required:
  // QEMU 10.1+ error_report lines (`2025-...Z qemu-system-x86_64: msg`) are not syslog records.
  const hostEnd = line.indexOf(' ', stamp.next);
  if (hostEnd <= stamp.next) return null;
  const tagStart = hostOptional && line.charCodeAt(hostEnd - 1) === 58 /* : */ ? stamp.next : hostEnd + 1;
  const tagEnd = line.indexOf(' ', tagStart);
  const tagLast = (tagEnd < 0 ? line.length : tagEnd) - 1;
  if (tagLast <= tagStart || line.charCodeAt(tagLast) !== 58 /* : */) return null;
  let identEnd = tagLast;
  let pid: number | null = null;
  if (line.charCodeAt(tagLast - 1) === 93 /* ] */) {
    const open = line.lastIndexOf('[', tagLast - 1);
    if (open <= tagStart) return null;
    const pEnd = tagLast - 1;
    if (pEnd > open + 1 && pEnd - open - 1 <= 15 && skipDigits(line, open + 1) === pEnd) {
      pid = digitsValue(line, open + 1, pEnd);
    }
    identEnd = open;
  }
  if (tagEnd < 0) return null;
  const msgStart = tagEnd + 1;
  if (line.startsWith(REPEATED, msgStart) && isDigit(line.charCodeAt(msgStart + REPEATED.length))) return null;
  const end = nameEnd(line, msgStart);
  if (end < 0) return null;
  const name = line.slice(msgStart, end);
  if (!isKnown(name) && line.slice(tagStart, identEnd).toLowerCase().indexOf('qemu') < 0) return null;
  return { tsNs: stamp.tsNs, tid: null, pid, name, msg: messageAfter(line, end), prefixStyle: 'syslog' };
}

const DASH = 45;

/** The end of RFC 5424 structured data starting at `i` (`-` or `[id k="v" ...]...`), or -1. */
function structuredDataEnd(line: string, i: number): number {
  if (line.charCodeAt(i) === DASH) return i + 1;
  while (line.charCodeAt(i) === 91 /* [ */) {
    let j = i + 1;
    let quoted = false;
    for (; j < line.length; j++) {
      const c = line.charCodeAt(j);
      if (quoted && c === 92 /* \ */) j++;
      else if (c === 34 /* " */) quoted = !quoted;
      else if (!quoted && c === 93 /* ] */) break;
    }
    if (j >= line.length) return -1;
    i = j + 1;
  }
  return i;
}

/** `rest` is what follows `<PRI>1 `: TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]. */
function parseRfc5424(rest: string, isKnown: (name: string) => boolean): TextHeader | null {
  let tsNs: bigint | null = null;
  let i: number;
  if (rest.charCodeAt(0) === DASH && rest.charCodeAt(1) === SPACE) i = 2;
  else {
    const stamp = rfc3339Stamp(rest);
    if (stamp === null) return null;
    tsNs = stamp.tsNs;
    i = stamp.next;
  }
  const fields: [number, number][] = [];
  // HOSTNAME APP-NAME PROCID MSGID
  for (let f = 0; f < 4; f++) {
    const end = rest.indexOf(' ', i);
    if (end <= i) return null;
    fields.push([i, end]);
    i = end + 1;
  }
  const sdEnd = structuredDataEnd(rest, i);
  if (sdEnd < 0 || rest.charCodeAt(sdEnd) !== SPACE) return null;
  let msgStart = sdEnd + 1;
  if (rest.charCodeAt(msgStart) === 0xfeff) msgStart++;
  const [appStart, appEnd] = fields[1];
  const [pidStart, pidEnd] = fields[2];
  const pid = pidEnd - pidStart <= 15 && skipDigits(rest, pidStart) === pidEnd ? digitsValue(rest, pidStart, pidEnd) : null;
  const end = nameEnd(rest, msgStart);
  if (end < 0) return null;
  const name = rest.slice(msgStart, end);
  if (!isKnown(name) && rest.slice(appStart, appEnd).toLowerCase().indexOf('qemu') < 0) return null;
  return { tsNs, tid: null, pid, name, msg: messageAfter(rest, end), prefixStyle: 'syslog' };
}

/** Where the line continues after a leading `<PRI>` (1 to 3 digits), or 0 when it has none. */
function afterPriority(line: string): number {
  if (line.charCodeAt(0) !== 60 /* < */) return 0;
  const close = skipDigits(line, 1);
  return close > 1 && close <= 4 && line.charCodeAt(close) === 62 /* > */ ? close + 1 : -1;
}

/** The line after its `<PRI>`, when it may hold a traditional stamp; null otherwise. */
function traditionalPart(full: string): string | null {
  const at = afterPriority(full);
  if (at < 0 || (at > 0 && full.charCodeAt(at) === 49 && full.charCodeAt(at + 1) === SPACE)) return null;
  return at > 0 ? full.slice(at) : full;
}

export function createSyslogDialect(options: SyslogOptions = {}): TextDialect {
  const fixed = options.year;
  const now = options.nowMs ?? Date.now();
  const nowYear = new Date(now).getUTCFullYear();
  const monthAhead = now + 31 * DAY_MS;
  const locales = options.locales === undefined ? undefined : new Set(options.locales);
  const ref = options.referenceMs;
  const nowRule = (month: number, day: number): number => (Date.UTC(nowYear, month - 1, day) > monthAhead ? nowYear - 1 : nowYear);
  const yearFor = (month: number, day: number, tod: number): number => {
    if (fixed !== undefined) return fixed;
    if (ref !== undefined) return nearestYear(ref, month, day, tod) ?? nowRule(month, day);
    return nowRule(month, day);
  };
  /** The year given to the first year-less stamp this instance read (see yearAssumed). */
  let firstYear: number | null = null;
  const parseWith = (full: string, isKnown: (name: string) => boolean, yf: typeof yearFor): TextHeader | null => {
    const at = afterPriority(full);
    if (at < 0) return null;
    if (at > 0 && full.charCodeAt(at) === 49 /* 1 */ && full.charCodeAt(at + 1) === SPACE) return parseRfc5424(full.slice(at + 2), isKnown);
    const line = at > 0 ? full.slice(at) : full;
    // ja/zh month names start with a digit (`12月 07`).
    const stamp = (isDigit(line.charCodeAt(0)) ? rfc3339Stamp(line) : null) ?? traditionalStamp(line, yf, locales);
    if (stamp === null) return null;
    const h = parseAfterStamp(line, stamp, isKnown, at > 0);
    if (h !== null && stamp.year !== undefined && firstYear === null) firstYear = stamp.year;
    return h;
  };
  return {
    format: 'syslog',
    clock: 'epoch',
    // A fresh instance per trace: firstYear is the trace's own.
    forTrace: () => createSyslogDialect(options),
    parse(full, isKnown) {
      return parseWith(full, isKnown, yearFor);
    },
    // The year of the first year-less record, when it was assumed (no fixed year, no header).
    yearAssumed() {
      if (fixed !== undefined || (ref !== undefined && options.referenceAssumed === false)) return null;
      return firstYear;
    },
    tune(lines, isKnown) {
      const names: string[] = [];
      for (const full of lines) {
        const line = traditionalPart(full);
        if (line === null || (monthIndex(line) !== 0 && line.charCodeAt(3) === SPACE)) continue;
        const span = localMonthSpan(line);
        if (span !== null) names.push(line.slice(span[0], span[1]));
      }
      const tunedLocales = tuneLocales(names);
      const tuning: { -readonly [K in keyof SyslogTuning]: SyslogTuning[K] } = {};
      if (tunedLocales !== null) tuning.locales = tunedLocales.split(',');
      if (fixed === undefined) {
        const reference = headReference(lines, isKnown, tuning.locales === undefined ? locales : new Set(tuning.locales), nowRule);
        if (reference !== null) [tuning.referenceMs, tuning.referenceAssumed] = reference;
      }
      return Object.keys(tuning).length === 0 ? null : JSON.stringify(tuning);
    },
    tuned(text) {
      const t = JSON.parse(text) as SyslogTuning;
      return createSyslogDialect({
        ...options,
        ...(t.locales === undefined ? {} : { locales: t.locales }),
        ...(t.referenceMs === undefined ? {} : { referenceMs: t.referenceMs, referenceAssumed: t.referenceAssumed !== false }),
      });
    },
    // A line whose stamp would read but for its month name meaning different months in the
    // locales the file may be in: it says so (a guessed month would be a wrong time).
    explain(full, isKnown) {
      const line = traditionalPart(full);
      if (line === null || (monthIndex(line) !== 0 && line.charCodeAt(3) === SPACE)) return null;
      const span = localMonthSpan(line);
      if (span === null) return null;
      const token = line.slice(span[0], span[1]);
      const why = monthAmbiguity(token, locales);
      if (why === null) return null;
      // The rest of the line must be a record once the month is known: any month will do.
      const stamp = traditionalStamp(`Jan${line.slice(span[1])}`, yearFor, undefined);
      if (stamp === null || parseAfterStamp(`Jan${line.slice(span[1])}`, stamp, isKnown, line !== full) === null) return null;
      return `${why}, and the file's other month names do not tell which locale it is in: its time is not guessed`;
    },
  };
}

/**
 * The reference instant of a file's year-less stamps, from its head, and whether its year was
 * assumed: the first year-less record's stamp in the year a journalctl header's span puts it in
 * (known when only one year does), else in the now-rule's year. null when the head has none.
 */
function headReference(
  lines: readonly string[],
  isKnown: (name: string) => boolean,
  locales: ReadonlySet<string> | undefined,
  nowRule: (month: number, day: number) => number,
): [number, boolean] | null {
  let span: [number, number] | null = null;
  for (const full of lines) {
    span ??= journalHeaderSpan(full);
    const line = traditionalPart(full);
    if (line === null) continue;
    let mo = 0;
    let day = 0;
    let tod = 0;
    const stamp = traditionalStamp(
      line,
      (m, d, t) => {
        [mo, day, tod] = [m, d, t];
        return nowRule(m, d);
      },
      locales,
    );
    if (stamp === null || stamp.year === undefined || parseAfterStamp(line, stamp, isKnown, line !== full) === null) continue;
    const at = (y: number) => Date.UTC(y, mo - 1, day) + tod * 1000;
    if (span !== null) {
      const [begin, end] = span;
      const years: number[] = [];
      const last = Number.isFinite(end) ? new Date(end).getUTCFullYear() : new Date(begin).getUTCFullYear() + 1;
      for (let y = new Date(begin).getUTCFullYear(); y <= last; y++) if (validDay(y, mo, day) && at(y) >= begin && at(y) <= end) years.push(y);
      // Without an end, the first year from the beginning on; a span longer than a year leaves the year a guess.
      if (years.length > 0) return [at(years[0]), !Number.isFinite(end) || years.length > 1];
    }
    return [at(stamp.year), true];
  }
  return null;
}

export const syslog: TextDialect = createSyslogDialect();
