// Re-typing: an existing trace read again from the file it was ingested from, with a catalogue
// the user names (the one chosen at ingest was the wrong release, or a build's own
// trace-events-all turned up later). The trace keeps its id; its rows are replaced in one
// transaction, so readers see the old rows until the new ones are committed and a failure or a
// cancel leaves everything as it was. Only the very bytes that were ingested may be re-read:
// anything else would put another file's records under this trace's id.
import path from 'node:path';
import type { Catalogue } from '../catalogue/types.ts';
import type { FailureCode } from '../contract.ts';
import { planFor } from './pipeline/decoders.ts';
import {
  catalogueLabel,
  catalogueLabelOf,
  IngestCancelled,
  label,
  readHead,
  withIngestMemory,
  writeTrace,
  type IngestedTrace,
  type IngestProgress,
} from './ingest.ts';
import { InputError, openInputs, type InputMember } from './sources/inputs.ts';
import { chooseCatalogue } from './trial.ts';
import type { Side } from './side.ts';
import type { Workspace } from '../workspace/workspace.ts';

export interface RetypeOptions {
  readonly traceId: number;
  /** The catalogue to type the trace with, exactly (not a candidate among others). */
  readonly catalogue: Catalogue;
  /**
   * Catalogues that decide the trace's format as at ingest (which text dialect, pasted or not):
   * the named one first, then the built-in ones.
   */
  readonly candidates: readonly Catalogue[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: IngestProgress) => void;
  /** Diagnostics and the outcome, one line each. */
  readonly onMessage?: (line: string) => void;
}

/**
 * Why a trace was not re-typed (one line); nothing in the workspace was changed. `code`: the
 * failure's kind on the wire (contract FailureCode): no such trace is `not-found`, the rest is
 * the request or its inputs (`invalid-input`).
 */
export class RetypeRefused extends Error {
  constructor(
    message: string,
    readonly code: Extract<FailureCode, 'not-found' | 'invalid-input'> = 'invalid-input',
  ) {
    super(message);
  }
}

/** The traces row as it is before re-typing: where to read, what to expect, what to compare with. */
interface Stored {
  readonly path: string;
  readonly member: string | null;
  readonly sha256: string;
  readonly bytes: number;
  readonly side: Side | null;
  readonly sideSource: string | null;
  readonly catalogue: string;
  readonly fit: number | null;
  readonly records: number;
  readonly unparsed: number;
}

const NOTHING_CHANGED = 'nothing was changed';

/**
 * Re-type trace `traceId` with `catalogue`. Resolves to the trace as committed; throws
 * RetypeRefused (the trace is unknown, its file is gone or changed, the catalogue types nothing of
 * it) or IngestCancelled, with the workspace as it was.
 */
export async function retypeTrace(ws: Workspace, opts: RetypeOptions): Promise<IngestedTrace> {
  const say = opts.onMessage ?? (() => {});
  const id = opts.traceId;
  const stored = await storedTrace(ws, id);
  // Its rows could not be told from rows a hand edit left behind: the same refusal as ingest's.
  const broken = await ws.inconsistency();
  if (broken !== null) throw new RetypeRefused(`${ws.path}: the workspace is inconsistent (${broken}); ${NOTHING_CHANGED}: remove those traces or start a new workspace`);
  const where = stored.member === null ? stored.path : `${stored.path}:${stored.member}`;
  const refuse = (why: string): never => {
    throw new RetypeRefused(`trace ${id}: ${why}: re-typing needs the file it was read from; ${NOTHING_CHANGED}`);
  };
  const changed = (what: string): never => refuse(`${where} changed since it was ingested (${what})`);
  const started = performance.now();
  const result = await withIngestMemory(ws, async () => {
    const want = path.resolve(stored.path);
    let sameName = 0;
    try {
      for await (const member of openInputs([stored.path], { signal: opts.signal })) {
        if (opts.signal?.aborted) throw new IngestCancelled();
        if (path.resolve(member.path) !== want || member.member !== stored.member) continue;
        sameName++;
        // The size is known up front for files and archive members: a changed one is refused
        // before it is parsed, and a tar's later member of the same name is the one that fits.
        if (member.size !== null && member.size !== stored.bytes) {
          if (stored.member === null) changed(`${member.size} bytes, ${stored.bytes} when ingested`);
          continue;
        }
        return await retypeMember(ws, member, stored, opts, started);
      }
    } catch (e) {
      if (e instanceof InputError) {
        if (e.kind === 'aborted') throw new IngestCancelled();
        // A path stored as the user gave it is read from the current folder: say which.
        const from = path.isAbsolute(stored.path) ? '' : ` (in ${process.cwd()})`;
        if (e.kind === 'missing' && e.member === null) refuse(`${stored.path}${from}: no such file any more`);
        refuse(e.message);
      }
      throw e;
    }
    if (stored.member === null) return refuse(`${stored.path} is not a file any more`);
    return sameName > 0
      ? changed(`its member ${stored.member} is no longer ${stored.bytes} bytes`)
      : refuse(`${stored.path} has no member ${stored.member} any more`);
  });
  if (result === 'differs') return changed('sha256 differs');
  const fit = (f: number | null) => (f === null ? 'no record naming an event in the head' : `fit ${percent(f)} of the head`);
  const after = await ws.conn.runAndReadAll(`SELECT catalogue_fit FROM traces WHERE trace_id = ${id}`);
  const newFit = after.getRowsJS()[0][0] as number | null;
  say(
    `trace ${id}: re-typed with catalogue ${catalogueLabel(opts.catalogue)} (was ${stored.catalogue}), ${fit(newFit)} (was ${stored.fit === null ? 'none' : percent(stored.fit)}), ` +
      `${result.records} records${result.records !== stored.records ? ` (was ${stored.records})` : ''}, unparsed ${stored.unparsed} → ${result.unparsed}`,
  );
  return result;
}

async function retypeMember(
  ws: Workspace,
  member: InputMember,
  stored: Stored,
  opts: RetypeOptions,
  started: number,
): Promise<IngestedTrace | 'differs'> {
  const id = opts.traceId;
  const name = label(member);
  const head = await readHead(member, name, opts.signal);
  if (head.readError !== null && head.bytes.length === 0) throw new RetypeRefused(`trace ${id}: ${head.readError}; ${NOTHING_CHANGED}`);
  const p = planFor(head.bytes, opts.candidates);
  if (p.kind === 'none') throw new RetypeRefused(`trace ${id}: ${name}: offset 0: ${p.reason}; ${NOTHING_CHANGED}`);
  // The named catalogue only: the user decided, so a positional stream it decodes imperfectly
  // is typed with it too (as at ingest with --catalogue); one that types nothing is refused.
  const choice = chooseCatalogue(p, name, head.bytes, [opts.catalogue], head.srcDone && head.readError === null);
  if (choice.fit.records > 0 && choice.fit.typed === 0) {
    const names = [...choice.untypedNames.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => `\`${n}\``);
    const shown = names.length === 0 ? '' : ` (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`;
    const n = choice.fit.records;
    throw new RetypeRefused(
      `trace ${id}: catalogue ${catalogueLabel(opts.catalogue)} types none of the ${n} record${n === 1 ? '' : 's'} in its head${shown}; the trace stays typed with ${stored.catalogue}`,
    );
  }
  // The side the user set stays; one found from the content is found again.
  const forcedSide = stored.sideSource === 'option' ? stored.side : null;
  const r = await writeTrace(
    ws,
    member,
    head,
    p,
    choice,
    { kind: 'replace', traceId: id, sha256: stored.sha256, forcedSide },
    { signal: opts.signal, onProgress: opts.onProgress },
    opts.onMessage ?? (() => {}),
    started,
  );
  if ('differs' in r) return 'differs';
  if ('skipped' in r) throw new Error(`trace ${id}: internal error: ${r.skipped}`);
  return r;
}

async function storedTrace(ws: Workspace, id: number): Promise<Stored> {
  const r = await ws.conn.runAndReadAll(
    `SELECT t.path, t.member, t.sha256, t.bytes, t.side, t.side_source, c.name, t.catalogue_id, t.catalogue_version, t.catalogue_fit, t.records, t.unparsed
       FROM traces t LEFT JOIN catalogues c USING (catalogue_id) WHERE t.trace_id = $1`,
    [id],
  );
  const rows = r.getRowsJS();
  if (rows.length === 0) {
    const ids = (await ws.conn.runAndReadAll('SELECT trace_id FROM traces ORDER BY trace_id')).getRowsJS().map((x) => Number(x[0]));
    const have = ids.length === 0 ? 'the workspace has none' : `traces: ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ', …' : ''}`;
    throw new RetypeRefused(`${ws.path}: no trace ${id} (${have})`, 'not-found');
  }
  const [p, member, sha, bytes, side, sideSource, catName, catId, version, fit, records, unparsed] = rows[0];
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    path: String(p),
    member: s(member),
    sha256: String(sha),
    bytes: Number(bytes),
    side: side === 'src' || side === 'dst' ? side : null,
    sideSource: s(sideSource),
    catalogue: catalogueLabelOf(s(catName) ?? String(catId), s(version)),
    fit: fit === null ? null : Number(fit),
    records: Number(records),
    unparsed: Number(unparsed),
  };
}

/** A fit as a percentage that is 100% only when it is exactly 1. */
function percent(f: number): string {
  return `${Math.floor(f * 1000) / 10}%`;
}
