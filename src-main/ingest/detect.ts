// `qtw catalogue --detect`: which catalogue each trace would be typed with, and how well every
// candidate fits its head, without ingesting anything.
import type { Catalogue } from '../catalogue/types.ts';
import { catalogueVersion } from '../catalogue/index.ts';
import { planFor } from './pipeline/decoders.ts';
import { HEAD_BYTES } from './ingest.ts';
import { openInputs, type InputMember } from './sources/inputs.ts';
import { chooseCatalogue } from './trial.ts';

export interface DetectedFit {
  /** As the user would name it: `qemu-8.2.0`, or the file it was given as. */
  readonly catalogue: string;
  readonly catalogueId: string;
  readonly version: string | null;
  readonly typed: number;
  readonly records: number;
}

export interface Detection {
  readonly path: string;
  readonly member: string | null;
  /** Best first; the first is the one ingest would use. Empty with `error`. */
  readonly ranking: DetectedFit[];
  /** Candidates that fit exactly as well as the first. */
  readonly ties: string[];
  readonly error: string | null;
}

function shortName(c: Catalogue): string {
  return c.name.replace(/\/trace-events-all$/, '');
}

/** The head, and whether it is the whole input. */
async function head(member: InputMember): Promise<{ bytes: Buffer; complete: boolean }> {
  const parts: Uint8Array[] = [];
  let n = 0;
  let complete = false;
  const it = member.chunks[Symbol.asyncIterator]();
  try {
    while (n < HEAD_BYTES) {
      const r = await it.next();
      if (r.done) {
        complete = true;
        break;
      }
      parts.push(r.value);
      n += r.value.length;
    }
  } finally {
    await it.return?.();
  }
  return { bytes: Buffer.concat(parts), complete };
}

/** The ranking of `catalogues` (in order of preference) for every trace in `inputs`. */
export async function detectCatalogues(inputs: readonly string[], catalogues: readonly Catalogue[]): Promise<Detection[]> {
  const out: Detection[] = [];
  for await (const member of openInputs(inputs)) {
    const name = member.member === null ? member.path : `${member.path}:${member.member}`;
    const base = { path: member.path, member: member.member };
    let bytes: Buffer;
    let complete: boolean;
    try {
      ({ bytes, complete } = await head(member));
    } catch (e) {
      out.push({ ...base, ranking: [], ties: [], error: (e as Error).message });
      continue;
    }
    const p = planFor(bytes, catalogues);
    if (p.kind === 'none') {
      out.push({ ...base, ranking: [], ties: [], error: `${name}: offset 0: ${p.reason}` });
      continue;
    }
    const c = chooseCatalogue(p, name, bytes, catalogues, complete);
    out.push({
      ...base,
      ranking: c.ranking.map((f) => ({
        catalogue: shortName(f.catalogue),
        catalogueId: f.catalogue.id,
        version: catalogueVersion(f.catalogue),
        typed: f.typed,
        records: f.records,
      })),
      ties: c.ties.map(shortName),
      error: null,
    });
  }
  return out;
}
