// Which analysis views (and base tables) this workspace has, with their columns. The analysis
// library is created per workspace and grows over time, so every chart builds its SQL from what
// is actually there instead of failing on a missing view or column.
import type { EngineClient } from '../../src-main/contract.ts';
import { lit, queryRows, str } from './query-rows.ts';

export const ANALYSIS_VIEWS = [
  'migration_states', 'migration_overview', 'dirty_sync_iterations', 'multifd_channels',
  'postcopy_faults', 'downtime_breakdown', 'section_timings', 'precopy_progress',
] as const;
export type AnalysisView = (typeof ANALYSIS_VIEWS)[number];

const BASE_RELATIONS = ['events', 'traces', 'migrate_set_state'] as const;

export class Catalog {
  constructor(
    private readonly columns: ReadonlyMap<string, readonly string[]>,
    private readonly types: ReadonlyMap<string, string> = new Map(),
    private readonly macros: ReadonlySet<string> = new Set(),
  ) {}

  hasMacro(name: string): boolean {
    return this.macros.has(name);
  }

  /** DuckDB type of relation.column, e.g. 'BIGINT', 'VARCHAR'; null when unknown. */
  typeOf(relation: string, column: string): string | null {
    return this.types.get(`${relation}.${column}`) ?? null;
  }
  isNumeric(relation: string, column: string): boolean {
    return /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/.test(this.typeOf(relation, column) ?? '');
  }

  has(relation: string): boolean {
    return this.columns.has(relation);
  }
  columnsOf(relation: string): readonly string[] {
    return this.columns.get(relation) ?? [];
  }
  hasColumns(relation: string, ...cols: string[]): boolean {
    const have = this.columns.get(relation);
    return !!have && cols.every((c) => have.includes(c));
  }
  /** The first of `candidates` that `relation` has. */
  pick(relation: string, ...candidates: string[]): string | null {
    const have = this.columns.get(relation);
    return have ? (candidates.find((c) => have.includes(c)) ?? null) : null;
  }
}

export function probeSql(): string {
  const names = [...ANALYSIS_VIEWS, ...BASE_RELATIONS].map(lit).join(', ');
  return `SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' AND database_name = current_database() AND table_name IN (${names}) ORDER BY table_name, column_index`;
}

export const ANALYSIS_MACROS = ['multifd_throughput'] as const;

export function macroProbeSql(): string {
  return `SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_name IN (${ANALYSIS_MACROS.map(lit).join(', ')})`;
}

export async function probeCatalog(client: EngineClient): Promise<Catalog> {
  const map = new Map<string, string[]>();
  const types = new Map<string, string>();
  for (const r of await queryRows(client, probeSql())) {
    const t = str(r.table_name);
    const c = str(r.column_name);
    if (!t || !c) continue;
    const list = map.get(t) ?? [];
    list.push(c);
    map.set(t, list);
    types.set(`${t}.${c}`, str(r.data_type) ?? '');
  }
  const macros = new Set<string>();
  for (const r of await queryRows(client, macroProbeSql())) {
    const n = str(r.function_name);
    if (n) macros.add(n);
  }
  return new Catalog(map, types, macros);
}
