// Compare: two migration attempts side by side (they may come from different trace pairs of this
// workspace): overview metrics and time per state, then per-event counts and rates.
import './compare.css';
import type { EngineClient } from '../../src-main/contract.ts';
import { probeCatalog, type Catalog } from '../migration/catalog-probe.ts';
import { attemptKey, attemptLabel, toAttempt, type AttemptSummary } from '../migration/overview-model.ts';
import { queryRows } from '../migration/query-rows.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { compareTable } from './compare-table.ts';
import { attemptsSql, eventsSql, phasesSql, type AttemptRef } from './compare-sql.ts';

export interface ComparePage {
  readonly root: HTMLElement;
  refresh(): Promise<void>;
}

const PHASE_COLUMNS = [
  { key: 'metric', label: 'metric' }, { key: 'a', label: 'A' }, { key: 'b', label: 'B' }, { key: 'delta', label: 'B − A' }, { key: 'ratio', label: 'B / A' },
];
const EVENT_COLUMNS = [
  { key: 'event', label: 'event' }, { key: 'a_count', label: 'A' }, { key: 'b_count', label: 'B' }, { key: 'delta', label: 'B − A' },
  { key: 'ratio', label: 'B / A' }, { key: 'a_per_s', label: 'A /s' }, { key: 'b_per_s', label: 'B /s' },
];

export function createComparePage(client: EngineClient, hooks: { openQuery(sql: string): void }): ComparePage {
  const pickA = h('select', { 'aria-label': 'attempt A', 'data-testid': 'compare-a' });
  const pickB = h('select', { 'aria-label': 'attempt B', 'data-testid': 'compare-b' });
  const status = h('span', { class: 'muted' });
  const body = h('div', { class: 'cmp-body' });
  const root = h(
    'div',
    { class: 'cmp-page', 'data-testid': 'compare-page' },
    h('div', { class: 'mg-bar' }, h('h2', {}, 'Compare'),
      h('label', { class: 'cmp-pick' }, h('span', { class: 'cmp-ab' }, 'A'), pickA),
      h('label', { class: 'cmp-pick' }, h('span', { class: 'cmp-ab' }, 'B'), pickB), status),
    h('p', { class: 'cmp-note muted' },
      'Deltas are B − A; ratios B / A. Attempts come from every trace pair in this workspace. To compare two workspaces, ingest both trace pairs into one: the served session does not allow ATTACH from SQL.'),
    body,
  );

  let cat: Catalog | null = null;
  let attempts: AttemptSummary[] = [];
  let token = 0;

  function section(title: string, sql: string | null, content: HTMLElement): HTMLElement {
    const open = h('button', { class: 'btn small', 'data-testid': 'open-query', disabled: sql === null }, 'Open query');
    open.addEventListener('click', () => sql && hooks.openQuery(sql));
    return h('section', { class: 'cmp-section' }, h('header', { class: 'mg-chart-head' }, h('h3', {}, title), h('span', { class: 'spacer' }), open), content);
  }

  async function table(sql: string | null, cols: typeof PHASE_COLUMNS, testid: string): Promise<HTMLElement> {
    if (sql === null) return h('div', { class: 'empty-small' }, 'The analysis views this needs are not in this workspace.');
    try {
      const rows = await queryRows(client, sql, 2000);
      return rows.length ? compareTable(rows, cols, testid) : h('div', { class: 'empty-small' }, 'No rows.');
    } catch (e) {
      return h('div', { class: 'empty-small err' }, `Query failed: ${errorMessage(e)}`);
    }
  }

  const refOf = (key: string): AttemptRef | null => attempts.find((a) => attemptKey(a) === key) ?? null;

  async function render(): Promise<void> {
    const my = ++token;
    const a = refOf(pickA.value);
    const b = refOf(pickB.value);
    if (!cat || !a || !b) return;
    status.textContent = 'loading…';
    const pSql = phasesSql(cat, a, b);
    const eSql = eventsSql(cat, a, b);
    const phases = await table(pSql, PHASE_COLUMNS, 'compare-phases');
    const events = await table(eSql, EVENT_COLUMNS, 'compare-events');
    if (my !== token) return;
    clear(body);
    body.append(
      h('div', { class: 'cmp-legend' }, h('span', {}, h('b', {}, 'A '), attemptLabel(a)), h('span', {}, h('b', {}, 'B '), attemptLabel(b))),
      section('Phases and totals', pSql, phases),
      section('Events in each attempt\'s window', eSql, events),
    );
    status.textContent = '';
    root.dataset.state = 'ready';
  }
  pickA.addEventListener('change', () => void render());
  pickB.addEventListener('change', () => void render());

  return {
    root,
    async refresh() {
      root.dataset.state = 'loading';
      try {
        cat = await probeCatalog(client);
        const sql = attemptsSql(cat);
        attempts = sql ? (await queryRows(client, sql, 500)).map(toAttempt) : [];
      } catch (e) {
        attempts = [];
        status.textContent = errorMessage(e);
      }
      const prevA = pickA.value;
      const prevB = pickB.value;
      for (const sel of [pickA, pickB]) {
        clear(sel);
        for (const a of attempts) sel.append(h('option', { value: attemptKey(a) }, `${attemptLabel(a)} · ${a.finalState ?? '?'}`));
      }
      if (attempts.length === 0) {
        clear(body);
        body.append(h('div', { class: 'mg-empty' }, h('h3', {}, 'No migration found in these traces'), h('p', {}, 'Compare needs the migration_overview analysis with at least one attempt.')));
        root.dataset.state = 'ready';
        return;
      }
      // Default: the source against the destination of the first attempt, or two attempts.
      const keys = attempts.map(attemptKey);
      pickA.value = keys.includes(prevA) ? prevA : keys[0]!;
      pickB.value = keys.includes(prevB) ? prevB : (keys[1] ?? keys[0]!);
      await render();
    },
  };
}
