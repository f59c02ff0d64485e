// Query history in the sidebar: search, star, click to load into the editor.
import type { HistoryEntry, HistoryStore } from '../history/history-store.ts';
import { clear, h } from '../util/dom.ts';
import { formatCount, formatElapsedMs } from '../util/time-format.ts';

function when(at: number): string {
  const d = new Date(at);
  const today = new Date();
  const hm = d.toTimeString().slice(0, 5);
  return d.toDateString() === today.toDateString() ? hm : `${d.toISOString().slice(0, 10)} ${hm}`;
}

export function createHistoryPanel(host: HTMLElement, store: HistoryStore, hooks: { load(sql: string): void }): void {
  const search = h('input', { type: 'search', class: 'search', placeholder: 'Search history…', 'aria-label': 'Search query history' });
  const starredOnly = h('input', { type: 'checkbox' });
  const list = h('div', { class: 'history-list' });
  host.append(h('div', { class: 'history-bar' }, search, h('label', { class: 'check', title: 'Show starred only' }, starredOnly, '★ only')), list);

  function item(e: HistoryEntry): HTMLElement {
    const star = h('button', { class: `star${e.starred ? ' on' : ''}`, title: e.starred ? 'Unstar (starred queries are never evicted)' : 'Star: keep forever' }, e.starred ? '★' : '☆');
    star.addEventListener('click', (ev) => {
      ev.stopPropagation();
      store.toggleStar(e.id);
    });
    const outcome = e.error
      ? h('span', { class: 'err' }, e.error === 'cancelled' ? 'cancelled' : 'error')
      : h('span', { class: 'muted' }, `${formatCount(e.rows ?? 0)} row${e.rows === 1 ? '' : 's'} · ${formatElapsedMs(e.elapsedMs ?? 0)}`);
    const row = h(
      'div',
      { class: 'history-item', title: `${e.sql}\n\nClick to open in the editor` },
      h('div', { class: 'history-head' }, star, h('span', { class: 'muted' }, when(e.at)), outcome),
      h('pre', { class: 'history-sql' }, e.sql.length > 400 ? `${e.sql.slice(0, 400)}…` : e.sql),
    );
    row.addEventListener('click', () => hooks.load(e.sql));
    return row;
  }

  function render(): void {
    clear(list);
    const entries = store.search(search.value, starredOnly.checked);
    if (entries.length === 0) {
      list.append(h('div', { class: 'empty-small' }, store.list().length ? 'No match.' : 'Queries you run appear here.'));
      return;
    }
    for (const e of entries.slice(0, 300)) list.append(item(e));
  }
  search.addEventListener('input', render);
  starredOnly.addEventListener('change', render);
  store.onChange(render);
  render();
}
