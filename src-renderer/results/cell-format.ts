// How one result cell is shown. Pure (no DOM) so the rules are unit-tested: 64-bit values stay
// exact (they arrive as strings beyond 2^53), pointers are hex, ts_ns carries a human tooltip.
import type { QueryColumn, SchemaInfo, WireCell } from '../../src-main/contract.ts';
import { formatTimestampNs } from '../util/time-format.ts';

export type CellKind = 'timestamp-ns' | 'pointer' | 'integer' | 'float' | 'boolean' | 'text' | 'nested' | 'other';

export interface FormattedCell {
  readonly text: string;
  /** CSS modifier: numbers right-aligned, NULL dimmed, ... */
  readonly cls: 'null' | 'num' | 'bool' | 'text' | 'ptr' | 'nested';
  readonly title: string | null;
}

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT\d*)$/i;
const FLOAT_TYPES = /^(FLOAT|DOUBLE|REAL|DECIMAL.*)$/i;

/** Decide each column's presentation from its name, its type, and the catalogue C types. */
export function columnKinds(columns: readonly QueryColumn[], pointerColumns: ReadonlySet<string>): CellKind[] {
  return columns.map((c) => {
    const t = c.type.toUpperCase();
    if (/(^|_)ts_ns$/i.test(c.name) && INTEGER_TYPES.test(t)) return 'timestamp-ns';
    if (t === 'UBIGINT' && pointerColumns.has(c.name)) return 'pointer';
    if (INTEGER_TYPES.test(t)) return 'integer';
    if (FLOAT_TYPES.test(t)) return 'float';
    if (t === 'BOOLEAN') return 'boolean';
    if (/\[\]$|^(STRUCT|MAP|LIST|UNION)/.test(t)) return 'nested';
    if (/^(VARCHAR|TEXT|STRING|ENUM|UUID|BLOB|BIT|JSON)/.test(t) || t.startsWith('ENUM(')) return 'text';
    return 'other';
  });
}

/**
 * Argument columns the catalogue types as pointers (`void *`, `struct X *`), among the tables a
 * query references. A result column name matching one is shown in hex.
 */
export function pointerColumnNames(schema: SchemaInfo | null, referencedTables: readonly string[]): Set<string> {
  const out = new Set<string>();
  if (!schema) return out;
  const wanted = new Set(referencedTables.map((t) => t.toLowerCase()));
  for (const t of schema.tables) {
    if (!wanted.has(t.name.toLowerCase())) continue;
    for (const c of t.columns) if (c.ctype && c.ctype.trim().endsWith('*') && c.type.toUpperCase() === 'UBIGINT') out.add(c.name);
  }
  return out;
}

export function toHex(v: number | string): string | null {
  try {
    const b = typeof v === 'number' ? (Number.isInteger(v) ? BigInt(v) : null) : /^-?\d+$/.test(v) ? BigInt(v) : null;
    if (b === null) return null;
    return b < 0n ? `-0x${(-b).toString(16)}` : `0x${b.toString(16)}`;
  } catch {
    return null;
  }
}

export function formatCell(value: WireCell, kind: CellKind): FormattedCell {
  if (value === null) return { text: 'NULL', cls: 'null', title: null };
  switch (kind) {
    case 'timestamp-ns':
      return { text: String(value), cls: 'num', title: typeof value === 'object' ? null : formatTimestampNs(String(value)) };
    case 'pointer': {
      const hex = typeof value === 'number' || typeof value === 'string' ? toHex(value) : null;
      return hex ? { text: hex, cls: 'ptr', title: String(value) } : { text: String(value), cls: 'text', title: null };
    }
    case 'integer':
    case 'float':
      return { text: typeof value === 'object' ? JSON.stringify(value) : String(value), cls: 'num', title: null };
    case 'boolean':
      return { text: String(value), cls: 'bool', title: null };
    default:
      if (typeof value === 'object') return { text: JSON.stringify(value), cls: 'nested', title: null };
      if (typeof value === 'string') return { text: value, cls: 'text', title: value.length > 80 ? value : null };
      return { text: String(value), cls: typeof value === 'number' ? 'num' : 'text', title: null };
  }
}

/** Plain text of a cell for copying: what is shown, except NULL becomes empty. */
export function copyText(value: WireCell, kind: CellKind): string {
  if (value === null) return '';
  return formatCell(value, kind).text;
}
