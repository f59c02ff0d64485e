// Every trace format behind one decoder interface, chosen by a serializable plan so that the
// parse worker can build the same decoder as the main thread.
import { compileFormatCached } from '../../catalogue/index.ts';
import type { Catalogue } from '../../catalogue/types.ts';
import { dialects, type TextFormat } from '../../formats/dialects/index.ts';
import { decodePyArgs } from '../../formats/dialects/simpletrace-py.ts';
import { LineSplitter, type OnLine } from '../../formats/lines.ts';
import { detectPaste, normaliseHead, normaliseLine, rewritesLines, type PasteRule } from '../../formats/paste.ts';
import { SimpletraceDecoder, simpletraceHeaderProblem, sniffSimpletrace } from '../../formats/simpletrace.ts';
import { TextTraceDecoder } from '../../formats/text-decoder.ts';
import type { TextDialect, TextHeader } from '../../formats/text-types.ts';
import { sniffText } from '../../formats/text-sniff.ts';
import type { ClockKind, PrefixStyle, RecordSink, TraceFormat } from '../../formats/types.ts';

export interface DecodeEnd {
  readonly error: string | null;
  readonly truncatedAt: number | null;
}

export interface Decoder {
  push(chunk: Uint8Array, sink: RecordSink): void;
  /**
   * No more bytes. `readError`: why the input ended early (a truncated archive or stream), when it
   * did: then a final line without its newline is cut off, kept in `unparsed`, never typed.
   */
  end(sink: RecordSink, readError?: string | null): DecodeEnd;
  readonly format: TraceFormat;
  readonly clock: ClockKind;
  prefixStyle(): PrefixStyle | null;
  /** Records per prefix style (text traces). */
  prefixStyles(): [PrefixStyle, number][];
  /** Lines read so far (0 for binary traces). */
  lines(): number;
  /** Lines joined to the record before them as part of its message (text traces). */
  continuationLines(): number;
  /** The year assumed for the first record whose stamp has none (TextDialect.yearAssumed). */
  yearAssumed(): number | null;
}

/** How to decode a trace, decided from its first bytes. Plain data: it crosses to the worker. */
export type Plan =
  | { readonly kind: 'simple'; readonly headerless: boolean }
  /** `paste`: markers of a pasted trace removed from every line (see formats/paste.ts). */
  /** `tuning`: what the sniff window settled for the dialect (TextDialect.tune). */
  | { readonly kind: 'text'; readonly format: TextFormat; readonly paste?: PasteRule; readonly tuning?: string }
  /** `untypable`: the lines look like QEMU trace records, but no catalogue has their events. */
  | { readonly kind: 'none'; readonly reason: string; readonly untypable?: true };

export function planFor(head: Uint8Array, catalogues: readonly Catalogue[]): Plan {
  if (head.length === 0) return { kind: 'none', reason: 'empty file' };
  const st = sniffSimpletrace(head);
  if (st !== null) return { kind: 'simple', headerless: st.headerless };
  const badHeader = simpletraceHeaderProblem(head);
  if (badHeader !== null) return { kind: 'none', reason: badHeader };
  const isKnown = (name: string) => catalogues.some((c) => c.get(name) !== undefined);
  const paste = detectPaste(head, isKnown);
  // The dialect is the one under which some catalogue types the most lines, message and all.
  const types = (h: TextHeader) =>
    catalogues.some((c) => {
      const e = c.get(h.name);
      if (e === undefined) return false;
      // simpletrace.py prints no format: its fields are typed by the arguments' names.
      if (h.prefixStyle === 'simpletrace.py') return decodePyArgs(e, h.msg) !== null;
      return h.fields !== undefined || compileFormatCached(e).decode(h.msg) !== null;
    });
  const t = sniffText(rewritesLines(paste) ? normaliseHead(paste, head) : head, isKnown, types);
  if ('error' in t) return t.unknownEvents === undefined ? { kind: 'none', reason: t.error } : { kind: 'none', reason: unknownEventsReason(t.unknownEvents, catalogues), untypable: true };
  const format = t.dialect.format as TextFormat;
  const plan: Plan = paste === null ? { kind: 'text', format } : { kind: 'text', format, paste };
  return t.tuning === undefined ? plan : { ...plan, tuning: t.tuning };
}

/**
 * A text of `name args` lines whose names no candidate knows: what was seen and what to do, in
 * the words ingest uses when a trace types nothing.
 */
function unknownEventsReason(u: { readonly lines: number; readonly names: readonly string[] }, catalogues: readonly Catalogue[]): string {
  const shown = u.names.slice(0, 3).map((n) => `\`${n}\``).join(', ') + (u.names.length > 3 ? ', …' : '');
  const noun = u.lines === 1 ? 'line looks like a QEMU trace record' : 'lines look like QEMU trace records';
  const builtIn = catalogues.every((c) => c.source.startsWith('builtin:') || c.source.startsWith('installed:') || c.source === 'embedded');
  const none = builtIn ? 'no built-in release has these events' : 'no catalogue given has these events';
  return `${u.lines} ${noun} (${shown}) but ${none}: pass --catalogue with the trace-events-all of the QEMU build that wrote them`;
}

/** `startOffset`: where the bytes pushed begin in the input (a text segment; 0 otherwise). */
export function makeDecoder(p: Plan, file: string, catalogue: Catalogue, startOffset = 0): Decoder {
  if (p.kind === 'simple') return new SimpleDecoderAdapter(file, catalogue, p.headerless);
  if (p.kind === 'text') return new TextDecoderAdapter(p.format, catalogue, startOffset, p.paste ?? null, p.tuning);
  throw new Error(`${file}: not a trace (${p.reason})`);
}

class TextDecoderAdapter implements Decoder {
  private readonly splitter: LineSplitter;
  private readonly dec: TextTraceDecoder;
  /** Log lines are read from their bytes when they can be (see TextTraceDecoder.asciiLine). */
  private readonly bytesFirst: boolean;
  private readonly dialect: TextDialect;
  readonly format: TraceFormat;
  /** Hands a line to the decoder; with a paste rule, its markers removed first (no byte fast path then). */
  private readonly onLine: (sink: RecordSink) => OnLine;
  constructor(format: TextFormat, catalogue: Catalogue, startOffset: number, paste: PasteRule | null, tuning?: string) {
    this.splitter = new LineSplitter({ startOffset });
    const base = dialects[format];
    const shared = tuning !== undefined && base.tuned !== undefined ? base.tuned(tuning) : base;
    const dialect = shared.forTrace?.() ?? shared;
    this.dialect = dialect;
    const dec = new TextTraceDecoder(dialect, catalogue);
    this.dec = dec;
    this.format = dialect.format;
    const rule = rewritesLines(paste) ? paste : null;
    this.bytesFirst = format === 'log' && rule === null;
    this.onLine =
      rule === null
        ? (sink) => (text, lineNo, offset, _bad, longBytes, raw) => dec.line(text, lineNo, offset, sink, raw, longBytes)
        : (sink) => (text, lineNo, offset, _bad, longBytes, raw) => {
            const t = normaliseLine(rule, text);
            // A line typed at the `(qemu) ` prompt (`info migrate`) never continues a record.
            // `unparsed` keeps the file's own line, quote markers and all.
            if (t !== null) dec.line(t, lineNo, offset, sink, raw, longBytes, rule.hmp && normaliseLine({ ...rule, hmp: false }, text) !== t, text);
          };
  }
  get clock(): ClockKind {
    return this.dialect.clock;
  }
  push(chunk: Uint8Array, sink: RecordSink): void {
    const dec = this.dec;
    this.splitter.push(
      chunk,
      this.onLine(sink),
      this.bytesFirst ? (s, start, end, bytes, byteStart, lineNo, offset) => dec.asciiLine(s, start, end, bytes, byteStart, lineNo, offset, sink) : undefined,
    );
  }
  end(sink: RecordSink, readError: string | null = null) {
    const dec = this.dec;
    // A cut-off line is a prefix of a record: its last value would be typed short (`host: 0x7f`).
    // Of an over-long line only its head is kept anyway, as what it is.
    const reason = `truncated: the input ended early (${readError})`;
    const onLine = this.onLine(sink);
    this.splitter.end(
      readError === null
        ? onLine
        : (text, lineNo, offset, bad, longBytes, raw) => {
            if (longBytes > 0) onLine(text, lineNo, offset, bad, longBytes, raw);
            else dec.cutOff(text, lineNo, offset, sink, raw, reason);
          },
    );
    dec.end(sink);
    return { error: null, truncatedAt: null };
  }
  prefixStyle(): PrefixStyle | null {
    let best: PrefixStyle | null = null;
    let n = -1;
    for (const [s, c] of this.dec.stats.prefixStyles) if (c > n) [best, n] = [s, c];
    return best;
  }
  prefixStyles(): [PrefixStyle, number][] {
    return [...this.dec.stats.prefixStyles];
  }
  lines(): number {
    return this.splitter.lines;
  }
  continuationLines(): number {
    return this.dec.stats.continuations;
  }
  yearAssumed(): number | null {
    return this.dialect.yearAssumed?.() ?? null;
  }
}

class SimpleDecoderAdapter implements Decoder {
  private readonly dec: SimpletraceDecoder;
  readonly format: TraceFormat = 'simpletrace';
  readonly clock: ClockKind;
  constructor(file: string, catalogue: Catalogue, headerless: boolean) {
    this.dec = new SimpletraceDecoder({ file, catalogue });
    // SystemTap's headerless streams carry gettimeofday() ns; QEMU's files CLOCK_MONOTONIC.
    this.clock = headerless ? 'epoch' : 'monotonic';
  }
  push(chunk: Uint8Array, sink: RecordSink): void {
    this.dec.push(chunk, sink);
  }
  end(sink: RecordSink) {
    const s = this.dec.end(sink);
    if (s.truncatedAt !== null && s.error !== null) {
      // The incomplete last record is kept (its bytes) and counted, like any untypable record.
      const tail = this.dec.tailBytes();
      sink.unparsed({
        seq: s.records,
        offset: s.truncatedAt,
        line: null,
        tsNs: null,
        tid: null,
        pid: null,
        name: null,
        reason: s.error,
        raw: Buffer.from(tail.subarray(0, 1 << 16)).toString('hex'),
      });
    }
    return { error: s.error, truncatedAt: s.truncatedAt };
  }
  prefixStyle(): PrefixStyle | null {
    return 'simpletrace';
  }
  prefixStyles(): [PrefixStyle, number][] {
    return [];
  }
  lines(): number {
    return 0;
  }
  continuationLines(): number {
    return 0;
  }
  yearAssumed(): number | null {
    return null;
  }
}

