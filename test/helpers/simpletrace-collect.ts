// Test helper: runs the simpletrace decoder over bytes split into chunks and collects the records.
import { SimpletraceDecoder } from '../../src-main/formats/simpletrace.ts';
import type { SimpletraceSummary } from '../../src-main/formats/simpletrace.ts';
import type { Catalogue } from '../../src-main/catalogue/types.ts';
import type { DroppedRecord, EventRecord, RecordSink, UnparsedRecord } from '../../src-main/formats/types.ts';
import { prng } from './prng.ts';

export type AnyRecord =
  | { readonly kind: 'event'; readonly r: EventRecord }
  | { readonly kind: 'unparsed'; readonly r: UnparsedRecord }
  | { readonly kind: 'dropped'; readonly r: DroppedRecord };

export interface Decoded {
  readonly records: AnyRecord[];
  readonly events: EventRecord[];
  readonly unparsed: UnparsedRecord[];
  readonly dropped: DroppedRecord[];
  readonly summary: SimpletraceSummary;
}

/** Chunk sizes: one size for all, or a generator called before each chunk. */
export type Chunking = number | (() => number);

export function decode(bytes: Uint8Array, catalogue: Catalogue, chunking: Chunking = Number.MAX_SAFE_INTEGER, file = 'test.bin'): Decoded {
  const records: AnyRecord[] = [];
  const events: EventRecord[] = [];
  const unparsed: UnparsedRecord[] = [];
  const dropped: DroppedRecord[] = [];
  const sink: RecordSink = {
    event(r) {
      events.push(r);
      records.push({ kind: 'event', r });
    },
    unparsed(r) {
      unparsed.push(r);
      records.push({ kind: 'unparsed', r });
    },
    dropped(r) {
      dropped.push(r);
      records.push({ kind: 'dropped', r });
    },
  };
  const dec = new SimpletraceDecoder({ file, catalogue });
  let p = 0;
  while (p < bytes.length) {
    const n = Math.max(1, typeof chunking === 'number' ? chunking : chunking());
    // Copies, so that a decoder keeping a reference to a pushed chunk would be caught.
    dec.push(bytes.slice(p, Math.min(bytes.length, p + n)), sink);
    p += n;
  }
  const summary = dec.end(sink);
  return { records, events, unparsed, dropped, summary };
}

/** A deterministic PRNG (mulberry32) so failures can be replayed. */
export const rng = prng;
