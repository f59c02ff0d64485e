// SQL completion and hover from the schema of a real ingested workspace (QEMU 7.2 a-precopy).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionItems, hoverMarkdown, needsQuotes, quoteIdent } from '../../../../src-renderer/editor/completion-items.ts';
import { openSampleWorkspace, type SampleWorkspace } from '../../../helpers/sample-workspace.ts';

let w: SampleWorkspace;
beforeAll(async () => {
  w = await openSampleWorkspace();
});
afterAll(() => w?.close());

function sorted<T extends { sortText: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => (a.sortText < b.sortText ? -1 : a.sortText > b.sortText ? 1 : 0));
}

describe('completionItems', () => {
  it('offers every event table after FROM, event tables first, migrate_set_state among the `mig` matches', () => {
    const sql = 'SELECT * FROM mig';
    const items = sorted(completionItems(w.schema, sql, sql.length));
    const names = items.map((i) => i.label);
    expect(new Set(names)).toEqual(new Set(w.schema.tables.map((t) => t.name)));
    const eventNames = new Set(w.schema.tables.filter((t) => t.kind === 'event').map((t) => t.name));
    const firstOther = names.findIndex((n) => !eventNames.has(n));
    expect(firstOther).toBe(eventNames.size);
    const mig = items.find((i) => i.label === 'migrate_set_state')!;
    expect(mig.kind).toBe('event');
    const doc = w.schema.tables.find((t) => t.name === 'migrate_set_state')!.doc!;
    expect(mig.detail).toBe(doc.signature);
    expect(mig.documentation).toContain(doc.format);
    expect(mig.documentation).toContain(doc.catalogueName);
  });

  it('after FROM a, JOIN b offers tables too, but columns in the select list', () => {
    const sql = 'SELECT * FROM migrate_set_state, ';
    expect(completionItems(w.schema, sql, sql.length).every((i) => i.kind !== 'column' && i.kind !== 'keyword')).toBe(true);
    const sel = 'SELECT  FROM migrate_set_state';
    const items = sorted(completionItems(w.schema, sel, 7));
    const cols = w.schema.tables.find((t) => t.name === 'migrate_set_state')!.columns.map((c) => c.name);
    expect(items.slice(0, cols.length).map((i) => i.label).sort()).toEqual([...cols].sort());
    expect(items.some((i) => i.kind === 'function' && i.label === 'count')).toBe(true);
    expect(items.some((i) => i.kind === 'keyword' && i.label === 'WHERE')).toBe(true);
  });

  it('after alias. offers exactly that table\'s columns, with types and C types', () => {
    const event = w.schema.tables.find((t) => t.kind === 'event' && t.columns.some((c) => c.ctype?.endsWith('*') && c.type === 'UBIGINT'))!;
    const sql = `SELECT e. FROM ${event.name} AS e JOIN traces t USING (trace_id)`;
    const items = completionItems(w.schema, sql, 'SELECT e.'.length);
    expect(items.map((i) => i.label)).toEqual(event.columns.map((c) => c.name));
    const ptr = event.columns.find((c) => c.ctype?.endsWith('*') && c.type === 'UBIGINT')!;
    expect(items.find((i) => i.label === ptr.name)!.detail).toContain(ptr.ctype!);
    // The table's own name qualifies as well as its alias.
    const byName = `SELECT ${event.name}. FROM ${event.name}`;
    expect(completionItems(w.schema, byName, `SELECT ${event.name}.`.length).map((i) => i.label)).toEqual(event.columns.map((c) => c.name));
    const t = 'SELECT t. FROM traces t';
    expect(completionItems(w.schema, t, 'SELECT t.'.length).map((i) => i.label)).toEqual(w.schema.tables.find((x) => x.name === 'traces')!.columns.map((c) => c.name));
  });

  it('quotes argument columns that are reserved words, and only those', () => {
    // `unparsed` has a column named offset (a reserved word in DuckDB).
    const sql = 'SELECT u. FROM unparsed u';
    const items = completionItems(w.schema, sql, 'SELECT u.'.length);
    const offset = items.find((i) => i.label === 'offset');
    expect(offset?.insertText).toBe('"offset"');
    expect(items.find((i) => i.label === 'seq')?.insertText).toBe('seq');
  });

  it('agrees with DuckDB about which names must be quoted', async () => {
    // Every column name in the workspace: those DuckDB accepts bare in a select list must not be
    // quoted by us, and those it rejects bare must be.
    const names = [...new Set(w.schema.tables.flatMap((t) => t.columns.map((c) => c.name)))];
    const mustQuote: string[] = [];
    for (const n of names) {
      try {
        await w.rows(`SELECT ${n} FROM (SELECT 1 AS "${n}")`);
      } catch {
        mustQuote.push(n);
      }
    }
    expect(mustQuote.length).toBeGreaterThan(0);
    for (const n of mustQuote) expect(needsQuotes(n)).toBe(true);
    for (const n of names) await w.rows(`SELECT ${quoteIdent(n)} FROM (SELECT 1 AS "${n}")`);
  });
});

describe('hoverMarkdown', () => {
  it('shows the catalogue entry of an event table and of its columns', () => {
    const t = w.schema.tables.find((x) => x.name === 'migrate_set_state')!;
    const sql = 'SELECT s.new_state FROM migrate_set_state s';
    const onTable = hoverMarkdown(w.schema, sql, 'migrate_set_state', null)!;
    expect(onTable).toContain(t.doc!.signature);
    expect(onTable).toContain(t.doc!.sourceFile!);
    const onCol = hoverMarkdown(w.schema, sql, 'new_state', 's')!;
    expect(onCol).toContain('const char *');
    expect(onCol).toContain(t.doc!.format);
    expect(hoverMarkdown(w.schema, sql, 'no_such_thing', null)).toBeNull();
  });
});
