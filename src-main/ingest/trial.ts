// Trial decodes of a trace's first bytes: which catalogue types it best, and what its first
// events say about the side (confirmed or corrected once the whole trace has been read).
import type { Catalogue } from '../catalogue/types.ts';
import type { DroppedRecord, EventRecord, RecordSink, UnparsedRecord } from '../formats/types.ts';
import { makeDecoder, type Plan } from './decoders.ts';

class TrialSink implements RecordSink {
  typed = 0;
  misfit = 0;
  readonly counts = new Map<string, number>();
  event(r: EventRecord): void {
    this.typed++;
    this.counts.set(r.event.name, (this.counts.get(r.event.name) ?? 0) + 1);
  }
  unparsed(r: UnparsedRecord): void {
    if (r.name !== null) this.misfit++;
  }
  dropped(_r: DroppedRecord): void {}
}

function trial(p: Plan, file: string, head: Uint8Array, cat: Catalogue): TrialSink | null {
  const sink = new TrialSink();
  try {
    makeDecoder(p, file, cat).push(head, sink);
  } catch {
    return null;
  }
  return sink;
}

/**
 * The catalogue that types the most records of the head (minus records of known names that do
 * not fit); ties keep the earlier catalogue. Also returns the head's per-event counts under it.
 */
export function chooseCatalogue(
  p: Plan,
  file: string,
  head: Uint8Array,
  catalogues: readonly Catalogue[],
): { catalogue: Catalogue; headCounts: Map<string, number> } {
  let best: { catalogue: Catalogue; headCounts: Map<string, number> } | null = null;
  let bestScore = -Infinity;
  for (const cat of catalogues) {
    const t = trial(p, file, head, cat);
    if (t === null) continue;
    const score = t.typed - t.misfit;
    if (score > bestScore) {
      best = { catalogue: cat, headCounts: t.counts };
      bestScore = score;
    }
  }
  return best ?? { catalogue: catalogues[0], headCounts: new Map() };
}
