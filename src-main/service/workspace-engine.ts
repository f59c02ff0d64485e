// WorkspaceEngine: the workspace with the writes that must stay together (ingest or re-type, then
// clock alignment and the analysis views), on the workspace's own DuckDB connection. Internal to
// service/: hosts reach it only through EngineService (api.ts), which adds the query and metadata
// connections, jobs and policy. Tests of the ingest path use it directly.
import { lstatSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { IngestSummary, OpenInputsOptions, RunInfo, TraceInfo } from '../contract.ts';
import { resolveCatalogues } from '../catalogue/index.ts';
import { estimateClockOffsets, setClockOffset, type AlignmentRow } from '../analyses/clock-alignment.ts';
import { installAnalyses } from '../analyses/install.ts';
import { refreshFleetCache } from '../analyses/fleet.ts';
import { markIngestBatch, readRuns, refreshRuns, setPrimaryTrace, setRunLabel } from '../analyses/runs/store.ts';
import { ingest, IngestCancelled, type IngestProgress, type IngestResult } from '../ingest/ingest.ts';
import { retypeTrace, RetypeRefused } from '../ingest/retype.ts';
import type { Side } from '../ingest/side.ts';
import { QueryRunner, streamQuery, type StreamHandlers } from '../workspace/query.ts';
import { readTraces } from './traces.ts';
import { Workspace, damagedWorkspace, type WorkspaceOptions } from '../workspace/workspace.ts';
import { diskFullMessage, withDiskFull } from '../workspace/output-fs.ts';

function pathExists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch (e) {
    return (e as { code?: unknown }).code !== 'ENOENT';
  }
}

/** Removes the files of a workspace this process created (the file and its .wal). */
function removeCreated(files: readonly string[]): void {
  for (const f of files) rmSync(f, { force: true });
}

export class WorkspaceEngine {
  readonly runner: QueryRunner;

  private constructor(
    readonly ws: Workspace,
    /** The workspace files that did not exist before open, when open created the workspace. */
    private readonly created: readonly string[],
  ) {
    this.runner = new QueryRunner(ws.conn);
  }

  static async open(workspacePath: string, opts: WorkspaceOptions = {}): Promise<WorkspaceEngine> {
    // A workspace this call creates and fails to set up (a full disk, say) is removed: a 0-byte
    // or half-written file would later fail to open as a "workspace".
    const created = opts.readOnly || workspacePath === ':memory:' ? [] : [workspacePath, `${workspacePath}.wal`].filter((f) => !pathExists(f));
    let ws: Workspace;
    try {
      ws = await Workspace.open(workspacePath, opts);
    } catch (e) {
      // Not when another process holds the lock: the file is then its workspace, just created.
      if (created.includes(workspacePath) && !/lock/i.test(String((e as Error)?.message))) removeCreated(created);
      throw damagedWorkspace(e, workspacePath) ?? withDiskFull(e, workspacePath);
    }
    const engine = new WorkspaceEngine(ws, created.includes(workspacePath) ? created : []);
    if (!opts.readOnly) {
      try {
        // Runs of a workspace made before they existed (or planned by an older qtw) are planned now.
        await engine.refreshRuns();
        await engine.refreshAnalyses();
      } catch (e) {
        engine.close();
        throw e;
      }
    }
    return engine;
  }

  close(): void {
    this.ws.close();
  }

  /**
   * Closes; and when open created the workspace, removes it: for a first command that added
   * nothing, so that an empty workspace is not left behind. An existing workspace is only closed.
   */
  closeDiscardingCreated(): void {
    this.ws.close();
    removeCreated(this.created);
  }

  async openInputs(
    inputs: readonly string[],
    options: OpenInputsOptions,
    hooks: { onProgress?: (p: IngestProgress) => void; onMessage?: (line: string) => void; signal?: AbortSignal } = {},
    /** The name the user gave a file stored under another (an upload), by its resolved path. */
    originalName?: (path: string) => string | null,
  ): Promise<IngestSummary> {
    const given = options.catalogues ?? [];
    const catalogues = await resolveCatalogues(given);
    // Only the catalogues the user gave are checked whole: the built-in ones parse an event's
    // line only when a trace names it.
    for (const c of catalogues.slice(0, given.length)) for (const e of c.errors.slice(0, 20)) hooks.onMessage?.(`${e.file}: line ${e.line}: ${e.reason}`);
    const sides = new Map<string, Side>();
    for (const p of options.src ?? []) sides.set(p, 'src');
    for (const p of options.dst ?? []) sides.set(p, 'dst');
    const all = [...inputs, ...(options.src ?? []), ...(options.dst ?? [])];
    const seen = new Set<string>();
    const unique = all.filter((p) => {
      const k = path.resolve(p);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    let r: IngestResult;
    try {
      r = await ingest(this.ws, {
        inputs: unique,
        catalogues,
        sides,
        signal: hooks.signal,
        onProgress: hooks.onProgress,
        onMessage: hooks.onMessage,
        originalName,
      });
    } catch (e) {
      throw damagedWorkspace(e, this.ws.path) ?? e;
    }
    // Traces given together belong together: a source and a destination named with --src and
    // --dst in one command, or uploaded in one go, are one run wherever their files lie.
    if (r.traces.length > 0) await markIngestBatch(this.ws.conn, r.traces.map((t) => t.traceId)).catch((e: unknown) => hooks.onMessage?.(`runs: ${(e as Error).message}`));
    if (r.traces.length > 0) await this.refreshRuns(hooks.onMessage);
    if (r.traces.length > 0) await this.alignClocks(hooks.onMessage);
    if (r.traces.length > 0) await this.refreshAnalyses(hooks.onMessage);
    const traces = await this.listTraces();
    const ids = new Set(r.traces.map((t) => t.traceId));
    return { traces: traces.filter((t) => ids.has(t.traceId)), skipped: r.skipped, errors: r.errors, cancelled: r.cancelled };
  }

  /** Re-estimate source/destination clock offsets; a failure only costs the alignment, unless the workspace is damaged. */
  private async alignClocks(onMessage?: (line: string) => void): Promise<void> {
    try {
      // Only the runs an ingest, re-type or removal touched; `qtw align` redoes them all.
      await estimateClockOffsets(this.ws.conn, { onlyChanged: true });
    } catch (e) {
      // A damaged file is not an alignment problem: the whole command fails with it.
      const damaged = damagedWorkspace(e, this.ws.path);
      if (damaged !== null) throw damaged;
      onMessage?.(`clock alignment failed: ${(e as Error).message}`);
    }
  }

  /**
   * Plan which traces make each migration (analyses/runs/) before clock alignment, which pairs a
   * destination with its run's source. A failure costs the runs, unless the workspace is damaged.
   */
  private async refreshRuns(onMessage?: (line: string) => void): Promise<void> {
    try {
      await refreshRuns(this.ws.conn);
    } catch (e) {
      const damaged = damagedWorkspace(e, this.ws.path);
      if (damaged !== null) throw damaged;
      onMessage?.(`runs not planned: ${(e as Error).message}`);
    }
  }

  async listRuns(): Promise<RunInfo[]> {
    return readRuns(this.ws.conn);
  }

  /** The user's label for a run (kept when runs are planned again). */
  async setRunLabel(runId: number, label: string): Promise<RunInfo[]> {
    await setRunLabel(this.ws.conn, runId, label);
    return readRuns(this.ws.conn);
  }

  /** Analyses use `traceId` for its side of its run; its former primary becomes its alternate. */
  async setPrimaryTrace(traceId: number): Promise<RunInfo[]> {
    await setPrimaryTrace(this.ws.conn, traceId);
    await this.alignClocks();
    return readRuns(this.ws.conn);
  }

  /** Recreate the analysis views for the event tables now present; a failure only costs the views, unless the workspace is damaged. */
  private async refreshAnalyses(onMessage?: (line: string) => void): Promise<void> {
    try {
      await installAnalyses(this.ws.conn);
      // The Fleet's per-trace measures, so that it answers at once over hundreds of runs.
      await refreshFleetCache(this.ws.conn);
    } catch (e) {
      const damaged = damagedWorkspace(e, this.ws.path);
      if (damaged !== null) throw damaged;
      onMessage?.(`analysis views not refreshed: ${(e as Error).message}`);
    }
  }

  /** Remove traces with all their rows; alignment and analysis views follow what is left. */
  async removeTraces(ids: readonly number[], onMessage?: (line: string) => void): Promise<number[]> {
    const removed = await this.ws.removeTraces(ids);
    if (removed.length > 0) {
      await this.refreshRuns(onMessage);
      await this.alignClocks(onMessage);
      await this.refreshAnalyses(onMessage);
    }
    return removed;
  }

  /**
   * Re-type an existing trace with another catalogue (a release name like `qemu-8.2`, or a
   * trace-events file / QEMU tree), reading its kept source file again. The trace keeps its id;
   * its old typed rows stay visible until the new ones are committed in the same transaction.
   * Resolves to the trace as it is afterwards (in an IngestSummary of that one trace), or to a
   * summary with `cancelled` and no trace when `signal` stopped it. Rejects with one line (a
   * RetypeRefused: unknown trace, source file gone or changed, a catalogue that types none of
   * its head; or a catalogue that cannot be read); the workspace is then as it was.
   */
  async retypeTrace(
    traceId: number,
    catalogue: string,
    hooks: { onProgress?: (p: IngestProgress) => void; onMessage?: (line: string) => void; signal?: AbortSignal } = {},
  ): Promise<IngestSummary> {
    // Exactly the named catalogue types the trace; the built-in ones after it only help to
    // recognise the format as ingest did.
    const catalogues = await resolveCatalogues([catalogue]);
    for (const e of catalogues[0].errors.slice(0, 20)) hooks.onMessage?.(`${e.file}: line ${e.line}: ${e.reason}`);
    try {
      await retypeTrace(this.ws, { traceId, catalogue: catalogues[0], candidates: catalogues, ...hooks });
    } catch (e) {
      if (e instanceof IngestCancelled || (hooks.signal?.aborted && !(e instanceof RetypeRefused))) return { traces: [], skipped: [], errors: [], cancelled: true };
      const full = diskFullMessage(e, this.ws.path);
      if (full !== null) throw new Error(`${full} (trace ${traceId} was not re-typed; it is as it was)`);
      throw damagedWorkspace(e, this.ws.path) ?? e;
    }
    await this.refreshRuns(hooks.onMessage);
    await this.alignClocks(hooks.onMessage);
    await this.refreshAnalyses(hooks.onMessage);
    const traces = await this.listTraces();
    return { traces: traces.filter((t) => t.traceId === traceId), skipped: [], errors: [], cancelled: false };
  }

  async listTraces(): Promise<TraceInfo[]> {
    return readTraces(this.ws.conn);
  }

  /** Stream the result of the last statement in `sql` (bounded memory), on the workspace's own connection. */
  streamQuery(sql: string, handlers: StreamHandlers): Promise<number> {
    return streamQuery(this.ws.conn, sql, handlers);
  }

  /**
   * `qtw align`: estimate the clock offsets again, then pin one trace's offset (or unpin it: null)
   * when asked. Unlike the estimate after an ingest, a failure here fails the command.
   */
  async realignClocks(pin: { readonly traceId: number; readonly offsetNs: bigint | null } | null): Promise<AlignmentRow[]> {
    const rows = await estimateClockOffsets(this.ws.conn);
    return pin === null ? rows : setClockOffset(this.ws.conn, pin.traceId, pin.offsetNs);
  }
}
