// The one implementation of the engine API. Hosts (CLI, server, Electron utility process) only
// translate their transport to calls on Engine.
import path from 'node:path';
import type { IngestSummary, OpenInputsOptions, TraceInfo } from '../contract.ts';
import { resolveCatalogues } from '../catalogue/index.ts';
import { estimateClockOffsets } from '../analyses/clock-alignment.ts';
import { installAnalyses } from '../analyses/install.ts';
import { ingest, type IngestProgress } from '../ingest/ingest.ts';
import type { Side } from '../ingest/side.ts';
import { QueryRunner, streamQuery, type StreamHandlers } from '../workspace/query.ts';
import { readTraces } from './traces.ts';
import { Workspace, type WorkspaceOptions } from '../workspace/workspace.ts';
import { exportWorkspaceParquet, type ParquetExportSummary } from '../workspace/parquet-export.ts';

export class Engine {
  readonly runner: QueryRunner;

  private constructor(readonly ws: Workspace) {
    this.runner = new QueryRunner(ws.conn);
  }

  static async open(workspacePath: string, opts: WorkspaceOptions = {}): Promise<Engine> {
    const engine = new Engine(await Workspace.open(workspacePath, opts));
    if (!opts.readOnly) await engine.refreshAnalyses();
    return engine;
  }

  close(): void {
    this.ws.close();
  }

  async openInputs(
    inputs: readonly string[],
    options: OpenInputsOptions,
    hooks: { onProgress?: (p: IngestProgress) => void; onMessage?: (line: string) => void; signal?: AbortSignal } = {},
  ): Promise<IngestSummary> {
    const catalogues = await resolveCatalogues(options.catalogues && options.catalogues.length ? [...options.catalogues] : undefined);
    for (const c of catalogues) for (const e of c.errors.slice(0, 20)) hooks.onMessage?.(`${e.file}: line ${e.line}: ${e.reason}`);
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
    const r = await ingest(this.ws, {
      inputs: unique,
      catalogues,
      sides,
      signal: hooks.signal,
      onProgress: hooks.onProgress,
      onMessage: hooks.onMessage,
    });
    if (r.traces.length > 0) await this.alignClocks(hooks.onMessage);
    if (r.traces.length > 0) await this.refreshAnalyses(hooks.onMessage);
    const traces = await this.listTraces();
    const ids = new Set(r.traces.map((t) => t.traceId));
    return { traces: traces.filter((t) => ids.has(t.traceId)), skipped: r.skipped, errors: r.errors, cancelled: r.cancelled };
  }

  /** Re-estimate source/destination clock offsets; a failure only costs the alignment. */
  private async alignClocks(onMessage?: (line: string) => void): Promise<void> {
    try {
      await estimateClockOffsets(this.ws.conn);
    } catch (e) {
      onMessage?.(`clock alignment failed: ${(e as Error).message}`);
    }
  }

  /** Recreate the analysis views for the event tables now present; a failure only costs the views. */
  private async refreshAnalyses(onMessage?: (line: string) => void): Promise<void> {
    try {
      await installAnalyses(this.ws.conn);
    } catch (e) {
      onMessage?.(`analysis views not refreshed: ${(e as Error).message}`);
    }
  }

  async listTraces(): Promise<TraceInfo[]> {
    return readTraces(this.ws.conn);
  }

  /** Stream the result of the last statement in `sql` (bounded memory). */
  streamQuery(sql: string, handlers: StreamHandlers): Promise<number> {
    return streamQuery(this.ws.conn, sql, handlers);
  }

  /** Interrupt the running query: a paged run, else a streamQuery on the workspace connection. */
  /** The whole workspace as a Hive-partitioned Parquet dataset (see workspace/parquet-export.ts). */
  exportParquet(dir: string, onTable?: (name: string, rows: number) => void): Promise<ParquetExportSummary> {
    return exportWorkspaceParquet(this.ws.conn, dir, onTable);
  }

  cancelQuery(): void {
    if (!this.runner.cancel()) this.ws.conn.interrupt();
  }
}
