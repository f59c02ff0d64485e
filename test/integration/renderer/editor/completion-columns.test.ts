// Column completion in a select list written before its FROM, on the schema of the ingested
// QEMU 7.2 a-precopy sample: every event table's columns, once per name, naming their tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionItems } from '../../../../src-renderer/editor/completion-items.ts';
import { openSampleWorkspace, type SampleWorkspace } from '../../../helpers/sample-workspace.ts';

let w: SampleWorkspace;
beforeAll(async () => {
  w = await openSampleWorkspace();
});
afterAll(() => w?.close());

describe('select-list columns without FROM', () => {
  it('offers each event-table column once, before tables, with the tables that have it', () => {
    const sql = 'SELECT new_';
    const items = completionItems(w.schema, sql, sql.length);
    const cols = items.filter((i) => i.kind === 'column');
    const events = w.schema.tables.filter((t) => t.kind === 'event');
    const names = new Set(events.flatMap((t) => t.columns.map((c) => c.name)));
    expect(cols.map((c) => c.label).sort()).toEqual([...names].sort());
    const ns = cols.find((c) => c.label === 'new_state')!;
    const having = events.filter((t) => t.columns.some((c) => c.name === 'new_state')).map((t) => t.name);
    expect(having).toContain('migrate_set_state');
    for (const t of having) expect(ns.documentation).toContain(t);
    expect(ns.detail).toContain('migrate_set_state');
    // Columns every event table has (trace_id, ts_ns) say so instead of listing them all.
    expect(cols.find((c) => c.label === 'ts_ns')!.detail).toMatch(/every event table$/);
    const tableRank = Math.min(...items.filter((i) => i.kind !== 'column').map((i) => i.sortText.charCodeAt(0)));
    expect(Math.max(...cols.map((c) => c.sortText.charCodeAt(0)))).toBeLessThan(tableRank);
  });

  it('offers only the FROM tables\' columns once FROM is written, and no columns after FROM', () => {
    const sql = 'SELECT new_ FROM migrate_set_state';
    const cols = completionItems(w.schema, sql, 'SELECT new_'.length).filter((i) => i.kind === 'column');
    expect(cols.map((c) => c.label)).toEqual(w.schema.tables.find((t) => t.name === 'migrate_set_state')!.columns.map((c) => c.name));
    const where = 'SELECT 1 WHERE ';
    expect(completionItems(w.schema, where, where.length).some((i) => i.kind === 'column')).toBe(false);
  });
});
