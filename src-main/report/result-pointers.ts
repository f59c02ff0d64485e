// Which columns of a query's result hold pointers, for redaction. A value is a pointer because of
// where it came from (an event argument whose C type is `T *`), never because of its name or size:
// a count named like some event's pointer argument (`n`, `size`, `p`) is still a count. The query
// is parsed by DuckDB (json_serialize_sql) and each result column followed back through plain
// column references, `*`, subqueries, CTEs and joins to an event table's column. Anything else
// (an expression, a set operation, a table function) loses the link, and its integers are shown
// as they are; hex text of pointer length is still redacted by Redactor.text.
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal } from '../workspace/schema.ts';

/** Event table → its pointer-typed integer columns, from every catalogue that typed a trace. */
export type PointerCatalogue = ReadonlyMap<string, ReadonlySet<string>>;

export async function pointerCatalogue(conn: DuckDBConnection): Promise<PointerCatalogue> {
  const r = await conn.runAndReadAll(`SELECT DISTINCT name, c FROM (
      SELECT name, unnest(columns) AS c, unnest(arg_types) AS t, unnest(column_types) AS ct FROM catalogue_events)
    WHERE trim(t) LIKE '%*' AND ct LIKE '%INT%'`);
  const out = new Map<string, Set<string>>();
  for (const [t, c] of r.getRowsJS()) {
    const key = String(t).toLowerCase();
    out.set(key, (out.get(key) ?? new Set()).add(String(c).toLowerCase()));
  }
  return out;
}

interface Col {
  /** null: DuckDB's own name for an expression, which is not predicted here. */
  readonly name: string | null;
  readonly pointer: boolean;
}

interface Source {
  readonly alias: string;
  /** null: columns unknown (table function, unresolved subquery). */
  readonly cols: readonly Col[] | null;
}

interface From {
  readonly sources: readonly Source[];
  /** USING / NATURAL joins merge columns under `*`: not followed. */
  readonly merged: boolean;
}

class Lost extends Error {}

type Ast = Record<string, unknown>;
const arr = (v: unknown): Ast[] => (Array.isArray(v) ? (v as Ast[]) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const low = (s: string) => s.toLowerCase();

/** Aggregates whose value is one of their input's values. */
const PASS_THROUGH = new Set(['min', 'max', 'any_value', 'arbitrary', 'first', 'last', 'mode']);

class Resolver {
  constructor(
    private readonly tables: ReadonlyMap<string, readonly string[]>,
    private readonly catalogue: PointerCatalogue,
  ) {}

  node(n: Ast, ctes: ReadonlyMap<string, readonly Col[] | null>): Col[] {
    if (n.type !== 'SELECT_NODE') throw new Lost();
    const scope = new Map(ctes);
    for (const e of arr((n.cte_map as Ast | undefined)?.map)) {
      const q = ((e.value as Ast | undefined)?.query as Ast | undefined)?.node as Ast | undefined;
      scope.set(low(str(e.key)), q ? this.tryNode(q, scope) : null);
    }
    const from = this.from(n.from_table as Ast | null, scope);
    const out: Col[] = [];
    for (const e of arr(n.select_list)) {
      if (e.type === 'STAR') out.push(...this.star(e, from));
      else out.push({ name: str(e.alias) || (e.type === 'COLUMN_REF' ? lastName(e) : null), pointer: this.expr(e, from) });
    }
    return out;
  }

  private tryNode(n: Ast, ctes: ReadonlyMap<string, readonly Col[] | null>): Col[] | null {
    try {
      return this.node(n, ctes);
    } catch (e) {
      if (e instanceof Lost) return null;
      throw e;
    }
  }

  private from(t: Ast | null | undefined, ctes: ReadonlyMap<string, readonly Col[] | null>): From {
    if (!t || t.type === 'EMPTY' || t.type === 'EMPTY_FROM') return { sources: [], merged: false };
    if (t.type === 'JOIN') {
      const l = this.from(t.left as Ast, ctes);
      const r = this.from(t.right as Ast, ctes);
      const merged = l.merged || r.merged || t.ref_type === 'NATURAL' || arr(t.using_columns).length > 0;
      return { sources: [...l.sources, ...r.sources], merged };
    }
    let cols: readonly Col[] | null = null;
    let alias = str(t.alias);
    if (t.type === 'BASE_TABLE') {
      const name = low(str(t.table_name));
      alias ||= str(t.table_name);
      const schema = low(str(t.schema_name));
      if (schema === '' && ctes.has(name)) cols = ctes.get(name) ?? null;
      else if (schema === '' || schema === 'main' || schema === 'temp') {
        const names = this.tables.get(name);
        const ptrs = this.catalogue.get(name);
        cols = names ? names.map((c) => ({ name: c, pointer: ptrs?.has(low(c)) === true })) : null;
      }
    } else if (t.type === 'SUBQUERY') {
      const q = ((t.subquery as Ast | undefined)?.node as Ast | undefined) ?? null;
      cols = q ? this.tryNode(q, ctes) : null;
    }
    const rename = arr(t.column_name_alias).map(String);
    if (cols && rename.length) cols = cols.map((c, i) => (i < rename.length ? { ...c, name: rename[i] } : c));
    return { sources: [{ alias, cols }], merged: false };
  }

  private star(e: Ast, from: From): Col[] {
    const plain = e.columns !== true && !e.expr && !arr(e.replace_list).length && !arr(e.rename_list).length && !arr(e.qualified_exclude_list).length;
    if (!plain || from.merged) throw new Lost();
    const rel = low(str(e.relation_name));
    const srcs = rel ? from.sources.filter((s) => low(s.alias) === rel) : from.sources;
    if (srcs.length === 0) throw new Lost();
    const excluded = new Set(arr(e.exclude_list).map((x) => low(typeof x === 'string' ? x : lastName(x) ?? '')));
    const out: Col[] = [];
    for (const s of srcs) {
      if (s.cols === null) throw new Lost();
      for (const c of s.cols) if (c.name === null || !excluded.has(low(c.name))) out.push(c);
    }
    return out;
  }

  private expr(e: Ast, from: From): boolean {
    if (e.type === 'COLUMN_REF') return this.ref(e, from);
    if (e.class === 'FUNCTION' && PASS_THROUGH.has(low(str(e.function_name))) && !e.filter && arr(e.children).length === 1) {
      const [c] = arr(e.children);
      return c.type === 'COLUMN_REF' && this.ref(c, from);
    }
    return false;
  }

  private ref(e: Ast, from: From): boolean {
    const names = arr(e.column_names).map(String);
    const col = low(names[names.length - 1] ?? '');
    const qual = names.length >= 2 ? low(names[names.length - 2]) : null;
    const srcs = qual === null ? from.sources : from.sources.filter((s) => low(s.alias) === qual);
    const hits = srcs.flatMap((s) => (s.cols ?? []).filter((c) => c.name !== null && low(c.name) === col));
    // Unqualified and in several sources: a USING column, the same value on each side.
    return hits.length > 0 && hits.every((c) => c.pointer);
  }
}

function lastName(e: unknown): string | null {
  const names = arr((e as Ast | null)?.column_names).map(String);
  return names.length ? names[names.length - 1] : null;
}

/** Whether `actual` is the name DuckDB gives a column predicted as `predicted` (duplicates get `_1`, `_2`…). */
function sameName(predicted: string | null, actual: string): boolean {
  if (predicted === null) return true;
  const p = low(predicted);
  const a = low(actual);
  return a === p || (a.startsWith(`${p}_`) && /^\d+$/.test(a.slice(p.length + 1)));
}

/**
 * For each column of the result of `sql` (its last statement), whether its values are pointers.
 * Every column is false when the columns cannot be followed back with certainty.
 */
export async function resultPointerColumns(
  conn: DuckDBConnection,
  sql: string,
  columns: readonly { readonly name: string }[],
  catalogue: PointerCatalogue,
): Promise<boolean[]> {
  const none = columns.map(() => false);
  if (catalogue.size === 0 || columns.length === 0) return none;
  const parsed = (await conn.runAndReadAll(`SELECT json_serialize_sql(${literal(sql)})`)).getRowsJS()[0]?.[0];
  const ast = JSON.parse(String(parsed)) as Ast;
  const statements = arr(ast.statements);
  const node = statements[statements.length - 1]?.node as Ast | undefined;
  if (ast.error === true || !node) return none;
  const wanted = new Set<string>();
  collectTableNames(node, wanted);
  const tables = new Map<string, string[]>();
  if (wanted.size) {
    const r = await conn.runAndReadAll(`SELECT lower(table_name), column_name, database_name FROM duckdb_columns()
      WHERE lower(table_name) IN (${[...wanted].map(literal).join(', ')}) AND schema_name = 'main' AND database_name IN (current_database(), 'temp')
      ORDER BY database_name = 'temp' DESC, column_index`);
    const from = new Map<string, string>();
    for (const [t, c, db] of r.getRowsJS()) {
      const key = String(t);
      // One definition per name, TEMP first as DuckDB resolves it (a read-only workspace bridges
      // older tables by TEMP views of the same name).
      if ((from.get(key) ?? db) !== db) continue;
      from.set(key, String(db));
      tables.set(key, [...(tables.get(key) ?? []), String(c)]);
    }
  }
  let cols: Col[];
  try {
    cols = new Resolver(tables, catalogue).node(node, new Map());
  } catch (e) {
    if (e instanceof Lost) return none;
    throw e;
  }
  if (cols.length !== columns.length || cols.some((c, i) => !sameName(c.name, columns[i].name))) return none;
  return cols.map((c) => c.pointer);
}

function collectTableNames(v: unknown, out: Set<string>): void {
  if (Array.isArray(v)) for (const x of v) collectTableNames(x, out);
  else if (v !== null && typeof v === 'object') {
    const o = v as Ast;
    if (o.type === 'BASE_TABLE' && typeof o.table_name === 'string') out.add(low(o.table_name));
    for (const x of Object.values(o)) collectTableNames(x, out);
  }
}
