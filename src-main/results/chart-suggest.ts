// suggestChart: a first chart for a result from its column types and names, and the number of
// distinct values of its integer columns (read from a sample), so that the chart tab has
// something sensible to show the moment a query finishes. Identifier-like columns (`channel`,
// `*_id`, `tid`, few-valued integers) split the chart into series; they are never drawn as a y.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ChartSuggestion, QueryColumn } from '../contract.ts';
import { ident } from '../workspace/schema.ts';
import { columnRoles, isCategoryType, isIdentifierName, isIntegerType, isNumericType, isTimeColumn, SMALL_INT_ROWS_PER_VALUE } from './column-kinds.ts';

export const DEFAULT_MAX_POINTS = 2000;
export const DEFAULT_BINS = 50;
/** Rows read to count distinct values: enough to tell 4 channels from 40,000 ids, cheap on any result. */
export const DISTINCT_SAMPLE_ROWS = 50_000;
/** y columns of a split chart: each is drawn once per split value. */
const MAX_SPLIT_Y = 2;

export function suggestChartFor(columns: readonly QueryColumn[], rowCount: number, paged: boolean, distinct: ReadonlyMap<string, number> = new Map()): ChartSuggestion {
  if (!paged) return { spec: null, reason: 'this statement does not return a table of rows to chart' };
  if (rowCount === 0) return { spec: null, reason: 'the result has no rows' };
  const roles = columnRoles(columns, rowCount, distinct);
  const role = (c: QueryColumn) => roles[columns.indexOf(c)];
  const time = columns.find(isTimeColumn);
  const measures = columns.filter((c) => c !== time && role(c) === 'measure');
  const splits = columns.filter((c) => role(c) === 'split');
  const idLike = columns.filter((c) => c !== time && isNumericType(c.type) && role(c) !== 'measure');
  // Nothing but identifiers: plot them rather than nothing (a histogram of tids still says something).
  const numbers = measures.length > 0 ? measures : idLike.filter((c) => c.name !== 'trace_id');
  const categories = columns.filter((c) => isCategoryType(c.type));
  const base = { maxPoints: DEFAULT_MAX_POINTS };
  // The split: a named identifier first, then `side`, then an integer that only has few values.
  const named = splits.find((c) => isIdentifierName(c.name) && numbers.includes(c) === false) ?? null;
  const side = categories.find((c) => c.name === 'side') ?? null;
  const fewValued = splits.find((c) => !isIdentifierName(c.name) && !numbers.includes(c)) ?? null;
  const split = named ?? side ?? fewValued;
  const splitWhy = split === null ? '' : `; split by ${split.name} (${splitReason(split, distinct)})`;
  if (time && numbers.length > 0) {
    const ys = numbers.slice(0, split ? MAX_SPLIT_Y : 4);
    return {
      spec: { ...base, kind: 'line', x: time.name, y: ys.map((c) => c.name), series: split?.name ?? null },
      reason: `${time.name} is a time axis; ${numbers.length === 1 ? 'one number' : 'numbers'} to follow over time${splitWhy}`,
    };
  }
  if (categories.length > 0 && numbers.length > 0) {
    return {
      spec: { ...base, kind: 'bar', x: categories[0].name, y: numbers.slice(0, 3).map((c) => c.name), series: null },
      reason: `${categories[0].name} names categories; ${numbers[0].name} is a number per category`,
    };
  }
  if (numbers.length >= 2 && !time) {
    return {
      spec: { ...base, kind: 'scatter', x: numbers[0].name, y: [numbers[1].name], series: split?.name ?? null },
      reason: `two numeric columns: ${numbers[1].name} against ${numbers[0].name}${splitWhy}`,
    };
  }
  const single = numbers[0] ?? time;
  if (single) {
    return {
      spec: { ...base, kind: 'histogram', x: single.name, y: [], series: null, bins: DEFAULT_BINS },
      reason: `the distribution of ${single.name}`,
    };
  }
  return { spec: null, reason: 'no numeric or time column to chart' };
}

function splitReason(c: QueryColumn, distinct: ReadonlyMap<string, number>): string {
  const n = distinct.get(c.name);
  const values = n === undefined ? '' : `${n} value${n === 1 ? '' : 's'}`;
  if (isIdentifierName(c.name)) return `an identifier${values ? `, ${values}` : ''}`;
  if (isCategoryType(c.type)) return 'names the sides';
  // A heuristic, and said so: few distinct integers over many rows read as groups, not amounts.
  return `only ${values} over ${SMALL_INT_ROWS_PER_VALUE}+ rows each: taken as groups, not amounts`;
}

/**
 * Distinct values of the result's integer columns in its first DISTINCT_SAMPLE_ROWS rows (a
 * sample, so that suggesting stays cheap on a billion-row result): what tells a split column
 * (4 channels) from an identifier (40,000 fault ids) or a measure.
 */
export async function sampleDistinct(conn: DuckDBConnection, table: string, columns: readonly QueryColumn[]): Promise<Map<string, number>> {
  const ints = columns.filter((c) => isIntegerType(c.type) && !isTimeColumn(c));
  const out = new Map<string, number>();
  if (ints.length === 0) return out;
  const list = ints.map((c) => `count(DISTINCT ${ident(c.name)})`).join(', ');
  const cols = ints.map((c) => ident(c.name)).join(', ');
  const r = await conn.runAndReadAll(`SELECT ${list} FROM (SELECT ${cols} FROM ${ident(table)} LIMIT ${DISTINCT_SAMPLE_ROWS})`);
  const row = r.getRowsJS()[0] ?? [];
  ints.forEach((c, i) => out.set(c.name, Number(row[i] ?? 0)));
  return out;
}

/** The suggestion for a result handle's table: types, names and the sampled distinct counts. */
export async function suggestChart(conn: DuckDBConnection, h: { readonly table: string | null; readonly columns: readonly QueryColumn[]; readonly rowCount: number }): Promise<ChartSuggestion> {
  const distinct = h.table !== null && h.rowCount > 0 ? await sampleDistinct(conn, h.table, h.columns) : new Map<string, number>();
  return suggestChartFor(h.columns, h.rowCount, h.table !== null, distinct);
}
