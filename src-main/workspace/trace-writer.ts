// Writes one trace's record batches into the workspace, inside one transaction: per-event
// tables, `unparsed` and `dropped` get each batch as one data chunk; `commit` corrects the side
// if the early guess was wrong, records the trace and commits. An interrupted or failed ingest
// rolls back, leaving the workspace exactly as it was. A writer that replaces an existing trace's
// rows (re-typing it) deletes them first, in the same transaction: readers see the old rows until
// the new ones are committed.
import type { DuckDBAppender, DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import type { Catalogue } from '../catalogue/types.ts';
import { DROPPED_BATCH, LOSSY_BATCH, UNPARSED_BATCH, type RecordBatch } from './record-batch.ts';
import { appendColumns, createChunk } from './column-batch.ts';
import { CHUNK_ROWS, Column, isColumnType, SIDE_VALUES, type ColumnType } from './column.ts';
import { deleteTraceRows } from './integrity.ts';
import { eventColumns, FIXED_EVENT_COLUMNS, ident, literal, widenType, type EventColumn } from './schema.ts';

/**
 * Time spent inside DuckDB appends, and rows appended, since the process started: the bench
 * shows how much of an ingest is DuckDB's own storage work (a floor for the ingest's duration).
 */
export const writerStats = { appendMs: 0, rows: 0 };

interface Target {
  readonly table: string;
  readonly appender: DuckDBAppender;
  readonly chunk: DuckDBDataChunk;
  readonly types: readonly ColumnType[];
  /** For each table column after trace_id and side: the batch column index, or -1 for NULL. */
  readonly sourceOf: Int32Array;
}

export class TraceWriter {
  private readonly targets = new Map<string, Target>();
  private unparsedT!: Target;
  private droppedT!: Target;
  private lossyT!: Target;
  private open = true;
  /** Constant columns: this trace's id, and its side (or all NULL). */
  private readonly traceCol: Column;
  private readonly sideCol: Column;
  private readonly nullCols = new Map<ColumnType, Column>();
  /** Event tables that lost rows in this transaction and kept others: changing their columns means a rebuild. */
  private readonly deletedFrom = new Set<string>();
  /** Event tables dropped as the replaced rows were deleted (left empty). */
  private droppedTables: readonly string[] = [];

  private constructor(
    private readonly conn: DuckDBConnection,
    readonly traceId: number,
    /** The side guessed before the trace was read; `commit` corrects it if the whole trace disagrees. */
    readonly initialSide: string | null,
    private readonly catalogue: Catalogue,
  ) {
    this.traceCol = new Column('INTEGER');
    (this.traceCol.data as Int32Array).fill(traceId);
    this.sideCol = this.constantSide(initialSide);
  }

  private constantSide(side: string | null): Column {
    const c = new Column('SIDE');
    const code = side === null ? -1 : SIDE_VALUES.indexOf(side as (typeof SIDE_VALUES)[number]);
    if (code < 0) for (let i = 0; i < CHUNK_ROWS; i++) c.setNull(i);
    else (c.data as Uint8Array).fill(code);
    return c;
  }

  private allNull(t: ColumnType): Column {
    let c = this.nullCols.get(t);
    if (c === undefined) {
      c = new Column(t);
      for (let i = 0; i < CHUNK_ROWS; i++) c.setNull(i);
      this.nullCols.set(t, c);
    }
    return c;
  }

  /**
   * Begin a transaction and prepare appenders for `unparsed` and `dropped`. `replace`: the trace
   * exists and its rows are deleted first, within the transaction (event tables left empty are
   * dropped, and made again if the new rows need them).
   */
  static async begin(conn: DuckDBConnection, traceId: number, initialSide: string | null, catalogue: Catalogue, replace = false): Promise<TraceWriter> {
    const w = new TraceWriter(conn, traceId, initialSide, catalogue);
    await conn.run('BEGIN TRANSACTION');
    try {
      if (replace) {
        const { kept, droppedTables } = await deleteTraceRows(conn, [traceId]);
        for (const t of kept) w.deletedFrom.add(t);
        w.droppedTables = droppedTables;
      }
      const uTypes: ColumnType[] = ['INTEGER', ...UNPARSED_BATCH];
      w.unparsedT = { table: 'unparsed', appender: await conn.createAppender('unparsed'), chunk: createChunk(uTypes), types: uTypes, sourceOf: Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]) };
      const dTypes: ColumnType[] = ['INTEGER', ...DROPPED_BATCH];
      w.droppedT = { table: 'dropped', appender: await conn.createAppender('dropped'), chunk: createChunk(dTypes), types: dTypes, sourceOf: Int32Array.from([0, 1, 2, 3]) };
      const lTypes: ColumnType[] = ['INTEGER', ...LOSSY_BATCH];
      w.lossyT = { table: 'lossy', appender: await conn.createAppender('lossy'), chunk: createChunk(lTypes), types: lTypes, sourceOf: Int32Array.from([0, 1, 2, 3, 4]) };
    } catch (e) {
      await conn.run('ROLLBACK');
      throw e;
    }
    return w;
  }

  /** Append one batch; returns a promise only when a table must be created first. */
  append(b: RecordBatch): void | Promise<void> {
    if (b.kind === 'unparsed') return this.write(this.unparsedT, b, false);
    if (b.kind === 'dropped') return this.write(this.droppedT, b, false);
    if (b.kind === 'lossy') return this.write(this.lossyT, b, false);
    const name = b.name as string;
    const t = this.targets.get(name);
    if (t !== undefined) return this.write(t, b, true);
    return this.target(name).then((nt) => this.write(nt, b, true));
  }

  private write(t: Target, b: RecordBatch, event: boolean): void {
    const n = b.n;
    const cols: Column[] = [this.traceCol];
    if (event) cols.push(this.sideCol);
    const base = cols.length;
    for (let k = 0; k < t.sourceOf.length; k++) {
      const want = t.types[base + k];
      const src = t.sourceOf[k];
      if (src < 0) {
        cols.push(this.allNull(want));
        continue;
      }
      const p = b.columns[src];
      const col = Column.wrap(p.type, p.data, p.validity, p.hasNull, p.strings, p.packed);
      cols.push(p.type === want ? col : convertColumn(col, want, n));
    }
    const t0 = performance.now();
    appendColumns(t.appender, t.chunk, cols, n);
    writerStats.appendMs += performance.now() - t0;
    writerStats.rows += n;
  }

  /** Columns of the workspace's tables, read once per trace: one query instead of one per event. */
  private columnsByTable: Map<string, TableColumn[]> | null = null;

  private async tableColumns(): Promise<Map<string, TableColumn[]>> {
    if (this.columnsByTable !== null) return this.columnsByTable;
    const r = await this.conn.runAndReadAll(
      `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name, ordinal_position`,
    );
    const m = new Map<string, TableColumn[]>();
    for (const [t, n, ty] of r.getRows() as [string, string, string][]) {
      let cols = m.get(t);
      if (cols === undefined) m.set(t, (cols = []));
      cols.push({ name: n, type: ty });
    }
    return (this.columnsByTable = m);
  }

  /** Create or adapt the table of an event, and map the batch layout onto it. */
  private async target(name: string): Promise<Target> {
    const ev = this.catalogue.get(name);
    if (ev === undefined) throw new Error(`event ${name} is not in catalogue ${this.catalogue.name}`);
    const wanted = eventColumns(ev);
    const tableCols = await ensureEventTable(this.conn, name, wanted, (await this.tableColumns()).get(name) ?? [], this.deletedFrom.has(name));
    const argCols = tableCols.slice(FIXED_EVENT_COLUMNS.length);
    const byName = new Map(wanted.map((c, i) => [c.name, i]));
    const types: ColumnType[] = ['INTEGER', 'SIDE', 'BIGINT', 'BIGINT', 'INTEGER', 'INTEGER'];
    for (const c of argCols) {
      if (!isColumnType(c.type)) throw new Error(`table ${name}: column ${c.name} has type ${c.type}, which ingest cannot append to`);
      types.push(c.type);
    }
    // Batch layout: seq, ts_ns, tid, pid, then the event's arguments in catalogue order.
    const sourceOf = Int32Array.from([0, 1, 2, 3, ...argCols.map((c) => {
      const i = byName.get(c.name);
      return i === undefined ? -1 : 4 + i;
    })]);
    const t: Target = { table: name, appender: await this.conn.createAppender(name), chunk: createChunk(types), types, sourceOf };
    this.targets.set(name, t);
    return t;
  }

  private closeAll(): void {
    const t0 = performance.now();
    for (const t of [...this.targets.values(), this.unparsedT, this.droppedT, this.lossyT]) {
      t.appender.flushSync();
      t.appender.closeSync();
    }
    writerStats.appendMs += performance.now() - t0;
  }

  /**
   * Flush everything, correct the side if needed, run `finish` (which records the trace) and
   * commit. On any failure the transaction is rolled back.
   */
  async commit(side: string | null, finish: () => Promise<void>): Promise<void> {
    try {
      this.closeAll();
      this.open = false;
      // Rewriting a column is costly: only when the early guess turned out wrong.
      if (side !== this.initialSide) {
        const v = side === null ? 'NULL' : literal(side);
        for (const t of this.targets.values()) {
          await this.conn.run(`UPDATE ${ident(t.table)} SET side = ${v} WHERE trace_id = ${this.traceId}`);
        }
      }
      await finish();
      await this.conn.run('COMMIT');
    } catch (e) {
      await this.rollback();
      throw e;
    }
  }

  async rollback(): Promise<void> {
    if (this.open) {
      try {
        this.closeAll();
      } catch {
        // the transaction is abandoned anyway
      }
      this.open = false;
    }
    try {
      await this.conn.run('ROLLBACK');
    } catch {
      // no transaction left to roll back
    }
  }

  /** Names of the event tables this trace wrote to. */
  tables(): string[] {
    return [...this.targets.keys()];
  }

  /** Event tables that held only the replaced rows and that the new rows did not need: to unregister. */
  tablesGone(): string[] {
    return this.droppedTables.filter((t) => !this.targets.has(t));
  }
}

/** Values of `col` re-typed for a widened table column (rare: version skew between traces). */
function convertColumn(col: Column, to: ColumnType, n: number): Column {
  const out = new Column(to);
  for (let i = 0; i < n; i++) out.set(i, col.get(i));
  return out;
}

/** A table column as information_schema reports it. */
interface TableColumn {
  readonly name: string;
  readonly type: string;
}

/**
 * Create the event table (`have`: its columns now, none if it does not exist), or add/widen
 * columns so that this signature fits. Returns its columns. `rebuild`: rows were deleted from the
 * table in this transaction, after which DuckDB fails the commit of an ALTER TABLE ("another
 * transaction has altered this table"): the table is then copied into its new shape instead
 * (same columns, order and types as the ALTERs would give).
 */
async function ensureEventTable(conn: DuckDBConnection, name: string, want: EventColumn[], have: readonly TableColumn[], rebuild = false): Promise<readonly TableColumn[]> {
  const describe = async () => {
    const r = await conn.runAndReadAll(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_catalog = current_database() AND table_name = ${literal(name)} ORDER BY ordinal_position`,
    );
    return (r.getRows() as [string, string][]).map(([n, t]) => ({ name: n, type: t }));
  };
  if (have.length === 0) {
    const defs = [...FIXED_EVENT_COLUMNS.map(([n, t]) => `${n} ${t}`), ...want.map((c) => `${ident(c.name)} ${c.type}`)];
    await conn.run(`CREATE TABLE ${ident(name)}(${defs.join(', ')})`);
    // The columns are the ones just declared, when their types are spelled as DuckDB reports them.
    if (want.every((c) => isColumnType(c.type))) return [...FIXED_EVENT_COLUMNS.map(([n, t]) => ({ name: n, type: t as string })), ...want];
    return describe();
  }
  const types = new Map(have.map((c) => [c.name, c.type]));
  const added: EventColumn[] = [];
  const widened = new Map<string, string>();
  for (const c of want) {
    const cur = types.get(c.name);
    if (cur === undefined) added.push(c);
    else if (cur !== c.type) {
      const wide = widenType(cur, c.type);
      if (wide !== cur) widened.set(c.name, wide);
    }
  }
  if (added.length === 0 && widened.size === 0) return have;
  if (rebuild) {
    const tmp = `${name}__qtw_rebuild`;
    const cols = [
      ...have.map((c) => (widened.has(c.name) ? `CAST(${ident(c.name)} AS ${widened.get(c.name)}) AS ${ident(c.name)}` : ident(c.name))),
      ...added.map((c) => `NULL::${c.type} AS ${ident(c.name)}`),
    ];
    await conn.run(`CREATE TABLE ${ident(tmp)} AS SELECT ${cols.join(', ')} FROM ${ident(name)}`);
    await conn.run(`DROP TABLE ${ident(name)} CASCADE`);
    await conn.run(`ALTER TABLE ${ident(tmp)} RENAME TO ${ident(name)}`);
    return describe();
  }
  for (const c of added) await conn.run(`ALTER TABLE ${ident(name)} ADD COLUMN ${ident(c.name)} ${c.type}`);
  for (const [n, wide] of widened) await conn.run(`ALTER TABLE ${ident(name)} ALTER COLUMN ${ident(n)} TYPE ${wide}`);
  return describe();
}
