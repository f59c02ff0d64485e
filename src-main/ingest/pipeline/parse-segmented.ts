// Decoding one log on several worker threads: the stream is cut into segments (segments.ts),
// each decoded by whichever worker is least busy, while this thread appends to DuckDB. Batches
// reach `onBatch` in the order of the whole stream: those of a segment whose turn has not come
// wait here, then are renumbered (rebaseBatch) once the segments before it are complete.
import { createHash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import type { Catalogue } from '../../catalogue/types.ts';
import { dialects } from '../../formats/dialects/index.ts';
import { normaliseLine, rewritesLines } from '../../formats/paste.ts';
import type { PrefixStyle } from '../../formats/types.ts';
import { BatchQueue, type BatchHandler } from './batch-queue.ts';
import { BufferReturn } from './buffer-pool.ts';
import { Gate } from './gate.ts';
import type { Plan } from './decoders.ts';
import { countsWire, type CountsWire, type DecodeDone, type FromWorker, type ToWorker, type WorkerInit } from './parse-protocol.ts';
import type { ParsePipeline } from './parse-pipeline.ts';
import { spawnParseWorker } from './parse-worker-spawn.ts';
import type { RecordBatch } from '../../workspace/record-batch.ts';
import { LogSegmenter, rebaseBatch, type SegmentPiece } from './segments.ts';

/** Segmented decodes run in this process so far, and their segments (for tests and diagnostics). */
export const segmentedStats = { pipelines: 0, segments: 0 };

/** Traces that can be cut into segments: logs (every prefix era; see segments.ts). */
export function segmentable(plan: Plan): boolean {
  return plan.kind === 'text' && plan.format === 'log';
}

/** Segment size: large enough that the partial batches each segment ends with stay few. */
function segmentBytes(): number {
  const v = Number(process.env.QTW_PARSE_SEGMENT_BYTES);
  return Number.isInteger(v) && v >= 1 ? v : 16 << 20;
}

/** Bytes sent to workers and not yet decoded, and segments started and not yet appended. */
const MAX_BYTES_IN_FLIGHT = 32 << 20;
const MAX_QUEUED = 256;

interface Segment {
  readonly worker: number;
  /** Batches that arrived before the segment's turn. */
  waiting: RecordBatch[];
  done: DecodeDone | null;
  /** Set when its turn comes: the records and lines of every segment before it. */
  seqBase: number;
  lineBase: number;
}

class Totals {
  events = 0;
  unparsed = 0;
  droppedRecords = 0;
  droppedEvents = 0n;
  firstTs: bigint | null = null;
  lastTs: bigint | null = null;
  lines = 0;
  bytes = 0;
  continuationLines = 0;
  /** The first segment's that has one (segments finish in any order). */
  yearAssumed: number | null = null;
  private yearSegment = Infinity;
  readonly eventCounts = new Map<string, number>();
  readonly pidCounts = new Map<number, number>();
  readonly styles = new Map<PrefixStyle, number>();
  errors: string[] = [];
  first: DecodeDone | null = null;

  /** `segment`: its id, in file order. */
  add(d: DecodeDone, segment: number): void {
    this.first ??= d;
    if (d.yearAssumed !== null && segment < this.yearSegment) [this.yearAssumed, this.yearSegment] = [d.yearAssumed, segment];
    const c = d.counts;
    this.events += c.events;
    this.unparsed += c.unparsed;
    this.droppedRecords += c.droppedRecords;
    this.droppedEvents += BigInt(c.droppedEvents);
    if (c.firstTs !== null && (this.firstTs === null || BigInt(c.firstTs) < this.firstTs)) this.firstTs = BigInt(c.firstTs);
    if (c.lastTs !== null && (this.lastTs === null || BigInt(c.lastTs) > this.lastTs)) this.lastTs = BigInt(c.lastTs);
    this.lines += d.lines;
    this.bytes += d.bytes;
    this.continuationLines += d.continuationLines;
    for (const [k, v] of d.eventCounts) this.eventCounts.set(k, (this.eventCounts.get(k) ?? 0) + v);
    for (const [k, v] of d.pidCounts) this.pidCounts.set(k, (this.pidCounts.get(k) ?? 0) + v);
    for (const [k, v] of d.prefixStyles) this.styles.set(k, (this.styles.get(k) ?? 0) + v);
    if (d.error !== null) this.errors.push(d.error);
  }

  counts(): CountsWire {
    return countsWire(this);
  }

  done(sha256: string): DecodeDone {
    const first = this.first as DecodeDone;
    let style: PrefixStyle | null = null;
    let most = -1;
    for (const [k, v] of this.styles) if (v > most) [style, most] = [k, v];
    return {
      counts: this.counts(),
      eventCounts: [...this.eventCounts],
      pidCounts: [...this.pidCounts],
      error: this.errors.length > 0 ? this.errors.join('; ') : null,
      truncatedAt: null,
      format: first.format,
      clock: first.clock,
      prefixStyle: style,
      sha256,
      bytes: this.bytes,
      lines: this.lines,
      prefixStyles: [...this.styles],
      continuationLines: this.continuationLines,
      yearAssumed: this.yearAssumed,
    };
  }
}

class SegmentedPipeline implements ParsePipeline {
  private readonly hash = createHash('sha256');
  private readonly queue: BatchQueue;
  private readonly segmenter: LogSegmenter;
  private readonly segments = new Map<number, Segment>();
  private readonly totals = new Totals();
  /** Per worker: sizes of the data messages it has not acknowledged yet, oldest first. */
  private readonly unacked: number[][];
  private inFlight = 0;
  private current: number | null = null;
  private nextId = 0;
  private turn = 0;
  private seqBase = 0;
  private lineBase = 0;
  private offset = 0;
  private readonly gate = new Gate();

  constructor(
    private readonly workers: Worker[],
    catalogue: Catalogue,
    onBatch: BatchHandler,
    plan: Plan,
  ) {
    // Buffers are the same sizes in every worker: each gets its share back in turn.
    let next = 0;
    const back = new BufferReturn((buffers) => {
      const msg: ToWorker = { type: 'recycle', buffers };
      this.workers[next++ % this.workers.length].postMessage(msg, buffers);
    });
    this.queue = new BatchQueue(back.wrap(onBatch), () => this.gate.wake());
    const isKnown = (name: string) => catalogue.get(name) !== undefined;
    // A cut is judged on the line as the workers' decoders will read it.
    const paste = plan.kind === 'text' && rewritesLines(plan.paste) ? plan.paste : null;
    this.segmenter = new LogSegmenter((raw) => {
      const line = paste === null ? raw : normaliseLine(paste, raw);
      if (line === null) return false;
      const h = dialects.log.parse(line, isKnown);
      return h !== null && h !== 'skip';
    }, segmentBytes());
    this.unacked = workers.map(() => []);
    workers.forEach((w, i) => {
      w.on('message', (m: FromWorker) => this.onMessage(i, m));
      w.on('error', (e) => this.gate.fail(e instanceof Error ? e : new Error(String(e))));
      w.on('exit', (code) => {
        if (this.turn < this.nextId || this.current !== null) this.gate.fail(new Error(`parse worker exited (code ${code})`));
      });
    });
  }

  private onMessage(w: number, m: FromWorker): void {
    switch (m.type) {
      case 'batch': {
        const seg = this.segments.get(m.segment as number);
        if (seg === undefined) break;
        if (m.segment === this.turn) this.queue.add(rebaseBatch(m.batch, seg.seqBase, seg.lineBase));
        else seg.waiting.push(m.batch);
        break;
      }
      case 'pushed':
        this.inFlight -= this.unacked[w].shift() ?? 0;
        break;
      case 'segmentDone': {
        const seg = this.segments.get(m.id);
        if (seg === undefined) break;
        seg.done = m.done;
        this.totals.add(m.done, m.id);
        this.advance();
        break;
      }
      case 'failed':
        this.gate.fail(new Error(m.message));
        break;
      default:
        break;
    }
    this.gate.wake();
  }

  /** Hands the segments whose turn has come to the queue. */
  private advance(): void {
    for (;;) {
      const seg = this.segments.get(this.turn);
      if (seg === undefined || seg.done === null) return;
      const d = seg.done;
      this.seqBase += d.counts.events + d.counts.unparsed + d.counts.droppedRecords;
      this.lineBase += d.lines;
      this.segments.delete(this.turn);
      this.turn++;
      const next = this.segments.get(this.turn);
      if (next !== undefined) this.startTurn(next);
    }
  }

  private startTurn(seg: Segment): void {
    seg.seqBase = this.seqBase;
    seg.lineBase = this.lineBase;
    for (const b of seg.waiting) this.queue.add(rebaseBatch(b, seg.seqBase, seg.lineBase));
    seg.waiting = [];
  }

  private post(w: number, m: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.workers[w].postMessage(m, transfer);
  }

  /** `readError`: for the pieces of the last segment (see Decoder.end). */
  private async send(p: SegmentPiece, readError: string | null = null): Promise<void> {
    await this.gate.until(() => this.inFlight < MAX_BYTES_IN_FLIGHT && this.queue.length < MAX_QUEUED && this.segments.size <= 2 * this.workers.length, () => this.queue.check());
    if (this.current === null) {
      const id = this.nextId++;
      segmentedStats.segments++;
      // The least busy worker takes the new segment.
      let w = 0;
      for (let i = 1; i < this.workers.length; i++) if (this.load(i) < this.load(w)) w = i;
      const seg: Segment = { worker: w, waiting: [], done: null, seqBase: 0, lineBase: 0 };
      this.segments.set(id, seg);
      if (id === this.turn) this.startTurn(seg);
      this.post(w, { type: 'segment', id, offset: this.offset });
      this.current = id;
    }
    const id = this.current;
    const w = (this.segments.get(id) as Segment).worker;
    if (p.bytes.length > 0) {
      const data = p.bytes.buffer as ArrayBuffer;
      this.unacked[w].push(p.bytes.length);
      this.inFlight += p.bytes.length;
      this.offset += p.bytes.length;
      this.post(w, { type: 'segmentData', id, data }, [data]);
    }
    if (p.last) {
      this.post(w, { type: 'segmentEnd', id, readError });
      this.current = null;
    }
  }

  private load(w: number): number {
    let n = 0;
    for (const s of this.segments.values()) if (s.worker === w && s.done === null) n++;
    return n * MAX_BYTES_IN_FLIGHT + this.unacked[w].reduce((a, b) => a + b, 0);
  }

  async push(chunk: Uint8Array): Promise<void> {
    this.hash.update(chunk);
    for (const p of this.segmenter.push(chunk)) await this.send(p);
  }

  async end(readError: string | null = null): Promise<DecodeDone> {
    // Segments are cut at line starts: only the last one can end in the middle of a line.
    for (const p of this.segmenter.end()) await this.send(p, readError);
    if (this.nextId === 0) await this.send({ bytes: new Uint8Array(0), last: true });
    await this.gate.until(() => this.turn === this.nextId, () => this.queue.check());
    await this.queue.drain();
    for (const w of this.workers) void w.terminate();
    return this.totals.done(this.hash.digest('hex'));
  }

  counts(): CountsWire {
    return this.totals.counts();
  }

  async close(): Promise<void> {
    for (const w of this.workers) void w.terminate();
    await this.queue.stop();
  }

}

/** A pipeline of `n` parse workers, or null when they cannot be started. */
export async function startSegmentedPipeline(init: WorkerInit, catalogue: Catalogue, onBatch: BatchHandler, n: number): Promise<ParsePipeline | null> {
  const workers = (await Promise.all(Array.from({ length: n }, () => spawnParseWorker(init)))).filter((w): w is Worker => w !== null);
  if (workers.length < n) {
    for (const w of workers) void w.terminate();
    return null;
  }
  segmentedStats.pipelines++;
  return new SegmentedPipeline(workers, catalogue, onBatch, init.plan);
}
