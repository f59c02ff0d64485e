// Report edits as pure steps, checked against a plain-array reference under random operation
// sequences; items carry real content (the a-precopy source's state sequence and chart columns).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChartSpec, ReportItem, ReportModel } from '../../../../src-main/contract.ts';
import { SAMPLES } from '../../../helpers/paths.ts';
import { prng } from '../../../helpers/prng.ts';
import {
  analysisItem, clampRows, EMPTY_REPORT, insertItem, moveBy, moveItem, noteItem, parseReport, queryItem, removeItem, titleFromSql, updateItem,
} from '../../../../src-renderer/report/report-model.ts';

const manifest = JSON.parse(readFileSync(path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/manifest.json'), 'utf8'));
const states: string[] = manifest.facts_from_traces.src.migrate_set_state_sequence;
const lineSpec: ChartSpec = { kind: 'line', x: 'ts', y: ['dirty_pages'], series: null, maxPoints: 2000 };

function sampleItems(): ReportItem[] {
  const notes = states.map((s, i) => noteItem(`State ${i + 1}: **${s}**`));
  return [
    ...notes,
    queryItem("SELECT new_state, count(*) AS n FROM migrate_set_state GROUP BY ALL", 'both', { ...lineSpec, kind: 'bar', x: 'new_state', y: ['n'] }),
    analysisItem('migration_overview', 'Migration summary'),
  ];
}

describe('report model', () => {
  it('ids are unique and within the engine bound', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = noteItem().id;
      expect(id.length).toBeLessThanOrEqual(64);
      ids.add(id);
    }
    expect(ids.size).toBe(2000);
  });

  it('insert, move, moveBy and remove agree with a plain-array reference', () => {
    const rnd = prng(5);
    const pool = sampleItems();
    let m: ReportModel = EMPTY_REPORT;
    let ref: ReportItem[] = [];
    for (let step = 0; step < 3000; step++) {
      const op = Math.floor(rnd() * 4);
      if (op === 0 || ref.length === 0) {
        const it = { ...pool[Math.floor(rnd() * pool.length)]!, id: `i${step}` };
        const at = Math.floor(rnd() * (ref.length + 2));
        m = insertItem(m, it, at);
        ref.splice(Math.min(at, ref.length), 0, it);
      } else {
        const victim = ref[Math.floor(rnd() * ref.length)]!;
        const from = ref.indexOf(victim);
        if (op === 1) {
          m = removeItem(m, victim.id);
          ref = ref.filter((x) => x !== victim);
        } else if (op === 2) {
          const to = Math.floor(rnd() * ref.length);
          m = moveItem(m, victim.id, to);
          ref.splice(from, 1);
          ref.splice(to, 0, victim);
        } else {
          const d = rnd() < 0.5 ? -1 : 1;
          m = moveBy(m, victim.id, d);
          const to = Math.max(0, Math.min(ref.length - 1, from + d));
          ref.splice(from, 1);
          ref.splice(to, 0, victim);
        }
      }
      expect(m.items.map((x) => x.id)).toEqual(ref.map((x) => x.id));
    }
  });

  it('moving up from the top or down from the bottom changes nothing; unknown ids are ignored', () => {
    const m = { title: 't', items: sampleItems() };
    expect(moveBy(m, m.items[0]!.id, -1)).toBe(m);
    expect(moveBy(m, m.items[m.items.length - 1]!.id, 1)).toBe(m);
    expect(moveItem(m, 'nope', 0)).toBe(m);
    expect(removeItem(m, 'nope').items).toEqual(m.items);
  });

  it('updateItem edits one item of the given kind only', () => {
    const m = { title: '', items: sampleItems() };
    const note = m.items[1]!;
    const q = m.items.find((x) => x.kind === 'query')!;
    const next = updateItem(updateItem(m, note.id, 'note', { markdown: 'changed' }), q.id, 'query', { maxRows: 7 });
    expect(next.items[1]).toEqual({ kind: 'note', id: note.id, markdown: 'changed' });
    expect(next.items.find((x) => x.id === q.id)).toMatchObject({ kind: 'query', maxRows: 7, sql: (q as { sql: string }).sql });
    // Wrong kind for the id: untouched.
    expect(updateItem(m, note.id, 'query', { maxRows: 3 }).items[1]).toBe(note);
    expect(next.items.filter((x, i) => x !== m.items[i]).length).toBe(2);
  });

  it('a chart item without a chart spec falls back to the table; rows are clamped', () => {
    expect(queryItem('SELECT 1', 'chart', null).show).toBe('table');
    expect(queryItem('SELECT 1', 'both', lineSpec).show).toBe('both');
    expect([clampRows(0), clampRows(25.4), clampRows(1e9), clampRows(Number.NaN)]).toEqual([1, 25, 10000, 50]);
  });

  it('parseReport round-trips a saved model and drops what the wire got wrong', () => {
    const m: ReportModel = { title: `a-precopy: ${states.join(' → ')}`, items: sampleItems() };
    expect(parseReport(JSON.parse(JSON.stringify(m)))).toEqual(m);
    const dup = m.items[0]!;
    const broken = {
      title: 42,
      items: [dup, dup, { kind: 'note' }, { kind: 'video', id: 'v' }, null, { kind: 'query', id: 'q', sql: 'SELECT 1', show: 'chart', chart: { kind: 'pie', x: 'a' }, maxRows: 0 }],
    };
    const p = parseReport(broken);
    expect(p.title).toBe('');
    expect(p.items.map((x) => x.id)).toEqual([dup.id, 'q']);
    expect(p.items[1]).toMatchObject({ show: 'table', chart: null, maxRows: 1 });
    expect(parseReport(null)).toEqual(EMPTY_REPORT);
    // Chart bounds as the engine's validator has them (maxPoints 2..100000, bins 1..1000).
    const wild = parseReport({ title: '', items: [{ kind: 'query', id: 'w', sql: 'SELECT 1', show: 'both', maxRows: 5, chart: { kind: 'histogram', x: 'n', y: [], series: null, maxPoints: 1, bins: 5000 } }] });
    expect(wild.items[0]).toMatchObject({ show: 'both', chart: { maxPoints: 2, bins: 1000 } });
  });

  it('titles pinned queries from a leading comment, else from the table and select list', () => {
    expect(titleFromSql('-- Dirty pages per sync\nSELECT * FROM migration_bitmap_sync_end')).toBe('Dirty pages per sync');
    expect(titleFromSql('SELECT new_state, count(*) FROM migrate_set_state GROUP BY 1')).toBe('migrate_set_state: count(*) by new_state');
    expect(titleFromSql('SET threads=1; SELECT ts_ns FROM "events" /* all */ LIMIT 3')).toBe('events: ts_ns');
    expect(titleFromSql('PRAGMA show_tables')).toBe('PRAGMA show_tables');
    expect(titleFromSql(`SELECT ${'x, '.repeat(100)}y FROM t`)).toBe('t: x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, +78 more');
  });
});
