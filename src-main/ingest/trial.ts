// Trial decodes of a trace's first bytes: which catalogue types it best, and what its first
// events say about the side (confirmed or corrected once the whole trace has been read).
import type { Catalogue, EventSpec } from '../catalogue/types.ts';
import { catalogueVersion } from '../catalogue/index.ts';
import { sniffSimpletrace } from '../formats/simpletrace.ts';
import type { DroppedRecord, EventRecord, PrefixStyle, RecordSink, UnparsedRecord } from '../formats/types.ts';
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
  /** The head's prefix style (docs/qemu-trace-formats.md §3.2: it tells the QEMU era). */
  prefixStyle: PrefixStyle | null = null;
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
    sink.prefixStyle = dec.prefixStyle();
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
  /** When the log prefix's era decided between tied releases: that era ('before 10.1', '10.1 or later'). */
  readonly eraDecided?: string;
}

/** Records of the head naming an event `cat` does not have (a catalogue that knows the name ranks above). */
function unknownNames(sink: TrialSink, cat: Catalogue): number {
  let n = 0;
  for (const [name, count] of sink.misfits) if (cat.get(name) === undefined) n += count;
  return n;
}

/**
 * Whether `cat`'s release is of the era the head's prefix says (docs/qemu-trace-formats.md §3.2):
 * `TID@SEC.USEC:` / `PID@SEC.USEC:` only before 10.1, the ISO-8601 stamp from 10.1 on. 1 when
 * consistent, 0 when unknown (no version, or a prefix no era owns), -1 when not.
 */
function eraFit(style: PrefixStyle | null, cat: Catalogue): number {
  if (style !== 'tid@sec.usec' && style !== 'iso8601') return 0;
  const v = catalogueVersion(cat);
  const m = v === null ? null : /^(\d+)\.(\d+)/.exec(v);
  if (m === null) return 0;
  const modern = Number(m[1]) > 10 || (Number(m[1]) === 10 && Number(m[2]) >= 1);
  return modern === (style === 'iso8601') ? 1 : -1;
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
  const scored: { fit: CatalogueFit; score: number; sink: TrialSink; order: number; unknown: number; era: number }[] = [];
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
    scored.push({
      fit: { catalogue: cat, typed: sink.typed, records: sink.typed + missed },
      score: sink.typed - missed,
      sink,
      order,
      unknown: positional !== null ? 0 : unknownNames(sink, cat),
      era: eraFit(sink.prefixStyle, cat),
    });
  });
  // A catalogue that knows every event name of the head (even one whose format does not fit a
  // wrapped line) before one that lacks some: the build that wrote the trace knows them all.
  // Then the score; at an equal score the release of the prefix's era, then the order given
  // (given > installed > newest).
  scored.sort((a, b) => a.unknown - b.unknown || b.score - a.score || b.era - a.era || a.order - b.order);
  if (scored.length === 0) {
    const fit = { catalogue: catalogues[0], typed: 0, records: 0 };
    return { catalogue: catalogues[0], headCounts: new Map(), ranking: [], fit, ties: [], untypedNames: new Map(), positional };
  }
  const best = scored[0];
  const ties = scored
    .slice(1)
    .filter((s) => s.score === best.score && s.fit.typed === best.fit.typed && s.unknown === best.unknown)
    .map((s) => s.fit.catalogue);
  const eraDecided =
    best.era === 1 && scored.slice(1).some((s) => s.score === best.score && s.fit.typed === best.fit.typed && s.unknown === best.unknown && s.era < 1)
      ? best.sink.prefixStyle === 'iso8601'
        ? '10.1 or later'
        : 'before 10.1'
      : undefined;
  return {
    ...(eraDecided === undefined ? {} : { eraDecided }),
    catalogue: best.fit.catalogue,
    headCounts: best.sink.counts,
    ranking: scored.map((s) => s.fit),
    fit: best.fit,
    ties,
    untypedNames: best.sink.misfits,
    positional,
  };
}
