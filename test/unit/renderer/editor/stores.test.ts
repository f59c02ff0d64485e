// History and editor-tab stores over a Map-backed storage, fed with the real SQL of the
// analyses a user would run on the sample (statements of a script split by the editor).
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../../src-renderer/history/history-store.ts';
import { TabsStore } from '../../../../src-renderer/editor/tabs-store.ts';
import { splitStatements } from '../../../../src-renderer/editor/sql-scan.ts';
import { memoryStore } from '../../../../src-renderer/util/kv-store.ts';

const queries = splitStatements(`
SELECT * FROM migrate_set_state ORDER BY seq;
SELECT name, count(*) FROM events GROUP BY name ORDER BY 2 DESC;
SELECT * FROM unparsed WHERE trace_id = 1 ORDER BY seq LIMIT 1000;
SELECT side, min(ts_ns), max(ts_ns) FROM events GROUP BY side;
`).map((s) => s.text);

describe('HistoryStore', () => {
  it('keeps newest first, survives a reload, and moves a re-run query to the top', () => {
    const kv = memoryStore();
    const h = new HistoryStore(kv);
    queries.forEach((q, i) => h.add(q, { rows: i, elapsedMs: 1 }, 1000 + i));
    expect(h.list().map((e) => e.sql)).toEqual([...queries].reverse());
    h.add(queries[0], { rows: 5 }, 2000);
    expect(h.list()[0].sql).toBe(queries[0]);
    expect(h.list().length).toBe(queries.length);
    expect(new HistoryStore(kv).list()).toEqual(h.list());
  });

  it('evicts the oldest beyond the cap but never a starred entry', () => {
    const h = new HistoryStore(memoryStore(), 3);
    h.add(queries[0], {}, 1);
    h.toggleStar(h.list()[0].id);
    for (let i = 0; i < 10; i++) h.add(`${queries[1]} -- run ${i}`, {}, 10 + i);
    expect(h.list().length).toBe(3);
    expect(h.list().some((e) => e.sql === queries[0] && e.starred)).toBe(true);
    expect(h.list()[0].sql).toContain('run 9');
    // A star carries over when the same query runs again.
    h.add(queries[0], {}, 100);
    expect(h.list()[0]).toMatchObject({ sql: queries[0], starred: true });
  });

  it('searches by every term, case-insensitively, optionally starred only', () => {
    const h = new HistoryStore(memoryStore());
    for (const q of queries) h.add(q, {});
    expect(h.search('EVENTS group').map((e) => e.sql).sort()).toEqual(queries.filter((q) => /events/i.test(q) && /group/i.test(q)).sort());
    expect(h.search('unparsed', true)).toEqual([]);
    h.toggleStar(h.search('unparsed')[0].id);
    expect(h.search('', true).map((e) => e.sql)).toEqual([queries[2]]);
  });

  it('ignores corrupted storage instead of failing', () => {
    const kv = memoryStore();
    kv.setItem('qtw.history.v1', '{not json');
    expect(new HistoryStore(kv).list()).toEqual([]);
  });
});

describe('TabsStore', () => {
  it('adds, renames, edits, closes tabs and restores them', () => {
    const kv = memoryStore();
    const t = new TabsStore(kv, queries[0]);
    expect(t.tabs.map((x) => x.sql)).toEqual([queries[0]]);
    const b = t.add(queries[1]);
    expect(t.active.id).toBe(b.id);
    t.rename(b.id, '  by name  ');
    t.setSql(b.id, queries[2]);
    const again = new TabsStore(kv, '');
    expect(again.tabs.map((x) => [x.title, x.sql])).toEqual([
      ['Query 1', queries[0]],
      ['by name', queries[2]],
    ]);
    expect(again.active.id).toBe(b.id);
    again.close(b.id);
    expect(again.active.sql).toBe(queries[0]);
    again.close(again.active.id);
    expect(again.tabs.length).toBe(1);
    expect(again.active.sql).toBe('');
  });
});
