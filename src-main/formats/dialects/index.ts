// The text dialects by trace format id, for the sniffer and the text decoder.
import type { TextDialect } from '../text-types.ts';
import { babeltrace } from './babeltrace.ts';
import { ftrace } from './ftrace.ts';
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

export { babeltrace, ftrace, journal, log, stap, syslog };
export { createSyslogDialect } from './syslog.ts';
export type { SyslogOptions } from './syslog.ts';
