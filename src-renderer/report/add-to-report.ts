// "Add to report" on the results bar: pins the current result's table (top rows), its chart as
// shown, or both. A chart that was never opened gets the engine's suggestion for the result.
import type { ChartSpec, EngineClient, QueryResultInfo, ReportItem } from '../../src-main/contract.ts';
import { errorMessage, h } from '../util/dom.ts';
import { queryItem, type QueryShow } from './report-model.ts';

export interface AddToReportSource {
  /** The shown result and the SQL that produced it, or null when there is none. */
  current(): { result: QueryResultInfo; sql: string } | null;
  /** The chart panel's spec for the current result, if it drew one. */
  chartSpec(): ChartSpec | null;
}

const CHOICES: readonly { show: QueryShow; label: string; title: string }[] = [
  { show: 'table', label: 'Table (top rows)', title: 'Pin the first rows of this result' },
  { show: 'chart', label: 'Chart as shown', title: 'Pin the chart with its current kind and columns' },
  { show: 'both', label: 'Table and chart', title: 'Pin both' },
];

export function createAddToReport(
  client: EngineClient,
  source: AddToReportSource,
  /** False when the report refused the item (it is full). */
  add: (item: ReportItem) => boolean,
  note: (text: string) => void,
): HTMLElement {
  const button = h('button', { class: 'btn small', 'data-testid': 'add-to-report', 'aria-haspopup': 'menu', 'aria-expanded': 'false', title: 'Pin this result (table, chart or both) to the report' }, 'Add to report ▾');
  const menu = h('div', { class: 'rp-add-menu', role: 'menu', hidden: true });
  for (const c of CHOICES) {
    const item = h('button', { class: 'rp-add-choice', role: 'menuitem', 'data-show': c.show, title: c.title }, c.label);
    item.addEventListener('click', () => {
      close();
      void pin(c.show).catch((e: unknown) => note(`Add to report: ${errorMessage(e)}`));
    });
    menu.append(item);
  }
  const root = h('span', { class: 'rp-add' }, button, menu);

  function close(): void {
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
  }
  button.addEventListener('click', () => {
    if (!source.current()) {
      note('Run a query first: its result is what gets pinned.');
      return;
    }
    menu.hidden = !menu.hidden;
    button.setAttribute('aria-expanded', String(!menu.hidden));
  });
  document.addEventListener('mousedown', (ev) => {
    if (!menu.hidden && !root.contains(ev.target as Node)) close();
  });
  root.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') close();
  });

  async function pin(show: QueryShow): Promise<void> {
    const cur = source.current();
    if (!cur) return;
    let spec = show === 'table' ? null : source.chartSpec();
    if (show !== 'table' && !spec) spec = (await client.call('suggestChart', { handle: cur.result.handle })).spec;
    if (show !== 'table' && !spec) note('No chart for this result: pinned the table instead.');
    const item = queryItem(cur.sql, show, spec);
    note(add(item) ? `Added to report: ${item.title}` : 'The report is full: remove items on the Report page first.');
  }
  return root;
}
