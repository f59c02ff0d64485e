// The panel under the Tracks view showing an area selection's summary (engine method
// areaSummary): by event, by thread or by track, with the exact SQL behind the table one click
// from the editor ("Open as query") and the report ("Add to report": a query item of that SQL).
import './area-panel.css';
import type { AreaGrouping, AreaSummaryData, EngineClient, ReportItem } from '../../src-main/contract.ts';
import { queryItem } from '../report/report-model.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { formatDurationNs } from '../util/time-format.ts';
import { formatAreaCell, type AreaSelection } from './area-selection.ts';

export interface AreaHooks {
  openQuery?(sql: string, run: boolean): void;
  /** False when the report refused the item (it is full). */
  addToReport?(item: ReportItem): boolean;
}

export interface AreaPanel {
  readonly element: HTMLElement;
  /** at: where the range starts, as the axis says it (`+1.2 s`). */
  show(runId: number, sel: AreaSelection, at: string): void;
  hide(): void;
}

const GROUPINGS: readonly { g: AreaGrouping; label: string; title: string }[] = [
  { g: 'event', label: 'By event', title: 'Records per side and event name in the range' },
  { g: 'thread', label: 'By thread', title: 'Records and distinct events per side and thread' },
  { g: 'track', label: 'By track', title: "Slices overlapping the range (durations clipped to it), counters' min/max/last" },
];

/** `12 rows · 3,456 records`: the table's size and, by event or thread, the records it counts. */
function summaryLine(d: AreaSummaryData): string {
  const rows = `${d.rows.length.toLocaleString('en-US')} row${d.rows.length === 1 ? '' : 's'}`;
  if (d.groupBy === 'track') return rows;
  let total = 0n;
  for (const r of d.rows) {
    const v = r.records;
    if (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v))) total += BigInt(v);
  }
  return `${rows} · ${total.toLocaleString('en-US')} records`;
}

export function createAreaPanel(client: EngineClient, hooks: AreaHooks, actions: { zoomTo(sel: AreaSelection): void; clear(): void }): AreaPanel {
  const title = h('span', { class: 'ar-title', 'data-testid': 'area-title' });
  const toggles = GROUPINGS.map(({ g, label, title: t }) => h('button', { class: 'btn small ar-group', 'data-group': g, 'aria-pressed': String(g === 'event'), title: t }, label));
  const zoom = h('button', { class: 'btn small', 'data-testid': 'area-zoom', title: 'Zoom the view to the selected range' }, 'Zoom to selection');
  const open = h('button', { class: 'btn small', 'data-testid': 'area-open-query', disabled: true, title: 'Put the SQL behind this table in the SQL editor and run it' }, 'Open as query');
  const add = h('button', { class: 'btn small', 'data-testid': 'area-add-report', disabled: true, title: 'Pin this table (its SQL) to the report' }, 'Add to report');
  const close = h('button', { class: 'btn small', title: 'Clear the selection (Esc)', 'aria-label': 'Clear the selection' }, '×');
  const said = h('span', { class: 'ar-said muted', 'aria-live': 'polite' });
  const notes = h('div', { class: 'ar-notes', hidden: true, 'data-testid': 'area-notes' });
  const table = h('div', { class: 'ar-table', 'data-testid': 'area-table' });
  const element = h('div', { class: 'ar-panel', hidden: true, 'data-testid': 'area-panel' },
    h('div', { class: 'ar-bar' }, title, h('span', { class: 'ar-groups', role: 'group', 'aria-label': 'Group by' }, ...toggles), zoom, open, add, said, h('span', { class: 'spacer' }), close),
    notes, table);
  if (!hooks.openQuery) open.hidden = true;
  if (!hooks.addToReport) add.hidden = true;

  let group: AreaGrouping = 'event';
  let current: { runId: number; sel: AreaSelection } | null = null;
  let data: AreaSummaryData | null = null;
  let seq = 0;

  function render(): void {
    clear(table);
    if (!data) return;
    element.dataset.sql = data.sql;
    element.dataset.group = data.groupBy;
    notes.hidden = data.notes.length === 0;
    notes.textContent = data.notes.join(' · ');
    if (data.rows.length === 0) {
      table.append(h('div', { class: 'muted ar-empty' }, 'Nothing in this range.'));
      return;
    }
    const numeric = (name: string) => data!.rows.some((r) => typeof r[name] === 'number' || (typeof r[name] === 'string' && /^-?\d+$/.test(r[name] as string)));
    const right = new Set(data.columns.map((c) => c.name).filter((n) => n !== 'tid' && numeric(n)));
    table.append(h('table', { class: 'ar-grid' },
      h('thead', {}, h('tr', {}, ...data.columns.map((c) => h('th', { 'data-col': c.name, class: right.has(c.name) ? 'num' : '' }, c.name)))),
      h('tbody', {}, ...data.rows.map((r) => h('tr', {}, ...data!.columns.map((c) => h('td', { 'data-col': c.name, 'data-raw': r[c.name] === null ? '' : String(r[c.name]), class: right.has(c.name) ? 'num' : '' }, formatAreaCell(c.name, r[c.name] ?? null))))))));
  }

  async function load(): Promise<void> {
    if (!current) return;
    const my = ++seq;
    const { runId, sel } = current;
    element.dataset.state = 'loading';
    open.disabled = true;
    add.disabled = true;
    said.textContent = 'Summarising…';
    try {
      const r = await client.call('areaSummary', { runId, fromNs: sel.from.toString(), toNs: sel.to.toString(), groupBy: group, lanes: sel.lanes });
      if (my !== seq) return;
      data = r;
      said.textContent = summaryLine(r);
      open.disabled = false;
      add.disabled = false;
      render();
      element.dataset.state = 'done';
    } catch (e) {
      if (my !== seq) return;
      data = null;
      clear(table);
      said.textContent = `Could not summarise: ${errorMessage(e)}`;
      element.dataset.state = 'error';
    }
  }

  for (const b of toggles) {
    b.addEventListener('click', () => {
      group = b.dataset.group as AreaGrouping;
      for (const x of toggles) x.setAttribute('aria-pressed', String(x === b));
      void load();
    });
  }
  zoom.addEventListener('click', () => current && actions.zoomTo(current.sel));
  close.addEventListener('click', () => actions.clear());
  open.addEventListener('click', () => data && hooks.openQuery?.(data.sql, true));
  add.addEventListener('click', () => {
    if (!data || !hooks.addToReport || !current) return;
    const what = GROUPINGS.find((x) => x.g === data!.groupBy)?.label.toLowerCase() ?? data.groupBy;
    const item = queryItem(data.sql, 'table', null, `Run ${current.runId}: ${formatDurationNs(current.sel.to - current.sel.from)} area, ${what}`);
    said.textContent = hooks.addToReport(item) ? `Added to report: ${item.title}` : 'The report is full: remove items on the Report page first.';
  });

  return {
    element,
    show(runId, sel, at) {
      current = { runId, sel };
      element.hidden = false;
      const lanes = sel.titles.length === 1 ? sel.titles[0]! : `${sel.titles.length} lanes`;
      title.textContent = `Selection: ${formatDurationNs(sel.to - sel.from)} from ${at} · ${lanes}`;
      title.title = sel.titles.join('\n');
      void load();
    },
    hide() {
      ++seq;
      current = null;
      data = null;
      element.hidden = true;
      delete element.dataset.sql;
      delete element.dataset.state;
      clear(table);
    },
  };
}
