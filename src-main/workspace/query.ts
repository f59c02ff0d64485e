// The query runner: statements run in order, the last one's result is streamed in chunks or
// kept as a handle that can be paged. 64-bit integers stay exact (BigInt); conversion to JSON
// turns them into numbers only where that is lossless.
import { JSDuckDBValueConverter, type DuckDBConnection, type DuckDBResult } from '@duckdb/node-api';
import { ident } from './schema.ts';

export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
}

/** A value as the engine hands it out: JSON-safe except for bigint, which stays exact. */
export type CellValue = null | boolean | number | bigint | string | CellValue[] | { [k: string]: CellValue };

export class QueryError extends Error {
  constructor(message: string) {
    super(oneLine(message));
    this.name = 'QueryError';
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** Convert what DuckDB's JS converter returns into CellValues (dates as ISO text, blobs as hex). */
export function toCell(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
    case 'number':
    case 'bigint':
    case 'string':
      return v;
    default:
      break;
  }
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(toCell);
  if (typeof v === 'object') {
    const out: { [k: string]: CellValue } = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = toCell(x);
    return out;
  }
  return String(v);
}

/** JSON-ready value: bigint as a number when it is exactly representable, else as a string. */
export function toJsonValue(v: CellValue): unknown {
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = toJsonValue(x);
    return o;
  }
  return v;
}

/** Render a cell as text for tables, CSV and Markdown. */
export function cellText(v: CellValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(toJsonValue(v));
}

/** Split SQL text into statements with DuckDB's own parser. */
async function prepareAll(conn: DuckDBConnection, sql: string) {
  if (splitStatements(sql).length === 0) throw new QueryError('no SQL statement given');
  try {
    const extracted = await conn.extractStatements(sql);
    return extracted;
  } catch (e) {
    throw new QueryError((e as Error).message);
  }
}

export interface StreamHandlers {
  columns(cols: ColumnInfo[]): void | Promise<void>;
  rows(rows: CellValue[][]): void | Promise<void>;
}

/**
 * Run every statement of `sql`; stream the result of the last one to `handlers` chunk by chunk
 * (bounded memory for any result size). Returns the number of rows streamed.
 */
export async function streamQuery(conn: DuckDBConnection, sql: string, handlers: StreamHandlers): Promise<number> {
  const ex = await prepareAll(conn, sql);
  if (ex.count === 0) throw new QueryError('no SQL statement given');
  let result: DuckDBResult | undefined;
  try {
    for (let i = 0; i < ex.count; i++) {
      const prepared = await ex.prepare(i);
      if (i < ex.count - 1) await prepared.run();
      else result = await prepared.stream();
    }
  } catch (e) {
    throw new QueryError((e as Error).message);
  }
  if (result === undefined) return 0;
  const names = result.columnNames();
  const types = result.columnTypes();
  await handlers.columns(names.map((name, i) => ({ name, type: types[i].toString() })));
  let n = 0;
  try {
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const rows = chunk.convertRows(JSDuckDBValueConverter).map((r) => r.map(toCell));
      n += rows.length;
      await handlers.rows(rows);
    }
  } catch (e) {
    throw new QueryError((e as Error).message);
  }
  return n;
}

export interface ResultHandle {
  readonly id: number;
  readonly columns: ColumnInfo[];
  readonly rowCount: number;
  readonly elapsedMs: number;
  /** Temp table holding the rows of a SELECT, or null. */
  readonly table: string | null;
  /** Rows of a non-SELECT statement (PRAGMA, SHOW, EXPLAIN ...): small, kept in memory. */
  readonly inline: CellValue[][] | null;
}

/**
 * Paged results: the last statement's rows are materialized into a TEMP table so that the UI
 * can fetch any page (and re-sort) without holding the result in memory.
 */
export class QueryRunner {
  private serial = 0;
  private readonly handles = new Map<number, ResultHandle>();
  /** Set while `run` is executing; cancel keeps interrupting until it is cleared. */
  private running = false;
  private cancelled = false;

  constructor(private readonly conn: DuckDBConnection) {}

  async run(sql: string): Promise<ResultHandle> {
    this.running = true;
    this.cancelled = false;
    try {
      return await this.runStatements(sql);
    } finally {
      this.running = false;
    }
  }

  private async runStatements(sql: string): Promise<ResultHandle> {
    const t0 = performance.now();
    const ex = await prepareAll(this.conn, sql);
    if (ex.count === 0) throw new QueryError('no SQL statement given');
    const id = ++this.serial;
    let table: string | null = null;
    let columns: ColumnInfo[] = [];
    let rowCount = 0;
    let inline: CellValue[][] | null = null;
    try {
      for (let i = 0; i < ex.count; i++) {
        if (this.cancelled) throw new QueryError('INTERRUPT Error: query cancelled');
        const prepared = await ex.prepare(i);
        const last = i === ex.count - 1;
        // statementType 1 is SELECT: only those are materialized for paging.
        if (!last || prepared.statementType !== 1) {
          const r = await prepared.runAndReadAll();
          if (last) {
            columns = r.columnNames().map((name, k) => ({ name, type: r.columnTypes()[k].toString() }));
            inline = r.getRowsJS().map((row) => row.map(toCell));
            rowCount = inline.length;
          }
          continue;
        }
        // DuckDB does not hand back a statement's text; split it ourselves (quotes and comments aware).
        const parts = ex.count === 1 ? [sql] : splitStatements(sql);
        table = `qtw_result_${id}`;
        try {
          if (parts.length !== ex.count) throw new Error('statement text not found');
          await this.conn.run(`CREATE TEMP TABLE ${ident(table)} AS ${parts[i]}`);
        } catch {
          // DESCRIBE, SHOW, PIVOT ... report as SELECT but cannot feed CREATE TABLE AS: their
          // results are small, keep them inline (a real error surfaces again here).
          table = null;
          const r = await prepared.runAndReadAll();
          columns = r.columnNames().map((name, k) => ({ name, type: r.columnTypes()[k].toString() }));
          inline = r.getRowsJS().map((row) => row.map(toCell));
          rowCount = inline.length;
          continue;
        }
        const info = await this.conn.runAndReadAll(`SELECT count(*) FROM ${ident(table)}`);
        rowCount = Number(info.getRows()[0][0]);
        const desc = await this.conn.runAndReadAll(`SELECT * FROM ${ident(table)} LIMIT 0`);
        columns = desc.columnNames().map((name, k) => ({ name, type: desc.columnTypes()[k].toString() }));
      }
    } catch (e) {
      throw new QueryError((e as Error).message);
    }
    const h: ResultHandle = { id, columns, rowCount, elapsedMs: performance.now() - t0, table, inline };
    this.handles.set(id, h);
    return h;
  }

  async fetchRows(id: number, offset: number, count: number, orderBy?: { column: string; desc: boolean }): Promise<CellValue[][]> {
    const h = this.handles.get(id);
    if (!h) throw new QueryError(`unknown result handle ${id}`);
    if (h.table === null) return (h.inline ?? []).slice(offset, offset + count);
    const order = orderBy ? ` ORDER BY ${ident(orderBy.column)} ${orderBy.desc ? 'DESC' : 'ASC'} NULLS LAST` : '';
    const r = await this.conn.runAndReadAll(
      `SELECT * FROM ${ident(h.table)}${order} LIMIT ${Math.max(0, Math.floor(count))} OFFSET ${Math.max(0, Math.floor(offset))}`,
    );
    return r.getRowsJS().map((row) => row.map(toCell));
  }

  async release(id: number): Promise<void> {
    const h = this.handles.get(id);
    if (!h) return;
    this.handles.delete(id);
    if (h.table) await this.conn.run(`DROP TABLE IF EXISTS ${ident(h.table)}`);
  }

  /**
   * Interrupt the running query (DuckDB interrupt). An interrupt that lands between two steps
   * of a run is lost, so keep interrupting until the run has ended.
   */
  cancel(): void {
    if (!this.running) return;
    this.cancelled = true;
    this.conn.interrupt();
    const again = setInterval(() => {
      if (!this.running) clearInterval(again);
      else this.conn.interrupt();
    }, 50);
    again.unref();
  }
}

/** Split on semicolons outside quotes and comments. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (q) {
      cur += ch;
      if (ch === q) q = null;
      continue;
    }
    if (ch === "'" || ch === '"') {
      q = ch;
      cur += ch;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl;
      cur += '\n';
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 1;
      cur += ' ';
    } else if (ch === ';') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
