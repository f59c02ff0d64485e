// QEMU's `log` backend (docs/qemu-trace-formats.md §3.2): every prefix era, detected per line because
// the style can change inside one file (HMP `-msg`, several processes on one stderr).
//   TID@SEC.USEC:name msg            2.3–10.0 (the id is the PID up to 3.1, a TID from 4.0; the
//                                    line cannot tell which, so it is always reported as tid)
//   YYYY-MM-DDTHH:MM:SS[.ffffff]Z name msg   10.1+, UTC; the fraction is absent when µs == 0
//   name msg                         no prefix; accepted only when the name is a known event
// In a log whose records carry a prefix (the sniff window says so: the dialect is tuned
// `prefixed`), a known name alone on a line without one is no record: it is what a pasted
// `-trace events=` list looks like, and typing it would make an event with no time. A no-prefix
// line with a message still is one (§3.2: processes with and without `-msg timestamp=on` can
// share one stderr, and qemu-img/qemu-nbd never prefix).
// Prefixed lines are accepted whatever the name (the caller files unknown names as unparsed),
// except that the 10.1+ prefix also precedes error_report output (`...Z qemu-system-x86_64: x`),
// whose second token is not followed by a space and so is not a record.
import type { TextDialect, TextHeader } from '../text-types.ts';
import {
  dateTimeSeconds,
  epochNs,
  fitsTsNs,
  fractionNs,
  isDigit,
  messageAfter,
  nameEnd,
  skipDigits,
} from './scan.ts';

const AT = 64;
const DOT = 46;
const COLON = 58;
const SPACE = 32;
const Z = 90;

/** `TID@SEC.USEC:name msg`; null when the line does not have exactly that shape. */
function parseTidPrefix(line: string): TextHeader | null {
  // One fused pass per field: this is the hottest function of text ingest.
  const len = line.length;
  let i = 0;
  let c = 0;
  let tid = 0;
  for (; i < len; i++) {
    c = line.charCodeAt(i);
    if (c < 48 || c > 57) break;
    tid = tid * 10 + (c - 48);
  }
  if (i === 0 || i > 15 || c !== AT) return null;
  const secStart = ++i;
  let sec = 0;
  for (; i < len; i++) {
    c = line.charCodeAt(i);
    if (c < 48 || c > 57) break;
    sec = sec * 10 + (c - 48);
  }
  if (i === secStart || i - secStart > 15 || c !== DOT) return null;
  const usecStart = ++i;
  let usec = 0;
  for (; i < len; i++) {
    c = line.charCodeAt(i);
    if (c < 48 || c > 57) break;
    usec = usec * 10 + (c - 48);
  }
  if (i - usecStart !== 6 || c !== COLON || !fitsTsNs(sec, usec * 1000)) return null;
  const nameStart = i + 1;
  const end = nameEnd(line, nameStart);
  if (end < 0) return null;
  return {
    tsNs: epochNs(sec, usec * 1000),
    tid,
    pid: null,
    name: line.slice(nameStart, end),
    msg: messageAfter(line, end),
    prefixStyle: 'tid@sec.usec',
  };
}

/** `YYYY-MM-DDTHH:MM:SS[.f]Z name msg`; null otherwise (including error_report lines). */
function parseIsoPrefix(line: string): TextHeader | null {
  if (line.charCodeAt(10) !== 84 /* T */) return null;
  const sec = dateTimeSeconds(line, 0);
  if (sec < 0) return null;
  let i = 19;
  let ns = 0;
  if (line.charCodeAt(i) === DOT) {
    const fEnd = skipDigits(line, i + 1);
    if (fEnd === i + 1) return null;
    ns = fractionNs(line, i + 1, fEnd);
    if (ns < 0) return null;
    i = fEnd;
  }
  if (line.charCodeAt(i) !== Z || line.charCodeAt(i + 1) !== SPACE || !fitsTsNs(sec, ns)) return null;
  const nameStart = i + 2;
  const end = nameEnd(line, nameStart);
  if (end < 0) return null;
  return {
    tsNs: epochNs(sec, ns),
    tid: null,
    pid: null,
    name: line.slice(nameStart, end),
    msg: messageAfter(line, end),
    prefixStyle: 'iso8601',
  };
}

function parseBare(line: string, isKnown: (name: string) => boolean): TextHeader | null {
  const end = nameEnd(line, 0);
  if (end < 0) return null;
  const name = line.slice(0, end);
  if (!isKnown(name)) return null;
  return { tsNs: null, tid: null, pid: null, name, msg: messageAfter(line, end), prefixStyle: 'none' };
}

export function parseLogLine(line: string, isKnown: (name: string) => boolean): TextHeader | null {
  if (line.length === 0) return null;
  if (isDigit(line.charCodeAt(0))) {
    const h = parseTidPrefix(line) ?? parseIsoPrefix(line);
    if (h !== null) return h;
  }
  return parseBare(line, isKnown);
}

/** A line with no prefix that is a known event's name alone (its message empty). */
function bareNameAlone(line: string, isKnown: (name: string) => boolean): string | null {
  if (line.length === 0 || (isDigit(line.charCodeAt(0)) && (parseTidPrefix(line) ?? parseIsoPrefix(line)) !== null)) return null;
  const h = parseBare(line, isKnown);
  return h !== null && h.msg === '' ? h.name : null;
}

/** The tuning of a log whose records carry a prefix. */
export const PREFIXED = 'prefixed';

const prefixedLog: TextDialect = {
  format: 'log',
  clock: 'epoch',
  parse(line, isKnown) {
    const h = parseLogLine(line, isKnown);
    return h !== null && h.prefixStyle === 'none' && h.msg === '' ? null : h;
  },
  explain(line, isKnown) {
    const name = bareNameAlone(line, isKnown);
    return name === null ? null : `event name \`${name}\` alone on a line, without the timestamp prefix of this log's records (a line of a -trace events= list?)`;
  },
};

export const log: TextDialect = {
  format: 'log',
  clock: 'epoch',
  parse: parseLogLine,
  // Prefixed records outnumber no-prefix records with a message: the file is a prefixed log.
  tune(lines, isKnown) {
    let prefixed = 0;
    let bare = 0;
    for (const line of lines) {
      const h = parseLogLine(line, isKnown);
      if (h === null) continue;
      if (h.prefixStyle !== 'none') prefixed++;
      else if (h.msg !== '') bare++;
    }
    return prefixed > bare ? PREFIXED : null;
  },
  tuned: (tuning) => (tuning === PREFIXED ? prefixedLog : log),
};
