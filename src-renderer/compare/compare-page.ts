// Compare: two migration attempts side by side (they may come from different trace pairs of this
// workspace): overview metrics and time per state, then per-event counts and rates. The engine
// builds and runs the queries (compareAttempts, src-main/analyses/page-queries.ts).
import './compare.css';
import type { AttemptRef, CompareData, EngineClient, PageQueryData } from '../../src-main/contract.ts';
import { attemptKey, attemptLabel, toAttempt, type AttemptSummary } from '../migration/overview-model.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { compareTable } from './compare-table.ts';

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

  let attempts: AttemptSummary[] = [];
  let token = 0;

  function section(title: string, sql: string | null, content: HTMLElement): HTMLElement {
    const open = h('button', { class: 'btn small', 'data-testid': 'open-query', disabled: sql === null }, 'Open query');
    open.addEventListener('click', () => sql && hooks.openQuery(sql));
    return h('section', { class: 'cmp-section' }, h('header', { class: 'mg-chart-head' }, h('h3', {}, title), h('span', { class: 'spacer' }), open), content);
  }

  function table(q: PageQueryData | null, cols: typeof PHASE_COLUMNS, testid: string): HTMLElement {
    if (q === null || q.sql === null) return h('div', { class: 'empty-small' }, 'The analysis views this needs are not in this workspace.');
    if (q.error !== null) return h('div', { class: 'empty-small err' }, `Query failed: ${q.error}`);
    return q.rows.length ? compareTable(q.rows, cols, testid) : h('div', { class: 'empty-small' }, 'No rows.');
  }

  /** The attempt as the engine identifies it (the rest of the summary stays here). */
  const refOfAttempt = (a: AttemptSummary): AttemptRef => ({ side: a.side, attempt: a.attempt, traceId: a.traceId });

  const refOf = (key: string): AttemptSummary | null => attempts.find((a) => attemptKey(a) === key) ?? null;

  async function render(): Promise<void> {
    const my = ++token;
    const a = refOf(pickA.value);
    const b = refOf(pickB.value);
    if (!a || !b) return;
    status.textContent = 'loading…';
    let data: CompareData;
    try {
      data = await client.call('compareAttempts', { a: refOfAttempt(a), b: refOfAttempt(b) });
    } catch (e) {
      if (my !== token) return;
      status.textContent = errorMessage(e);
      root.dataset.state = 'ready';
      return;
    }
    if (my !== token) return;
    const pSql = data.phases?.sql ?? null;
    const eSql = data.events?.sql ?? null;
    const phases = table(data.phases, PHASE_COLUMNS, 'compare-phases');
    const events = table(data.events, EVENT_COLUMNS, 'compare-events');
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
        const { attempts: q } = await client.call('compareAttempts', { a: null, b: null });
        if (q.error !== null) throw new Error(q.error);
        attempts = q.rows.map(toAttempt);
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
