// The query runner: statements run in order, the last one's result is streamed in chunks or
// kept as a handle that can be paged. 64-bit integers stay exact (BigInt); conversion to JSON
// turns them into numbers only where that is lossless.
import { JSDuckDBValueConverter, StatementType, type DuckDBConnection, type DuckDBPreparedStatement, type DuckDBResult } from '@duckdb/node-api';
import type { FailureCode } from '../contract.ts';
import { ident } from './schema.ts';
import { allowedCall, allowedPragma, firstRefusedCall, refusedFunctionNames } from './sql-guard.ts';

export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
}

/** A value as the engine hands it out: JSON-safe except for bigint, which stays exact. */
export type CellValue = null | boolean | number | bigint | string | CellValue[] | { [k: string]: CellValue };

export class QueryError extends Error {
  /** 0-based character offset into the submitted SQL, when DuckDB pointed at one. */
  readonly position: number | null;
  /**
   * What kind of failure the runner decided this is (its own refusals and limits); null for an
   * error DuckDB raised on the SQL, which service/failure.ts classifies by DuckDB's error type.
   */
  readonly code: FailureCode | null;
  constructor(message: string, position: number | null = null, code: FailureCode | null = null) {
    super(oneLine(message));
    this.name = 'QueryError';
    this.position = position;
    this.code = code;
  }
}

/**
 * Where DuckDB's error points, as an offset into `text`: DuckDB appends `LINE n: <line>` and a
 * caret line to parser and binder errors, shortening long lines to a window marked with `...`.
 * The displayed window is located in line n of `text` so that the offset survives truncation.
 */
export function errorPosition(message: string, text: string): number | null {
  const m = /LINE (\d+): ([^\n]*)\n( *)\^/.exec(message);
  if (!m) return null;
  const lineNo = Number(m[1]);
  let shown = m[2];
  let caret = m[3].length - `LINE ${m[1]}: `.length;
  if (shown.startsWith('...')) {
    shown = shown.slice(3);
    caret -= 3;
  }
  if (shown.endsWith('...')) shown = shown.slice(0, -3);
  const lines = text.split('\n');
  if (lineNo < 1 || lineNo > lines.length || caret < 0) return null;
  const line = lines[lineNo - 1];
  const at = line.indexOf(shown);
  if (at < 0 || caret > shown.length) return null;
  let start = 0;
  for (let i = 0; i < lineNo - 1; i++) start += lines[i].length + 1;
  return start + at + caret;
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
  if (splitStatements(sql).length === 0) throw new QueryError('no SQL statement given', null, 'invalid-input');
  try {
    const extracted = await conn.extractStatements(sql);
    return extracted;
  } catch (e) {
    const msg = (e as Error).message.replace(/^Failed to extract statements: /, '');
    throw new QueryError(msg, errorPosition(msg, sql));
  }
}

export interface StreamHandlers {
  columns(cols: ColumnInfo[]): void | Promise<void>;
  rows(rows: CellValue[][]): void | Promise<void>;
}

/**
 * Why user SQL runs in READ ONLY transactions: a DELETE, DROP or UPDATE typed into the editor (or
 * sent by a page to `qtw serve`) would otherwise destroy traces for good, and later ingests would
 * merge new records into what is left. TEMP tables, views and macros stay writable.
 */
const READ_ONLY_HINT = 'SQL cannot change the workspace: use CREATE TEMP TABLE / TEMP VIEW / TEMP MACRO for your own objects, and Remove trace to delete a trace';

/** DuckDB's messages for writes refused by the read-only transaction and a temp-space cap hit, made actionable. */
export function explainFailure(message: string): string {
  const ro = /Cannot write to database "([^"]*)" - transaction is launched in read-only mode/.exec(message);
  if (ro) return `Permission Error: ${READ_ONLY_HINT} (database "${ro[1]}")`;
  if (/failed to offload data block/.test(message) && /max_temp_directory_size/.test(message)) {
    const used = /\(([^)]*) used\)/.exec(message)?.[1];
    return `Out of Memory Error: the query needs more temporary disk space than this session allows${used ? ` (${used} used)` : ''}; narrow it with WHERE or LIMIT, or aggregate`;
  }
  return message;
}

/** Rows (and bytes of text, roughly) a statement that cannot be paged from a temp table may keep in memory. */
export const MAX_INLINE_ROWS = 100_000;
const MAX_INLINE_BYTES = 256 * 2 ** 20;

/** Roughly what a cell takes as text. */
function cellBytes(v: CellValue): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.reduce<number>((n, x) => n + cellBytes(x), 2);
  if (v !== null && typeof v === 'object') return Object.entries(v).reduce<number>((n, [k, x]) => n + k.length + cellBytes(x), 2);
  return 8;
}

/** Run a prepared statement to its end, reading its rows chunk by chunk and dropping them. */
async function drain(prepared: DuckDBPreparedStatement): Promise<void> {
  const r = await prepared.stream();
  for (;;) {
    const chunk = await r.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
  }
}

/** A statement's rows in memory, chunk by chunk (the event loop breathes), at most MAX_INLINE_ROWS. */
async function collectInline(prepared: DuckDBPreparedStatement): Promise<{ columns: ColumnInfo[]; rows: CellValue[][] }> {
  const r = await prepared.stream();
  const names = r.columnNames();
  const types = r.columnTypes();
  const rows: CellValue[][] = [];
  let bytes = 0;
  for (;;) {
    const chunk = await r.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    if (rows.length + chunk.rowCount > MAX_INLINE_ROWS) {
      throw new QueryError(
        `this statement's result has more than ${MAX_INLINE_ROWS.toLocaleString('en-US')} rows and cannot be paged as it is: wrap it as SELECT * FROM (...) or add a LIMIT`,
        null,
        'sql',
      );
    }
    for (const row of chunk.convertRows(JSDuckDBValueConverter)) {
      const cells = row.map(toCell);
      bytes += cells.reduce<number>((n, c) => n + cellBytes(c), 0);
      rows.push(cells);
    }
    if (bytes > MAX_INLINE_BYTES) {
      throw new QueryError(`this statement's result is over ${MAX_INLINE_BYTES / 2 ** 20} MiB and cannot be paged as it is: wrap it as SELECT * FROM (...) or add a LIMIT`, null, 'sql');
    }
  }
  return { columns: names.map((name, k) => ({ name, type: types[k].toString() })), rows };
}

/** Whether two prepared statements give the same column names and types. */
function sameColumns(a: DuckDBPreparedStatement, b: DuckDBPreparedStatement): boolean {
  if (a.columnCount !== b.columnCount) return false;
  for (let k = 0; k < a.columnCount; k++) {
    if (a.columnName(k) !== b.columnName(k) || a.columnType(k).toString() !== b.columnType(k).toString()) return false;
  }
  return true;
}

/** Statement `index` of `sql` as our own splitter cuts it, when it finds as many as DuckDB did. */
function statementText(sql: string, index: number, count: number): string | null {
  if (count === 1) return sql;
  const spans = statementSpans(sql);
  return spans.length === count ? sql.slice(spans[index].start, spans[index].end) : null;
}

/** One statement inside a READ ONLY transaction, rolled back when it fails. */
async function readOnly<T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION READ ONLY');
  let value: T;
  try {
    value = await work();
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => {});
    throw e;
  }
  await conn.run('COMMIT');
  return value;
}

/**
 * Run every statement of `sql`; stream the result of the last one to `handlers` chunk by chunk
 * (bounded memory for any result size). Returns the number of rows streamed. The CLI calls it on
 * a workspace opened read-only, so it needs no transaction of its own.
 */
export async function streamQuery(conn: DuckDBConnection, sql: string, handlers: StreamHandlers, engineViews?: ReadonlyMap<string, string>): Promise<number> {
  const keep = engineViews ?? (await engineTempViews(conn));
  const ex = await prepareAll(conn, sql);
  if (ex.count === 0) throw new QueryError('no SQL statement given', null, 'invalid-input');
  let result: DuckDBResult | undefined;
  try {
    for (let i = 0; i < ex.count; i++) {
      const prepared = await ex.prepare(i);
      if (i < ex.count - 1) {
        await prepared.run();
        continue;
      }
      // Checked before the last statement streams (another statement would end that stream),
      // and again once it has been read to its end.
      const shadowed = await dropShadowing(conn, keep);
      if (shadowed.length) throw shadowRefusal(shadowed);
      result = await prepared.stream();
    }
  } catch (e) {
    await dropShadowing(conn, keep).catch(() => []);
    if (e instanceof QueryError) throw e;
    throw new QueryError(explainFailure((e as Error).message));
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
    await dropShadowing(conn, keep).catch(() => []);
    throw new QueryError(explainFailure((e as Error).message));
  }
  const shadowed = await dropShadowing(conn, keep);
  if (shadowed.length) throw shadowRefusal(shadowed);
  return n;
}

/**
 * TEMP objects (of this connection) that would change what the engine's own reads see: views and
 * tables named like a table or view of the workspace's main schema (unqualified names resolve to
 * TEMP first, so `CREATE TEMP VIEW traces AS ... WHERE side = 'src'` would change every later
 * report's provenance and runTracks' scope), and macros named like a table of it or a built-in
 * function (a TEMP MACRO `lower` or `duckdb_tables` replaces the built-in for the whole
 * connection). They are dropped; returns their names. This query names everything by the system
 * catalog, so the objects it looks for cannot change it.
 */
export async function dropShadowing(conn: DuckDBConnection, keep: ReadonlyMap<string, string> = new Map()): Promise<string[]> {
  const r = await conn.runAndReadAll(
    `WITH own AS (
       SELECT system.main.lower(table_name) AS n FROM system.main.duckdb_tables()
        WHERE NOT temporary AND database_name = system.main.current_database() AND schema_name = 'main'
       UNION SELECT system.main.lower(view_name) FROM system.main.duckdb_views()
        WHERE NOT temporary AND NOT internal AND database_name = system.main.current_database() AND schema_name = 'main'
     ), builtin AS (
       SELECT system.main.lower(function_name) AS n FROM system.main.duckdb_functions() WHERE database_name = 'system'
     )
     SELECT 'TABLE', table_name, NULL FROM system.main.duckdb_tables() WHERE temporary AND system.main.lower(table_name) IN (SELECT n FROM own)
     UNION ALL
     SELECT 'VIEW', view_name, sql FROM system.main.duckdb_views() WHERE temporary AND NOT internal AND system.main.lower(view_name) IN (SELECT n FROM own)
     UNION ALL
     SELECT DISTINCT CASE function_type WHEN 'table_macro' THEN 'MACRO TABLE' ELSE 'MACRO' END, function_name, NULL FROM system.main.duckdb_functions()
      WHERE database_name = 'temp' AND function_type IN ('macro', 'table_macro')
        AND (system.main.lower(function_name) IN (SELECT n FROM own) OR system.main.lower(function_name) IN (SELECT n FROM builtin))`,
  );
  const out: string[] = [];
  for (const [kind, name, sql] of r.getRowsJS()) {
    if (kind === 'VIEW' && keep.get(String(name).toLowerCase()) === sql) continue;
    await conn.run(`DROP ${String(kind)} IF EXISTS temp.main.${ident(String(name))}`);
    out.push(String(name));
  }
  if (keep.size > 0) {
    // The engine's own (a read-only open's bridge views), put back when dropped or replaced.
    const have = new Set(
      (await conn.runAndReadAll('SELECT system.main.lower(view_name) FROM system.main.duckdb_views() WHERE temporary AND NOT internal')).getRowsJS().map((x) => String(x[0])),
    );
    for (const [name, sql] of keep) if (!have.has(name)) await conn.run(sql);
  }
  return out;
}

/**
 * The TEMP views a connection has before any user SQL ran on it (a read-only open's bridge views
 * over older tables, see schema-version.ts), by lower-case name: dropShadowing keeps them as they are.
 */
export async function engineTempViews(conn: DuckDBConnection): Promise<Map<string, string>> {
  const r = await conn.runAndReadAll('SELECT system.main.lower(view_name), sql FROM system.main.duckdb_views() WHERE temporary AND NOT internal');
  return new Map(r.getRowsJS().map(([n, sql]) => [String(n), String(sql)]));
}

function shadowRefusal(names: readonly string[]): QueryError {
  const list = names.map((n) => `\`${n}\``).join(', ');
  return new QueryError(`a TEMP view, table or macro may not take the name of the workspace's or DuckDB's ${list} (dropped again): pick another name`, null, 'invalid-input');
}

const TRANSACTION_REFUSED = 'Permission Error: BEGIN, COMMIT and ROLLBACK are not allowed here: each statement runs in a transaction of its own';

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

export interface RunnerOptions {
  /**
   * Sessions served to a browser: refuse statements that change settings or reach outside the
   * workspace (DuckDB's enable_external_access=false already stops file access; this also stops
   * SET/PRAGMA of settings, LOAD/INSTALL and ATTACH, which that setting alone does not).
   */
  readonly lockedDown?: boolean;
}

/** A result handle with when it was last used (idle handles are released, see releaseIdle). */
interface LiveHandle {
  readonly handle: ResultHandle;
  lastUsed: number;
}

/** A page is never bigger than this, whatever the caller asks for. */
export const MAX_PAGE_ROWS = 5000;
/** Nor, as text, than this: a page of huge cells is cut short (at least one row, if that fits). */
export const MAX_PAGE_BYTES = 64 * 2 ** 20;

const REFUSED_WHEN_LOCKED = new Map<number, string>([
  [StatementType.SET, 'changing settings'],
  [StatementType.LOAD, 'loading or installing extensions'],
  [StatementType.EXTENSION, 'loading or installing extensions'],
  [StatementType.UPDATE_EXTENSIONS, 'updating extensions'],
  [StatementType.ATTACH, 'attaching databases'],
  [StatementType.DETACH, 'detaching databases'],
  [StatementType.COPY, 'COPY (use Export instead)'],
  [StatementType.COPY_DATABASE, 'COPY DATABASE'],
  [StatementType.EXPORT, 'EXPORT DATABASE'],
  [StatementType.VACUUM, 'VACUUM and ANALYZE'],
]);

/**
 * Paged results: the last statement's rows are materialized into a TEMP table so that the UI
 * can fetch any page (and re-sort) without holding the result in memory.
 */
export class QueryRunner {
  private serial = 0;
  private readonly handles = new Map<number, LiveHandle>();
  private refused: Promise<Set<string>> | null = null;
  private ownViews: Promise<Map<string, string>> | null = null;
  /** One sorted copy per result (the grid's current sort), so paging a sorted view stays cheap. */
  private readonly sorted = new Map<number, { key: string; table: string }>();
  /** Set while `run` is executing; cancel keeps interrupting until it is cleared. */
  private running = false;
  private cancelled = false;
  /** Counts runs, so that a cancel's repeated interrupts never reach a later run. */
  private generation = 0;

  constructor(
    private readonly conn: DuckDBConnection,
    private readonly options: RunnerOptions = {},
  ) {}

  /** The connection results live on (their temp tables are visible only there). */
  get connection(): DuckDBConnection {
    return this.conn;
  }

  get busy(): boolean {
    return this.running;
  }

  handle(id: number): ResultHandle {
    const h = this.handles.get(id);
    if (!h) throw new QueryError(`unknown result handle ${id}`, null, 'not-found');
    h.lastUsed = performance.now();
    return h.handle;
  }

  /** What engineTempViews found before the first user statement ran here. */
  engineViews(): Promise<Map<string, string>> {
    this.ownViews ??= engineTempViews(this.conn).catch((e: unknown) => {
      this.ownViews = null;
      throw e;
    });
    return this.ownViews;
  }

  async run(sql: string): Promise<ResultHandle> {
    await this.engineViews();
    this.generation++;
    this.running = true;
    this.cancelled = false;
    let h: ResultHandle;
    try {
      h = await this.runStatements(sql);
    } catch (e) {
      this.running = false;
      // Even a failed run may have created a shadowing object before the statement that failed.
      await this.engineViews()
        .then((keep) => dropShadowing(this.conn, keep))
        .catch(() => []);
      throw e;
    }
    this.running = false;
    const shadowed = await dropShadowing(this.conn, await this.engineViews());
    if (shadowed.length) {
      await this.release(h.id).catch(() => {});
      throw shadowRefusal(shadowed);
    }
    return h;
  }

  /**
   * Run engine work on this connection (runTracks over the user's TEMP views) as a run: cancel
   * interrupts it like a user query, and an interrupted task rejects as cancelled.
   */
  async guard<T>(task: () => Promise<T>): Promise<T> {
    this.generation++;
    this.running = true;
    this.cancelled = false;
    try {
      const value = await task();
      if (this.cancelled) throw new QueryError('INTERRUPT Error: query cancelled', null, 'cancelled');
      return value;
    } catch (e) {
      if (this.cancelled || /^INTERRUPT Error:/.test((e as Error).message)) throw new QueryError('INTERRUPT Error: query cancelled', null, 'cancelled');
      throw e;
    } finally {
      this.running = false;
    }
  }

  private async runStatements(sql: string): Promise<ResultHandle> {
    const t0 = performance.now();
    // Before DuckDB sees the text: binding a table function may already act (enable_logging).
    if (this.options.lockedDown) {
      this.refused ??= refusedFunctionNames(this.conn).catch((e: unknown) => {
        this.refused = null;
        throw e;
      });
      const fn = firstRefusedCall(sql, await this.refused);
      if (fn !== null) throw new QueryError(`Permission Error: the function ${fn}() is not allowed in this session`, null, 'read-only');
    }
    const ex = await prepareAll(this.conn, sql);
    if (ex.count === 0) throw new QueryError('no SQL statement given', null, 'invalid-input');
    const id = ++this.serial;
    let table: string | null = null;
    let columns: ColumnInfo[] = [];
    let rowCount = 0;
    let inline: CellValue[][] | null = null;
    let current = 0;
    try {
      for (let i = 0; i < ex.count; i++) {
        current = i;
        if (this.cancelled) throw new QueryError('INTERRUPT Error: query cancelled', null, 'cancelled');
        let prepared = await ex.prepare(i);
        if (prepared.statementType === StatementType.TRANSACTION) throw new QueryError(TRANSACTION_REFUSED, null, 'read-only');
        if (this.options.lockedDown) prepared = await this.checkLocked(prepared, sql, i, ex.count);
        const last = i === ex.count - 1;
        if (!last) {
          // Its rows go nowhere: stream and drop them (materialized, one SELECT took 8 GB).
          await readOnly(this.conn, () => drain(prepared));
          continue;
        }
        // statementType 1 is SELECT: only those are materialized for paging.
        const text = prepared.statementType === StatementType.SELECT ? statementText(sql, i, ex.count) : null;
        const create = text === null ? null : await this.createResultTable(`qtw_result_${id}`, text, prepared);
        if (create !== null) {
          table = `qtw_result_${id}`;
          await readOnly(this.conn, () => create.run());
          const info = await this.conn.runAndReadAll(`SELECT count(*) FROM ${ident(table)}`);
          rowCount = Number(info.getRows()[0][0]);
          const desc = await this.conn.runAndReadAll(`SELECT * FROM ${ident(table)} LIMIT 0`);
          columns = desc.columnNames().map((name, k) => ({ name, type: desc.columnTypes()[k].toString() }));
          continue;
        }
        // DESCRIBE, SHOW, PIVOT, PRAGMA ... cannot feed CREATE TABLE AS: their results are small
        // and kept in memory, up to a cap (a large one stalled the whole server).
        const r = await readOnly(this.conn, () => collectInline(prepared));
        columns = r.columns;
        inline = r.rows;
        rowCount = inline.length;
      }
    } catch (e) {
      if (table !== null) await this.conn.run(`DROP TABLE IF EXISTS ${ident(table)}`).catch(() => {});
      if (e instanceof QueryError) throw e;
      const msg = (e as Error).message;
      throw new QueryError(explainFailure(msg), await this.locate(msg, sql, current, ex.count));
    }
    const h: ResultHandle = { id, columns, rowCount, elapsedMs: performance.now() - t0, table, inline };
    this.handles.set(id, { handle: h, lastUsed: performance.now() });
    return h;
  }

  /**
   * `CREATE TEMP TABLE name AS <text>` prepared, when `text` (our own cut of the SQL) is verified
   * to be the statement DuckDB prepared: DuckDB reads it as exactly one SELECT with the same
   * columns, and the CREATE as one statement. Else null (the rows are then kept inline). Running
   * text that was not verified let `E'\\'` and `$tag$` strings smuggle COMMIT and writes past the
   * read-only transaction.
   */
  private async createResultTable(table: string, text: string, prepared: DuckDBPreparedStatement): Promise<DuckDBPreparedStatement | null> {
    try {
      const own = await this.conn.extractStatements(text);
      if (own.count !== 1) return null;
      const select = await own.prepare(0);
      if (select.statementType !== StatementType.SELECT || !sameColumns(select, prepared)) return null;
      const create = await this.conn.extractStatements(`CREATE TEMP TABLE ${ident(table)} AS ${text}`);
      if (create.count !== 1) return null;
      const p = await create.prepare(0);
      return p.statementType === StatementType.CREATE ? p : null;
    } catch {
      return null;
    }
  }

  /**
   * A locked-down session runs queries, not commands: no settings, files, extensions or
   * attachments (REFUSED_WHEN_LOCKED), and only the pragmas and CALLs of sql-guard.ts (its
   * table functions were checked on the whole text before anything was prepared). A CALL or
   * PRAGMA is judged on its own text, and what runs is that text, prepared again: so what was
   * judged is what runs, however the statements were cut.
   */
  private async checkLocked(prepared: DuckDBPreparedStatement, sql: string, index: number, count: number): Promise<DuckDBPreparedStatement> {
    const type = prepared.statementType;
    const what = REFUSED_WHEN_LOCKED.get(type);
    if (what !== undefined) throw new QueryError(`Permission Error: ${what} is not allowed in this session`, null, 'read-only');
    if (type !== StatementType.PRAGMA && type !== StatementType.CALL) return prepared;
    const text = statementText(sql, index, count) ?? '';
    const ok = type === StatementType.PRAGMA ? allowedPragma(text) : allowedCall(text);
    const own = ok === null ? null : await this.conn.extractStatements(text).catch(() => null);
    const again = own !== null && own.count === 1 ? await own.prepare(0) : null;
    if (again === null || again.statementType !== type) {
      const shown = text.trim().split(/\s+/).slice(0, 2).join(' ') || (type === StatementType.PRAGMA ? 'this PRAGMA' : 'this CALL');
      throw new QueryError(`Permission Error: ${shown} is not allowed in this session (queries, SHOW, DESCRIBE and the read-only PRAGMAs are)`, null, 'read-only');
    }
    return again;
  }

  /**
   * The offset of an error in statement `index`. DuckDB reports a later statement's position
   * against the whole text but prints it against the statement alone, so the caret cannot be
   * trusted there: prepare that statement's text on its own (binding only, nothing runs) and
   * read the position from that error instead.
   */
  private async locate(message: string, sql: string, index: number, count: number): Promise<number | null> {
    if (count === 1 || index === 0) return errorPosition(message, sql);
    const spans = statementSpans(sql);
    if (spans.length !== count) return null;
    const { start, end } = spans[index];
    try {
      await this.conn.prepare(sql.slice(start, end));
      return null;
    } catch (e) {
      const at = errorPosition((e as Error).message, sql.slice(start, end));
      return at === null ? null : start + at;
    }
  }

  /** At most MAX_PAGE_ROWS rows from `offset`, optionally under a sort on one result column. */
  async fetchRows(id: number, offset: number, count: number, orderBy?: { column: string; desc: boolean } | null): Promise<CellValue[][]> {
    const h = this.handle(id);
    const from = Math.max(0, Math.floor(offset));
    const n = Math.min(MAX_PAGE_ROWS, Math.max(0, Math.floor(count)));
    const col = orderBy ? h.columns.findIndex((c) => c.name === orderBy.column) : -1;
    if (orderBy && col < 0) throw new QueryError(`no column ${JSON.stringify(orderBy.column)} in this result`, null, 'invalid-input');
    if (h.table === null) {
      const rows = h.inline ?? [];
      if (!orderBy) return rows.slice(from, from + n);
      const dir = orderBy.desc ? -1 : 1;
      return [...rows].sort((a, b) => compareCells(a[col], b[col]) * dir).slice(from, from + n);
    }
    const source = orderBy ? await this.sortedTable(h, orderBy.column, orderBy.desc) : h.table;
    const page = `SELECT * FROM ${ident(source)} LIMIT ${n} OFFSET ${from}`;
    // Measured in DuckDB first: 5,000 rows of megabyte strings were gigabytes in the engine's heap.
    const sizes = (await this.conn.runAndReadAll(`SELECT strlen(CAST(p AS VARCHAR)) FROM (${page}) p`)).getRows();
    let rows = 0;
    let bytes = 0;
    for (const [b] of sizes) {
      if (rows > 0 && bytes + Number(b) > MAX_PAGE_BYTES) break;
      bytes += Number(b);
      rows++;
    }
    if (rows === 1 && bytes > MAX_PAGE_BYTES) {
      throw new QueryError(`row ${from + 1} of this result is ${Math.round(bytes / 2 ** 20)} MiB as text, too large to show: select fewer or shorter columns`, null, 'sql');
    }
    const r = await this.conn.runAndReadAll(rows === sizes.length ? page : `SELECT * FROM ${ident(source)} LIMIT ${rows} OFFSET ${from}`);
    return r.getRowsJS().map((row) => row.map(toCell));
  }

  private async sortedTable(h: ResultHandle, column: string, desc: boolean): Promise<string> {
    const key = `${desc ? 'desc' : 'asc'}:${column}`;
    const have = this.sorted.get(h.id);
    if (have?.key === key) return have.table;
    const table = `qtw_result_${h.id}_sorted`;
    if (h.table === null) throw new QueryError('result has no table', null, 'internal');
    // rowid breaks ties by result order, so pages of equal keys do not shuffle between fetches.
    await this.conn.run(
      `CREATE OR REPLACE TEMP TABLE ${ident(table)} AS SELECT * FROM ${ident(h.table)} ORDER BY ${ident(column)} ${desc ? 'DESC' : 'ASC'} NULLS LAST, rowid`,
    );
    this.sorted.set(h.id, { key, table });
    return table;
  }

  async release(id: number): Promise<void> {
    const live = this.handles.get(id);
    if (!live) return;
    this.handles.delete(id);
    const s = this.sorted.get(id);
    this.sorted.delete(id);
    if (s) await this.conn.run(`DROP TABLE IF EXISTS ${ident(s.table)}`);
    if (live.handle.table) await this.conn.run(`DROP TABLE IF EXISTS ${ident(live.handle.table)}`);
  }

  /**
   * Release every handle unused for `idleMs`: a page that closed without releasing its results
   * (a crashed tab, a killed script) must not keep their temp tables for the session's life.
   */
  async releaseIdle(idleMs: number): Promise<number[]> {
    const now = performance.now();
    const stale = [...this.handles].filter(([, h]) => now - h.lastUsed >= idleMs).map(([id]) => id);
    for (const id of stale) await this.release(id);
    return stale;
  }

  /** Every live handle, for hosts that release them all on disconnect. */
  ids(): number[] {
    return [...this.handles.keys()];
  }

  /**
   * Interrupt the running query (DuckDB interrupt). An interrupt that lands between two steps
   * of a run is lost, so keep interrupting until the run has ended.
   */
  cancel(): boolean {
    if (!this.running) return false;
    this.cancelled = true;
    this.conn.interrupt();
    const gen = this.generation;
    const again = setInterval(() => {
      if (!this.running || this.generation !== gen) clearInterval(again);
      else this.conn.interrupt();
    }, 50);
    again.unref();
    return true;
  }
}

/** Order for in-memory rows: NULLs last, numbers and bigints by value, the rest as text. */
function compareCells(a: CellValue, b: CellValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const x = cellText(a);
  const y = cellText(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Each statement's raw extent in `sql` (between semicolons outside quotes and comments),
 * skipping empty ones, so that positions inside a statement map back to the whole text.
 */
export function statementSpans(sql: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  let content = false;
  const close = (end: number) => {
    if (content) out.push({ start, end });
    start = end + 1;
    content = false;
  };
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    const prev = i > 0 ? sql[i - 1] : '';
    if (ch === "'" || ch === '"') {
      // E'...' strings take backslash escapes; elsewhere a doubled quote stays inside.
      const escapes = ch === "'" && /[eE]/.test(prev) && !/[\w$]/.test(i > 1 ? sql[i - 2] : '');
      let j = i + 1;
      while (j < sql.length && sql[j] !== ch) j += escapes && sql[j] === '\\' ? 2 : 1;
      i = j;
      content = true;
    } else if (ch === '$' && !/[\w$]/.test(prev)) {
      // Dollar quoting: $$...$$ or $tag$...$tag$ ($1 is a parameter, not a quote).
      const tag = /^\$(?:[A-Za-z_][\w]*)?\$/.exec(sql.slice(i, i + 256));
      if (tag) {
        const endAt = sql.indexOf(tag[0], i + tag[0].length);
        i = endAt < 0 ? sql.length : endAt + tag[0].length - 1;
      }
      content = true;
    } else if (ch === '-' && sql[i + 1] === '-') {
      // Up to the end of the line: LF or CR, as DuckDB's scanner ends it.
      let j = i + 2;
      while (j < sql.length && sql[j] !== '\n' && sql[j] !== '\r') j++;
      i = j;
    } else if (ch === '/' && sql[i + 1] === '*') {
      // Block comments nest.
      let depth = 1;
      let j = i + 2;
      while (j < sql.length && depth > 0) {
        const pair = sql.slice(j, j + 2);
        if (pair === '/*' || pair === '*/') {
          depth += pair === '/*' ? 1 : -1;
          j += 2;
        } else j++;
      }
      i = j - 1;
    } else if (ch === ';') close(i);
    else if (!/\s/.test(ch)) content = true;
  }
  close(sql.length);
  return out;
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
