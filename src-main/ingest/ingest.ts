// Ingest: input members → sniffed decoder → typed records → workspace, one trace per member.
// Content decides everything (format, catalogue, side); the user can override the side.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Catalogue } from '../catalogue/types.ts';
import type { TraceFormat } from '../formats/types.ts';
import { planFor, type Plan } from './pipeline/decoders.ts';
import { describePaste } from '../formats/paste.ts';
import { catalogueVersion } from '../catalogue/index.ts';
import { chooseCatalogue, type CatalogueChoice, type CatalogueFit } from './trial.ts';
import { startParsePipeline, type ParsePipeline } from './pipeline/parse-pipeline.ts';
import { discardWarmParseWorker, prewarmParseWorker } from './pipeline/parse-worker-spawn.ts';
import { openInputs, type InputMember } from './sources/inputs.ts';
import { NotTraceSummary, notTraceKind, type NotTraceKind } from './sources/not-traces.ts';
import { simpletraceHeaderProblem } from '../formats/simpletrace-header.ts';
import { detectSide, type Side } from './side.ts';
import { TraceWriter } from '../workspace/trace-writer.ts';
import { catalogueMisfits, insertTraceRow, lossySummary, unparsedSummary, updateTraceRow, type TraceDescription } from '../workspace/trace-rows.ts';
import { damagedWorkspace, type Workspace } from '../workspace/workspace.ts';
import { diskFullMessage } from '../workspace/output-fs.ts';

/** Bytes read before deciding format and catalogue (simpletrace mappings alone can be ~200 KB). */
export const HEAD_BYTES = 2 << 20;

export interface IngestProgress {
  readonly path: string;
  readonly member: string | null;
  /** Bytes of the input file read so far, and its size on disk. */
  readonly bytesRead: number;
  readonly bytesTotal: number;
  readonly records: number;
  readonly recordsPerSec: number;
  /** Seconds left at the current rate, or null when unknown. */
  readonly etaSec: number | null;
}

export interface IngestOptions {
  readonly inputs: readonly string[];
  readonly catalogues: readonly Catalogue[];
  /** Side overrides by input path (from `--src FILE` / `--dst FILE`). */
  readonly sides?: ReadonlyMap<string, Side>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: IngestProgress) => void;
  /** Diagnostics for the user (one line each). */
  readonly onMessage?: (line: string) => void;
  /**
   * The name the user gave a file that is stored under another (a browser upload), by the path
   * it is read from; written to `traces.original_name`. Null (or no function): the path is the
   * user's own, and original_name stays NULL.
   */
  readonly originalName?: (path: string) => string | null;
}

export interface IngestedTrace {
  readonly traceId: number;
  readonly path: string;
  readonly member: string | null;
  readonly format: TraceFormat;
  readonly side: Side | null;
  readonly catalogueId: string;
  readonly records: number;
  readonly events: number;
  readonly unparsed: number;
  readonly dropped: bigint;
  readonly error: string | null;
}

export interface IngestResult {
  readonly traces: IngestedTrace[];
  /** Members that were not traces or were already in the workspace (with why). */
  readonly skipped: { path: string; member: string | null; reason: string }[];
  /** One-line errors for inputs that could not be read at all. */
  readonly errors: string[];
  readonly cancelled: boolean;
}

export class IngestCancelled extends Error {
  constructor() {
    super('ingest cancelled');
  }
}

export function label(m: { path: string; member: string | null }): string {
  return m.member === null ? m.path : `${m.path}:${m.member}`;
}

/** What messages call a file: the user's own name for an upload (stored under another), else label(). */
function shownLabel(m: { path: string; member: string | null }, originalName?: (path: string) => string | null): string {
  const o = originalName?.(path.resolve(m.path)) ?? null;
  if (o === null) return label(m);
  return m.member === null ? o : `${o}:${m.member}`;
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** DuckDB's buffer cache while ingesting: appended row groups need little of it. */
const INGEST_MEMORY_LIMIT = '512MB';

export async function ingest(ws: Workspace, opts: IngestOptions): Promise<IngestResult> {
  // New traces would take over the rows a hand-edited workspace left behind: refuse instead.
  const broken = await ws.inconsistency();
  if (broken !== null) throw new Error(`${ws.path}: the workspace is inconsistent (${broken}); nothing was added: remove those traces or start a new workspace`);
  try {
    return await withIngestMemory(ws, () => ingestAll(ws, opts));
  } finally {
    discardWarmParseWorker();
  }
}

/** Run `f` with DuckDB's buffer cache set for writing a trace, and the user's setting back after. */
export async function withIngestMemory<T>(ws: Workspace, f: () => Promise<T>): Promise<T> {
  const before = await ws.conn.runAndReadAll(`SELECT current_setting('memory_limit')`);
  await ws.conn.run(`SET memory_limit = '${INGEST_MEMORY_LIMIT}'`);
  try {
    return await f();
  } finally {
    await ws.conn.run(`SET memory_limit = '${String(before.getRows()[0][0]).replace(/'/g, '')}'`);
  }
}

async function ingestAll(ws: Workspace, opts: IngestOptions): Promise<IngestResult> {
  const result: IngestResult = { traces: [], skipped: [], errors: [], cancelled: false };
  const sideOf = new Map<string, Side>();
  for (const [p, s] of opts.sides ?? []) sideOf.set(path.resolve(p), s);
  const say = opts.onMessage ?? (() => {});
  for (const input of opts.inputs) {
    try {
      await stat(input);
    } catch {
      result.errors.push(`${input}: no such file or directory`);
      continue;
    }
    const errorsBefore = result.errors.length;
    // Files or members of this input found not to be traces: one line for all of them once the
    // input is done (a CI output folder holds manifests, QMP transcripts, empty stderr files).
    const notTraces: string[] = [];
    const summary = new NotTraceSummary();
    let found = false;
    // A folder of runs: each folder's messages follow one line naming it. The folder the user
    // named needs none, unless its own files come after those of a sub-folder.
    let announced = false;
    const onFolder = (dir: string, files: number, bytes: number) => {
      if (!announced && path.resolve(dir) === path.resolve(input)) return;
      announced = true;
      say(`folder ${dir}: ${files} ${files === 1 ? 'file' : 'files'}, ${megabytes(bytes)}`);
    };
    try {
      for await (const member of openInputs([input], { signal: opts.signal, onNote: say, onFolder })) {
        if (opts.signal?.aborted) throw new IngestCancelled();
        // A file named on the command line must be a trace; files found in a directory or an
        // archive may be companions (manifests, notes) and are skipped with a message.
        const explicit = member.member === null && path.resolve(member.path) === path.resolve(input);
        const t = await ingestMember(ws, member, opts, sideOf.get(path.resolve(member.path)) ?? null, say, explicit);
        if ('skipped' in t) {
          result.skipped.push({ path: member.path, member: member.member, reason: t.skipped });
          if (t.notTrace !== undefined) {
            notTraces.push(`${shownLabel(member, opts.originalName)}: ${t.skipped}`);
            summary.add(shortName(input, member), t.notTrace);
          } else {
            found = true;
            say(`${shownLabel(member, opts.originalName)}: ${t.skipped}`);
          }
        } else if ('failed' in t) result.errors.push(t.failed);
        else {
          found = true;
          result.traces.push(t);
        }
      }
    } catch (e) {
      if (e instanceof IngestCancelled || opts.signal?.aborted) {
        return { ...result, cancelled: true };
      }
      // Not this input's fault: no further input should be written into a damaged file.
      const damaged = damagedWorkspace(e, ws.path);
      if (damaged !== null) throw damaged;
      const full = diskFullMessage(e, ws.path);
      result.errors.push(full === null ? oneLine(e, input) : `${full} (${input} not added)`);
      continue;
    }
    // A directory or archive that holds no trace at all is an error, like a file that is not
    // one; companions beside a trace are not.
    const nothing = !found && result.errors.length === errorsBefore;
    if (nothing && notTraces.length === 1) result.errors.push(notTraces[0]);
    else {
      const line = summary.line(input);
      if (line !== null) say(line);
      if (nothing) result.errors.push(`${input}: no QEMU trace found (${notTraces.length === 0 ? 'nothing to read in it' : `none of its ${notTraces.length} entries is one`})`);
    }
  }
  return result;
}

/** Why a file the user named is not a trace, saying what it is when that helps. */
function explicitReason(kind: NotTraceKind, reason: string): string {
  if (kind === 'JSON') return `JSON, not a QEMU trace (${reason})`;
  if (kind === 'trace-events catalogue') return 'a trace-events catalogue, not a trace: pass it with --catalogue';
  return reason;
}

/** A file or member as named in the summary of an input's non-traces: relative to the input. */
function shortName(input: string, m: { path: string; member: string | null }): string {
  const rel = path.relative(input, m.path);
  const file = rel === '' ? null : rel.split(path.sep).join('/');
  if (m.member === null) return file ?? path.basename(m.path);
  return file === null ? m.member : `${file}:${m.member}`;
}

function megabytes(n: number): string {
  return n < 1e5 ? `${(n / 1e3).toFixed(1)} kB` : `${(n / 1e6).toFixed(1)} MB`;
}

/** A member's read error in one line, named once (source errors already name path and member). */
export function readFailure(e: unknown, member: InputMember, name: string): string {
  const line = oneLine(e, name);
  const prefix = `${name}: `;
  return line.startsWith(prefix) && line.includes(member.path, prefix.length) ? line.slice(prefix.length) : line;
}

function oneLine(e: unknown, input: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  const line = msg.replace(/\s*\n\s*/g, ' ');
  return line.includes(input) ? line : `${input}: ${line}`;
}

async function ingestMember(
  ws: Workspace,
  member: InputMember,
  opts: IngestOptions,
  forcedSide: Side | null,
  say: (line: string) => void,
  explicit: boolean,
): Promise<IngestedTrace | { skipped: string; notTrace?: NotTraceKind } | { failed: string }> {
  const name = shownLabel(member, opts.originalName);
  const started = performance.now();
  // A plain file the same size as a trace already here is hashed first: re-ingesting it is a no-op.
  if (member.member === null && member.encodings.length === 0 && member.size !== null) {
    const same = await ws.conn.runAndReadAll(`SELECT count(*) FROM traces WHERE bytes = ${member.size}`);
    if (Number(same.getRows()[0][0]) > 0) {
      const sha = await sha256File(member.path);
      const id = await ws.traceWithSha(sha);
      if (id !== null) {
        return { skipped: `already in the workspace as trace ${id} (same sha256); nothing to do` };
      }
    }
  }
  // A trace large enough to be decoded on a worker: its worker starts while the head is read
  // and the catalogue chosen (from the sources, that start-up is most of a second).
  if (workerLikely(member)) prewarmParseWorker();
  const head = await readHead(member, name, opts.signal);
  // A member that fails before anything recognisable is that member's error; the archive's
  // other members are still read.
  if (head.readError !== null && head.bytes.length === 0) return { failed: head.readError };
  const p = planFor(head.bytes, opts.catalogues);
  if (p.kind === 'none') {
    if (head.readError !== null) return { failed: head.readError };
    // A simpletrace header that is damaged or of an unknown version is a trace not added.
    const simpletrace = simpletraceHeaderProblem(head.bytes) !== null;
    const kind = notTraceKind(head.bytes);
    if (explicit) throw new Error(`${name}: offset 0: ${simpletrace ? p.reason : explicitReason(kind, p.reason)}`);
    // A trace of events no catalogue knows is a trace not added (an error), not a companion file.
    if (p.untypable || simpletrace) return { failed: `${name}: ${simpletrace ? 'offset 0: ' : ''}${p.reason}` };
    return { skipped: `not a QEMU trace (${p.reason})`, notTrace: kind };
  }
  const choice = chooseCatalogue(p, name, head.bytes, opts.catalogues, head.srcDone && head.readError === null);
  // A positional stream read with the wrong catalogue gives plausible garbage: one that no
  // candidate decodes cleanly is refused, unless the user named the catalogue to use.
  const guessed = choice.positional !== null && choice.fit.typed < choice.fit.records && isBuiltIn(choice.catalogue);
  if ((choice.fit.records > 0 && choice.fit.typed === 0) || guessed) {
    const why = nothingTyped(name, choice, opts.catalogues);
    if (explicit) throw new Error(why);
    return { failed: why };
  }
  const chosen = choiceSummary(name, choice);
  if (chosen !== null) say(chosen);
  const r = await writeTrace(ws, member, head, p, choice, { kind: 'new', forcedSide }, opts, say, started);
  if ('differs' in r) throw new Error(`${name}: internal error: a new trace compared with a stored sha256`);
  return r;
}

/** The size from which parse-pipeline.ts decodes on a worker (its WORKER_MIN_BYTES). */
const WORKER_LIKELY_BYTES = 96 << 20;

/** Whether the pipeline will decode this member on a worker, judged before its head is read. */
function workerLikely(member: InputMember): boolean {
  const policy = process.env.QTW_PARSE_WORKER;
  if (policy === '0') return false;
  if (policy === '1') return true;
  // Decompressed size, known or guessed as writeTrace guesses it.
  return (member.size ?? member.sourceBytes * (member.encodings.length > 0 ? 8 : 1)) >= WORKER_LIKELY_BYTES;
}

/** A member's first HEAD_BYTES (fewer when it is shorter), read before format and catalogue are decided. */
export interface Head {
  readonly parts: readonly Uint8Array[];
  readonly bytes: Buffer;
  /** Where the rest of the member is read from. */
  readonly iter: AsyncIterator<Uint8Array>;
  /** The member ended (or failed) within the head. */
  readonly srcDone: boolean;
  /** Why reading stopped early (truncated gzip, bad zip member...), one line; the bytes before it count. */
  readonly readError: string | null;
}

export async function readHead(member: InputMember, name: string, signal: AbortSignal | undefined): Promise<Head> {
  const iter = member.chunks[Symbol.asyncIterator]();
  const parts: Uint8Array[] = [];
  let len = 0;
  let srcDone = false;
  // A read error (truncated gzip, bad zip member...) keeps every complete record decoded before it.
  let readError: string | null = null;
  while (len < HEAD_BYTES) {
    let r: IteratorResult<Uint8Array>;
    try {
      r = await iter.next();
    } catch (e) {
      if (e instanceof IngestCancelled || signal?.aborted) throw new IngestCancelled();
      readError = readFailure(e, member, name);
      srcDone = true;
      break;
    }
    if (r.done) {
      srcDone = true;
      break;
    }
    parts.push(r.value);
    len += r.value.length;
  }
  return { parts, bytes: Buffer.concat(parts), iter, srcDone, readError };
}

/**
 * Whose rows a member's records become: a new trace, or an existing trace's in place of the rows
 * it has (re-typing: same id, and the bytes must be the ones it was read from, `sha256`).
 * `forcedSide`: the side the user set, else null (found from the content).
 */
export type TraceTarget =
  | { readonly kind: 'new'; readonly forcedSide: Side | null }
  | { readonly kind: 'replace'; readonly traceId: number; readonly sha256: string; readonly forcedSide: Side | null };

/**
 * Parse the member (its head already read) with the chosen catalogue and write its rows and its
 * `traces` row in one transaction. Resolves to the trace; `skipped` when a new trace turns out to
 * be in the workspace already, `differs` when the bytes of a trace being replaced are not the
 * ones it was read from: nothing is written then.
 */
export async function writeTrace(
  ws: Workspace,
  member: InputMember,
  head: Head,
  p: Plan,
  choice: CatalogueChoice,
  target: TraceTarget,
  opts: { readonly signal?: AbortSignal; readonly onProgress?: (p: IngestProgress) => void; readonly originalName?: (path: string) => string | null },
  say: (line: string) => void,
  started: number,
): Promise<IngestedTrace | { skipped: string } | { differs: { sha256: string; bytes: number } }> {
  const name = shownLabel(member, opts.originalName);
  const originalName = target.kind === 'new' ? (opts.originalName?.(path.resolve(member.path)) ?? null) : null;
  const { catalogue, headCounts } = choice;
  const { iter, srcDone } = head;
  let readError = head.readError;
  const forcedSide = target.forcedSide;
  const replace = target.kind === 'replace';
  const traceId = replace ? target.traceId : await ws.nextTraceId();
  const writer = await TraceWriter.begin(ws.conn, traceId, forcedSide ?? detectSide(headCounts), catalogue, replace);
  let pipeline: ParsePipeline | null = null;
  try {
    const starting = startParsePipeline(
      { plan: p, file: name, catalogue: { source: catalogue.source, name: catalogue.name, id: catalogue.id } },
      catalogue,
      (b) => writer.append(b),
      // Decompressed size, known or guessed from a typical text compression ratio.
      srcDone ? head.bytes.length : (member.size ?? member.sourceBytes * (member.encodings.length > 0 ? 8 : 1)),
    );
    // The catalogue is stored while parse workers start (no batch reaches the connection before
    // the first push), and within the transaction, so a rolled back ingest leaves none behind.
    const stored = ws.storeCatalogue(catalogue);
    const [ready] = await Promise.allSettled([starting, stored]);
    if (ready.status === 'fulfilled') pipeline = ready.value;
    await stored;
    if (ready.status === 'rejected') throw ready.reason;
    const pipe = ready.value;
    const report = progressReporter(member, pipe, opts.onProgress);
    const feed = async (chunk: Uint8Array) => {
      await pipe.push(chunk);
      report(false);
      if (opts.signal?.aborted) throw new IngestCancelled();
    };
    for (const part of head.parts) await feed(part);
    if (!srcDone) {
      try {
        for (;;) {
          const r = await iter.next();
          if (r.done) break;
          await feed(r.value);
        }
      } catch (e) {
        if (e instanceof IngestCancelled || opts.signal?.aborted) throw new IngestCancelled();
        readError = readFailure(e, member, name);
      }
    }
    const done = await pipe.end(readError);
    report(true);
    const sha = done.sha256;
    const bytes = done.bytes;
    if (replace) {
      if (sha !== target.sha256) {
        await writer.rollback();
        return { differs: { sha256: sha, bytes } };
      }
    } else {
      const dup = await ws.traceWithSha(sha);
      if (dup !== null) {
        await writer.rollback();
        return { skipped: `already in the workspace as trace ${dup} (same sha256); nothing to do` };
      }
    }
    const side = forcedSide ?? detectSide(new Map(done.eventCounts));
    const error = [readError, done.error].filter((x): x is string => x !== null).join('; ') || null;
    const c = done.counts;
    const firstTs = c.firstTs === null ? null : BigInt(c.firstTs);
    const lastTs = c.lastTs === null ? null : BigInt(c.lastTs);
    const records = c.events + c.unparsed + c.droppedRecords;
    await writer.commit(side, async () => {
      await ws.registerEventTables(writer.tables(), writer.tablesGone());
      // A re-typed trace keeps its id, which was recorded when it was first committed.
      if (!replace) await ws.recordTraceId(traceId);
      // What the content says about the trace. Its identity (path, member, sha256, bytes) and
      // the user's clock offset are written once, when it is first committed.
      const described: TraceDescription = {
        encodings: member.encodings.join('+'),
        format: done.format,
        prefixStyle: done.prefixStyle,
        side,
        sideSource: side === null ? null : forcedSide !== null ? 'option' : 'content',
        pid: mainPid(done.pidCounts),
        clock: firstTs === null ? 'none' : done.clock,
        catalogueId: catalogue.id,
        catalogueMisfits: await catalogueMisfits(ws.conn, traceId),
        firstTsNs: firstTs,
        lastTsNs: lastTs,
        records,
        events: c.events,
        unparsed: c.unparsed,
        dropped: BigInt(c.droppedEvents),
        droppedRecords: c.droppedRecords,
        truncatedAt: done.truncatedAt === null ? null : BigInt(done.truncatedAt),
        error,
        ingestMs: performance.now() - started,
        pasteNormalized: p.kind === 'text' ? describePaste(p.paste) : null,
        continuationLines: done.continuationLines,
        catalogueVersion: catalogueVersion(catalogue),
        catalogueFit: fitRatio(choice.fit),
        yearAssumed: done.yearAssumed,
      };
      if (replace) await updateTraceRow(ws.conn, traceId, described);
      // Stored absolute: a re-type reads it again from wherever qtw then runs, and runs are
      // grouped by folder (two days ingested each from inside its own folder are two folders).
      else await insertTraceRow(ws.conn, { traceId, path: path.resolve(member.path), member: member.member, originalName, sha256: sha, bytes, ...described });
    });
    if (error) say(error);
    if (c.unparsed > 0) for (const line of await unparsedSummary(ws.conn, traceId, name)) say(line);
    const lossy = await lossySummary(ws.conn, traceId, name);
    if (lossy !== null) say(lossy);
    return {
      traceId,
      path: member.path,
      member: member.member,
      format: done.format,
      side,
      catalogueId: catalogue.id,
      records,
      events: c.events,
      unparsed: c.unparsed,
      dropped: BigInt(c.droppedEvents),
      error,
    };
  } catch (e) {
    await pipeline?.close();
    await writer.rollback();
    throw e;
  }
}

/** A member's progress, at most every 200 ms and once at the end; rate and time left from the bytes read. */
function progressReporter(member: InputMember, pipe: ParsePipeline, onProgress: ((p: IngestProgress) => void) | undefined): (final: boolean) => void {
  if (!onProgress) return () => {};
  let lastProgress = 0;
  const t0 = performance.now();
  return (final: boolean) => {
    const now = performance.now();
    if (!final && now - lastProgress < 200) return;
    lastProgress = now;
    const read = member.sourceBytesRead();
    const total = member.sourceBytes;
    const secs = (now - t0) / 1000;
    const c = pipe.counts();
    const records = c.events + c.unparsed + c.droppedRecords;
    const bps = secs > 0 ? read / secs : 0;
    onProgress({
      path: member.path,
      member: member.member,
      bytesRead: read,
      bytesTotal: total,
      records,
      recordsPerSec: secs > 0 ? records / secs : 0,
      etaSec: bps > 0 && total >= read ? (total - read) / bps : null,
    });
  };
}

/** Records typed / records, in the head; null when the head has no record naming an event. */
export function fitRatio(f: CatalogueFit): number | null {
  return f.records === 0 ? null : f.typed / f.records;
}

/** A catalogue the user did not name: a built-in release, the installed one or the migration seed. */
function isBuiltIn(c: Catalogue): boolean {
  return c.source.startsWith('builtin:') || c.source.startsWith('installed:') || c.source === 'embedded';
}

/** A catalogue as the user would name it: `qemu-8.2.0`, or `qemu-7.2.22-precopy (QEMU 7.2.22)` for a file with a release's bytes. */
export function catalogueLabel(c: Catalogue): string {
  return catalogueLabelOf(c.name, catalogueVersion(c));
}

/** catalogueLabel from a catalogue's name and QEMU version (as stored in the workspace). */
export function catalogueLabelOf(catalogueName: string, version: string | null): string {
  const name = catalogueName.replace(/\/trace-events-all$/, '');
  return version === null || name.includes(version) ? name : `${name} (QEMU ${version})`;
}

/** The choice in one line when other candidates fit as well (which one was used, and why). */
function choiceSummary(file: string, c: CatalogueChoice): string | null {
  // A catalogue the user gave is used as given; a tie is news only when the choice was ours.
  if (!isBuiltIn(c.catalogue) || c.ties.length === 0 || c.fit.records === 0) return null;
  const shown = c.ties.slice(0, 3).map(catalogueLabel).join(', ');
  const more = c.ties.length > 3 ? ` and ${c.ties.length - 3} more` : '';
  const why = !c.catalogue.source.startsWith('builtin:')
    ? 'the installed QEMU\'s'
    : c.eraDecided !== undefined
      ? `the newest release ${c.eraDecided}, the era of the log's prefix,`
      : 'the newest';
  return `${file}: catalogue ${catalogueLabel(c.catalogue)} types ${c.fit.typed}/${c.fit.records} records of the head; tie with ${shown}${more}, which type as many: ${why} is used (pass --catalogue to choose)`;
}

/** Why a trace whose head names events types none of them, and what to do (one line). */
function nothingTyped(file: string, c: CatalogueChoice, candidates: readonly Catalogue[]): string {
  const names = [...c.untypedNames.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => `\`${n}\``);
  const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '');
  const n = c.fit.records;
  const noun = n === 1 ? 'line looks like a QEMU trace record' : 'lines look like QEMU trace records';
  if (c.positional !== null) {
    const best = c.fit.typed > 0 ? `; at best ${c.fit.typed} with ${catalogueLabel(c.catalogue)}` : '';
    return `${file}: a ${c.positional} simpletrace stream numbers its events by their position in the catalogue, and no candidate decodes its first ${n} records without overruns${best} (tried ${candidates.map(catalogueLabel).join(', ')}): pass --catalogue with the trace-events-all of the QEMU build that wrote it`;
  }
  const known = candidates.some((cat) => c.untypedNames.size > 0 && [...c.untypedNames.keys()].some((k) => cat.get(k) !== undefined));
  const what = known ? 'but none fits the format of its event in any built-in release' : 'but no built-in release has these events';
  return `${file}: ${n} ${noun} (${shown}) ${what}: pass --catalogue with the trace-events-all of the QEMU build that wrote them`;
}

/** The trace's process: the pid of most event records (the lowest on a tie), null when none has one. */
export function mainPid(pidCounts: readonly [number, number][]): number | null {
  let best: number | null = null;
  let most = 0;
  for (const [pid, n] of pidCounts) {
    if (n > most || (n === most && best !== null && pid < best)) [best, most] = [pid, n];
  }
  return best;
}
