// Renders an analysis .sql template against one workspace. DuckDB binds a view when it is
// created, so a view may only name event tables (and columns) that exist: every reference to
// trace events goes through a placeholder that expands to the tables present, or to an empty
// typed relation, so each view exists in every workspace with the same columns.
//
//   {{events a|b: col TYPE, out=arg1|arg2 TYPE}}
//       a parenthesised relation with trace_id, side (VARCHAR), seq, ts_ns, tid, event (the
//       table's name) and the listed columns; UNION ALL of whichever of a, b exist. `out=x|y`
//       takes the first of x, y the table has, or the first non-NULL of them when it has several
//       (argument names differ between QEMU versions, and one table may hold rows of both);
//       a column the table lacks is NULL. An argument named like a fixed column (pid, seq...)
//       is stored with an _arg suffix: name it so (`fault_pid=pid_arg`). Values are TRY_CAST
//       to TYPE (a column shared by several QEMU versions may have been widened to VARCHAR).
//       Rows of alternate traces are left out (PRIMARY_ONLY).
//   {{has a|b}}  true when any of the tables exists.

/** Event tables of a workspace and their columns (lower-cased names). */
export type TableColumns = ReadonlyMap<string, ReadonlySet<string>>;

interface WantedColumn {
  readonly out: string;
  readonly candidates: readonly string[];
  readonly type: string;
}

const PLACEHOLDER = /\{\{\s*(events|has)\s+([^}]*?)\s*\}\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TYPE = /^[A-Z][A-Z0-9_]*(\[\])?$/;

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function parseTables(text: string, where: string): string[] {
  const names = text.split('|').map((s) => s.trim());
  for (const n of names) if (!NAME.test(n)) throw new Error(`${where}: bad table name '${n}'`);
  return names;
}

function parseColumns(text: string, where: string): WantedColumn[] {
  if (!text.trim()) return [];
  return text.split(',').map((part) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s*=\s*([A-Za-z0-9_|\s]+?))?\s+([A-Z][A-Z0-9_]*(?:\[\])?)\s*$/.exec(part);
    if (!m || !TYPE.test(m[3])) throw new Error(`${where}: bad column spec '${part.trim()}'`);
    const candidates = m[2] ? m[2].split('|').map((s) => s.trim()) : [m[1]];
    return { out: m[1], candidates, type: m[3] };
  });
}

/**
 * Analyses read the traces they use: an alternate (the same QEMU traced by a second backend,
 * traces.alternate_of, analyses/runs/) would count every event twice. Read at query time, so a
 * switch of primary needs no new views.
 */
export const PRIMARY_ONLY = 'trace_id NOT IN (SELECT trace_id FROM traces WHERE alternate_of IS NOT NULL)';

const FIXED = ['trace_id INTEGER', 'side VARCHAR', 'seq BIGINT', 'ts_ns BIGINT', 'tid INTEGER', 'event VARCHAR'];

function emptyRelation(cols: readonly WantedColumn[]): string {
  const fixed = FIXED.map((f) => {
    const [n, t] = f.split(' ');
    return `NULL::${t} AS ${n}`;
  });
  const rest = cols.map((c) => `NULL::${c.type} AS ${quote(c.out)}`);
  return `SELECT ${[...fixed, ...rest].join(', ')} WHERE false`;
}

/**
 * Only these traces: a range DuckDB prunes row groups with (a trace's rows are appended
 * together), then the exact list.
 */
function scopeFilter(scope: readonly number[] | undefined): string {
  if (scope === undefined) return '';
  const ids = [...new Set(scope.map((n) => Math.trunc(n)))].sort((a, b) => a - b);
  if (ids.length === 0) return ' AND false';
  return ` AND trace_id BETWEEN ${ids[0]} AND ${ids[ids.length - 1]} AND trace_id IN (${ids.join(', ')})`;
}

function tableRelation(table: string, have: ReadonlySet<string>, cols: readonly WantedColumn[], scope?: readonly number[]): string {
  const rest = cols.map((c) => {
    // A table filled by several QEMU versions can hold more than one of the names (each row
    // fills its own version's): the first non-NULL of them.
    const found = c.candidates.filter((n) => have.has(n.toLowerCase())).map((n) => `TRY_CAST(${quote(n)} AS ${c.type})`);
    if (found.length === 0) return `NULL::${c.type} AS ${quote(c.out)}`;
    return `${found.length === 1 ? found[0] : `coalesce(${found.join(', ')})`} AS ${quote(c.out)}`;
  });
  const fixed = `trace_id, CAST(side AS VARCHAR) AS side, seq, ts_ns, tid, '${table}' AS event`;
  return `SELECT ${[fixed, ...rest].join(', ')} FROM ${quote(table)} WHERE ${PRIMARY_ONLY}${scopeFilter(scope)}`;
}

/**
 * Expand the placeholders of `template` for a workspace holding `tables`; with `scope`, every
 * event relation holds only those traces' rows (a page about one run need not compute all).
 */
export function renderTemplate(template: string, tables: TableColumns, where = 'analysis', scope?: readonly number[]): string {
  return template.replace(PLACEHOLDER, (_all, kind: string, body: string) => {
    const colon = body.indexOf(':');
    const names = parseTables(colon < 0 ? body : body.slice(0, colon), where);
    const present = names.filter((n) => tables.has(n.toLowerCase()));
    if (kind === 'has') {
      if (colon >= 0) throw new Error(`${where}: {{has}} takes table names only`);
      return present.length ? 'true' : 'false';
    }
    const cols = parseColumns(colon < 0 ? '' : body.slice(colon + 1), where);
    const parts = present.map((t) => tableRelation(t, tables.get(t.toLowerCase()) ?? new Set(), cols, scope));
    return `(${parts.length ? parts.join('\n    UNION ALL ') : emptyRelation(cols)})`;
  });
}
