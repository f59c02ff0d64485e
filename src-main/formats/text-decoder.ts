// Turns the lines of a text trace into typed records: the dialect splits off the prefix, the
// catalogue's compiled format inverts printf. A line that is not a record header either
// continues the previous event (a `\n` in its format or in a `%s` value) or is foreign; either
// way nothing is dropped: what cannot be typed goes to `unparsed` with the reason. A line joins
// only when it cannot be anything else (see dialects/continuation.ts): a blank line or an
// error_report glued onto a `%s` would be wrong data that looks right.
import type { ArgSpec, ArgValue, Catalogue, CompiledFormat, EventSpec } from '../catalogue/types.ts';
import { compileFormatCached } from '../catalogue/index.ts';
import { formatSpansLines, isHexRow, notAContinuation, oneWordValue } from './dialects/continuation.ts';
import type { TextDialect, TextHeader } from './text-types.ts';
import { isColumnarSink, type EventRows, type PrefixStyle, type RecordSink } from './types.ts';
import { LogBytesParser } from './dialects/log-bytes.ts';
import { MAX_LINE_BYTES } from './lines.ts';
import { decodePyArgs, type PyLossyArg } from './dialects/simpletrace-py.ts';

/** Continuation lines kept for one event before the rest are treated as foreign. */
const MAX_CONTINUATION_LINES = 4096;
const MAX_CONTINUATION_CHARS = 1 << 20;

/**
 * How far a record can reach past its header line: a line that many lines after it, or that
 * many bytes after its start (a character takes at most 4 bytes), is never its continuation.
 * What makes it safe to decode a log in segments cut where no record can span the cut.
 */
export const CONTINUATION_REACH = { lines: MAX_CONTINUATION_LINES + 1, bytes: 4 * MAX_CONTINUATION_CHARS + 4 } as const;
/**
 * Shorter runs of continuation lines tried when the whole run does not fit the format, and the
 * size up to which they are tried (each try is a regex match over the joined text).
 */
const MAX_SHORTER_TRIES = 64;
const MAX_SHORTER_CHARS = 64 * 1024;

interface Known {
  readonly event: EventSpec;
  readonly compiled: CompiledFormat;
  readonly canSpan: boolean;
  /** Continuation lines the record may have: its format's `\n`s, or any number with a `%s`. */
  readonly maxMore: number;
  /** The `\n`s of its format: lines QEMU prints whatever the values (maybe blank, for an empty `%s`). */
  readonly formatLines: number;
  /** Its format ends in its last argument's `%s`: a newline in that value makes the lines after it. */
  readonly endsInString: boolean;
  /** Direct rows into `rowsSink` (null: that sink takes records only). */
  rows: EventRows | null;
  rowsSink: RecordSink | null;
}

interface Pending {
  header: TextHeader;
  known: Known | undefined;
  /** The header line, then continuation lines (most events have none: kept allocation-free). */
  lines: string[];
  /** The same lines as they were in the file, when a paste rule rewrote them (null: `lines`). */
  orig: string[] | null;
  chars: number;
  lineNo: number;
  offset: number;
  /** Line numbers/offsets of continuation lines, to report them if they turn out to be foreign. */
  more: { lineNo: number; offset: number }[];
  /** Lines (by index in `lines`) that were not valid UTF-8, with their exact bytes. */
  lossy: LossyLine[] | null;
}

interface LossyLine {
  readonly index: number;
  readonly lineNo: number;
  readonly raw: Uint8Array;
}

const NO_MORE: { lineNo: number; offset: number }[] = [];

export interface TextDecodeStats {
  records: number;
  /** Lines joined to the record before them (a `\n` in a format or a `%s` value), in typed records. */
  continuations: number;
  prefixStyles: Map<PrefixStyle, number>;
}

export class TextTraceDecoder {
  private pending: Pending | null = null;
  private seq = 0;
  private readonly isKnown: (name: string) => boolean;
  readonly stats: TextDecodeStats = { records: 0, continuations: 0, prefixStyles: new Map() };
  private readonly spans: boolean;

  /** Per event name: its spec and compiled format (one map lookup per line). */
  private readonly known = new Map<string, Known | null>();
  /** The log dialect's byte-level prefix reader, and `known` by its name ids (null: unknown). */
  private readonly logBytes: LogBytesParser | null;
  private readonly knownById: (Known | null)[] = [];
  /** simpletrace.py text: arguments printed by name, typed like the binary they came from. */
  private readonly byName: boolean;
  /** String arguments of the last successful by-name decode that were not UTF-8. */
  private readonly argLossy: PyLossyArg[] = [];

  constructor(
    private readonly dialect: TextDialect,
    private readonly catalogue: Catalogue,
  ) {
    this.isKnown = (name) => this.lookup(name) !== undefined;
    this.logBytes = dialect.format === 'log' ? new LogBytesParser() : null;
    this.byName = dialect.format === 'simpletrace-py';
    this.spans = formatSpansLines(dialect.format);
  }

  private lookup(name: string): Known | undefined {
    let k = this.known.get(name);
    if (k === undefined) {
      const event = this.catalogue.get(name);
      k = event === undefined ? null : known(event);
      this.known.set(name, k);
    }
    return k ?? undefined;
  }

  /**
   * A line that is s[start, end) and the ASCII bytes[byteStart, …) (see OnAsciiLine). The log
   * dialect's usual prefix is read from the bytes; every other line takes the string way.
   */
  asciiLine(s: string, start: number, end: number, bytes: Buffer, byteStart: number, lineNo: number, offset: number, sink: RecordSink): void {
    const fast = this.logBytes;
    if (fast !== null && fast.parse(bytes, byteStart, byteStart + (end - start))) {
      const id = fast.nameId;
      let known = this.knownById[id];
      if (known === undefined) {
        known = this.lookup(fast.name(id)) ?? null;
        this.knownById[id] = known;
      }
      const msgStart = start + (fast.msgStart - byteStart);
      const rows = known === null ? null : this.rowsOf(known, sink);
      if (known !== null && rows !== null) {
        this.flush(sink);
        const f = this.fastLine;
        // Typed now, from the bytes (which the caller may reuse), committed when complete.
        f.matched = known.compiled.matchBytes(bytes, fast.msgStart, byteStart + (end - start), s, msgStart, rows);
        f.known = known;
        f.s = s;
        f.start = start;
        f.end = end;
        f.msgStart = msgStart;
        f.tsLo = fast.tsLo;
        f.tsHi = fast.tsHi;
        f.tid = fast.tid;
        f.style = fast.style;
        f.lineNo = lineNo;
        f.offset = offset;
        // Only an event that can span lines needs to see the next line first.
        if (!known.canSpan) this.flush(sink);
        return;
      }
      const h: TextHeader = { tsNs: fast.tsNs, tid: fast.tid, pid: null, name: fast.name(id), msg: s.slice(msgStart, end), prefixStyle: fast.style };
      this.begin(h, known ?? undefined, s.slice(start, end), lineNo, offset, sink);
      return;
    }
    this.line(s.slice(start, end), lineNo, offset, sink);
  }

  /** Direct rows of `known` into `sink`, or null when the sink takes records only. */
  private rowsOf(known: Known, sink: RecordSink): EventRows | null {
    if (known.rowsSink !== sink) {
      known.rowsSink = sink;
      known.rows = isColumnarSink(sink) ? sink.eventRows(known.event, true) : null;
    }
    return known.rows;
  }

  /**
   * The usual log line while it waits for its record to be complete: scalars in one reused
   * object instead of a header, a Pending and its line array per line.
   */
  private readonly fastLine = {
    known: null as Known | null,
    matched: false,
    s: '',
    start: 0,
    end: 0,
    msgStart: 0,
    tsLo: 0,
    tsHi: 0,
    tid: null as number | null,
    style: 'tid@sec.usec' as PrefixStyle,
    lineNo: 0,
    offset: 0,
  };

  /** The waiting fast line as a general Pending (a continuation line came, or it did not decode). */
  private pendingOfFastLine(): Pending {
    const f = this.fastLine;
    const known = f.known as Known;
    f.known = null;
    (known.rows as EventRows).discard();
    const text = f.s.slice(f.start, f.end);
    const h: TextHeader = {
      tsNs: BigInt.asIntN(64, (BigInt(f.tsHi) << 32n) | BigInt(f.tsLo)),
      tid: f.tid,
      pid: null,
      name: known.event.name,
      msg: f.s.slice(f.msgStart, f.end),
      prefixStyle: f.style,
    };
    f.s = '';
    return { header: h, known, lines: [text], orig: null, chars: text.length, lineNo: f.lineNo, offset: f.offset, more: NO_MORE, lossy: null };
  }

  /** Completes the waiting fast line: one row, straight into its columns. */
  private flushFastLine(sink: RecordSink): void {
    const f = this.fastLine;
    const known = f.known as Known;
    const rows = known.rows as EventRows;
    if (!f.matched) rows.discard();
    if (f.matched || known.compiled.decodeInto(f.s.slice(f.msgStart, f.end), rows)) {
      f.known = null;
      f.s = '';
      this.countOne(f.style);
      this.stats.records++;
      rows.commit(this.seq++, f.tsLo, f.tsHi, f.tid, null);
      return;
    }
    rows.discard();
    // The record way says why, and keeps the line.
    this.pending = this.pendingOfFastLine();
    this.flush(sink);
  }

  /**
   * `raw`: the line's exact bytes, given when they were not valid UTF-8. `longBytes` > 0: the line
   * was over the cap and `text` is its head (see LineSplitter); it is kept in `unparsed`.
   * `prompted`: an HMP `(qemu) ` prompt was removed from the line (a pasted session, see
   * formats/paste.ts): unless it is a record, it is a command typed there, never a continuation.
   * `original`: the line as it was in the file when a paste rule rewrote it into `text`; what is
   * kept in `unparsed` is the file's own line (it is the record of what was not typed).
   */
  line(text: string, lineNo: number, offset: number, sink: RecordSink, raw?: Uint8Array, longBytes = 0, prompted = false, original?: string): void {
    if (original !== undefined && original !== text) {
      this.original = original;
      try {
        this.line(text, lineNo, offset, sink, raw, longBytes, prompted);
      } finally {
        this.original = undefined;
      }
      return;
    }
    if (longBytes > 0) {
      // Never a continuation: a message that long is beyond what a record may hold.
      this.flush(sink);
      this.foreign(text, lineNo, offset, null, sink, raw, overLong(longBytes, text));
      return;
    }
    // QEMU never prints a NUL byte (printf stops at one): a run of them is what a host crash
    // leaves (blocks allocated, never written), after the record it cut off and glued to the first
    // record written after the restart. Everything up to the last NUL is one row, and what follows
    // it is read as a line (as LineSplitter does past the line cap): never one record of both.
    // indexOf first: several times faster than lastIndexOf over a line without one.
    const last = raw === undefined && text.indexOf('\0') >= 0 ? text.lastIndexOf('\0') : -1;
    if (last >= 0) {
      // The pieces of a split line are not the file's line: they are kept as read.
      this.original = undefined;
      const run = text.slice(0, last + 1);
      let first = last;
      while (first > 0 && text.charCodeAt(first - 1) === 0) first--;
      const rest = last < text.length - 1 ? ' (the rest of the line is read on its own)' : '';
      this.flush(sink);
      this.foreign(
        run,
        lineNo,
        offset,
        null,
        sink,
        undefined,
        first === 0 ? `${run.length} bytes of NUL padding, up to its last NUL byte${rest}` : `cut off by a run of ${last - first + 1} NUL bytes (host crash?)${rest}`,
      );
      if (rest !== '') this.line(text.slice(last + 1), lineNo, offset + Buffer.byteLength(run), sink);
      return;
    }
    if (this.fastLine.known !== null) this.pending = this.pendingOfFastLine();
    const h = this.dialect.parse(text, this.isKnown);
    if (h === 'skip') return;
    if (h !== null) {
      this.begin(h, this.lookup(h.name), text, lineNo, offset, sink);
      const bytes = raw ?? h.raw;
      if (bytes !== undefined) (this.pending as Pending).lossy = [{ index: 0, lineNo, raw: bytes }];
      return;
    }
    // A record indented on its own (one line of a paste shifted by a tab or a few spaces, beyond
    // what paste.ts removes from every line) is that record: QEMU starts every record at column
    // 0, so it is never a line of the value before it. The file's own line is what `unparsed` keeps.
    const c0 = text.charCodeAt(0);
    if (c0 === 32 || c0 === 9) {
      const bare = text.replace(/^[ \t]+/, '');
      const hb = this.dialect.parse(bare, this.isKnown);
      if (hb !== null && hb !== 'skip') {
        const keep = this.original;
        this.original ??= text;
        try {
          this.begin(hb, this.lookup(hb.name), bare, lineNo, offset, sink);
        } finally {
          this.original = keep;
        }
        const bytes = raw ?? hb.raw;
        if (bytes !== undefined) (this.pending as Pending).lossy = [{ index: 0, lineNo, raw: bytes }];
        return;
      }
    }
    const why = this.dialect.explain?.(text, this.isKnown) ?? null;
    if (why !== null) {
      this.flush(sink);
      this.foreign(text, lineNo, offset, null, sink, raw, why);
      return;
    }
    const p = this.pending;
    if (p !== null && p.known !== undefined && this.spans && p.more.length < p.known.maxMore && p.chars < MAX_CONTINUATION_CHARS) {
      const kind = prompted ? 'HMP prompt' : notAContinuation(text, this.isKnown);
      // A blank line is QEMU's own where its format breaks the line before an empty `%s`.
      const ownBlank = kind === 'blank line' && p.more.length < p.known.formatLines;
      // A record of the file's own format that is not QEMU's (a kernel event in an ftrace
      // buffer) is a foreign record of the file like any other, not a line glued onto this one.
      const why =
        kind !== null && !ownBlank ? (kind === `${this.dialect.format} record` ? undefined : `${kind} (not part of the previous record)`) : kind === null ? this.notInValue(p, text, lineNo) : null;
      if (why !== null) {
        this.flush(sink);
        this.foreign(text, lineNo, offset, null, sink, raw, why);
        return;
      }
      p.lines.push(text);
      if (this.original !== undefined || p.orig !== null) (p.orig ??= p.lines.slice(0, -1)).push(this.original ?? text);
      p.chars += text.length + 1;
      if (p.more === NO_MORE) p.more = [];
      p.more.push({ lineNo, offset });
      if (raw !== undefined) (p.lossy ??= []).push({ index: p.lines.length - 1, lineNo, raw });
      return;
    }
    this.flush(sink);
    this.foreign(text, lineNo, offset, null, sink, raw);
  }

  /**
   * Why `line`, which may continue a QEMU message as far as its own shape goes, cannot continue
   * this record's (null when it may). Lines the format's own `\n`s make always may. Past them a
   * line only extends a `%s` value, and QEMU breaks one only in two ways:
   * - a `%s` inside the format (not at its end) holds a newline only when the message is not
   *   complete without the next lines; once it matches, nothing more joins (else the fields after
   *   that `%s` are re-read from whatever line ends like the format);
   * - the `%s` at the end of the format holds rows of hex bytes (7.2's tpm_util_show_buffer
   *   prints `%.2X ` with a newline every 16 bytes): a row of hex bytes continues a value whose
   *   last line is one. Nothing else QEMU traces prints newlines in a value (QMP JSON is printed
   *   compact, error messages on one line); a line after any other value is someone else's
   *   (a prompt, a reply, a wrapped mail line), whatever it looks like.
   */
  private notInValue(p: Pending, line: string, lineNo: number): string | null {
    const known = p.known as Known;
    if (p.more.length < known.formatLines) return null;
    const ev = known.event;
    // Where the record is, relative to the line: a segment decoded on its own numbers its lines
    // from its start (rebased in the columns afterwards, never in a reason's text).
    const up = lineNo - p.lineNo;
    const record = `record ${up} line${up === 1 ? '' : 's'} above`;
    const args = this.decode(known.compiled, p.header, joinedMessage(p, p.lines.length));
    // Not complete yet: a `%s` inside the format may hold the newline (the record's lines are
    // typed only if some run of them matches; see flush).
    if (args === null) return null;
    if (!known.endsInString) return `line after the complete message of ${ev.name} (${record})`;
    const last = args[args.length - 1];
    const ref = `${ev.name}.${ev.args[args.length - 1].name}`;
    if (typeof last !== 'string') return `line after the value of ${ref} (${record}); QEMU does not print newlines in it`;
    const tail = last.slice(last.lastIndexOf('\n') + 1);
    if (isHexRow(tail)) return isHexRow(line) ? null : `line after the hex bytes of ${ref} (${record}) that is no row of hex bytes`;
    if (oneWordValue(last)) return `line after the one-word value '${last}' of ${ref} (${record})`;
    return `line after the value of ${ref} (${record}); QEMU does not print newlines in it`;
  }

  /** A record header line: the previous record is complete, this one may continue. */
  private begin(h: TextHeader, known: Known | undefined, text: string, lineNo: number, offset: number, sink: RecordSink): void {
    this.flush(sink);
    const orig = this.original === undefined ? null : [this.original];
    this.pending = { header: h, known, lines: [text], orig, chars: text.length, lineNo, offset, more: NO_MORE, lossy: null };
  }

  /** The file's own text of the line being read, when a paste rule rewrote it (see `line`). */
  private original: string | undefined = undefined;

  end(sink: RecordSink): void {
    this.flush(sink);
    this.countStyle();
  }

  /** A line known to be incomplete (the input ended early within it): kept, never typed or joined. */
  cutOff(text: string, lineNo: number, offset: number, sink: RecordSink, raw: Uint8Array | undefined, reason: string): void {
    this.flush(sink);
    this.foreign(text, lineNo, offset, null, sink, raw, reason);
  }

  /** Prefix styles are counted in runs (they rarely change within a file). */
  private lastStyle: PrefixStyle | null = null;
  private styleRun = 0;
  private countOne(style: PrefixStyle): void {
    if (style !== this.lastStyle) {
      this.countStyle();
      this.lastStyle = style;
    }
    this.styleRun++;
  }
  private countStyle(): void {
    const styles = this.stats.prefixStyles;
    if (this.lastStyle !== null && this.styleRun > 0) styles.set(this.lastStyle, (styles.get(this.lastStyle) ?? 0) + this.styleRun);
    this.styleRun = 0;
  }

  private foreign(text: string, lineNo: number, offset: number, near: TextHeader | null, sink: RecordSink, raw?: Uint8Array, reason?: string): void {
    this.stats.records++;
    if (raw !== undefined) sink.lossy?.({ seq: this.seq, line: lineNo, name: null, arg: null, raw });
    sink.unparsed({
      seq: this.seq++,
      offset,
      line: lineNo,
      tsNs: near?.tsNs ?? null,
      tid: near?.tid ?? null,
      pid: near?.pid ?? null,
      name: null,
      reason: reason ?? (text.length === 0 ? 'empty line' : 'not a trace record (foreign line)'),
      raw: this.original ?? text,
    });
  }

  private flush(sink: RecordSink): void {
    if (this.fastLine.known !== null) {
      this.flushFastLine(sink);
      return;
    }
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    const h = p.header;
    this.countOne(h.prefixStyle);
    if (h.dropped !== undefined) {
      this.stats.records++;
      sink.dropped({ seq: this.seq++, offset: p.offset, tsNs: h.tsNs ?? 0n, pid: h.pid, count: h.dropped });
      this.orphans(p, 1, sink);
      return;
    }
    if (p.known === undefined) {
      this.emitUnparsed(p, sink, `unknown event '${h.name}' (not in catalogue ${this.catalogue.name})`, 1);
      this.orphans(p, 1, sink);
      return;
    }
    const compiled = p.known.compiled;
    // The longest run of continuation lines that completes the message wins; lines after it
    // (output that merely followed a multi-line event) are foreign.
    const n = p.lines.length;
    const shortest = p.chars <= MAX_SHORTER_CHARS ? Math.max(2, n - MAX_SHORTER_TRIES) : n;
    for (let k = n; k >= shortest && k > 1; k--) {
      const args = this.decode(compiled, h, joinedMessage(p, k));
      if (args !== null) {
        this.emitEvent(p, args, k, sink);
        this.orphans(p, k, sink);
        return;
      }
    }
    const args = this.decode(compiled, h, h.msg);
    if (args !== null) this.emitEvent(p, args, 1, sink);
    else if (this.byName) this.emitUnparsed(p, sink, `fields are not the arguments of '${h.name}' in catalogue ${this.catalogue.name} (names in order, values fitting their types)`, 1);
    else this.emitUnparsed(p, sink, `message does not match the format of '${h.name}' in catalogue ${this.catalogue.name}`, 1);
    this.orphans(p, 1, sink);
  }

  private decode(compiled: CompiledFormat, h: TextHeader, msg: string): ArgValue[] | null {
    if (h.fields !== undefined) return decodeFields(compiled.event, h.fields);
    if (this.byName) {
      this.argLossy.length = 0;
      return decodePyArgs(compiled.event, msg, this.argLossy);
    }
    return compiled.decode(msg);
  }

  private orphans(p: Pending, from: number, sink: RecordSink): void {
    const original = this.original;
    try {
      for (let i = from; i < p.lines.length; i++) {
        const m = p.more[i - 1];
        this.original = p.orig?.[i];
        this.foreign(p.lines[i], m.lineNo, m.offset, p.header, sink, p.lossy?.find((l) => l.index === i)?.raw);
      }
    } finally {
      this.original = original;
    }
  }

  /** The raw bytes of the record's lossily decoded lines among its first `lines`. */
  private keepLossy(p: Pending, lines: number, sink: RecordSink): void {
    if (p.lossy === null || sink.lossy === undefined) return;
    for (const l of p.lossy) if (l.index < lines) sink.lossy({ seq: this.seq, line: l.lineNo, name: p.header.name, arg: null, raw: l.raw });
  }

  private emitEvent(p: Pending, args: ArgValue[], lines: number, sink: RecordSink): void {
    const h = p.header;
    this.stats.records++;
    this.stats.continuations += lines - 1;
    this.keepLossy(p, lines, sink);
    if (this.argLossy.length > 0) {
      const ev = (p.known as Known).event;
      for (const l of this.argLossy) sink.lossy?.({ seq: this.seq, line: p.lineNo, name: h.name, arg: ev.args[l.arg].name, raw: l.raw });
      this.argLossy.length = 0;
    }
    sink.event({ seq: this.seq++, offset: p.offset, line: p.lineNo, tsNs: h.tsNs, tid: h.tid, pid: h.pid, event: (p.known as Known).event, args });
  }

  private emitUnparsed(p: Pending, sink: RecordSink, reason: string, lines: number): void {
    const h = p.header;
    this.stats.records++;
    this.keepLossy(p, lines, sink);
    sink.unparsed({
      seq: this.seq++,
      offset: p.offset,
      line: p.lineNo,
      tsNs: h.tsNs,
      tid: h.tid,
      pid: h.pid,
      name: h.name,
      reason,
      raw: (p.orig ?? p.lines).slice(0, lines).join('\n'),
    });
  }
}

/**
 * The reason of an over-long line's row. Its line number is in `line_no` only: a segment decoded
 * on its own (parse-segmented.ts) knows its own numbering, which is rebased in the columns.
 */
function overLong(bytes: number, head: string): string {
  return `line of ${bytes} bytes, over the ${MAX_LINE_BYTES}-byte line limit (raw keeps its first ${Buffer.byteLength(head)} bytes)`;
}

function known(event: EventSpec): Known {
  const formatLines = event.format.split('\n').length - 1;
  const strings = event.args.some((a) => a.kind === 'string');
  return {
    event,
    compiled: compileFormatCached(event),
    canSpan: formatLines > 0 || strings,
    maxMore: strings ? MAX_CONTINUATION_LINES : formatLines,
    formatLines,
    endsInString: event.format.endsWith('%s') && event.args.length > 0 && event.args[event.args.length - 1].kind === 'string',
    rows: null,
    rowsSink: null,
  };
}

/** The message of a multi-line event: first line's message plus `lines - 1` continuation lines. */
function joinedMessage(p: Pending, lines: number): string {
  let s = p.header.msg;
  for (let i = 1; i < lines; i++) s += '\n' + p.lines[i];
  return s;
}

/** babeltrace payloads carry named fields: no printf inversion, only typing. */
function decodeFields(ev: EventSpec, fields: ReadonlyArray<readonly [string, string]>): ArgValue[] | null {
  const byName = new Map(fields);
  const out: ArgValue[] = new Array(ev.args.length);
  for (let i = 0; i < ev.args.length; i++) {
    const a = ev.args[i];
    const text = byName.get(a.name);
    if (text === undefined) return null;
    const v = valueFromText(a, text);
    if (v === undefined) return null;
    out[i] = v;
  }
  return out;
}

/** Type a decimal or 0x-hex field value as the declared C type; undefined when it cannot be. */
export function valueFromText(a: ArgSpec, text: string): ArgValue | undefined {
  // LTTng-UST records a NULL `char *` as the text "(null)", just as glibc's printf prints it in a
  // log; map it to NULL like the printf inverter does, so every format gives the same tables.
  if (a.kind === 'string') return text === '(null)' ? null : text;
  const t = text.trim();
  if (a.kind === 'bool') {
    if (t === '0' || t === 'false') return false;
    if (t === '1' || t === 'true') return true;
    return undefined;
  }
  if (t === '(nil)') return a.bits === 64 ? 0n : 0;
  const m = /^(-?)(0[xX][0-9a-fA-F]+|\d+)$/.exec(t);
  if (m === null) return undefined;
  const mag = BigInt(m[2]);
  const v = m[1] === '-' ? -mag : mag;
  const bits = a.kind === 'pointer' ? 64 : a.bits;
  const span = 1n << BigInt(bits);
  // Accept the value as printed signed or unsigned, as long as it fits the declared width.
  if (v < -(span >> 1n) || v >= span) return undefined;
  const r = a.signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
  return bits === 64 ? r : Number(r);
}
