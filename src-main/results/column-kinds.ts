// What a result column can be on a chart, from its DuckDB type and name.
import type { QueryColumn } from '../contract.ts';

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT']);

export function isNumericType(type: string): boolean {
  return INTEGER_TYPES.has(type) || type === 'FLOAT' || type === 'DOUBLE' || type.startsWith('DECIMAL');
}

export function isIntegerType(type: string): boolean {
  return INTEGER_TYPES.has(type);
}

/** DuckDB temporal types: their values chart on a time axis. */
export function isTemporalType(type: string): boolean {
  return type === 'DATE' || type.startsWith('TIMESTAMP');
}

/** A nanosecond timestamp held as an integer: ts_ns, first_ts_ns, start_ns ... */
export function isNanosecondColumn(c: QueryColumn): boolean {
  return isIntegerType(c.type) && /(^|_)ts_ns$|(^|_)(ts|time|start|end|first|last)_ns$|^ns$/.test(c.name);
}

export function isTimeColumn(c: QueryColumn): boolean {
  return isTemporalType(c.type) || isNanosecondColumn(c);
}

export function isCategoryType(type: string): boolean {
  return type === 'VARCHAR' || type.startsWith('ENUM') || type === 'BOOLEAN' || type === 'UUID';
}

/** Bookkeeping columns of event tables: numbers, but rarely what anyone wants to plot. */
export const ID_COLUMNS = new Set(['trace_id', 'seq', 'tid', 'pid']);

/**
 * A column that names things rather than measures them (`id`, `channel`, `*_id`, `tid`, `pid`,
 * `seq`, `cpu`...): an integer, but plotting it as a y draws its labels as if they were amounts.
 */
export function isIdentifierName(name: string): boolean {
  return /^(id|channel|chan|tid|pid|seq|cpu|vcpu|cpu_index|idx|index|side|run|attempt)$|(^|_)(id|idx|no|index|channel)$/i.test(name);
}

/** Row order, not a group: never a split-by, whatever its name says. */
export function isSequenceName(name: string): boolean {
  return /^(seq|line_no|offset|rowid|row_number)$/i.test(name);
}

/** What a result column is on a chart. */
export type ColumnRole = 'time' | 'measure' | 'split' | 'identifier' | 'category' | 'other';

/** At most this many distinct values: an identifier column splits a chart instead of being plotted. */
export const MAX_SPLIT_VALUES = 16;
/** An integer not named as an identifier splits a chart only with at most this many values ... */
export const SMALL_INT_VALUES = 8;
/** ... each on at least this many rows on average (else it is a short table of measures). */
export const SMALL_INT_ROWS_PER_VALUE = 10;

/**
 * The role of each column: `distinct` holds the number of distinct values of integer columns
 * where it was counted (chart-suggest reads a sample); without it, names alone decide.
 */
export function columnRoles(columns: readonly QueryColumn[], rowCount: number, distinct: ReadonlyMap<string, number> = new Map()): ColumnRole[] {
  const fewValued = new Set<number>();
  const roles = columns.map((c, i): ColumnRole => {
    if (isTimeColumn(c)) return 'time';
    const n = distinct.get(c.name);
    if (isNumericType(c.type)) {
      if (isIdentifierName(c.name) || ID_COLUMNS.has(c.name)) {
        if (isSequenceName(c.name)) return 'identifier';
        return n === undefined || n <= MAX_SPLIT_VALUES ? 'split' : 'identifier';
      }
      if (isIntegerType(c.type) && n !== undefined && n > 1 && n <= SMALL_INT_VALUES && rowCount >= n * SMALL_INT_ROWS_PER_VALUE) {
        fewValued.add(i);
        return 'split';
      }
      return 'measure';
    }
    if (isCategoryType(c.type)) return 'category';
    return 'other';
  });
  // Few values are only a hint: with no other measure left, they are what there is to plot.
  if (!roles.includes('measure')) for (const i of fewValued) roles[i] = 'measure';
  return roles;
}
