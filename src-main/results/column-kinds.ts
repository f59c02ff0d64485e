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
