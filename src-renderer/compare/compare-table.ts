// A small read-only table for compare results: numbers right-aligned, deltas coloured by sign.
import { h } from '../util/dom.ts';
import { num, str, type Row } from '../migration/query-rows.ts';
import { numberText } from './compare-model.ts';

function cellText(v: Row[string]): string {
  const n = num(v ?? null);
  if (n !== null) return numberText(n);
  return str(v ?? null) ?? '—';
}

export function compareTable(rows: readonly Row[], columns: readonly { key: string; label: string }[], testid: string): HTMLElement {
  const head = h('tr', {}, ...columns.map((c) => h('th', {}, c.label)));
  const body = rows.map((r) =>
    h('tr', {}, ...columns.map((c) => {
      const v = r[c.key] ?? null;
      const n = num(v);
      const cls = [c.key !== columns[0]!.key ? 'num' : '', c.key === 'delta' && n !== null ? (n > 0 ? 'up' : n < 0 ? 'down' : '') : ''].join(' ').trim();
      return h('td', { class: cls, 'data-col': c.key }, cellText(v));
    })),
  );
  return h('table', { class: 'cmp-table', 'data-testid': testid }, h('thead', {}, head), h('tbody', {}, ...body));
}
