// QEMU's syslog backend as a syslog daemon writes it to disk (qemu-trace-formats.md §4.2):
//   Nov 25 19:23:05 host qemu-system-x86_64[16503]: name msg          (rsyslog traditional)
//   2025-11-25T19:23:05.253839+00:00 host qemu-system-x86_64[16503]: name msg   (RFC 3339)
// The bracketed number is the process id. A syslog file is shared with every other daemon, so
// a line is a record only when its name is a known event or its ident names QEMU (an unknown
// event from QEMU still deserves a row in unparsed; a line from sshd does not look like one).
// "message repeated N times: [ ... ]" summaries carry no record of their own: null.
//
// The traditional format has no year and no zone. Times are read as UTC (the host's zone is not
// knowable from the file) in `year`, which defaults to the current UTC year, or the previous
// one when that would put the line more than a month in the future (a log from December read
// in January).
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

const SPACE = 32;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const REPEATED = 'message repeated ';

export interface SyslogOptions {
  /** Year for traditional (year-less) timestamps; see the file comment for the default. */
  readonly year?: number;
  /** "Now" in epoch ms for the default year rule (tests). */
  readonly nowMs?: number;
}

interface Stamp {
  tsNs: bigint;
  /** Index of the first character after the timestamp and its space. */
  next: number;
}

function monthIndex(line: string): number {
  for (let m = 0; m < 12; m++) if (line.startsWith(MONTHS[m], 0)) return m + 1;
  return 0;
}

function traditionalStamp(line: string, yearFor: (month: number, day: number) => number): Stamp | null {
  const mo = monthIndex(line);
  if (mo === 0 || line.charCodeAt(3) !== SPACE) return null;
  let i = 4;
  if (line.charCodeAt(i) === SPACE) i++;
  const dEnd = skipDigits(line, i);
  if (dEnd === i || dEnd - i > 2 || line.charCodeAt(dEnd) !== SPACE) return null;
  const day = digitsValue(line, i, dEnd);
  const tod = timeOfDaySeconds(line, dEnd + 1);
  if (tod < 0 || day < 1 || day > 31 || line.charCodeAt(dEnd + 9) !== SPACE) return null;
  const year = yearFor(mo, day);
  const sec = utcSeconds(year, mo, day, 0, 0, 0) + tod;
  if (!fitsTsNs(sec, 0)) return null;
  return { tsNs: epochNs(sec, 0), next: dEnd + 10 };
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

function parseAfterStamp(line: string, stamp: Stamp, isKnown: (name: string) => boolean): TextHeader | null {
  // host, then the tag `ident[pid]:` (or `ident:`), each followed by one space.
  const hostEnd = line.indexOf(' ', stamp.next);
  if (hostEnd <= stamp.next) return null;
  const tagStart = hostEnd + 1;
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

export function createSyslogDialect(options: SyslogOptions = {}): TextDialect {
  const fixed = options.year;
  const now = options.nowMs ?? Date.now();
  const nowYear = new Date(now).getUTCFullYear();
  const monthAhead = now + 31 * 86_400_000;
  const yearFor = (month: number, day: number): number => {
    if (fixed !== undefined) return fixed;
    return Date.UTC(nowYear, month - 1, day) > monthAhead ? nowYear - 1 : nowYear;
  };
  return {
    format: 'syslog',
    clock: 'epoch',
    parse(line, isKnown) {
      const stamp = isDigit(line.charCodeAt(0)) ? rfc3339Stamp(line) : traditionalStamp(line, yearFor);
      return stamp === null ? null : parseAfterStamp(line, stamp, isKnown);
    },
  };
}

export const syslog: TextDialect = createSyslogDialect();
