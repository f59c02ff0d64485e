// A workspace is one DuckDB file. Opening it again needs no re-parse: everything the engine
// knows about a trace lives in its tables.
import { statfsSync } from 'node:fs';
import nodePath from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Catalogue } from '../catalogue/types.ts';
import { compileFormatCached } from '../catalogue/index.ts';
import { inconsistencies, nextTraceId, recordTraceId, removeTraces, unregisterEventTables } from './integrity.ts';
import { CREATE_SCHEMA, eventColumns, eventsViewSql, literal } from './schema.ts';
import { migrateSchema, readOnlyBridge, readSchemaVersion } from './schema-version.ts';

/** The JSON shape of catalogue_events rows as storeCatalogue sends them. */
const CATALOGUE_ROW_JSON = JSON.stringify([
  { n: 'VARCHAR', f: 'VARCHAR', p: 'VARCHAR[]', a: 'VARCHAR', an: 'VARCHAR[]', at: 'VARCHAR[]', c: 'VARCHAR[]', ct: 'VARCHAR[]', fm: 'VARCHAR', rf: 'VARCHAR', po: 'INTEGER', l: 'INTEGER', d: 'BOOLEAN', am: 'BOOLEAN', ay: 'VARCHAR' },
]);

export interface WorkspaceOptions {
  /** Open read-only (queries only). */
  readonly readOnly?: boolean;
  /**
   * Forbid SQL from reading or writing files outside the workspace (DuckDB
   * enable_external_access=false), for sessions served to a browser.
   */
  readonly lockDown?: boolean;
  /** DuckDB memory limit, e.g. '1GB'. Keeps ingest memory bounded. */
  readonly memoryLimit?: string;
  /** Cap on DuckDB's spill files (max_temp_directory_size), e.g. '8GiB'; see defaultTempLimit. */
  readonly maxTempSize?: string;
}

const GIB = 1024 ** 3;

/**
 * Spill space for one workspace: half of what is free beside it, at most 32 GiB. DuckDB's own
 * default (90% of the free space) lets one runaway sort fill the disk the workspace lives on,
 * and then ingest, reports and DuckDB's own WAL fail with it.
 */
export function defaultTempLimit(workspacePath: string): string {
  try {
    const st = statfsSync(nodePath.dirname(nodePath.resolve(workspacePath)));
    const free = Number(st.bavail) * Number(st.bsize);
    return `${Math.max(1, Math.floor(Math.min(free / 2, 32 * GIB) / (1024 * 1024)))}MiB`;
  } catch {
    return '8GiB';
  }
}

export class Workspace {
  /** A read-only open of an older workspace: the TEMP views every connection needs (schema-version.ts). */
  private bridge: readonly string[] = [];

  private constructor(
    readonly path: string,
    readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  static async open(path: string, opts: WorkspaceOptions = {}): Promise<Workspace> {
    const config: Record<string, string> = {
      memory_limit: opts.memoryLimit ?? '1GB',
      // Per-event tables are written in file order and read back in it; keep that order.
      preserve_insertion_order: 'true',
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'true',
    };
    if (opts.readOnly) config.access_mode = 'READ_ONLY';
    const instance = await DuckDBInstance.create(path, config);
    const conn = await instance.connect();
    const ws = new Workspace(path, instance, conn);
    try {
      // Set after start: given in the start-up config, DuckDB 1.5 does not enforce it.
      if (path !== ':memory:') await conn.run(`SET max_temp_directory_size = ${literal(opts.maxTempSize ?? defaultTempLimit(path))}`);
      // The schema version decides what the tables look like (schema-version.ts): a newer one
      // is refused, an older one migrated, or bridged by TEMP views when read-only.
      const version = await readSchemaVersion(conn, path);
      if (!opts.readOnly) {
        await conn.run(CREATE_SCHEMA);
        await migrateSchema(conn, version, path);
        await ws.refreshEventsView();
      } else {
        ws.bridge = await readOnlyBridge(conn, version, path);
        for (const sql of ws.bridge) await conn.run(sql);
      }
      if (opts.lockDown) await conn.run(`SET enable_external_access = false; SET lock_configuration = true`);
    } catch (e) {
      // Closed here so that a caller may remove a workspace it failed to create (disk full).
      try {
        ws.close();
      } catch {
        // Closing checkpoints, which fails the same way; the error that matters is e.
      }
      throw e;
    }
    return ws;
  }

  /** Another connection to this workspace, seeing the tables as this build defines them. */
  async connect(): Promise<DuckDBConnection> {
    const conn = await this.instance.connect();
    for (const sql of this.bridge) await conn.run(sql);
    return conn;
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }

  /** Store a catalogue and its events once (keyed by catalogue_id). */
  async storeCatalogue(cat: Catalogue): Promise<void> {
    const have = await this.conn.runAndReadAll(`SELECT 1 FROM catalogues WHERE catalogue_id = ${literal(cat.id)}`);
    if (have.currentRowCount > 0) return;
    await this.conn.run(`INSERT INTO catalogues VALUES ($1, $2, $3, $4, $5)`, [cat.id, cat.name, cat.source, cat.sha256, cat.events.length]);
    // One JSON parameter that DuckDB unpacks: appending ~16 values per event one by one (lists
    // as DuckDB values) took ~0.4 s for a full trace-events-all, ahead of every first ingest.
    const rows = cat.events.map((ev) => {
      const cols = eventColumns(ev);
      const compiled = compileFormatCached(ev);
      return {
        n: ev.name,
        f: ev.sourceFile,
        p: ev.properties,
        a: ev.args.map((a) => `${a.ctype}${a.ctype.endsWith('*') ? '' : ' '}${a.name}`).join(', ') || 'void',
        an: ev.args.map((a) => a.name),
        at: ev.args.map((a) => a.ctype),
        c: cols.map((c) => c.name),
        ct: cols.map((c) => c.type),
        fm: ev.format,
        rf: ev.rawFormat,
        po: ev.position,
        l: ev.line,
        d: ev.disabled,
        am: compiled.ambiguous,
        ay: compiled.ambiguity ?? null,
      };
    });
    await this.conn.run(
      `INSERT INTO catalogue_events
       SELECT $1, r.n, r.f, r.p, r.a, r.an, r.at, r.c, r.ct, r.fm, r.rf, r.po, r.l, r.d, r.am, r.ay
       FROM (SELECT unnest(from_json($2, '${CATALOGUE_ROW_JSON}')) AS r)`,
      [cat.id, JSON.stringify(rows)],
    );
  }

  /**
   * Register event tables (inside the ingest transaction) and rebuild the `events` view. `gone`:
   * tables dropped in the transaction (a trace's rows replaced), none of them in `names`.
   */
  async registerEventTables(names: readonly string[], gone: readonly string[] = []): Promise<void> {
    await unregisterEventTables(this.conn, gone);
    if (names.length > 0) await this.conn.run(`INSERT OR IGNORE INTO qtw_event_tables VALUES ${names.map((n) => `(${literal(n)})`).join(', ')}`);
    await this.refreshEventsView();
  }

  async refreshEventsView(): Promise<void> {
    // Only tables that exist: a workspace whose event table was dropped by hand still opens
    // (and ingest then says what is missing, see integrity.ts).
    const r = await this.conn.runAndReadAll(`SELECT name FROM qtw_event_tables WHERE name IN (
        SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary)
      ORDER BY name`);
    await this.conn.run(eventsViewSql(r.getRows().map((x) => String(x[0]))));
  }

  nextTraceId(): Promise<number> {
    return nextTraceId(this.conn);
  }

  /** Within the transaction that commits the trace: its id is never given again. */
  recordTraceId(id: number): Promise<void> {
    return recordTraceId(this.conn, id);
  }

  /** Why an ingest must not add to this workspace (see integrity.ts), or null. */
  async inconsistency(): Promise<string | null> {
    const found = await inconsistencies(this.conn);
    return found.length === 0 ? null : found.join('; ');
  }

  /** Remove traces with all their rows; the events view follows. */
  async removeTraces(ids: readonly number[]): Promise<number[]> {
    const { removed } = await removeTraces(this.conn, ids);
    if (removed.length > 0) await this.refreshEventsView();
    return removed;
  }

  async hasInput(sha256: string): Promise<boolean> {
    const r = await this.conn.runAndReadAll(`SELECT 1 FROM inputs WHERE sha256 = ${literal(sha256)}`);
    return r.currentRowCount > 0;
  }

  async traceWithSha(sha256: string): Promise<number | null> {
    const r = await this.conn.runAndReadAll(`SELECT trace_id FROM traces WHERE sha256 = ${literal(sha256)} LIMIT 1`);
    return r.currentRowCount > 0 ? Number(r.getRows()[0][0]) : null;
  }
}

/** A workspace file DuckDB found damaged: going on would add to a file that cannot be trusted. */
export class WorkspaceDamaged extends Error {}

/** The one-line error for a DuckDB failure that says the workspace file is damaged, else null. */
export function damagedWorkspace(e: unknown, file: string): WorkspaceDamaged | null {
  if (e instanceof WorkspaceDamaged) return e;
  const msg = String((e as Error)?.message ?? e).replace(/\s*\n\s*/g, ' ');
  // DuckDB's wording when a block's checksum does not match what it stored (an IO Error), also
  // quoted, maybe twice, inside the error of a rollback it caused: the first quote is the news.
  const corrupt = /Corrupt database file(?:[^"]*?in block at location \d+|[^"]*)/i.exec(msg);
  if (corrupt === null) return null;
  return new WorkspaceDamaged(`${file}: the workspace is damaged (DuckDB: ${corrupt[0].trim()})`);
}
