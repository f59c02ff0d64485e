// Decoding one trace into record batches: the part of ingest that can run on another thread.
// The same class serves the worker and the in-thread fallback.
import { createHash, type Hash } from 'node:crypto';
import type { Catalogue } from '../../catalogue/types.ts';
import { loadCatalogueBySource } from '../../catalogue/index.ts';
import { makeDecoder, type Decoder, type Plan } from './decoders.ts';
import { countsWire, type CountsWire, type DecodeDone } from './parse-protocol.ts';
import { RecordBatcher } from './record-batcher.ts';
import type { RecordBatch } from '../../workspace/record-batch.ts';
import type { BufferPool } from './buffer-pool.ts';

export class ParseCore {
  private readonly decoder: Decoder;
  private readonly batcher: RecordBatcher;
  /** The trace's sha256, when this core computes it (a parse worker may leave it to its driver, see workerIsLighter). */
  private readonly hash: Hash | null;
  private bytes = 0;

  /** `hash`: compute the sha256 here; `packStrings`, `pool`: see RecordBatcher; `startOffset`: see makeDecoder. */
  constructor(
    plan: Plan,
    file: string,
    catalogue: Catalogue,
    emit: (b: RecordBatch, transfer: ArrayBuffer[]) => void,
    opts: { hash: boolean; packStrings: boolean; startOffset?: number; pool?: BufferPool } = { hash: true, packStrings: false },
  ) {
    this.decoder = makeDecoder(plan, file, catalogue, opts.startOffset ?? 0);
    this.batcher = new RecordBatcher(emit, opts.packStrings, opts.pool ?? null);
    this.hash = opts.hash ? createHash('sha256') : null;
  }

  push(chunk: Uint8Array): CountsWire {
    this.hash?.update(chunk);
    this.bytes += chunk.length;
    this.decoder.push(chunk, this.batcher);
    return this.counts();
  }

  /** `readError`: see Decoder.end. */
  end(readError: string | null = null): DecodeDone {
    const e = this.decoder.end(this.batcher, readError);
    this.batcher.flushAll();
    return {
      counts: this.counts(),
      eventCounts: [...this.batcher.counts.eventCounts],
      pidCounts: this.batcher.pidCounts(),
      error: e.error,
      truncatedAt: e.truncatedAt,
      format: this.decoder.format,
      clock: this.decoder.clock,
      prefixStyle: this.decoder.prefixStyle(),
      sha256: this.hash === null ? '' : this.hash.digest('hex'),
      bytes: this.bytes,
      lines: this.decoder.lines(),
      prefixStyles: this.decoder.prefixStyles(),
      continuationLines: this.decoder.continuationLines(),
      yearAssumed: this.decoder.yearAssumed(),
    };
  }

  counts(): CountsWire {
    return countsWire(this.batcher.counts);
  }
}

/** Rebuild a catalogue from where it was loaded (in the worker); null if it is not the same one. */
export function reloadCatalogue(source: string, name: string, id: string): Catalogue | null {
  try {
    const cat = loadCatalogueBySource(source, name);
    return cat.id === id ? cat : null;
  } catch {
    return null;
  }
}
