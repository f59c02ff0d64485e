// Which traces make one migration (a run), planned from what is known of each trace; no I/O, so
// that every rule is unit-tested on plain facts. The rules, in order (docs/ARCHITECTURE.md §6.5):
//   1. Layout: traces are grouped by the folder they came from (the archive member's folder, an
//      upload's relative path; a folder named for a side, `src/`, `dst/`, counts as its parent).
//      A folder holding one source and one destination is one run.
//   2. Alternates: two traces of one side in one folder whose migration states follow the same
//      sequence with the same gaps between them (within clock precision), and the same pid when
//      both know it, are one QEMU traced twice (a log and a simpletrace; one may stop early, as
//      when QEMU was killed before a simpletrace buffer was flushed). The second becomes an
//      alternate of the first: analyses use one per side. Runs of different folders that are the
//      same migration (backends written to `log/` and `simple/`) merge the same way.
//   3. A folder with several sources or destinations is split by file names equal but for a
//      src/dst word (`run3-src.log`, `run3-dst.log`, `src.log`/`dst.log`), then by content: each
//      source with the destination whose migration went active nearest in time, when each is the
//      other's nearest and the two spent the same time from active to completed (host clocks may
//      differ by seconds; a migration's length does not).
//   4. What is left with one side only is paired across folders when one command (or upload)
//      brought exactly one such source and destination (`given`), else by content (same format
//      and clock kind, active within an hour of each other, mutual nearest), else stays alone.
// Every pairing says how it was made (runs.paired_by); nothing is joined silently.
// Run ids are kept across plans: a planned run takes the id most of its traces had, and a label
// the user gave stays with its run.

export interface StateMark {
  readonly state: string;
  /** ts_ns of the state change; null when the trace has no time stamps. */
  readonly ts: bigint | null;
}

export interface TraceFacts {
  readonly traceId: number;
  readonly path: string;
  readonly member: string | null;
  readonly originalName: string | null;
  readonly side: 'src' | 'dst' | null;
  readonly format: string;
  readonly clock: string | null;
  readonly pid: number | null;
  readonly firstTsNs: bigint | null;
  /** Records the QEMU emitted: typed + untyped + those a simpletrace reader lost (dropped counts). */
  readonly emitted: number;
  readonly catalogueVersion: string | null;
  /** migrate_set_state changes in trace order. */
  readonly states: readonly StateMark[];
  /** The command (or upload job) that ingested it; null before batches were recorded. */
  readonly batch: number | null;
  /** The run and primary the trace has now (null: none yet). */
  readonly runId: number | null;
  readonly alternateOf: number | null;
}

export interface ExistingRun {
  readonly runId: number;
  readonly label: string;
  readonly labelSource: string;
}

export type PairedBy = 'layout' | 'stem' | 'content' | 'given' | 'single';

export interface PlannedRun {
  readonly runId: number;
  readonly label: string;
  readonly labelSource: string;
  readonly srcTraceId: number | null;
  readonly dstTraceId: number | null;
  readonly qemuVersion: string | null;
  readonly startTsNs: bigint | null;
  readonly pairedBy: PairedBy;
  /** Every trace of the run (primaries, alternates, traces of no known side). */
  readonly traceIds: readonly number[];
}

export interface RunPlan {
  readonly runs: readonly PlannedRun[];
  /** Per trace: its run and the trace it duplicates (null for a primary). */
  readonly traces: ReadonlyMap<number, { readonly runId: number; readonly alternateOf: number | null }>;
  /** The highest run id handed out (persisted so that ids are never reused). */
  readonly lastRunId: number;
}

/** Tolerance of "the same gaps between states": clock precision of the coarser backend plus jitter. */
const GAP_TOLERANCE_NS = 2_000_000n;
/** Sources and destinations of different folders are paired only when their migrations went active this close. */
const CROSS_FOLDER_NS = 3_600_000_000_000n;

const COMPRESSION = /\.(gz|zst|xz|bz2|lz4)$/i;
const TRACE_EXT = /\.(log|simple|simpletrace|bin|trace|txt|out|dat|raw|jsonl?)$/i;
const SIDE_WORD = /(^|[-_.\s])(src|source|dst|dest|destination|incoming|outgoing)(?=$|[-_.\s])/gi;

function dirOf(p: string): string {
  const i = p.replace(/\\/g, '/').lastIndexOf('/');
  return i < 0 ? '' : p.replace(/\\/g, '/').slice(0, i);
}

function baseOf(p: string): string {
  const n = p.replace(/\\/g, '/');
  return n.slice(n.lastIndexOf('/') + 1);
}

/** An upload is stored as `<ms>-<n>-<name>` in the server's upload folder; its own name is `originalName`. */
function isUpload(t: TraceFacts): boolean {
  return t.originalName !== null && t.member === null && /^\d+-\d+-/.test(baseOf(t.path));
}

/** The name the user knows the trace by: the member, the original name, or the file. */
export function shownName(t: TraceFacts): string {
  return t.member ?? t.originalName ?? t.path;
}

const SIDE_FOLDER = /^(src|source|dst|dest|destination|incoming|outgoing)$/i;

/** A folder named for a side (`run7/src/qemu.log`) holds half of its parent's migrations. */
function sideless(dir: string): string {
  const parent = dirOf(dir);
  const last = dir.slice(dir.lastIndexOf('/') + 1);
  return SIDE_FOLDER.test(last) ? parent : dir;
}

/** The folder that groups a trace with the other traces of its migration. */
export function layoutKey(t: TraceFacts): string {
  if (t.member !== null) return `${t.path}\u0000${sideless(dirOf(t.member))}`;
  if (isUpload(t)) {
    const rel = sideless(dirOf(t.originalName ?? ''));
    // A file uploaded alone carries no folder: it is a folder of its own (paired by content).
    return rel ? `upload\u0000${rel}` : `upload\u0000#${t.traceId}`;
  }
  return sideless(dirOf(t.path));
}

/** Folder names from the innermost out, for labels. */
function folderNames(t: TraceFacts): string[] {
  const parts: string[] = [];
  if (t.member !== null) {
    parts.push(...dirOf(t.member).split('/').filter(Boolean).reverse());
    parts.push(stripExtensions(baseOf(t.path)));
    parts.push(...dirOf(t.path).split('/').filter(Boolean).reverse());
  } else if (isUpload(t)) {
    parts.push(...dirOf(t.originalName ?? '').split('/').filter(Boolean).reverse());
  } else {
    parts.push(...dirOf(t.path).split('/').filter(Boolean).reverse());
  }
  const out = parts.filter((p) => p !== '.' && p !== '..');
  return out.length > 0 && SIDE_FOLDER.test(out[0]) ? out.slice(1) : out;
}

export function stripExtensions(name: string): string {
  let n = name;
  for (let i = 0; i < 4; i++) {
    const next = n.replace(COMPRESSION, '').replace(TRACE_EXT, '');
    if (next === n) break;
    n = next;
  }
  return n;
}

/** The file name without extensions and without its src/dst word: equal for the two sides of one run. */
export function sideFreeStem(t: TraceFacts): string {
  return stripExtensions(baseOf(shownName(t))).replace(SIDE_WORD, '$1').replace(/^[-_.\s]+|[-_.\s]+$/g, '').replace(/([-_.\s])[-_.\s]+/g, '$1');
}

function activeTs(t: TraceFacts): bigint | null {
  let last: bigint | null = null;
  for (const s of t.states) if (s.state === 'active' && s.ts !== null) last = s.ts;
  return last;
}

/** From the last time the migration went active to its completion: the same on both hosts, whatever their clocks. */
function activeSpan(t: TraceFacts): bigint | null {
  const a = activeTs(t);
  if (a === null) return null;
  for (const s of t.states) if (s.ts !== null && s.ts > a && s.state === 'completed') return s.ts - a;
  return null;
}

/** Two hosts' spans of one migration agree within this (destinations complete a little after). */
function spansAgree(a: bigint | null, b: bigint | null): boolean {
  if (a === null || b === null) return true;
  const big = a > b ? a : b;
  return abs(a - b) <= 20_000_000n + big / 100n;
}

function startTs(t: TraceFacts): bigint | null {
  for (const s of t.states) if (s.ts !== null) return s.ts;
  return t.firstTsNs;
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/**
 * One QEMU traced twice: the same pid, the same number of records (each backend writes every
 * event; a simpletrace's dropped records count the ones it lost), the same states in the same
 * order with the same gaps between them, and on clocks of one kind the same moments. Two runs of
 * one test can match in states and gaps; they do not in all of these.
 */
export function sameMigration(a: TraceFacts, b: TraceFacts): boolean {
  if (a.side !== b.side || a.side === null) return false;
  if (a.pid !== null && b.pid !== null && a.pid !== b.pid) return false;
  const n = Math.min(a.states.length, b.states.length);
  if (a.states.length === b.states.length) {
    if (n < 2) return false;
    if (Math.abs(a.emitted - b.emitted) > Math.max(8, Math.max(a.emitted, b.emitted) / 10_000)) return false;
  } else {
    // One stopped early (QEMU killed, a copy taken while it ran): its states are a prefix of the
    // other's and it has no more records. Three states at least, so that a long gap (active ->
    // device) must agree, not only the milliseconds of setup every run of a test shares.
    const [short, long] = a.states.length < b.states.length ? [a, b] : [b, a];
    if (n < 3 || short.emitted > long.emitted + 8) return false;
  }
  if (a.clock === b.clock && a.clock !== 'relative') {
    const ta = a.states[0]?.ts ?? null;
    const tb = b.states[0]?.ts ?? null;
    if (ta === null || tb === null || abs(ta - tb) > GAP_TOLERANCE_NS) return false;
  }
  for (let i = 0; i < n; i++) {
    if (a.states[i].state !== b.states[i].state) return false;
    if (a.states[i].ts === null || b.states[i].ts === null) return false;
  }
  for (let i = 1; i < n; i++) {
    const ga = (a.states[i].ts as bigint) - (a.states[i - 1].ts as bigint);
    const gb = (b.states[i].ts as bigint) - (b.states[i - 1].ts as bigint);
    const tol = GAP_TOLERANCE_NS + abs(ga) / 1000n;
    if (abs(ga - gb) > tol) return false;
  }
  return true;
}

/** Which of two duplicates analyses use: the one already used, else a wall clock (it lines up with the other host), else the first ingested. */
function preferPrimary(a: TraceFacts, b: TraceFacts): TraceFacts {
  const aUsed = a.alternateOf === null && b.alternateOf === a.traceId;
  const bUsed = b.alternateOf === null && a.alternateOf === b.traceId;
  if (aUsed !== bUsed) return aUsed ? a : b;
  const ae = a.clock === 'epoch';
  const be = b.clock === 'epoch';
  if (ae !== be) return ae ? a : b;
  return a.traceId <= b.traceId ? a : b;
}

interface Draft {
  src: TraceFacts | null;
  dst: TraceFacts | null;
  others: TraceFacts[];
  pairedBy: PairedBy;
  /** Label suggestion from the layout (a folder of one run) or the stem. */
  labelParts: string[];
  labelSource: string;
}

/** Mutual-nearest pairs of sources and destinations by the time their migration went active. */
function pairByContent(srcs: TraceFacts[], dsts: TraceFacts[], limit: bigint | null): [TraceFacts, TraceFacts][] {
  const dist = (s: TraceFacts, d: TraceFacts): bigint | null => {
    if (s.format !== d.format || s.clock !== d.clock) return null;
    const a = activeTs(s);
    const b = activeTs(d);
    if (a === null || b === null) return null;
    if (!spansAgree(activeSpan(s), activeSpan(d))) return null;
    const x = abs(a - b);
    return limit !== null && x > limit ? null : x;
  };
  const nearest = <A extends TraceFacts, B extends TraceFacts>(x: A, ys: B[], f: (x: A, y: B) => bigint | null): B | null => {
    let best: B | null = null;
    let bd: bigint | null = null;
    for (const y of ys) {
      const v = f(x, y);
      if (v === null) continue;
      if (bd === null || v < bd || (v === bd && best !== null && y.traceId < best.traceId)) {
        best = y;
        bd = v;
      }
    }
    return best;
  };
  const out: [TraceFacts, TraceFacts][] = [];
  for (const s of srcs) {
    const d = nearest(s, dsts, dist);
    if (d !== null && nearest(d, srcs, (x, y) => dist(y, x)) === s) out.push([s, d]);
  }
  return out;
}

function planFolder(traces: TraceFacts[], alternates: Map<number, number>): Draft[] {
  // Alternates first: the traces analyses use are what is paired.
  const bySide = (side: 'src' | 'dst') => traces.filter((t) => t.side === side).sort((a, b) => a.traceId - b.traceId);
  for (const side of ['src', 'dst'] as const) {
    const list = bySide(side);
    const primaries: TraceFacts[] = [];
    for (const t of list) {
      const twin = primaries.find((p) => sameMigration(p, t));
      if (!twin) {
        primaries.push(t);
        continue;
      }
      const keep = preferPrimary(twin, t);
      const other = keep === twin ? t : twin;
      if (keep !== twin) primaries[primaries.indexOf(twin)] = keep;
      alternates.set(other.traceId, keep.traceId);
      // A trace that was the primary of others hands them on.
      for (const [k, v] of alternates) if (v === other.traceId) alternates.set(k, keep.traceId);
    }
  }
  const primary = traces.filter((t) => !alternates.has(t.traceId));
  const srcs = primary.filter((t) => t.side === 'src');
  const dsts = primary.filter((t) => t.side === 'dst');
  const none = primary.filter((t) => t.side === null);
  const folder = folderNames(traces[0]);
  if (srcs.length <= 1 && dsts.length <= 1) {
    const src = srcs[0] ?? null;
    const dst = dsts[0] ?? null;
    // Every file named alike but for the side word (`run7-src.log`, `run7-dst.log`): that name.
    // All of them, alternates too, so that switching the analysed trace does not rename the run.
    const stems = new Set(traces.filter((t) => t.side !== null).map(sideFreeStem));
    const stem = stems.size === 1 ? [...stems][0] : '';
    const parts = stem && !folder.includes(stem) ? [stem, ...folder] : folder;
    return [{ src, dst, others: none, pairedBy: src && dst ? 'layout' : 'single', labelParts: parts, labelSource: 'layout' }];
  }
  const drafts: Draft[] = [];
  const used = new Set<number>();
  // File names equal but for the side word, each stem naming exactly one source and one destination.
  const stems = new Map<string, { s: TraceFacts[]; d: TraceFacts[] }>();
  for (const t of [...srcs, ...dsts]) {
    // An empty stem is a name too: `src.log` and `dst.log` beside `run2-src.log`.
    const k = sideFreeStem(t);
    const e = stems.get(k) ?? { s: [], d: [] };
    (t.side === 'src' ? e.s : e.d).push(t);
    stems.set(k, e);
  }
  for (const [stem, e] of stems) {
    if (e.s.length === 1 && e.d.length === 1) {
      drafts.push({ src: e.s[0], dst: e.d[0], others: [], pairedBy: 'stem', labelParts: stem ? [stem, ...folder] : folder, labelSource: 'stem' });
      used.add(e.s[0].traceId).add(e.d[0].traceId);
    }
  }
  const restS = srcs.filter((t) => !used.has(t.traceId));
  const restD = dsts.filter((t) => !used.has(t.traceId));
  for (const [s, d] of pairByContent(restS, restD, null)) {
    drafts.push({ src: s, dst: d, others: [], pairedBy: 'content', labelParts: [sideFreeStem(s) || baseOf(shownName(s)), ...folder], labelSource: 'content' });
    used.add(s.traceId).add(d.traceId);
  }
  for (const t of [...srcs, ...dsts].filter((x) => !used.has(x.traceId))) {
    drafts.push({ src: t.side === 'src' ? t : null, dst: t.side === 'dst' ? t : null, others: [], pairedBy: 'single', labelParts: [sideFreeStem(t) || baseOf(shownName(t)), ...folder], labelSource: 'layout' });
  }
  // A trace of no known side joins the run whose name it starts with; else it is a run of its own.
  for (const t of none) {
    const stem = sideFreeStem(t);
    const home = drafts.find((d) => {
      const ds = sideFreeStem((d.src ?? d.dst) as TraceFacts);
      return ds !== '' && stem.startsWith(ds);
    });
    if (home) home.others.push(t);
    else drafts.push({ src: null, dst: null, others: [t], pairedBy: 'single', labelParts: [stem || baseOf(shownName(t)), ...folder], labelSource: 'layout' });
  }
  return drafts;
}

/** Labels from the innermost name out, as many folder names as it takes to tell runs apart. */
function labels(drafts: Draft[]): string[] {
  const depth = drafts.map(() => 1);
  const make = (i: number) => {
    const parts = drafts[i].labelParts.slice(0, depth[i]).reverse();
    return parts.join('/');
  };
  for (let round = 0; round < 8; round++) {
    const seen = new Map<string, number[]>();
    drafts.forEach((_, i) => {
      const l = make(i);
      seen.set(l, [...(seen.get(l) ?? []), i]);
    });
    let changed = false;
    for (const idx of seen.values()) {
      if (idx.length < 2) continue;
      for (const i of idx) {
        if (depth[i] < drafts[i].labelParts.length) {
          depth[i]++;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  const out = drafts.map((_, i) => make(i));
  const count = new Map<string, number>();
  return out.map((l) => {
    const n = (count.get(l) ?? 0) + 1;
    count.set(l, n);
    return n === 1 || l === '' ? l : `${l} (${n})`;
  });
}

/**
 * One-sided runs of different folders ingested by one command (or upload job) that brought
 * exactly one lone source and one lone destination: the user gave them as one migration (named
 * with --src and --dst, or picked together). Paired whatever their times say (`given`).
 */
function pairGivenTogether(drafts: Draft[]): Draft[] {
  const lone = (side: 'src' | 'dst') => drafts.filter((d) => d[side] && !d[side === 'src' ? 'dst' : 'src'] && (d[side] as TraceFacts).batch !== null);
  const srcs = lone('src');
  const dsts = lone('dst');
  const gone = new Set<Draft>();
  const out: Draft[] = [];
  for (const s of srcs) {
    const batch = (s.src as TraceFacts).batch;
    const sameS = srcs.filter((x) => (x.src as TraceFacts).batch === batch);
    const sameD = dsts.filter((x) => (x.dst as TraceFacts).batch === batch);
    if (sameS.length !== 1 || sameD.length !== 1) continue;
    const d = sameD[0];
    gone.add(s).add(d);
    out.push({ src: s.src, dst: d.dst, others: [...s.others, ...d.others], pairedBy: 'given', labelParts: s.labelParts, labelSource: 'layout' });
  }
  return [...drafts.filter((d) => !gone.has(d)), ...out];
}

/** Make `keep` the primary of `drop`'s alternate group (and of `drop` itself). */
function adopt(alternates: Map<number, number>, keep: number, drop: number): void {
  for (const [k, v] of alternates) if (v === drop) alternates.set(k, keep);
  alternates.set(drop, keep);
  alternates.delete(keep);
}

/**
 * Runs of different folders that are one migration (backends written to sibling folders, a copy
 * of a run's folder): every side both have is the same QEMU. The second joins the first, its
 * traces alternates of the first's (a side only it has becomes the run's).
 */
function mergeDuplicateRuns(drafts: Draft[], alternates: Map<number, number>): Draft[] {
  const out: Draft[] = [];
  for (const d of drafts) {
    const twin = out.find((o) => {
      const pairs = (['src', 'dst'] as const).filter((k) => o[k] && d[k]);
      return pairs.length > 0 && pairs.every((k) => sameMigration(o[k] as TraceFacts, d[k] as TraceFacts));
    });
    if (!twin) {
      out.push(d);
      continue;
    }
    for (const k of ['src', 'dst'] as const) {
      const a = twin[k];
      const b = d[k];
      if (!b) continue;
      if (!a) {
        twin[k] = b;
        continue;
      }
      const keep = preferPrimary(a, b);
      const drop = keep === a ? b : a;
      adopt(alternates, keep.traceId, drop.traceId);
      twin[k] = keep;
    }
    twin.others.push(...d.others);
  }
  return out;
}

/**
 * Source and destination of one format where the run has them: after a removal, or a plan that
 * preferred different backends per side, a log source beside a simpletrace destination would put
 * the hosts on clocks of different kinds. The destination follows the source when it can.
 */
function sameFormatSides(d: Draft, alternates: Map<number, number>, byId: ReadonlyMap<number, TraceFacts>): void {
  if (!d.src || !d.dst || d.src.format === d.dst.format) return;
  const group = (p: TraceFacts) => [...alternates].filter(([, v]) => v === p.traceId).map(([k]) => byId.get(k)).filter((t): t is TraceFacts => t !== undefined);
  const dstTwin = group(d.dst).find((t) => t.format === (d.src as TraceFacts).format);
  if (dstTwin) {
    adopt(alternates, dstTwin.traceId, d.dst.traceId);
    d.dst = dstTwin;
    return;
  }
  const srcTwin = group(d.src).find((t) => t.format === (d.dst as TraceFacts).format);
  if (srcTwin) {
    adopt(alternates, srcTwin.traceId, d.src.traceId);
    d.src = srcTwin;
  }
}

/** Plan the runs of a workspace's traces, keeping the ids (and user labels) of `existing` runs. */
export function planRuns(traces: readonly TraceFacts[], existing: readonly ExistingRun[], lastRunId: number): RunPlan {
  const folders = new Map<string, TraceFacts[]>();
  for (const t of [...traces].sort((a, b) => a.traceId - b.traceId)) {
    const k = layoutKey(t);
    folders.set(k, [...(folders.get(k) ?? []), t]);
  }
  const alternates = new Map<number, number>();
  let drafts: Draft[] = [];
  for (const list of folders.values()) drafts.push(...planFolder(list, alternates));
  drafts = mergeDuplicateRuns(drafts, alternates);
  drafts = pairGivenTogether(drafts);
  // One-sided runs of different folders: the two halves of one migration given as separate files.
  const lonelyS = drafts.filter((d) => d.src && !d.dst).map((d) => d.src as TraceFacts);
  const lonelyD = drafts.filter((d) => d.dst && !d.src).map((d) => d.dst as TraceFacts);
  const joined = pairByContent(lonelyS, lonelyD, CROSS_FOLDER_NS);
  if (joined.length) {
    const gone = new Set(joined.flatMap(([s, d]) => [s.traceId, d.traceId]));
    const keep = drafts.filter((d) => !gone.has((d.src ?? d.dst)?.traceId ?? -1));
    const merged = joined.map(([s, d]): Draft => {
      const ds = drafts.find((x) => x.src === s) as Draft;
      const dd = drafts.find((x) => x.dst === d) as Draft;
      const stem = sideFreeStem(s);
      return {
        src: s, dst: d, others: [...ds.others, ...dd.others], pairedBy: 'content',
        labelParts: stem && stem === sideFreeStem(d) ? [stem, ...folderNames(s)] : ds.labelParts, labelSource: 'content',
      };
    });
    drafts = [...keep, ...merged];
  }
  const byId = new Map(traces.map((t) => [t.traceId, t]));
  for (const d of drafts) sameFormatSides(d, alternates, byId);
  const membersOf = (d: Draft): number[] => {
    const prim = [d.src, d.dst, ...d.others].filter((t): t is TraceFacts => t !== null).map((t) => t.traceId);
    const alts = [...alternates].filter(([, p]) => prim.includes(p)).map(([a]) => a);
    return [...prim, ...alts].sort((a, b) => a - b);
  };
  // Oldest migration first, so that new ids follow the order migrations happened in.
  drafts.sort((a, b) => {
    const ta = startTs((a.src ?? a.dst ?? a.others[0]) as TraceFacts);
    const tb = startTs((b.src ?? b.dst ?? b.others[0]) as TraceFacts);
    const ia = Math.min(...membersOf(a));
    const ib = Math.min(...membersOf(b));
    return ia - ib || (ta !== null && tb !== null ? (ta < tb ? -1 : ta > tb ? 1 : 0) : 0);
  });
  const fresh = labels(drafts);
  const existingById = new Map(existing.map((r) => [r.runId, r]));
  const taken = new Set<number>();
  let last = Math.max(lastRunId, ...existing.map((r) => r.runId), 0);
  const runs: PlannedRun[] = [];
  const traceOut = new Map<number, { runId: number; alternateOf: number | null }>();
  // A run keeps the label it had (reports and notes name it) unless another run now has it.
  const ids: number[] = [];
  const defaults = [...fresh];
  drafts.forEach((d) => {
    const members = membersOf(d);
    // The id most of its traces had; ties to the smaller id.
    const votes = new Map<number, number>();
    for (const id of members) {
      const r = byId.get(id)?.runId;
      if (r !== null && r !== undefined && existingById.has(r) && !taken.has(r)) votes.set(r, (votes.get(r) ?? 0) + 1);
    }
    const best = [...votes].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
    const runId = best ?? ++last;
    taken.add(runId);
    ids.push(runId);
  });
  drafts.forEach((_, i) => {
    const prior = existingById.get(ids[i]);
    if (!prior || prior.labelSource === 'user' || !prior.label) return;
    const clash = fresh.some((l, j) => j !== i && l === prior.label) || drafts.some((__, j) => j !== i && existingById.get(ids[j])?.label === prior.label);
    if (!clash) defaults[i] = prior.label;
  });
  drafts.forEach((d, i) => {
    const members = membersOf(d);
    const runId = ids[i];
    const prior = existingById.get(runId);
    const userLabel = prior && prior.labelSource === 'user';
    const head = d.src ?? d.dst;
    runs.push({
      runId,
      // Nothing to name it by (a file uploaded alone): its id.
      label: userLabel ? prior.label : defaults[i] || `run ${runId}`,
      labelSource: userLabel ? 'user' : prior && prior.label === defaults[i] ? prior.labelSource : d.labelSource,
      srcTraceId: d.src?.traceId ?? null,
      dstTraceId: d.dst?.traceId ?? null,
      qemuVersion: d.src?.catalogueVersion ?? d.dst?.catalogueVersion ?? d.others[0]?.catalogueVersion ?? null,
      startTsNs: head ? startTs(head) : d.others[0] ? startTs(d.others[0]) : null,
      pairedBy: d.pairedBy,
      traceIds: members,
    });
    for (const id of members) traceOut.set(id, { runId, alternateOf: alternates.get(id) ?? null });
  });
  return { runs: runs.sort((a, b) => a.runId - b.runId), traces: traceOut, lastRunId: last };
}
