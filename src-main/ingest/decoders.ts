// Every trace format behind one decoder interface, chosen by a serializable plan so that the
// parse worker can build the same decoder as the main thread.
import type { Catalogue } from '../catalogue/types.ts';
import { dialects, type TextFormat } from '../formats/dialects/index.ts';
import { LineSplitter } from '../formats/lines.ts';
import { SimpletraceDecoder, simpletraceHeaderProblem, sniffSimpletrace } from '../formats/simpletrace.ts';
import { TextTraceDecoder } from '../formats/text-decoder.ts';
import type { TextDialect } from '../formats/text-types.ts';
import { sniffText } from '../formats/text-sniff.ts';
import type { ClockKind, PrefixStyle, RecordSink, TraceFormat } from '../formats/types.ts';

export interface DecodeEnd {
  readonly error: string | null;
  readonly truncatedAt: number | null;
}

export interface Decoder {
  push(chunk: Uint8Array, sink: RecordSink): void;
  end(sink: RecordSink): DecodeEnd;
  readonly format: TraceFormat;
  readonly clock: ClockKind;
  prefixStyle(): PrefixStyle | null;
  /** Records per prefix style (text traces). */
  prefixStyles(): [PrefixStyle, number][];
  /** Lines read so far (0 for binary traces). */
  lines(): number;
}

/** How to decode a trace, decided from its first bytes. Plain data: it crosses to the worker. */
export type Plan =
  | { readonly kind: 'simple'; readonly headerless: boolean }
  | { readonly kind: 'text'; readonly format: TextFormat }
  | { readonly kind: 'none'; readonly reason: string };

export function planFor(head: Uint8Array, catalogues: readonly Catalogue[]): Plan {
  if (head.length === 0) return { kind: 'none', reason: 'empty file' };
  const st = sniffSimpletrace(head);
  if (st !== null) return { kind: 'simple', headerless: st.headerless };
  const badHeader = simpletraceHeaderProblem(head);
  if (badHeader !== null) return { kind: 'none', reason: badHeader };
  const isKnown = (name: string) => catalogues.some((c) => c.get(name) !== undefined);
  const t = sniffText(head, isKnown);
  if ('error' in t) return { kind: 'none', reason: t.error };
  return { kind: 'text', format: t.dialect.format as TextFormat };
}

/** `startOffset`: where the bytes pushed begin in the input (a text segment; 0 otherwise). */
export function makeDecoder(p: Plan, file: string, catalogue: Catalogue, startOffset = 0): Decoder {
  if (p.kind === 'simple') return new SimpleDecoderAdapter(file, catalogue, p.headerless);
  if (p.kind === 'text') return new TextDecoderAdapter(p.format, catalogue, startOffset);
  throw new Error(`${file}: not a trace (${p.reason})`);
}

class TextDecoderAdapter implements Decoder {
  private readonly splitter: LineSplitter;
  private readonly dec: TextTraceDecoder;
  /** Log lines are read from their bytes when they can be (see TextTraceDecoder.asciiLine). */
  private readonly bytesFirst: boolean;
  private readonly dialect: TextDialect;
  readonly format: TraceFormat;
  constructor(format: TextFormat, catalogue: Catalogue, startOffset: number) {
    this.splitter = new LineSplitter({ startOffset });
    const shared = dialects[format];
    const dialect = shared.forTrace?.() ?? shared;
    this.dialect = dialect;
    this.dec = new TextTraceDecoder(dialect, catalogue);
    this.format = dialect.format;
    this.bytesFirst = format === 'log';
  }
  get clock(): ClockKind {
    return this.dialect.clock;
  }
  push(chunk: Uint8Array, sink: RecordSink): void {
    const dec = this.dec;
    this.splitter.push(
      chunk,
      (text, lineNo, offset, _bad, longBytes, raw) => dec.line(text, lineNo, offset, sink, raw, longBytes),
      this.bytesFirst ? (s, start, end, bytes, byteStart, lineNo, offset) => dec.asciiLine(s, start, end, bytes, byteStart, lineNo, offset, sink) : undefined,
    );
  }
  end(sink: RecordSink) {
    this.splitter.end((text, lineNo, offset, _bad, longBytes, raw) => this.dec.line(text, lineNo, offset, sink, raw, longBytes));
    this.dec.end(sink);
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
}

