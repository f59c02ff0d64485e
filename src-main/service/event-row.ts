// eventRow: every column of one event record, for the detail pane of a timeline click.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RowDetail } from '../contract.ts';
import { toCell } from '../workspace/query.ts';
import { ident } from '../workspace/schema.ts';
import { ServiceError } from './failure.ts';
import { toWireRow } from './wire.ts';

export async function readEventRow(conn: DuckDBConnection, name: string, traceId: number, seq: number): Promise<RowDetail> {
  // The name becomes an identifier: only names of real event tables are accepted.
  const known = await conn.runAndReadAll('SELECT 1 FROM qtw_event_tables WHERE name = $1', [name]);
  if (known.currentRowCount === 0) throw new ServiceError(`no event table named ${JSON.stringify(name)}`, 'not-found');
  const r = await conn.runAndReadAll(`SELECT * FROM ${ident(name)} WHERE trace_id = $1 AND seq = $2 LIMIT 1`, [traceId, seq]);
  const columns = r.columnNames().map((n, i) => ({ name: n, type: r.columnTypes()[i].toString() }));
  const rows = r.getRowsJS();
  return { columns, row: rows.length ? toWireRow(rows[0].map(toCell)) : null };
}
