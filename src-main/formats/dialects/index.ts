// The text dialects by trace format id, for the sniffer and the text decoder.
import type { TextDialect } from '../text-types.ts';
import { babeltrace } from './babeltrace.ts';
import { ftrace, isFtraceRecordLine } from './ftrace.ts';
import { journal } from './journal.ts';
import { log } from './log.ts';
import { simpletracePy } from './simpletrace-py.ts';
import { stap } from './stap.ts';
import { syslog } from './syslog.ts';

export type TextFormat = 'log' | 'stap' | 'ftrace' | 'syslog' | 'journal' | 'babeltrace' | 'simpletrace-py';

export const dialects: Readonly<Record<TextFormat, TextDialect>> = {
  log,
  stap,
  ftrace,
  syslog,
  journal,
  babeltrace,
  'simpletrace-py': simpletracePy,
};

/**
 * Order in which the sniffer prefers dialects when they accept equally many lines. simpletrace.py
 * lines (`name DELTA pid=N …`) of known names are also `name msg` lines to the log dialect: it
 * goes first so that such a tie is its own (a plain log has few lines of its shape).
 */
export const DIALECT_ORDER: readonly TextFormat[] = ['simpletrace-py', 'log', 'stap', 'ftrace', 'syslog', 'journal', 'babeltrace'];

export { babeltrace, ftrace, journal, log, simpletracePy, stap, syslog, isFtraceRecordLine };
export { createSyslogDialect } from './syslog.ts';
export type { SyslogOptions } from './syslog.ts';
