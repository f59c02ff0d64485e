// EngineService: the one implementation of the engine API (contract.ts EngineMethods) that every
// host serves. Three DuckDB connections keep the kinds of work apart:
//   - the workspace's own connection: ingest (one long transaction per trace);
//   - the query connection: user SQL, its result temp tables, paging, charts, export
//     (cancelQuery interrupts only this one);
//   - the metadata connection: schema, catalogue tree, timeline, event rows, trace list —
//     answered while a slow user query or an ingest is under way.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import type {
  ChartData,
  ChartSpec,
  EngineEvent,
  EngineMethod,
  ExportFormat,
  IngestProgressEvent,
  IngestSummary,
  OpenInputsOptions,
  ClockAlignmentEntry,
  PageQueryData,
  ParamsOf,
  QueryResultInfo,
  ResultOf,
  RowsPage,
  RunSelection,
  SortSpec,
  TimelineData,
  TimelineRequest,
} from '../contract.ts';
import { QueryRunner, streamQuery, type StreamHandlers } from '../workspace/query.ts';
import { exportWorkspaceParquet, type ParquetExportSummary } from '../workspace/parquet-export.ts';
import type { CliReportSpec } from '../report/cli-spec.ts';
import { parseOffsetNs, readClockAlignment, setClockOffset, toAlignmentEntries } from '../analyses/clock-alignment.ts';
import { renderAnalyses } from '../analyses/install.ts';
import { readRuns } from '../analyses/runs/store.ts';
import {
  analysisSql, compareResults, migrationPageResults, toAttemptWindow, type CompareSideResults, type PageQueryResult, type PageScope,
} from '../analyses/page-queries.ts';
import { FLEET_THROUGHPUT_RULE, fleetExport, fleetResults } from '../analyses/fleet.ts';
import { runTracks, trackSetToWire } from '../analyses/tracks/index.ts';
import { areaSummary } from '../analyses/tracks/area.ts';
import { readCatalogueTree } from './catalogue-tree.ts';
import { catalogueForRef, isCatalogueRef, listCatalogueChoices } from './catalogues.ts';
import { chartData } from '../results/chart-data.ts';
import { suggestChart } from '../results/chart-suggest.ts';
import { readEventRow } from './event-row.ts';
import { copyExport, relayExport } from '../results/export-result.ts';
import { exportTarget, type ExportRule } from './export-policy.ts';
import { ServiceError, toQueryFailure } from './failure.ts';
import { JobQueue } from './jobs.ts';
import { readSchema } from './schema-info.ts';
import { readLanes, readTimeline } from './timeline.ts';
import { readTraces } from './traces.ts';
import { exportReport, getReport, putReport } from './report-service.ts';
import { toWireCell, toWireRow } from './wire.ts';
import { WorkspaceEngine } from './workspace-engine.ts';

export interface ServiceOptions {
  readonly host: 'electron' | 'server' | 'cli';
  readonly readOnly?: boolean;
  /**
   * Sessions served to a browser: user SQL may not read or write files, attach databases,
   * load extensions or change settings. Ingest and exportResult keep working.
   */
  readonly lockDown?: boolean;
  /**
   * Where exportResult/exportReport may write (export-policy.ts): a function asked once per path
   * (the path the user picked in a save dialog), or SERVED_EXPORTS for a browser session (new
   * files in the export folder only). Without it, a locked-down session gets SERVED_EXPORTS and
   * any other may write any absolute path. No rule lets an export replace the workspace or its WAL.
   */
  readonly allowExport?: ExportRule;
  /**
   * Whether openInputs or retypeTrace may read this path (a browser session: its own folder
   * only). Asked for every path a request names; the defaultCatalogues are the host's, and the
   * catalogues retypeTrace names by a listCatalogues ref are the engine's: neither is asked about.
   */
  readonly allowInput?: (path: string) => boolean;
  /**
   * The name the user gave a file the host stored under another (a `qtw serve` upload), by its
   * resolved path; openInputs writes it to `traces.original_name`. Absent: every path is the user's own.
   */
  readonly originalName?: (path: string) => string | null;
  /**
   * Catalogues for openInputs requests that name none (a browser upload cannot): those the host
   * was started with. Empty = the installed QEMU's and the embedded default.
   */
  readonly defaultCatalogues?: readonly string[];
  /** Results unused this long are released (a page that went away without saying so). Default 30 min. */
  readonly idleResultMs?: number;
  /** Cap on the disk DuckDB may spill to (max_temp_directory_size); default: see Workspace. */
  readonly maxTempSize?: string;
}

const DEFAULT_IDLE_RESULT_MS = 30 * 60_000;

/** What a direct ingest or re-type reports as it goes (the CLI's progress bar, its stderr, Ctrl+C). */
export interface WriteHooks {
  readonly onProgress?: (p: IngestProgressEvent) => void;
  readonly onMessage?: (line: string) => void;
  readonly signal?: AbortSignal;
}

/**
 * Who is calling, where a host has several clients (each WebSocket of `qtw serve`): a session's
 * cancelQuery stops only its own query, and a session that ended has its queued queries dropped.
 */
export interface CallContext {
  readonly session?: number;
}

type Handlers = { [M in EngineMethod]: (params: ParamsOf<M>, ctx: CallContext) => Promise<ResultOf<M>> };

function packageVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8'));
    const v = typeof pkg === 'object' && pkg !== null ? (pkg as { version?: unknown }).version : undefined;
    return typeof v === 'string' ? v : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Runs tasks one after another: a DuckDB connection runs one statement at a time, and a new
 * statement would invalidate a result still being streamed. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/**
 * runTracks' window within ±2^61 ns (±73 years around the clock's zero): its bucket arithmetic
 * (hi - lo, lo + b * w) stays inside BIGINT there. A wider edge is moved in, and the set says so.
 */
const TRACK_WINDOW_LIMIT = 2n ** 61n;

function trackWindow(fromNs: string | null, toNs: string | null): { from: bigint | null; to: bigint | null; note: string | null } {
  const clamp = (v: bigint) => (v < -TRACK_WINDOW_LIMIT ? -TRACK_WINDOW_LIMIT : v > TRACK_WINDOW_LIMIT ? TRACK_WINDOW_LIMIT : v);
  const from = fromNs === null ? null : BigInt(fromNs);
  const to = toNs === null ? null : BigInt(toNs);
  if (from !== null && to !== null && from > to) throw new ServiceError(`fromNs (${from}) is after toNs (${to})`);
  const f = from === null ? null : clamp(from);
  const t = to === null ? null : clamp(to);
  const note = f !== from || t !== to ? `the window was narrowed to ${f ?? 'the start'} .. ${t ?? 'the end'} ns (at most ±2^61 ns)` : null;
  return { from: f, to: t, note };
}

/** A page query's rows as column name → wire cell. */
function toSelection(s: PageScope | null): RunSelection | null {
  return s && { run: s.run, attempt: s.attempt, windows: s.windows.map(toAttemptWindow) };
}

function toPageData(r: PageQueryResult): PageQueryData {
  const rows = r.rows.map((row) => Object.fromEntries(r.columns.map((name, i) => [name, toWireCell(row[i] ?? null)])));
  return { sql: r.sql, missing: r.missing, error: r.error, columns: r.columns, rows };
}

export class EngineService {
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private readonly jobs: JobQueue;
  private readonly querySerial = new Serial();
  private readonly metaSerial = new Serial();
  private lanes: ReturnType<typeof readLanes> | null = null;
  private closed = false;
  private readonly handlers: Handlers;
  private readonly idleTimer: NodeJS.Timeout;
  /** The session whose query runs now (see CallContext), and sessions that have ended. */
  private activeSession: number | undefined;
  private readonly endedSessions = new Set<number>();

  private constructor(
    private readonly engine: WorkspaceEngine,
    private readonly queryConn: DuckDBConnection,
    private readonly metaConn: DuckDBConnection,
    private readonly runner: QueryRunner,
    private readonly workspacePath: string,
    private readonly options: ServiceOptions,
    private readonly version: string,
  ) {
    this.jobs = new JobQueue(
      (e) => this.emit(e),
      () => {
        this.lanes = null;
      },
    );
    this.handlers = this.makeHandlers();
    const idleMs = options.idleResultMs ?? DEFAULT_IDLE_RESULT_MS;
    this.idleTimer = setInterval(() => {
      if (this.closed) return;
      this.query(() => this.runner.releaseIdle(idleMs)).catch(() => {
        // The next sweep tries again; a failed DROP leaves a temp table, nothing worse.
      });
    }, Math.max(50, Math.min(60_000, idleMs / 4)));
    this.idleTimer.unref();
  }

  static async open(workspacePath: string, options: ServiceOptions): Promise<EngineService> {
    // Not Workspace's lockDown: its lock_configuration would also stop ingest's own settings.
    const engine = await WorkspaceEngine.open(workspacePath, { readOnly: options.readOnly, maxTempSize: options.maxTempSize });
    try {
      const queryConn = await engine.ws.connect();
      const metaConn = await engine.ws.connect();
      // Instance-wide and irreversible while the database is open: a user cannot SET it back.
      if (options.lockDown) await metaConn.run('SET enable_external_access = false');
      const runner = new QueryRunner(queryConn, { lockedDown: options.lockDown === true });
      return new EngineService(engine, queryConn, metaConn, runner, workspacePath, options, packageVersion());
    } catch (e) {
      engine.close();
      throw e;
    }
  }

  /** One engine method by name; rejects with a QueryFailure. */
  async call<M extends EngineMethod>(method: M, params: ParamsOf<M>, ctx: CallContext = {}): Promise<ResultOf<M>> {
    try {
      if (this.closed) throw new ServiceError('the workspace is closed', 'internal');
      if (!Object.prototype.hasOwnProperty.call(this.handlers, method)) throw new ServiceError(`unknown method ${String(method)}`, 'not-found');
      const h = this.handlers[method] as (p: ParamsOf<M>, c: CallContext) => Promise<ResultOf<M>>;
      return await h(params, ctx);
    } catch (e) {
      throw toQueryFailure(e);
    }
  }

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when no ingest job is queued or running. */
  jobsIdle(): Promise<void> {
    return this.jobs.idle();
  }

  // Direct methods, for a host that owns the workspace in its own process (the CLI): what it does
  // beyond the wire methods, or the same work with hooks instead of job events. They reject with
  // the error as raised (one line), not a QueryFailure, and write through the same JobQueue as
  // the jobs (one writer at a time: refused while a job runs).

  /** `qtw ingest`: what openInputs does as a job, run now with the caller's hooks; resolves to its summary. */
  async ingest(paths: readonly string[], options: OpenInputsOptions, hooks: WriteHooks = {}): Promise<IngestSummary> {
    this.refuseInputs([...paths, ...(options.src ?? []), ...(options.dst ?? []), ...(options.catalogues ?? [])]);
    return this.write('traces cannot be added', () => this.engine.openInputs(paths, options, hooks));
  }

  /** `qtw retype`: re-type one trace with `catalogue` (a release, a trace-events file or a QEMU tree), run now with the caller's hooks. */
  async retype(traceId: number, catalogue: string, hooks: WriteHooks = {}): Promise<IngestSummary> {
    this.refuseInputs([catalogue]);
    return this.write('traces cannot be re-typed', () => this.engine.retypeTrace(traceId, catalogue, hooks));
  }

  /** `qtw align`: estimate the clock offsets again, then pin (or, with null, unpin) one trace's offset when asked. */
  async realignClocks(pin: { readonly traceId: number; readonly offsetNs: bigint | null } | null = null): Promise<ClockAlignmentEntry[]> {
    return toAlignmentEntries(await this.write('clock offsets cannot be changed', () => this.engine.realignClocks(pin)));
  }

  /**
   * `qtw query`: stream the result of the last statement in `sql` (bounded memory, no result
   * table), on the query connection. Not in a locked-down session: it skips the runner's checks.
   */
  async streamQuery(sql: string, handlers: StreamHandlers): Promise<number> {
    this.refuseLockedDown('streaming a query');
    return this.query(async () => streamQuery(this.queryConn, sql, handlers, await this.runner.engineViews()));
  }

  /** Interrupt what runs on the query connection: a paged query, else a streamQuery or an export. */
  interrupt(): void {
    if (!this.runner.cancel()) this.queryConn.interrupt();
  }

  /** `qtw export --parquet`: the whole workspace as a Hive-partitioned Parquet dataset in `dir` (no export policy: the host's own path). */
  async exportParquet(dir: string, onTable?: (name: string, rows: number) => void): Promise<ParquetExportSummary> {
    this.refuseLockedDown('a Parquet export of the workspace');
    // fleet.parquet (the Fleet's row per run) when the analysis views are there to build it.
    return this.query(async () => {
      const fleet = await fleetExport(this.queryConn);
      return exportWorkspaceParquet(this.queryConn, dir, onTable, fleet ? [fleet] : []);
    });
  }

  /** `qtw report`: the report the command line describes, written into `dir`; resolves to the files written. */
  async writeReport(spec: CliReportSpec, dir: string, redact: boolean): Promise<string[]> {
    this.refuseLockedDown('a report written to a directory');
    const ctx = { runner: this.runner, meta: this.runner.connection, version: this.version, lockedDown: false };
    return this.query(async () => {
      // The report renderer (ECharts, resvg) loads when a report is written, not with every command.
      const { writeCliReport } = await import('../report/cli-report.ts');
      return writeCliReport(ctx, this.workspacePath, dir, spec, redact);
    });
  }

  /** One write on the workspace's own connection, while no job runs; traces may have changed after it. */
  private async write<T>(what: string, task: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ServiceError('the workspace is closed', 'internal');
    if (this.options.readOnly) throw new ServiceError(`the workspace is open read-only; ${what}`, 'read-only');
    return this.jobs.exclusive(`an ingest is running: ${what} until it has finished`, async () => {
      try {
        return await task();
      } finally {
        // Even a failed or cancelled write may have committed whole traces.
        this.lanes = null;
        this.emit({ type: 'tracesChanged' });
      }
    });
  }

  private refuseInputs(files: readonly string[]): void {
    const allowInput = this.options.allowInput;
    for (const f of files) if (allowInput && !allowInput(f)) throw new ServiceError(`reading ${f} is not allowed in this session`);
  }

  private refuseLockedDown(what: string): void {
    if (this.closed) throw new ServiceError('the workspace is closed', 'internal');
    if (this.options.lockDown) throw new ServiceError(`${what} is not allowed in this session`, 'read-only');
  }

  /**
   * Ends jobs and closes the workspace. With discardCreated (a first `qtw ingest` that added
   * nothing), a workspace this open created is removed too, so no empty one is left behind.
   */
  async close(opts: { readonly discardCreated?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.idleTimer);
    this.jobs.cancelAll();
    this.runner.cancel();
    await this.jobs.idle();
    await this.querySerial.run(async () => undefined);
    await this.metaSerial.run(async () => undefined);
    this.queryConn.closeSync();
    this.metaConn.closeSync();
    if (opts.discardCreated) this.engine.closeDiscardingCreated();
    else this.engine.close();
    this.listeners.clear();
  }

  private emit(e: EngineEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // One broken listener (a closed socket) must not stop the others.
      }
    }
  }

  private meta<T>(task: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.metaSerial.run(() => task(this.metaConn));
  }

  private query<T>(task: () => Promise<T>): Promise<T> {
    return this.querySerial.run(task);
  }

  private makeHandlers(): Handlers {
    return {
      workspaceInfo: async () => ({
        path: this.workspacePath,
        readOnly: this.options.readOnly === true,
        host: this.options.host,
        version: this.version,
      }),
      listTraces: () => this.meta(readTraces),
      schema: () => this.meta(readSchema),
      catalogueTree: () => this.meta(readCatalogueTree),
      runQuery: (p, ctx) => this.runQuery(p.sql, ctx),
      // A session cancels its own query only (another tab's query is not its to stop).
      cancelQuery: async (_p, ctx) => ({
        cancelled: ctx.session === undefined || this.activeSession === undefined || this.activeSession === ctx.session ? this.runner.cancel() : false,
      }),
      fetchRows: (p) => this.fetchRows(p.handle, p.offset, p.count, p.sort),
      releaseResult: (p) => this.query(async () => (await this.runner.release(p.handle), {})),
      // Reads a sample of the result (distinct values per integer column): queued as a query.
      suggestChart: (p) => this.query(() => suggestChart(this.runner.connection, this.runner.handle(p.handle))),
      chartData: (p) => this.chartData(p.handle, p.spec),
      timeline: (p) => this.timeline(p),
      // On the query connection, serialised with user SQL: a TEMP `track_*` view made in the SQL
      // editor lives only there. A user's view can be as slow as any query, so this runs as the
      // session's query: cancelQuery, a closing client and close() interrupt it.
      runTracks: (p, ctx) =>
        this.query(async () => {
          if (ctx.session !== undefined && this.endedSessions.has(ctx.session)) throw new ServiceError('INTERRUPT Error: query cancelled: its client went away', 'cancelled');
          const conn = this.runner.connection;
          const window = trackWindow(p.fromNs, p.toNs);
          this.activeSession = ctx.session;
          try {
            return await this.runner.guard(async () => {
              if (!(await readRuns(conn)).some((r) => r.runId === p.runId)) throw new ServiceError(`there is no run #${p.runId} in this workspace`, 'not-found');
              const set = await runTracks(conn, p.runId, { from: window.from, to: window.to, maxItems: p.maxItemsPerTrack, buckets: p.bucketsPerTrack });
              return trackSetToWire(window.note === null ? set : { ...set, notes: [...set.notes, window.note] });
            });
          } finally {
            this.activeSession = undefined;
          }
        }),
      // The Tracks view's area selection: on the query connection like runTracks (the SQL it
      // returns is what the editor runs there).
      areaSummary: (p, ctx) =>
        this.query(async () => {
          if (ctx.session !== undefined && this.endedSessions.has(ctx.session)) throw new ServiceError('INTERRUPT Error: query cancelled: its client went away', 'cancelled');
          const window = trackWindow(p.fromNs, p.toNs);
          const conn = this.runner.connection;
          this.activeSession = ctx.session;
          try {
            return await this.runner.guard(async () => {
              if (!(await readRuns(conn)).some((r) => r.runId === p.runId)) throw new ServiceError(`there is no run #${p.runId} in this workspace`, 'not-found');
              const from = window.from ?? 0n;
              const to = window.to ?? 0n;
              const r = await areaSummary(conn, { runId: p.runId, from, to, groupBy: p.groupBy, lanes: p.lanes });
              const rows = r.rows.map((row) => Object.fromEntries(r.columns.map((col, i) => [col.name, toWireCell(row[i] ?? null)])));
              const notes = window.note === null ? r.notes : [...r.notes, window.note];
              return { runId: p.runId, fromNs: from.toString(), toNs: to.toString(), groupBy: p.groupBy, sql: r.sql, columns: r.columns, rows, notes };
            });
          } finally {
            this.activeSession = undefined;
          }
        }),
      eventRow: (p) => this.meta((c) => readEventRow(c, p.name, p.traceId, p.seq)),
      openInputs: async (p) => {
        if (this.options.readOnly) throw new ServiceError('the workspace is open read-only; traces cannot be added', 'read-only');
        if (p.paths.length === 0 && !p.options.src?.length && !p.options.dst?.length) throw new ServiceError('no input given');
        const allowInput = this.options.allowInput;
        if (allowInput) {
          for (const f of [...p.paths, ...(p.options.src ?? []), ...(p.options.dst ?? []), ...(p.options.catalogues ?? [])]) {
            if (!allowInput(f)) throw new ServiceError(`reading ${f} is not allowed in this session`);
          }
        }
        const options = p.options.catalogues?.length ? p.options : { ...p.options, catalogues: [...(this.options.defaultCatalogues ?? [])] };
        return { jobId: this.jobs.start((hooks) => this.engine.openInputs(p.paths, options, hooks, this.options.originalName)) };
      },
      listCatalogues: () => this.meta((c) => listCatalogueChoices(c)),
      retypeTrace: async (p) => {
        if (this.options.readOnly) throw new ServiceError('the workspace is open read-only; traces cannot be re-typed', 'read-only');
        let catalogue: string;
        if (isCatalogueRef(p.catalogue)) {
          const choices = await this.meta((c) => listCatalogueChoices(c));
          try {
            catalogue = catalogueForRef(p.catalogue, choices);
          } catch (e) {
            // An unknown ref, or one whose file is gone.
            throw new ServiceError((e as Error).message, 'not-found');
          }
        } else {
          if (this.options.allowInput && !this.options.allowInput(p.catalogue)) throw new ServiceError(`reading ${p.catalogue} is not allowed in this session`);
          catalogue = p.catalogue;
        }
        const traces = await this.meta(readTraces);
        if (!traces.some((t) => t.traceId === p.traceId)) throw new ServiceError(`there is no trace #${p.traceId} in this workspace`, 'not-found');
        return { jobId: this.jobs.start((hooks) => this.engine.retypeTrace(p.traceId, catalogue, hooks)) };
      },
      cancelJob: async (p) => ({ cancelled: this.jobs.cancel(p.jobId) }),
      exportResult: (p) => this.exportResult(p.handle, p.format, p.path),
      getReport: () => this.meta(getReport),
      saveReport: (p) => this.meta((c) => putReport(c, p.report, this.options.readOnly === true)),
      exportReport: async (p) => {
        const model = await this.meta(getReport);
        // Items run on the query connection (their result tables live there); provenance reads
        // metadata, which that connection sees as well.
        return this.query(() =>
          exportReport(
            { runner: this.runner, meta: this.runner.connection, version: this.version, lockedDown: this.options.lockDown === true },
            model,
            p,
            this.workspacePath,
            this.options.allowExport,
          ),
        );
      },
      listAnalyses: () =>
        this.meta(async (c) =>
          (await renderAnalyses(c)).map(({ info, sql }) => ({ name: info.name, title: info.title, description: info.description, sql, rowsSql: analysisSql(info.name) })),
        ),
      // On the metadata connection: answered while a user query runs, and never cancelled by it.
      migrationPage: (p) =>
        this.meta(async (c) => {
          const r = await migrationPageResults(c, await readRuns(c), p.runId, p.attempt);
          const ch = r.charts;
          const charts = {
            states: toPageData(ch.states), dirty: toPageData(ch.dirty), throughput: toPageData(ch.throughput),
            multifd: toPageData(ch.multifd), postcopy: toPageData(ch.postcopy), downtime: toPageData(ch.downtime),
          };
          const attempts = r.runs.find((x) => x.run.runId === r.scope?.run.runId)?.attempts ?? [];
          return { runs: r.runs, selection: toSelection(r.scope), attempts, noRuns: r.noRuns, overview: toPageData(r.overview), charts };
        }),
      compareRuns: (p) =>
        this.meta(async (c) => {
          const r = await compareResults(c, await readRuns(c), p.a, p.b);
          const side = (x: CompareSideResults | null) => x && { phases: toPageData(x.phases), events: toPageData(x.events) };
          return { runs: r.runs, noRuns: r.noRuns, a: toSelection(r.a), b: toSelection(r.b), src: side(r.src), dst: side(r.dst) };
        }),
      // The Fleet: on the metadata connection like migrationPage (answered during a slow query).
      fleet: () =>
        this.meta(async (c) => {
          const r = await fleetResults(c);
          const rows = r.rows.map((row) => Object.fromEntries(r.columns.map((col, i) => [col.name, toWireCell(row[i] ?? null)])));
          return { sql: r.sql, missing: r.missing, error: r.error, columns: r.columns, rows, throughputRule: FLEET_THROUGHPUT_RULE };
        }),
      clockAlignment: () => this.meta(async (c) => toAlignmentEntries(await readClockAlignment(c))),
      removeTraces: async (p) => {
        if (this.options.readOnly) throw new ServiceError('the workspace is open read-only; traces cannot be removed', 'read-only');
        // Ingest writes on the same connection, one transaction per trace.
        const busy = 'an ingest is running: remove traces when it has finished';
        const removed = await this.jobs.exclusive(busy, () => this.engine.removeTraces(p.traceIds));
        this.lanes = null;
        if (removed.length > 0) this.emit({ type: 'tracesChanged' });
        return { removed };
      },
      listRuns: () => this.meta((c) => readRuns(c)),
      setRunLabel: async (p) => {
        if (this.options.readOnly) throw new ServiceError('the workspace is open read-only; run labels cannot be changed', 'read-only');
        const runs = await this.jobs.exclusive('an ingest is running: rename the run when it has finished', () => this.engine.setRunLabel(p.runId, p.label));
        this.emit({ type: 'tracesChanged' });
        return runs;
      },
      setPrimaryTrace: async (p) => {
        if (this.options.readOnly) throw new ServiceError('the workspace is open read-only; the trace analyses use cannot be changed', 'read-only');
        const runs = await this.jobs.exclusive('an ingest is running: switch traces when it has finished', () => this.engine.setPrimaryTrace(p.traceId));
        this.lanes = null;
        this.emit({ type: 'tracesChanged' });
        return runs;
      },
      setClockOffset: async (p) => {
        if (this.options.readOnly) throw new ServiceError('the workspace is open read-only; clock offsets cannot be changed', 'read-only');
        let offset: bigint | null = null;
        try {
          offset = p.offsetNs === null ? null : parseOffsetNs(p.offsetNs);
        } catch (e) {
          throw new ServiceError((e as Error).message);
        }
        const rows = await this.meta(async (c) => {
          if (!(await readTraces(c)).some((t) => t.traceId === p.traceId)) throw new ServiceError(`no trace ${p.traceId} in this workspace`, 'not-found');
          return setClockOffset(c, p.traceId, offset);
        });
        this.emit({ type: 'tracesChanged' });
        return toAlignmentEntries(rows);
      },
    };
  }

  /** A client went away: its running query is interrupted and its queued ones never start. */
  sessionClosed(session: number): void {
    this.endedSessions.add(session);
    if (this.activeSession === session) this.runner.cancel();
  }

  private async runQuery(sql: string, ctx: CallContext): Promise<QueryResultInfo> {
    const h = await this.query(async () => {
      if (ctx.session !== undefined && this.endedSessions.has(ctx.session)) throw new ServiceError('INTERRUPT Error: query cancelled: its client went away', 'cancelled');
      this.activeSession = ctx.session;
      try {
        return await this.runner.run(sql);
      } finally {
        this.activeSession = undefined;
      }
    });
    return { handle: h.id, columns: h.columns, rowCount: h.rowCount, elapsedMs: h.elapsedMs };
  }

  private async fetchRows(handle: number, offset: number, count: number, sort: SortSpec | null): Promise<RowsPage> {
    const rows = await this.query(() => this.runner.fetchRows(handle, offset, count, sort));
    return { handle, offset, rows: rows.map(toWireRow) };
  }

  private chartData(handle: number, spec: ChartSpec): Promise<ChartData> {
    return this.query(async () => {
      const h = this.runner.handle(handle);
      if (h.table === null) throw new ServiceError('this result is not a table of rows and cannot be charted', 'invalid-input');
      return chartData(this.runner.connection, h.table, h.columns, h.rowCount, spec);
    });
  }

  private async timeline(req: TimelineRequest): Promise<TimelineData> {
    return this.meta(async (conn) => {
      if (this.lanes === null) {
        this.lanes = readLanes(conn);
        this.lanes.catch(() => {
          this.lanes = null;
        });
      }
      return readTimeline(conn, await this.lanes, req);
    });
  }

  private async exportResult(handle: number, format: ExportFormat, file: string): Promise<{ path: string; rows: number }> {
    const target = exportTarget(this.workspacePath, this.options.allowExport, this.options.lockDown === true, file);
    return this.query(async () => {
      const h = this.runner.handle(handle);
      const conn = this.runner.connection;
      await target.write((out) => (h.table !== null && !this.options.lockDown ? copyExport(conn, h.table, format, out) : relayExport(conn, h, format, out)));
      return { path: target.file, rows: h.rowCount };
    });
  }
}
