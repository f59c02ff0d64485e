// The text dialects by trace format id, for the sniffer and the text decoder.
import type { TextDialect } from '../text-types.ts';
import type { TraceFormat } from '../types.ts';
import { babeltrace } from './babeltrace.ts';
import { ftrace, isFtraceRecordLine } from './ftrace.ts';
import { journal } from './journal.ts';
import { log } from './log.ts';
import { stap } from './stap.ts';
import { syslog } from './syslog.ts';

export type TextFormat = 'log' | 'stap' | 'ftrace' | 'syslog' | 'journal' | 'babeltrace';

export const dialects: Readonly<Record<TextFormat, TextDialect>> = {
  log,
  stap,
  ftrace,
  syslog,
  journal,
  babeltrace,
};

/** Order in which the sniffer prefers dialects when they accept equally many lines. */
export const DIALECT_ORDER: readonly TextFormat[] = ['log', 'stap', 'ftrace', 'syslog', 'journal', 'babeltrace'];

// A wall-clock stamp at the start of a line (libvirt's `2026-11-25 20:23:15.123+0000: `, a 10.1+
// error_report's `2026-11-25T20:23:15.123456Z `): the line comes from a logger of its own.
const STAMPED_RE = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d/;

/**
 * Whether a line that is not a record header may continue the previous record's message (a `\n`
 * in its format or in a `%s` value). syslog daemons, journald and babeltrace escape newlines, so
 * in their output every line stands alone; in an ftrace buffer a line with the kernel's framing
 * is another event; in a log a line stamped by another logger is foreign.
 */
export function mayContinue(format: TraceFormat, line: string): boolean {
  switch (format) {
    case 'syslog':
    case 'journal':
    case 'babeltrace':
      return false;
    case 'ftrace':
      return !isFtraceRecordLine(line);
    default:
      return !STAMPED_RE.test(line);
  }
}

export { babeltrace, ftrace, journal, log, stap, syslog, isFtraceRecordLine };
export { createSyslogDialect } from './syslog.ts';
export type { SyslogOptions } from './syslog.ts';
