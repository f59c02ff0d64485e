// Compare: two runs (migrations), each at one attempt, source with source and destination with
// destination: overview metrics and time per state, then per-event counts and rates, with B − A
// and B / A. The engine builds and runs the queries (compareRuns, src-main/analyses/page-queries.ts).
import './compare.css';
import type { CompareData, CompareSide, EngineClient, PageQueryData, RunChoice, RunRef, RunSelection } from '../../src-main/contract.ts';
import { attemptOptionLabel, runOptionLabel, runRefText, windowText } from '../migration/run-model.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { compareTable } from './compare-table.ts';
import { defaultPair } from './compare-model.ts';

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

interface Picker {
  readonly run: HTMLSelectElement;
  readonly attempt: HTMLSelectElement;
  readonly root: HTMLElement;
}

function picker(which: 'A' | 'B'): Picker {
  const run = h('select', { 'aria-label': `run ${which}`, 'data-testid': `compare-${which.toLowerCase()}` });
  const attempt = h('select', { 'aria-label': `attempt ${which}`, 'data-testid': `compare-${which.toLowerCase()}-attempt` });
  return { run, attempt, root: h('label', { class: 'cmp-pick' }, h('span', { class: 'cmp-ab' }, which), run, attempt) };
}

export function createComparePage(client: EngineClient, hooks: { openQuery(sql: string): void }): ComparePage {
  const pickA = picker('A');
  const pickB = picker('B');
  const status = h('span', { class: 'muted' });
  const body = h('div', { class: 'cmp-body' });
  const root = h(
    'div',
    { class: 'cmp-page', 'data-testid': 'compare-page' },
    h('div', { class: 'mg-bar' }, h('h2', {}, 'Compare'), pickA.root, pickB.root, status),
    h('p', { class: 'cmp-note muted' },
      'Two runs (migrations) of this workspace, each at one attempt: source with source, destination with destination. Deltas are B − A; ratios B / A. To compare two workspaces, ingest both into one: the served session does not allow ATTACH from SQL.'),
    body,
  );

  let runs: readonly RunChoice[] = [];
  let token = 0;

  function fillAttempts(p: Picker, attempt: number | null): void {
    const c = runs.find((r) => String(r.run.runId) === p.run.value);
    clear(p.attempt);
    for (const a of c?.attempts ?? []) p.attempt.append(h('option', { value: a.attempt }, attemptOptionLabel(a, c!.attempts.length)));
    if (c && c.attempts.length) p.attempt.value = String(attempt !== null && c.attempts.some((a) => a.attempt === attempt) ? attempt : c.attempts.at(-1)!.attempt);
    p.attempt.hidden = !c || c.attempts.length === 0;
    p.attempt.disabled = (c?.attempts.length ?? 0) < 2;
  }

  const refOf = (p: Picker): RunRef | null =>
    p.run.value === '' ? null : { runId: Number(p.run.value), attempt: p.attempt.value === '' || p.attempt.hidden ? null : Number(p.attempt.value) };

  function section(title: string, sql: string | null, content: HTMLElement): HTMLElement {
    const open = h('button', { class: 'btn small', 'data-testid': 'open-query', disabled: sql === null }, 'Open query');
    open.addEventListener('click', () => sql && hooks.openQuery(sql));
    return h('section', { class: 'cmp-section' }, h('header', { class: 'mg-chart-head' }, h('h3', {}, title), h('span', { class: 'spacer' }), open), content);
  }

  function table(q: PageQueryData, cols: typeof PHASE_COLUMNS, testid: string): HTMLElement {
    if (q.sql === null) return h('div', { class: 'empty-small', 'data-testid': testid, 'data-state': 'missing' }, q.missing ?? 'The analysis views this needs are not in this workspace.');
    if (q.error !== null) return h('div', { class: 'empty-small err', 'data-testid': testid, 'data-state': 'error' }, `Query failed: ${q.error}`);
    return q.rows.length ? compareTable(q.rows, cols, testid) : h('div', { class: 'empty-small', 'data-testid': testid, 'data-state': 'empty' }, 'No rows.');
  }

  function legend(which: 'A' | 'B', s: RunSelection | null): HTMLElement {
    if (!s) return h('span', {});
    return h('div', { class: 'cmp-legend-side', 'data-testid': `compare-legend-${which.toLowerCase()}` },
      h('b', {}, `${which} `), runRefText(s.run, s.attempt),
      ...s.windows.map((w) => h('div', { class: `cmp-window${w.matchedBy === 'overlap' || w.matchedBy === 'ordinal' ? ' warn' : ''}` }, windowText(w))));
  }

  function sideSections(side: 'src' | 'dst', d: CompareSide | null): [HTMLElement | null, HTMLElement | null] {
    const name = side === 'src' ? 'Source' : 'Destination';
    if (!d) return [null, null];
    return [
      section(`${name}: phases and totals (A vs B)`, d.phases.sql, table(d.phases, PHASE_COLUMNS, `compare-${side}-phases`)),
      section(`${name}: events in each attempt's window`, d.events.sql, table(d.events, EVENT_COLUMNS, `compare-${side}-events`)),
    ];
  }

  async function render(): Promise<void> {
    const my = ++token;
    const a = refOf(pickA);
    const b = refOf(pickB);
    if (!a || !b) return;
    status.textContent = 'loading…';
    root.dataset.state = 'loading';
    let data: CompareData;
    try {
      data = await client.call('compareRuns', { a, b });
    } catch (e) {
      if (my !== token) return;
      status.textContent = errorMessage(e);
      root.dataset.state = 'ready';
      return;
    }
    if (my !== token) return;
    clear(body);
    // Phases of both sides first (side by side where the window is wide), then the event counts.
    const [srcPhases, srcEvents] = sideSections('src', data.src);
    const [dstPhases, dstEvents] = sideSections('dst', data.dst);
    body.append(
      h('div', { class: 'cmp-legend' }, legend('A', data.a), legend('B', data.b)),
      h('div', { class: 'cmp-pair' }, srcPhases, dstPhases),
      h('div', { class: 'cmp-pair' }, srcEvents, dstEvents),
    );
    status.textContent = '';
    root.dataset.state = 'ready';
  }
  for (const p of [pickA, pickB]) {
    p.run.addEventListener('change', () => {
      fillAttempts(p, null);
      void render();
    });
    p.attempt.addEventListener('change', () => void render());
  }

  return {
    root,
    async refresh() {
      root.dataset.state = 'loading';
      let noRuns: string | null = null;
      try {
        const r = await client.call('compareRuns', { a: null, b: null });
        runs = r.runs;
        noRuns = r.noRuns;
      } catch (e) {
        runs = [];
        noRuns = `Could not read the runs: ${errorMessage(e)}`;
      }
      const prev = { a: refOf(pickA), b: refOf(pickB) };
      for (const p of [pickA, pickB]) {
        clear(p.run);
        for (const c of runs) p.run.append(h('option', { value: c.run.runId }, runOptionLabel(c)));
        p.root.hidden = runs.length === 0;
      }
      if (runs.length === 0) {
        clear(body);
        body.append(h('div', { class: 'mg-empty', 'data-testid': 'compare-empty' }, h('h3', {}, 'No runs to compare'), h('p', {}, noRuns ?? 'This workspace has no runs.')));
        root.dataset.state = 'ready';
        return;
      }
      const pair = defaultPair(runs, prev);
      pickA.run.value = String(pair.a.runId);
      fillAttempts(pickA, pair.a.attempt);
      pickB.run.value = String(pair.b.runId);
      fillAttempts(pickB, pair.b.attempt);
      await render();
    },
  };
}
