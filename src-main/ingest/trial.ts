// Trial decodes of a trace's first bytes: which catalogue types it best, and what its first
// events say about the side (confirmed or corrected once the whole trace has been read).
import type { Catalogue, EventSpec } from '../catalogue/types.ts';
import { sniffSimpletrace } from '../formats/simpletrace.ts';
import type { DroppedRecord, EventRecord, RecordSink, UnparsedRecord } from '../formats/types.ts';
import { makeDecoder, type Plan } from './pipeline/decoders.ts';

/**
 * Text traces are scored on their first bytes only (a few thousand records decide as well as
 * millions, and a dozen candidates are tried); simpletrace on more, as its mapping records
 * alone can be ~200 KB.
 */
const TEXT_TRIAL_BYTES = 256 << 10;
const SIMPLE_TRIAL_BYTES = 512 << 10;

class TrialSink implements RecordSink {
  typed = 0;
  misfit = 0;
  /** Every record not typed, named or not (in a positional stream, an id past the catalogue's end). */
  untyped = 0;
  readonly counts = new Map<string, number>();
  /** Names of the records that were not typed (unknown, or not fitting their format). */
  readonly misfits = new Map<string, number>();
  event(r: EventRecord): void {
    this.typed++;
    this.counts.set(r.event.name, (this.counts.get(r.event.name) ?? 0) + 1);
  }
  unparsed(r: UnparsedRecord): void {
    this.untyped++;
    if (r.name === null) return;
    this.misfit++;
    this.misfits.set(r.name, (this.misfits.get(r.name) ?? 0) + 1);
  }
  dropped(_r: DroppedRecord): void {}
}

function trial(p: Plan, file: string, head: Uint8Array, cat: Catalogue, whole: boolean): TrialSink | null {
  const sink = new TrialSink();
  try {
    const dec = makeDecoder(p, file, cat);
    dec.push(head, sink);
    // Only at the input's end: a record cut by the window's edge is left out under every catalogue alike.
    if (whole) dec.end(sink);
  } catch {
    return null;
  }
  return sink;
}

/** How well one catalogue types the head: records typed, of the records (lines naming an event) seen. */
export interface CatalogueFit {
  readonly catalogue: Catalogue;
  readonly typed: number;
  readonly records: number;
}

export interface CatalogueChoice {
  readonly catalogue: Catalogue;
  /** The head's per-event counts under the chosen catalogue. */
  readonly headCounts: Map<string, number>;
  /** Every candidate that could be tried, best first (ties in the order given). */
  readonly ranking: readonly CatalogueFit[];
  /** The chosen one's fit. */
  readonly fit: CatalogueFit;
  /** Other candidates that fit exactly as well as the chosen one. */
  readonly ties: readonly Catalogue[];
  /** Event names of the head's records that the chosen catalogue did not type, with counts. */
  readonly untypedNames: Map<string, number>;
  /** Headerless, v2 or v3 simpletrace (event ids are positions in the catalogue), or null. */
  readonly positional: 'headerless' | 'v2' | 'v3' | null;
}

/** What decides how a record types: its line's properties, argument types and format. */
function shapeOf(e: EventSpec | undefined): string {
  return e === undefined ? '-' : `${e.properties.join(' ')}|${e.args.map((a) => a.ctype).join(',')}|${e.format}`;
}

/**
 * The catalogue that types the most records of the head (minus records of known names that do
 * not fit); ties keep the earlier catalogue, so callers list candidates by preference. Where
 * events are found by name (text, simpletrace v4), catalogues that declare the head's events
 * identically type it identically, so only one of each such group is decoded. `complete`: the
 * head is the whole input (its last record is then scored too).
 */
export function chooseCatalogue(p: Plan, file: string, head: Uint8Array, catalogues: readonly Catalogue[], complete = false): CatalogueChoice {
  const st = p.kind === 'simple' ? sniffSimpletrace(head) : null;
  const positional = st === null ? null : st.headerless ? 'headerless' : st.version === 2 ? 'v2' : st.version === 3 ? 'v3' : null;
  const window = head.subarray(0, p.kind === 'text' ? TEXT_TRIAL_BYTES : SIMPLE_TRIAL_BYTES);
  const whole = complete && window.length === head.length;
  const scored: { fit: CatalogueFit; score: number; sink: TrialSink; order: number }[] = [];
  let names: string[] | null = null;
  const byShape = new Map<string, TrialSink | null>();
  catalogues.forEach((cat, order) => {
    let sink: TrialSink | null;
    if (positional !== null) sink = trial(p, file, window, cat, whole);
    else {
      if (names === null) {
        const t = trial(p, file, window, cat, whole);
        names = t === null ? [] : [...new Set([...t.counts.keys(), ...t.misfits.keys()])];
        byShape.set(names.map((n) => shapeOf(cat.get(n))).join('\n'), t);
      }
      const key = names.map((n) => shapeOf(cat.get(n))).join('\n');
      sink = byShape.get(key) ?? null;
      if (!byShape.has(key)) {
        sink = trial(p, file, window, cat, whole);
        byShape.set(key, sink);
      }
    }
    if (sink === null) return;
    // Every record of a positional stream is the catalogue's to type (no foreign lines there).
    const missed = positional !== null ? sink.untyped : sink.misfit;
    scored.push({ fit: { catalogue: cat, typed: sink.typed, records: sink.typed + missed }, score: sink.typed - missed, sink, order });
  });
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  if (scored.length === 0) {
    const fit = { catalogue: catalogues[0], typed: 0, records: 0 };
    return { catalogue: catalogues[0], headCounts: new Map(), ranking: [], fit, ties: [], untypedNames: new Map(), positional };
  }
  const best = scored[0];
  const ties = scored.slice(1).filter((s) => s.score === best.score && s.fit.typed === best.fit.typed).map((s) => s.fit.catalogue);
  return {
    catalogue: best.fit.catalogue,
    headCounts: best.sink.counts,
    ranking: scored.map((s) => s.fit),
    fit: best.fit,
    ties,
    untypedNames: best.sink.misfits,
    positional,
  };
}
