// Writes one trace's records into the workspace, inside one transaction: per-event tables,
// `unparsed` and `dropped` are appended in column batches as records arrive; `commit` sets the
// side (known only once the whole trace has been seen), records the trace and commits. An
// interrupted or failed ingest rolls back, leaving the workspace exactly as it was.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EventSpec } from '../catalogue/types.ts';
import type { DroppedRecord, EventRecord, RecordSink, UnparsedRecord } from '../formats/types.ts';
import { ColumnBatch, isColumnType, SIDE_VALUES, type Column, type ColumnType } from './column-batch.ts';
import { eventColumns, FIXED_EVENT_COLUMNS, ident, literal, widenType, type EventColumn } from './schema.ts';

/** Where a table column's values come from for one event signature. */
type Source = { kind: 'fixed'; index: number } | { kind: 'arg'; index: number } | { kind: 'null' };

interface EventTarget {
  readonly event: EventSpec;
  readonly table: string;
  readonly batch: ColumnBatch;
  /** Per table column (after the fixed ones): argument index or -1 for NULL. */
  readonly argMap: Int32Array;
}

export interface TraceCounts {
  events: number;
  unparsed: number;
  droppedRecords: number;
  droppedEvents: bigint;
  firstTs: bigint | null;
  lastTs: bigint | null;
}

export class TraceWriter implements RecordSink {
  private readonly targets = new Map<EventSpec, EventTarget>();
  private readonly early = new Map<EventSpec, EventRecord[]>();
  private unparsedBatch!: ColumnBatch;
  private droppedBatch!: ColumnBatch;
  private open = true;
  readonly counts: TraceCounts = {
    events: 0,
    unparsed: 0,
    droppedRecords: 0,
    droppedEvents: 0n,
    firstTs: null,
    lastTs: null,
  };

  /** ENUM index of the side rows are written with, or -1 for NULL. */
  private readonly sideCode: number;

  private constructor(
    private readonly conn: DuckDBConnection,
    readonly traceId: number,
    /** The side guessed before the trace was read; `commit` corrects it if the whole trace disagrees. */
    readonly initialSide: string | null,
  ) {
    this.sideCode = initialSide === null ? -1 : SIDE_VALUES.indexOf(initialSide as (typeof SIDE_VALUES)[number]);
  }

  /** Begin a transaction and prepare appenders for `unparsed` and `dropped`. */
  static async begin(conn: DuckDBConnection, traceId: number, initialSide: string | null): Promise<TraceWriter> {
    const w = new TraceWriter(conn, traceId, initialSide);
    await conn.run('BEGIN TRANSACTION');
    try {
      w.unparsedBatch = new ColumnBatch(
        ['INTEGER', 'BIGINT', 'BIGINT', 'UBIGINT', 'BIGINT', 'INTEGER', 'INTEGER', 'VARCHAR', 'VARCHAR', 'VARCHAR'],
        await conn.createAppender('unparsed'),
      );
      w.droppedBatch = new ColumnBatch(['INTEGER', 'BIGINT', 'BIGINT', 'INTEGER', 'UBIGINT'], await conn.createAppender('dropped'));
    } catch (e) {
      await conn.run('ROLLBACK');
      throw e;
    }
    return w;
  }

  event(r: EventRecord): void {
    const t = this.targets.get(r.event);
    if (t === undefined) {
      // Creating a table is async; hold the few records of a new event until `sync()`.
      let list = this.early.get(r.event);
      if (list === undefined) this.early.set(r.event, (list = []));
      list.push(r);
      return;
    }
    this.write(t, r);
  }

  private write(t: EventTarget, r: EventRecord): void {
    const b = t.batch;
    const i = b.n;
    const cols = b.columns;
    cols[0].setSafeInt(i, this.traceId);
    if (this.sideCode < 0) cols[1].setNull(i);
    else (cols[1].data as Uint8Array)[i] = this.sideCode;
    cols[2].setSafeInt(i, r.seq);
    setTs(cols[3], i, r.tsNs);
    setInt(cols[4], i, r.tid);
    setInt(cols[5], i, r.pid);
    const map = t.argMap;
    const args = r.args;
    for (let k = 0; k < map.length; k++) {
      const a = map[k];
      cols[6 + k].set(i, a < 0 ? null : args[a]);
    }
    b.commitRow();
    const c = this.counts;
    c.events++;
    const ts = r.tsNs;
    if (ts !== null) {
      if (c.firstTs === null || ts < c.firstTs) c.firstTs = ts;
      if (c.lastTs === null || ts > c.lastTs) c.lastTs = ts;
    }
  }

  unparsed(r: UnparsedRecord): void {
    const b = this.unparsedBatch;
    const i = b.n;
    const c = b.columns;
    c[0].setSafeInt(i, this.traceId);
    c[1].setSafeInt(i, r.seq);
    if (r.line === null) c[2].setNull(i);
    else c[2].setSafeInt(i, r.line);
    c[3].setSafeInt(i, r.offset);
    setTs(c[4], i, r.tsNs);
    setInt(c[5], i, r.tid);
    setInt(c[6], i, r.pid);
    c[7].set(i, r.name);
    c[8].set(i, r.reason);
    c[9].set(i, r.raw);
    b.commitRow();
    this.counts.unparsed++;
  }

  dropped(r: DroppedRecord): void {
    const b = this.droppedBatch;
    const i = b.n;
    const c = b.columns;
    c[0].setSafeInt(i, this.traceId);
    c[1].setSafeInt(i, r.seq);
    setTs(c[2], i, r.tsNs);
    setInt(c[3], i, r.pid);
    c[4].set(i, r.count);
    b.commitRow();
    this.counts.droppedRecords++;
    this.counts.droppedEvents += r.count;
  }

  /** Records of event types whose table does not exist yet (waiting for `sync()`). */
  get earlyRecords(): number {
    let n = 0;
    for (const l of this.early.values()) n += l.length;
    return n;
  }

  /** Create or adapt the tables of event types seen since the last call, then write their records. */
  async sync(): Promise<void> {
    if (this.early.size === 0) return;
    const pending = [...this.early];
    this.early.clear();
    for (const [ev, records] of pending) {
      const t = await this.target(ev);
      for (const r of records) this.write(t, r);
    }
  }

  private async target(ev: EventSpec): Promise<EventTarget> {
    const wanted = eventColumns(ev);
    const tableCols = await ensureEventTable(this.conn, ev.name, wanted);
    const argCols = tableCols.slice(FIXED_EVENT_COLUMNS.length);
    const byName = new Map(wanted.map((c, i) => [c.name, i]));
    const argMap = Int32Array.from(argCols, (c) => byName.get(c.name) ?? -1);
    const types: ColumnType[] = ['INTEGER', 'SIDE', 'BIGINT', 'BIGINT', 'INTEGER', 'INTEGER'];
    for (const c of argCols) {
      if (!isColumnType(c.type)) throw new Error(`table ${ev.name}: column ${c.name} has type ${c.type}, which ingest cannot append to`);
      types.push(c.type);
    }
    const batch = new ColumnBatch(types, await this.conn.createAppender(ev.name));
    const t: EventTarget = { event: ev, table: ev.name, batch, argMap };
    this.targets.set(ev, t);
    return t;
  }

  /** Record counts per event name so far (for side detection before commit). */
  eventCounts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const t of this.targets.values()) m.set(t.table, (m.get(t.table) ?? 0) + t.batch.rows);
    for (const [ev, l] of this.early) m.set(ev.name, (m.get(ev.name) ?? 0) + l.length);
    return m;
  }

  private closeAll(): void {
    for (const t of this.targets.values()) t.batch.close();
    this.unparsedBatch.close();
    this.droppedBatch.close();
  }

  /**
   * Flush everything, set the side, run `finish` (which records the trace) and commit.
   * On any failure the transaction is rolled back.
   */
  async commit(side: string | null, finish: () => Promise<void>): Promise<void> {
    try {
      await this.sync();
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
    return [...new Set([...this.targets.values()].map((t) => t.table))];
  }
}

function setInt(c: Column, i: number, v: number | null): void {
  if (v === null) c.setNull(i);
  else (c.data as Int32Array)[i] = v;
}

function setTs(c: Column, i: number, v: bigint | null): void {
  if (v === null) c.setNull(i);
  else (c.data as BigInt64Array)[i] = v;
}

/** Create the event table, or add/widen columns so that this signature fits. Returns its columns. */
async function ensureEventTable(conn: DuckDBConnection, name: string, want: EventColumn[]): Promise<{ name: string; type: string }[]> {
  const describe = async () => {
    const r = await conn.runAndReadAll(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_catalog = current_database() AND table_name = ${literal(name)} ORDER BY ordinal_position`,
    );
    return (r.getRows() as [string, string][]).map(([n, t]) => ({ name: n, type: t }));
  };
  const have = await describe();
  if (have.length === 0) {
    const defs = [...FIXED_EVENT_COLUMNS.map(([n, t]) => `${n} ${t}`), ...want.map((c) => `${ident(c.name)} ${c.type}`)];
    await conn.run(`CREATE TABLE ${ident(name)}(${defs.join(', ')})`);
    return describe();
  }
  const types = new Map(have.map((c) => [c.name, c.type]));
  let changed = false;
  for (const c of want) {
    const cur = types.get(c.name);
    if (cur === undefined) {
      await conn.run(`ALTER TABLE ${ident(name)} ADD COLUMN ${ident(c.name)} ${c.type}`);
      changed = true;
    } else if (cur !== c.type) {
      const wide = widenType(cur, c.type);
      if (wide !== cur) {
        await conn.run(`ALTER TABLE ${ident(name)} ALTER COLUMN ${ident(c.name)} TYPE ${wide}`);
        changed = true;
      }
    }
  }
  return changed ? describe() : have;
}

export type { Source };
