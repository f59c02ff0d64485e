// The kernel's `trace` file (or trace_pipe) text with QEMU's ftrace backend writing to
// trace_marker (docs/qemu-trace-formats.md §4.1):
//       qemu-system-x86-16503   [002] .....  5412.123456: tracing_mark_write: name msg
// The column layout varies by kernel: the flags column has 4 or 5 characters or is absent, a
// `(TGID)` column appears with the record-tgid option, and the timestamp has 6 or 9 decimals
// (or none, for counter-style clocks, whose raw value is passed through as is). The left part
// is therefore read from its right end, where the layout is stable, and the TID is the digits
// after the last '-' of the task column because comms may contain dashes and spaces.
// `trace-cmd report` style (`... 5412.123456: print:   tracing_mark_write: ...`) is accepted too.
// `#` lines are the file's header ('skip'); other kernel events are foreign (null).
import type { TextDialect, TextHeader } from '../text-types.ts';
import { digitsValue, epochNs, fitsTsNs, fractionNs, isDigit, messageAfter, nameEnd } from './scan.ts';

const MARK = 'tracing_mark_write: ';
const SPACE = 32;
const COLON = 58;
const DOT = 46;
const DASH = 45;

function skipSpacesBack(s: string, i: number): number {
  while (i >= 0 && s.charCodeAt(i) === SPACE) i--;
  return i;
}

function digitsBack(s: string, i: number): number {
  while (i >= 0 && isDigit(s.charCodeAt(i))) i--;
  return i;
}

export function parseFtraceLine(line: string): TextHeader | null | 'skip' {
  if (line.charCodeAt(0) === 35 /* # */) return 'skip';
  const mark = line.indexOf(MARK);
  if (mark < 0) return null;

  // The colon that ends the timestamp, stepping over trace-cmd's `print:` event column.
  let k = skipSpacesBack(line, mark - 1);
  if (k < 0 || line.charCodeAt(k) !== COLON) return null;
  if (k >= 5 && line.startsWith('print', k - 5)) {
    k = skipSpacesBack(line, k - 6);
    if (k < 0 || line.charCodeAt(k) !== COLON) return null;
  }
  const tsEnd = k;
  let i = digitsBack(line, tsEnd - 1);
  let secEnd = tsEnd;
  let fracStart = -1;
  if (i >= 0 && i < tsEnd - 1 && line.charCodeAt(i) === DOT) {
    fracStart = i + 1;
    secEnd = i;
    i = digitsBack(line, i - 1);
  }
  const secStart = i + 1;
  if (secEnd === secStart || secEnd - secStart > 15) return null;
  if (i < 0 || line.charCodeAt(i) !== SPACE) return null;
  const sec = digitsValue(line, secStart, secEnd);
  let tsNs: bigint;
  if (fracStart < 0) {
    tsNs = BigInt(sec);
  } else {
    const ns = fractionNs(line, fracStart, tsEnd);
    if (ns < 0 || !fitsTsNs(sec, ns)) return null;
    tsNs = epochNs(sec, ns);
  }

  // Optional flags column, then `[CPU]`.
  k = skipSpacesBack(line, i);
  if (k >= 0 && line.charCodeAt(k) !== 93 /* ] */) {
    while (k >= 0 && line.charCodeAt(k) !== SPACE) k--;
    k = skipSpacesBack(line, k);
  }
  if (k < 0 || line.charCodeAt(k) !== 93) return null;
  const cpuStart = digitsBack(line, k - 1) + 1;
  if (cpuStart === k || cpuStart < 1 || line.charCodeAt(cpuStart - 1) !== 91 /* [ */) return null;
  const cpu = digitsValue(line, cpuStart, k);
  k = skipSpacesBack(line, cpuStart - 2);

  // Optional `(TGID)` column; `(-----)` when the kernel did not record it.
  let pid: number | null = null;
  if (k >= 0 && line.charCodeAt(k) === 41 /* ) */) {
    const open = line.lastIndexOf('(', k);
    if (open < 0) return null;
    let a = open + 1;
    while (a < k && line.charCodeAt(a) === SPACE) a++;
    if (k > a && k - a <= 15 && digitsBack(line, k - 1) + 1 === a) pid = digitsValue(line, a, k);
    k = skipSpacesBack(line, open - 1);
  }

  // `comm-TID`, right-aligned in its column.
  const tidStart = digitsBack(line, k) + 1;
  if (tidStart > k || k - tidStart >= 15 || tidStart < 1 || line.charCodeAt(tidStart - 1) !== DASH) return null;
  const tid = digitsValue(line, tidStart, k + 1);
  let commStart = 0;
  while (commStart < tidStart - 1 && line.charCodeAt(commStart) === SPACE) commStart++;
  const comm = line.slice(commStart, tidStart - 1);

  const nameStart = mark + MARK.length;
  const end = nameEnd(line, nameStart);
  if (end < 0) return null;
  return {
    tsNs,
    tid,
    pid,
    name: line.slice(nameStart, end),
    msg: messageAfter(line, end),
    prefixStyle: 'ftrace',
    comm,
    cpu,
  };
}

// Any event line of the trace file: `task-TID [CPU] flags TIMESTAMP: event:` (bounded so that a
// huge foreign line cannot make it backtrack for long). Only asked about lines parse rejected.
const KERNEL_RECORD_RE = /^ *.{1,16}?-\d{1,10} +(?:\( *(?:\d{1,10}|-{1,10})\) +)?\[\d{1,4}\] +(?:\S{1,8} +)?\d{1,15}(?:\.\d{1,9})?: +[\w:]{1,64}:/;

/**
 * True for a line with the kernel's record framing (another kernel event such as `kvm_exit`, or a
 * marker that is not QEMU's): a record of its own, never the continuation of a QEMU message.
 */
export function isFtraceRecordLine(line: string): boolean {
  return KERNEL_RECORD_RE.test(line);
}

export const ftrace: TextDialect = {
  format: 'ftrace',
  clock: 'kernel',
  parse: (line) => parseFtraceLine(line),
};
