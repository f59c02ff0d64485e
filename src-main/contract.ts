// The engine API: the only file the renderer may import (type-only). Every host (CLI, `qtw
// serve`, Electron) calls the one implementation in service/. Values that can exceed 2^53
// (nanosecond timestamps, u64 arguments) cross process boundaries as decimal strings.

export type SideName = 'src' | 'dst';

export interface TraceInfo {
  readonly traceId: number;
  readonly path: string;
  readonly member: string | null;
  readonly format: string;
  readonly prefixStyle: string | null;
  readonly side: SideName | null;
  readonly clock: string;
  readonly catalogueId: string;
  /** Records whose event the catalogue lacks or types differently (version skew). */
  readonly catalogueMisfits: number;
  /** Lines joined to the record before them as part of a multi-line message (text traces). */
  readonly continuationLines: number;
  /** QEMU version of the catalogue (X.Y.Z), when it is a release's or has the bytes of one. */
  readonly catalogueVersion: string | null;
  /** Records typed / records naming an event, in the head the catalogue was chosen on; null when none. */
  readonly catalogueFit: number | null;
  /** What was removed from the lines of a pasted trace (quote markers, indentation…); null when nothing. */
  readonly pasteNormalized: string | null;
  /** The year given to the first record when its stamps carry none (syslog) and no header told it; null otherwise. */
  readonly yearAssumed: number | null;
  readonly bytes: string;
  readonly sha256: string;
  readonly firstTsNs: string | null;
  readonly lastTsNs: string | null;
  readonly records: number;
  readonly events: number;
  readonly unparsed: number;
  readonly dropped: number;
  readonly error: string | null;
  /** The run (one migration) this trace belongs to; null until runs are assigned. */
  readonly runId: number | null;
  /** The file name the user gave (an upload is stored under another); null when it is `path`'s own. */
  readonly originalName: string | null;
  /** The trace this one duplicates (the same QEMU traced by a second backend); analyses use that one. */
  readonly alternateOf: number | null;
}

/**
 * One migration (analyses/runs/): its source and destination traces (the ones analyses use; each
 * may have alternates: the same QEMU traced by another backend), a label (defaults from the
 * folder or file stems; the user may edit it) and how the sides were put together.
 */
export interface RunInfo {
  readonly runId: number;
  readonly label: string;
  /** `layout` (folder), `stem` (file names), `content` (migration times), `user` (edited). */
  readonly labelSource: string;
  readonly srcTraceId: number | null;
  readonly dstTraceId: number | null;
  /** QEMU version of the catalogue that typed the run's traces, when it is a release's. */
  readonly qemuVersion: string | null;
  /** Where the migration starts (first state change of the source, else of the destination); decimal ns on that trace's clock. */
  readonly startTsNs: string | null;
  /** Clock kind of the run's primary traces (`epoch`, `monotonic`, ...). */
  readonly clock: string | null;
  /**
   * How source and destination were paired: `layout` (their folder holds one migration), `stem`
   * (file names equal but for src/dst), `content` (nearest migration start), `given` (ingested
   * together by one command or upload, from different folders), `single` (one side).
   */
  readonly pairedBy: string;
  /** Every trace of the run, alternates included, in id order. */
  readonly traceIds: readonly number[];
  /** Traces that duplicate a primary one, with the trace they duplicate. */
  readonly alternates: readonly { readonly traceId: number; readonly alternateOf: number }[];
}

/** A run and one of its migration attempts (null: the run's last attempt). */
export interface RunRef {
  readonly runId: number;
  readonly attempt: number | null;
}

export interface OpenInputsOptions {
  /** Catalogue files or QEMU source trees; empty = installed QEMU's + the embedded default. */
  readonly catalogues?: readonly string[];
  readonly src?: readonly string[];
  readonly dst?: readonly string[];
}

export interface IngestProgressEvent {
  readonly path: string;
  readonly member: string | null;
  readonly bytesRead: number;
  readonly bytesTotal: number;
  readonly records: number;
  readonly recordsPerSec: number;
  readonly etaSec: number | null;
}

export interface IngestSummary {
  readonly traces: readonly TraceInfo[];
  readonly skipped: readonly { path: string; member: string | null; reason: string }[];
  readonly errors: readonly string[];
  readonly cancelled: boolean;
}

export interface QueryColumn {
  readonly name: string;
  readonly type: string;
}

/** A cell as it crosses a process boundary: 64-bit integers outside ±2^53 become strings. */
export type WireCell = null | boolean | number | string | WireCell[] | { [k: string]: WireCell };

export interface QueryResultInfo {
  readonly handle: number;
  readonly columns: readonly QueryColumn[];
  readonly rowCount: number;
  readonly elapsedMs: number;
}

// ---------------------------------------------------------------------------------------------
// Engine API as seen by a renderer. Every method is one RPC request/response; long work (ingest)
// reports through events. Hosts validate every incoming message (service/rpc-validate.ts).

/**
 * What kind of failure an engine call met, decided once in the engine (service/failure.ts) so
 * that no client reads it out of the message:
 * - `cancelled`: the query was interrupted (cancelQuery, or its client went away);
 * - `invalid-input`: the request is malformed or asks what cannot be done as given (a bad
 *   parameter, a path the session may not read or write, an export over an existing file);
 * - `read-only`: refused because nothing may be changed here: a read-only workspace, user SQL
 *   that writes (it runs in READ ONLY transactions), statements and functions a locked-down
 *   session may not use;
 * - `not-found`: an unknown method, result handle, trace, catalogue or event table;
 * - `sql`: DuckDB refused or failed the user's SQL (parser, binder, catalog, conversion...);
 * - `internal`: anything else (an engine or disk problem), still one line and never a stack.
 */
export type FailureCode = 'cancelled' | 'invalid-input' | 'read-only' | 'not-found' | 'sql' | 'internal';

/** A failed engine call. `position` is DuckDB's 0-based character offset into the SQL, when known. */
export interface QueryFailure {
  readonly code: FailureCode;
  readonly message: string;
  readonly position: number | null;
}

export interface RowsPage {
  readonly handle: number;
  readonly offset: number;
  readonly rows: readonly (readonly WireCell[])[];
}

export interface SortSpec {
  readonly column: string;
  readonly desc: boolean;
}

export type ChartKind = 'line' | 'scatter' | 'bar' | 'histogram';

export interface ChartSpec {
  readonly kind: ChartKind;
  /** Column for x (line/scatter/bar category); the value column for a histogram. */
  readonly x: string;
  /** Numeric columns for y (line/scatter/bar). Empty for a histogram. */
  readonly y: readonly string[];
  /** Optional column whose distinct values split y into series (line/scatter). */
  readonly series: string | null;
  /** Upper bound on points per series returned (LTTB for line, stride sampling for scatter). */
  readonly maxPoints: number;
  /** Histogram bins. */
  readonly bins?: number;
  /**
   * Line and scatter: only the rows whose x lies in [lo, hi], in the chart's x units (float ms
   * for time columns). A zoomed chart asks for its window at full detail this way.
   */
  readonly xRange?: readonly [number, number];
}

/** Chart data ready for ECharts. Numbers only; x of time columns is ns since epoch as float ms. */
export interface ChartSeries {
  readonly name: string;
  /** Parallel arrays; for bar charts x holds category labels. */
  readonly x: readonly (number | string)[];
  readonly y: readonly number[];
}

export interface ChartData {
  readonly kind: ChartKind;
  readonly xType: 'time' | 'value' | 'category';
  readonly xName: string;
  readonly yName: string;
  readonly series: readonly ChartSeries[];
  /** Rows in the result and points returned (after downsampling). */
  readonly sourceRows: number;
  readonly points: number;
  readonly sampled: boolean;
}

/** What the engine suggests for a result's shape (time → line, category+number → bar, ...). */
export interface ChartSuggestion {
  readonly spec: ChartSpec | null;
  readonly reason: string;
}

export interface SchemaColumn {
  readonly name: string;
  readonly type: string;
  /** C type and argument name from the catalogue, for event argument columns. */
  readonly ctype: string | null;
}

export interface SchemaTable {
  readonly name: string;
  readonly kind: 'event' | 'table' | 'view' | 'analysis';
  readonly columns: readonly SchemaColumn[];
  readonly rows: number | null;
  /** Catalogue entry for event tables. */
  readonly doc: EventDoc | null;
}

export interface EventDoc {
  readonly name: string;
  readonly signature: string;
  readonly format: string;
  readonly sourceFile: string | null;
  readonly catalogueId: string;
  readonly catalogueName: string;
  readonly properties: readonly string[];
}

export interface SchemaInfo {
  readonly tables: readonly SchemaTable[];
  /** DuckDB function names (scalar, aggregate, table, macro) for completion. */
  readonly functions: readonly string[];
  /** SQL keywords for completion and quoting decisions. */
  readonly keywords: readonly string[];
}

/** One catalogue event with per-trace occurrence counts (0 when it never occurred). */
export interface CatalogueEventEntry {
  readonly name: string;
  readonly subsystem: string;
  readonly sourceFile: string | null;
  readonly signature: string;
  readonly format: string;
  /** trace_id (as string) → rows. */
  readonly counts: Readonly<Record<string, number>>;
  readonly total: number;
  readonly hasTable: boolean;
}

export interface CatalogueTree {
  readonly catalogueId: string;
  readonly catalogueName: string;
  readonly events: readonly CatalogueEventEntry[];
}

export interface TimelineRequest {
  /**
   * Which traces: `traceIds` given = exactly those (refused when their clock kinds differ: one
   * axis never holds two clocks); else the primary traces of run `runId`; both null = the
   * newest run. Alternates are shown only when picked by id.
   */
  readonly runId: number | null;
  readonly traceIds: readonly number[] | null;
  /** Window on the shown traces' axis (ts_aligned_ns) as decimal strings; null = their whole span. */
  readonly fromNs: string | null;
  readonly toNs: string | null;
  /** SQL LIKE-style glob on event names (`*` and `?`), null = all. */
  readonly namePattern: string | null;
  /** Most events returned; beyond that, events are bucketed per lane. */
  readonly maxEvents: number;
}

export interface TimelineLane {
  readonly laneId: number;
  readonly traceId: number;
  readonly side: SideName | null;
  readonly tid: number | null;
  readonly pid: number | null;
  /** Thread name where known (e.g. from multifd/migration thread events), else null. */
  readonly threadName: string | null;
  readonly events: number;
}

export interface TimelineEvent {
  readonly laneId: number;
  /** ns relative to `originNs` (safe as a JS number for spans up to ~104 days). */
  readonly t: number;
  readonly name: string;
  readonly traceId: number;
  readonly seq: number;
}

export interface TimelineData {
  readonly originNs: string;
  readonly fromNs: string;
  readonly toNs: string;
  readonly lanes: readonly TimelineLane[];
  readonly events: readonly TimelineEvent[];
  /** True when the window held more than maxEvents and events were thinned. */
  readonly truncated: boolean;
  readonly totalInWindow: number;
  /** The run shown (null: the traces are in no run, or in several). */
  readonly runId: number | null;
  /** The traces shown, in id order; lanes and events are theirs only. */
  readonly traceIds: readonly number[];
  /** Their clock kind (`epoch`, `monotonic`, ...); null when no trace is shown. */
  readonly clock: string | null;
  /**
   * Where the migration starts on this axis (the first state change of a shown source, else of a
   * shown destination; decimal ns): the axis's zero. Null when no state change was traced.
   */
  readonly startNs: string | null;
  /** What of the run or workspace was left out and why (another clock kind); null when nothing. */
  readonly note: string | null;
}

export interface RowDetail {
  readonly columns: readonly QueryColumn[];
  readonly row: readonly WireCell[] | null;
}

export interface JobStarted {
  readonly jobId: number;
}

export interface WorkspaceInfo {
  readonly path: string;
  readonly readOnly: boolean;
  /** Host kind, for small UI differences (file dialogs exist only under Electron); `cli` serves no UI. */
  readonly host: 'electron' | 'server' | 'cli';
  readonly version: string;
}

export type ExportFormat = 'csv' | 'parquet' | 'json';

/**
 * A trace's clock offset relative to its source trace: ts_aligned_ns = ts_ns + offsetNs.
 * Estimated from migration protocol landmarks: src → dst messages prove offset ≥ lowerNs,
 * dst → src messages prove offset ≤ upperNs. `method`: 'bounds' (both; offset is the midpoint,
 * uncertainty the half-width), 'lower-bound' / 'upper-bound' (one direction only: offset is
 * the bound, uncertainty the spread of the tightest landmarks, not a guarantee),
 * 'inconsistent' (bounds cross), 'none' (no landmarks: offset null, treated as 0).
 */
export interface ClockAlignmentEntry {
  readonly srcTraceId: number | null;
  readonly dstTraceId: number;
  /** Effective offset (the override if set, else the estimate); decimal ns. */
  readonly offsetNs: string | null;
  /** Of the estimate; null when overridden or not estimated. */
  readonly uncertaintyNs: string | null;
  readonly estimateNs: string | null;
  readonly lowerNs: string | null;
  readonly upperNs: string | null;
  readonly pairs: number;
  readonly method: string;
  readonly overridden: boolean;
}

/** One analysis of the library (src-main/analyses/sql): `sql` creates its view(s) in this workspace. */
export interface AnalysisEntry {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly sql: string;
  /** Every row of the view: what a report's analysis item shows and the library's "Rows" opens. */
  readonly rowsSql: string;
}

/**
 * One query of the Migration or Compare page as the engine ran it (analyses/page-queries.ts):
 * its SQL (for "Open query") and first rows, or why it could not be built for this workspace
 * (`missing`: a view or traced event absent), or why it failed (`error`, one line).
 */
export interface PageQueryData {
  readonly sql: string | null;
  readonly missing: string | null;
  readonly error: string | null;
  readonly columns: readonly string[];
  /** Rows as column name → cell, at most 20,000 (2,000 for Compare tables). */
  readonly rows: readonly Readonly<Record<string, WireCell>>[];
}

export type MigrationChartId = 'states' | 'dirty' | 'throughput' | 'multifd' | 'postcopy' | 'downtime';

/** One migration attempt of a run: of its source trace (of its destination when it has no source). */
export interface RunAttempt {
  readonly attempt: number;
  readonly finalState: string | null;
  /** Decimal ns on that trace's own clock. */
  readonly startTsNs: string | null;
  readonly postcopy: boolean;
}

/** A run as the Migration and Compare pages offer it: the run, its attempts, how its last one ended. */
export interface RunChoice {
  readonly run: RunInfo;
  readonly attempts: readonly RunAttempt[];
  /** final_state of the run's last attempt; null when no state change was traced. */
  readonly finalState: string | null;
}

/**
 * The part of one trace a page shows for the chosen attempt: rows from `fromNs` (inclusive) to
 * `toNs` (exclusive), on the trace's own clock; null ends are open.
 */
export interface AttemptWindow {
  readonly side: 'src' | 'dst';
  readonly traceId: number;
  /** The trace's attempt (migration_attempts numbering); null: the trace has no state changes. */
  readonly attempt: number | null;
  readonly fromNs: string | null;
  readonly toNs: string | null;
  readonly finalState: string | null;
  /**
   * How this trace's attempt was chosen: `picked` (the attempt asked for), `only` (the trace's
   * only attempt), `overlap` (the destination attempt that overlaps the source attempt most on
   * the aligned clock: a heuristic), `ordinal` (no attempt overlaps; the one of the same number,
   * both traces having as many: a heuristic), `whole-trace` (no state changes traced: every row).
   */
  readonly matchedBy: 'picked' | 'only' | 'overlap' | 'ordinal' | 'whole-trace';
}

/** A run and attempt as a page resolved them. */
export interface RunSelection {
  readonly run: RunInfo;
  /** The attempt of the run (RunAttempt numbering); null when the run has no attempts. */
  readonly attempt: number | null;
  readonly windows: readonly AttemptWindow[];
}

/**
 * The Migration page for one run and attempt: migration_overview rows (one card each) and each
 * chart's rows, all filtered to the run's primary traces and the attempt's windows.
 */
export interface MigrationPageData {
  /** Every run of the workspace, oldest first (the run selector). */
  readonly runs: readonly RunChoice[];
  /** The run and attempt shown; null when the workspace has no runs (see `noRuns`). */
  readonly selection: RunSelection | null;
  /** The chosen run's attempts (the attempt selector). */
  readonly attempts: readonly RunAttempt[];
  /** Why nothing is shown (no traces, traces not assigned to runs); null when a run is shown. */
  readonly noRuns: string | null;
  readonly overview: PageQueryData;
  readonly charts: { readonly [K in MigrationChartId]: PageQueryData };
}

/** One side (source with source, destination with destination) of two compared runs. */
export interface CompareSide {
  /** Overview metrics and time per state: A, B, B − A, B / A. */
  readonly phases: PageQueryData;
  /** Per-event counts and rates inside each attempt's window. */
  readonly events: PageQueryData;
}

/** Compare: the runs to pick from; with both picked, each side of A against the same side of B. */
export interface CompareData {
  readonly runs: readonly RunChoice[];
  readonly noRuns: string | null;
  readonly a: RunSelection | null;
  readonly b: RunSelection | null;
  readonly src: CompareSide | null;
  readonly dst: CompareSide | null;
}

/**
 * A catalogue a trace can be re-typed with (listCatalogues): a built-in release, the installed
 * QEMU's, or one stored in this workspace (given at an ingest or uploaded for a re-type).
 */
export interface CatalogueChoice {
  /** Pass back as retypeTrace's `catalogue`: `release:DIR`, `installed` or `stored:CATALOGUE_ID`. */
  readonly ref: string;
  readonly kind: 'release' | 'installed' | 'stored';
  /** Shown name: `qemu-10.2.50`, `qemu-7.2.22-debian`, `installed QEMU`, a stored file's name. */
  readonly label: string;
  /** QEMU version (X.Y.Z) when known: a release's, or that of a release with the same bytes. */
  readonly version: string | null;
  /** The catalogue_id traces of this workspace name it by, when it is stored here. */
  readonly catalogueId: string | null;
  /** Where it comes from (`builtin:DIR`, `installed:FILE`, a file or QEMU tree path, `embedded`). */
  readonly source: string;
  /** Traces of this workspace typed with it now. */
  readonly traces: number;
  /** Why it cannot be used again (its file is gone); null when it can. */
  readonly unavailable: string | null;
}

/** Request params and results of every engine method. */
export interface EngineMethods {
  workspaceInfo: { params: Record<string, never>; result: WorkspaceInfo };
  listTraces: { params: Record<string, never>; result: TraceInfo[] };
  schema: { params: Record<string, never>; result: SchemaInfo };
  catalogueTree: { params: Record<string, never>; result: CatalogueTree[] };
  /** Runs all statements; the last one's result becomes a handle. Fails with QueryFailure. */
  runQuery: { params: { sql: string }; result: QueryResultInfo };
  /** Interrupts the running query, if any. */
  cancelQuery: { params: Record<string, never>; result: { cancelled: boolean } };
  fetchRows: { params: { handle: number; offset: number; count: number; sort: SortSpec | null }; result: RowsPage };
  releaseResult: { params: { handle: number }; result: Record<string, never> };
  suggestChart: { params: { handle: number }; result: ChartSuggestion };
  chartData: { params: { handle: number; spec: ChartSpec }; result: ChartData };
  timeline: { params: TimelineRequest; result: TimelineData };
  eventRow: { params: { name: string; traceId: number; seq: number }; result: RowDetail };
  /** Starts an ingest job; progress and the end arrive as events. */
  openInputs: { params: { paths: string[]; options: OpenInputsOptions }; result: JobStarted };
  cancelJob: { params: { jobId: number }; result: { cancelled: boolean } };
  /** The catalogues a trace can be re-typed with: built-in releases newest first, the installed, the stored. */
  listCatalogues: { params: Record<string, never>; result: CatalogueChoice[] };
  /**
   * Re-type a trace with another catalogue, as a job like openInputs (same events; ingestDone's
   * summary holds the one trace, keeping its id). `catalogue`: a CatalogueChoice ref, or a path
   * to a trace-events file or QEMU tree (a browser session: an uploaded file). Refused read-only.
   */
  retypeTrace: { params: { traceId: number; catalogue: string }; result: JobStarted };
  /**
   * path: absolute; a browser session (`qtw serve`) may also give a plain file name. There it
   * writes only new files in the export folder (service/export-policy.ts); result.path says where.
   */
  exportResult: { params: { handle: number; format: ExportFormat; path: string }; result: { path: string; rows: number } };
  /** The workspace's report (empty when none was saved yet). */
  getReport: { params: Record<string, never>; result: ReportModel };
  saveReport: { params: { report: ReportModel }; result: Record<string, never> };
  /** path null = the engine's export folder (downloadable under `qtw serve`). */
  exportReport: { params: { format: ReportFormat; redact: boolean; path: string | null }; result: ReportExportResult };
  /** Per destination trace (and any overridden trace): its clock offset to the source. */
  clockAlignment: { params: Record<string, never>; result: ClockAlignmentEntry[] };
  /** Pin a trace's offset (decimal ns); null returns it to the estimate. Emits tracesChanged. */
  setClockOffset: { params: { traceId: number; offsetNs: string | null }; result: ClockAlignmentEntry[] };
  /** The analysis library: each view's name, title, description and its SQL for this workspace. */
  listAnalyses: { params: Record<string, never>; result: AnalysisEntry[] };
  /**
   * Every query of the Migration page for one run and attempt, on the metadata connection.
   * runId null: the run that started last; attempt null: the run's last attempt.
   */
  migrationPage: { params: { runId: number | null; attempt: number | null }; result: MigrationPageData };
  /** The runs to compare, and with a and b given, source vs source and destination vs destination. */
  compareRuns: { params: { a: RunRef | null; b: RunRef | null }; result: CompareData };
  /**
   * Delete traces and all their rows (user SQL cannot: it runs read-only). Ids are never given
   * again. Refused while an ingest runs. Emits tracesChanged.
   */
  removeTraces: { params: { traceIds: number[] }; result: { removed: number[] } };
  /** The workspace's runs, oldest migration first. */
  listRuns: { params: Record<string, never>; result: RunInfo[] };
  /** Rename a run (trimmed, 1..200 characters); refused read-only. Emits tracesChanged. */
  setRunLabel: { params: { runId: number; label: string }; result: RunInfo[] };
  /**
   * Make an alternate trace the one analyses use for its side of its run (the former primary
   * becomes its alternate). Refused read-only. Emits tracesChanged.
   */
  setPrimaryTrace: { params: { traceId: number }; result: RunInfo[] };
  /** The Fleet: one row per run (analyses/fleet.ts), the same rows `qtw fleet` prints. */
  fleet: { params: Record<string, never>; result: FleetData };
  /**
   * One run's timeline tracks (analyses/tracks/), on the query connection: a user's TEMP
   * `track_*` views made in the SQL editor are drawn too. An unknown run fails with not-found.
   */
  runTracks: { params: TracksRequest; result: TrackSetData };
  /**
   * The Tracks view's area selection (analyses/tracks/area.ts): one run's records, threads or
   * tracks within a window, as the SQL that counts them and its rows (the SQL runs as is in the
   * editor). On the query connection like runTracks. An unknown run fails with not-found.
   */
  areaSummary: { params: AreaRequest; result: AreaSummaryData };
}

/**
 * The Fleet (analyses/fleet.ts): one row per run, oldest migration first, keyed by the query's
 * column names (run_id, label, qemu_version, final_state, numbers_from, total_ms, setup_ms,
 * downtime_ms, throughput_mbps, dirty_syncs, normal_pages, ..., note). `numbers_from` says
 * which trace the measures are from ('src': the source's last attempt; 'dst': the run has no
 * source numbers); `note` says why measures are NULL when that is not obvious.
 */
export interface FleetData {
  readonly sql: string;
  /** Why there is no fleet for this workspace (an analysis view absent), else null. */
  readonly missing: string | null;
  readonly error: string | null;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly Readonly<Record<string, WireCell>>[];
  /** How throughput_mbps is computed (shown beside the grid). */
  readonly throughputRule: string;
}

export type EngineMethod = keyof EngineMethods;
export type ParamsOf<M extends EngineMethod> = EngineMethods[M]['params'];
export type ResultOf<M extends EngineMethod> = EngineMethods[M]['result'];

/** Events pushed by the engine to every connected renderer. */
export type EngineEvent =
  | { readonly type: 'ingestProgress'; readonly jobId: number; readonly progress: IngestProgressEvent }
  | { readonly type: 'ingestMessage'; readonly jobId: number; readonly line: string }
  | { readonly type: 'ingestDone'; readonly jobId: number; readonly summary: IngestSummary }
  | { readonly type: 'ingestFailed'; readonly jobId: number; readonly error: string; readonly code: FailureCode }
  | { readonly type: 'tracesChanged' };

/** Wire messages, renderer → engine. */
export type ClientMessage = {
  [M in EngineMethod]: { readonly kind: 'request'; readonly id: number; readonly method: M; readonly params: ParamsOf<M> };
}[EngineMethod];

/** Wire messages, engine → renderer. */
export type ServerMessage =
  | { readonly kind: 'response'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly kind: 'response'; readonly id: number; readonly ok: false; readonly error: QueryFailure }
  | { readonly kind: 'event'; readonly event: EngineEvent };

/** The API object a renderer programs against, whatever the transport. */
export interface EngineClient {
  call<M extends EngineMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  onEvent(listener: (e: EngineEvent) => void): () => void;
}

/**
 * What a host adds beyond the engine API, exposed to the renderer as `window.qtwHost`.
 * Electron's preload provides it through contextBridge (native dialogs, paths of dropped files);
 * in a browser served by `qtw serve` it is absent and the renderer uploads dropped/picked files
 * with `POST /upload?token=T&name=FILENAME` (body = file bytes; reply JSON `{ "path": string }`),
 * then calls openInputs with the returned path.
 */
export interface HostBridge {
  readonly kind: 'electron';
  /** catalogue: one trace-events file (any name) or QEMU tree to type a trace with. */
  pickFiles(options: { directories: boolean; catalogue?: boolean }): Promise<string[]>;
  /** Absolute path of a File from a drop or <input type=file>. */
  pathForFile(file: File): string;
  pickSavePath(defaultName: string): Promise<string | null>;
  /** Saves text pasted into the page as a file named `name` in the app's data; its path. */
  savePastedText(name: string, text: string): Promise<string>;
}

/**
 * Transport bootstrap: under Electron the preload transfers a MessagePort to the page with
 * `window.postMessage({ type: 'qtw-engine-port' }, '*', [port])`; the port carries ClientMessage /
 * ServerMessage objects (structured clone). Under `qtw serve` the page opens
 * `ws(s)://<host>/rpc?token=<token from the page URL>` and exchanges them as JSON text.
 */
export interface EnginePortMessage {
  readonly type: 'qtw-engine-port';
}

// ---------------------------------------------------------------------------------------------
// Reports (issue 5): a list of items saved in the workspace, exported for bug trackers.

export type ReportItem =
  | { readonly kind: 'note'; readonly id: string; readonly markdown: string }
  | {
      readonly kind: 'query';
      readonly id: string;
      readonly title: string;
      readonly sql: string;
      /** What to show: the table (top rows), the chart as shown, or both. */
      readonly show: 'table' | 'chart' | 'both';
      readonly chart: ChartSpec | null;
      /** Rows of the table kept in the report (the data exports keep every row). */
      readonly maxRows: number;
    }
  | { readonly kind: 'analysis'; readonly id: string; readonly name: string; readonly title: string };

export interface ReportModel {
  readonly title: string;
  readonly items: readonly ReportItem[];
}

export type ReportFormat = 'markdown' | 'html' | 'text' | 'zip';

export interface ReportExportResult {
  /** Absolute path of the written file (a .md/.html/.txt, or the .zip). */
  readonly path: string;
  /** File name, for `GET /download?name=` under `qtw serve`. */
  readonly name: string;
}

// ---------------------------------------------------------------------------------------------
// Tracks (issue 16): one run's analyses as timeline tracks (analyses/tracks/), the model the
// timeline and the CLI report share. Times are decimal ns on the run's source clock
// (ts_ns + traces.clock_offset_ns: a destination is put on its source's clock).

export type TrackKind = 'slice' | 'counter' | 'flow';

export interface TracksRequest {
  readonly runId: number;
  /** Window on the aligned clock (decimal ns, inclusive); null = unbounded. */
  readonly fromNs: string | null;
  readonly toNs: string | null;
  /** Most items per track; beyond it a track is thinned and summarised in buckets. */
  readonly maxItemsPerTrack: number;
  /** Buckets of a thinned track's summary over the window (the timeline asks one per pixel column); default 200. */
  readonly bucketsPerTrack?: number;
}

/** Where a track is drawn: a side, and a thread in it, or a multifd channel where threads are not traced. */
export interface TrackLaneRef {
  readonly side: SideName | null;
  readonly traceId: number | null;
  readonly tid: number | null;
  readonly channel: number | null;
}

export type TrackArgValue = string | number | boolean | null;

export interface TrackSliceItem {
  readonly tsNs: string;
  /** null: no end traced (drawn to the end of the track); "0": an instant. */
  readonly durNs: string | null;
  readonly name: string;
  readonly depth: number;
  readonly args: Readonly<Record<string, TrackArgValue>>;
}

/** A step line point: the value holds until the next point. */
export interface TrackCounterPoint {
  readonly tsNs: string;
  readonly value: number;
}

export interface TrackFlowItem {
  readonly fromTrackId: string;
  readonly fromTsNs: string;
  readonly toTrackId: string;
  readonly toTsNs: string;
  readonly name: string;
  readonly args: Readonly<Record<string, TrackArgValue>>;
}

/** Summary of a thinned track per time bucket: count, and min/max of value (counter), duration or latency (ns). */
export interface TrackBucketSummary {
  readonly fromNs: string;
  readonly toNs: string;
  readonly count: number;
  readonly min: number | null;
  readonly max: number | null;
}

interface TrackDataCommon {
  readonly id: string;
  readonly title: string;
  readonly group: string;
  readonly lane: TrackLaneRef;
  readonly total: number;
  readonly truncated: boolean;
  readonly buckets: readonly TrackBucketSummary[] | null;
  /** How the items were made when it is a heuristic or leaves something out; null otherwise. */
  readonly note: string | null;
}

export type TrackData =
  | (TrackDataCommon & { readonly kind: 'slice'; readonly items: readonly TrackSliceItem[] })
  | (TrackDataCommon & { readonly kind: 'counter'; readonly unit: string; readonly items: readonly TrackCounterPoint[] })
  | (TrackDataCommon & { readonly kind: 'flow'; readonly items: readonly TrackFlowItem[] });

export interface TrackSetData {
  readonly runId: number;
  readonly srcTraceId: number | null;
  readonly dstTraceId: number | null;
  readonly clock: string | null;
  readonly fromNs: string | null;
  readonly toNs: string | null;
  readonly maxItemsPerTrack: number;
  readonly tracks: readonly TrackData[];
  readonly notes: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Area selection in the Tracks view (issue 16): a window across lanes, summarised by event,
// thread or track (analyses/tracks/area.ts). Times are decimal ns on the run's source clock.

export type AreaGrouping = 'event' | 'thread' | 'track';

/** A selected lane: the track drawn there and where it lives (TrackData's id and lane). */
export interface AreaLaneRef {
  readonly trackId: string;
  readonly side: SideName | null;
  readonly tid: number | null;
  readonly channel: number | null;
}

export interface AreaRequest {
  readonly runId: number;
  /** The window on the aligned clock, inclusive (decimal ns); fromNs ≤ toNs. */
  readonly fromNs: string;
  readonly toNs: string;
  readonly groupBy: AreaGrouping;
  /** The lanes the selection covers; null: every lane. */
  readonly lanes: readonly AreaLaneRef[] | null;
}

export interface AreaSummaryData {
  readonly runId: number;
  readonly fromNs: string;
  readonly toNs: string;
  readonly groupBy: AreaGrouping;
  /** The query that made `rows`, with literal trace ids and bounds: it runs as is in the editor. */
  readonly sql: string;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly Readonly<Record<string, WireCell>>[];
  /** What the summary leaves out or approximates (a channel lane taken as its whole side, …). */
  readonly notes: readonly string[];
}
