// The line-level contract of every text trace dialect. A dialect only splits a line into its
// prefix (time, thread, process) and the QEMU event name + message; turning the message into
// typed arguments is the catalogue's compiled format's job (or, for babeltrace, named fields).
import type { ClockKind, PrefixStyle, TraceFormat } from './types.ts';

export interface TextHeader {
  readonly tsNs: bigint | null;
  readonly tid: number | null;
  readonly pid: number | null;
  /** QEMU event name (the C identifier), e.g. `migrate_set_state`. */
  readonly name: string;
  /** The message exactly as printed after the single space that follows the name. Never trimmed. */
  readonly msg: string;
  /** babeltrace only: payload fields in order, values unquoted/unescaped as text. */
  readonly fields?: ReadonlyArray<readonly [string, string]>;
  readonly prefixStyle: PrefixStyle;
  /** ftrace: thread comm (≤ 15 chars). */
  readonly comm?: string;
  /** ftrace/babeltrace: CPU number. */
  readonly cpu?: number;
  /** journal: the message's exact bytes, when they were a byte array that is not UTF-8. */
  readonly raw?: Uint8Array;
  /** simpletrace.py: a `Dropped_Event` line's count of lost events (the line is no event). */
  readonly dropped?: bigint;
}

export interface TextDialect {
  readonly format: TraceFormat;
  readonly clock: ClockKind;
  /**
   * Parse one physical line (without its `\n`; a trailing `\r` is kept only if it was there).
   * Returns the header of a record, `'skip'` for framing lines that are not records (ftrace's
   * `#` header), or null for anything else (a continuation of a multi-line message or a foreign
   * line — the caller decides which).
   * `isKnown(name)` tells whether a name is a catalogue event; dialects with no prefix (plain
   * `name msg` logs) must accept a line only when its name is known.
   */
  parse(line: string, isKnown: (name: string) => boolean): TextHeader | null | 'skip';
  /**
   * A dialect of the same format for decoding one whole trace, when parsing needs state that
   * spans lines (babeltrace: days passing in time-of-day stamps). Its `clock` holds once the
   * trace has been read.
   */
  readonly forTrace?: () => TextDialect;
  /**
   * A setting read from a trace's sniff window that its lines need but no single line shows
   * (syslog: the locales its month names are in, when one of them is ambiguous), as plain text
   * for the decode plan; null when there is none.
   */
  readonly tune?: (lines: readonly string[], isKnown: (name: string) => boolean) => string | null;
  /** This dialect with a setting `tune` gave. */
  readonly tuned?: (tuning: string) => TextDialect;
  /**
   * Why a line `parse` refused is no record although it has a record's shape (a month name that
   * means different months in the file's possible locales; an event name alone in a log whose
   * records carry a prefix), as a reason for `unparsed`; null when there is nothing to say.
   */
  readonly explain?: (line: string, isKnown: (name: string) => boolean) => string | null;
  /**
   * The year given to the first record whose stamp carries none (syslog's `Nov 25 19:23:05`),
   * when it was a guess (no header told it); null otherwise. Read once the trace has been read.
   */
  readonly yearAssumed?: () => number | null;
}
