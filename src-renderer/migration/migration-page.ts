// The Migration page for one run (migration) and attempt, picked in two selectors (default: the
// newest run, its last attempt): one card per side from migration_overview, the clock alignment,
// and six charts over the analysis views, every one filtered to that run's traces and attempt.
// Every number comes from SQL the user can open; the engine builds and runs it (migrationPage,
// src-main/analyses/page-queries.ts), this page draws.
import './migration.css';
import type { EngineClient, MigrationChartId, MigrationPageData, PageQueryData, RunSelection } from '../../src-main/contract.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { formatTimestampNs } from '../util/time-format.ts';
import { createAlignmentLine } from './alignment-line.ts';
import { createChartCard, type ChartCard } from './chart-card.ts';
import {
  dirtyPagesOption, downtimeOption, latencyHistogramOption, multifdLanesOption, multifdOption, stateTimelineOption, throughputOption,
} from './chart-options.ts';
import { attemptLabel, formatInt, formatMs, outcomeKind, toAttempt, type AttemptSummary } from './overview-model.ts';
import { listAnalyses, type AnalysisEntry } from './engine-extras.ts';
import type { Row } from './query-rows.ts';
import { attemptOptionLabel, keepSelection, missingSidesText, pairedByText, runOptionLabel, runStartText, windowText } from './run-model.ts';
import type { EChartsCoreOption } from 'echarts/core';

export interface MigrationPage {
  readonly root: HTMLElement;
  /** Re-read everything (no-op while one refresh runs; a second call queues one more). */
  refresh(): Promise<void>;
  /** Show this run and attempt (null: its last) and reload. */
  showRun(runId: number, attempt?: number | null): Promise<void>;
  resize(): void;
}

interface ChartDef {
  readonly id: MigrationChartId;
  readonly title: string;
  readonly help: string;
  readonly option: (rows: readonly Row[]) => EChartsCoreOption;
  readonly emptyText: string;
}

/** Measures of the per-channel totals (multifd_channels) that the rows carry. */
const MULTIFD_MEASURES = ['pages', 'mbps', 'bytes', 'packets', 'active_ms'];

const CHARTS: readonly ChartDef[] = [
  {
    id: 'states', title: 'State timeline (both sides of the run, source clock)',
    help: 'migrate_set_state intervals per trace; destination times shifted by its clock offset (ts_aligned_ns)',
    option: (rows) => stateTimelineOption(rows), emptyText: 'No migration state changes were traced.',
  },
  {
    id: 'dirty', title: 'Dirty pages per bitmap sync', help: 'dirty_sync_iterations: dirty pages found by each migration_bitmap_sync',
    option: (rows) => dirtyPagesOption(rows, 'iteration', 'dirty_pages'),
    emptyText: 'No bitmap syncs were traced (migration_bitmap_sync_end).',
  },
  {
    id: 'throughput', title: 'Throughput over time', help: 'precopy_progress: bytes sent between samples, in Mb/s',
    option: (rows) => throughputOption(rows), emptyText: 'No precopy progress samples were traced.',
  },
  {
    id: 'multifd', title: 'Multifd lanes', help: 'multifd_throughput(100): Mb/s per side and channel in 100 ms buckets (dashed: destination)',
    option: (rows) => ('lane' in (rows[0] ?? {}) ? multifdLanesOption(rows) : multifdOption(rows, MULTIFD_MEASURES.filter((c) => c in (rows[0] ?? {})))),
    emptyText: 'No multifd channels: this migration did not use multifd, or its events were not traced.',
  },
  {
    id: 'postcopy', title: 'Postcopy fault latency', help: 'postcopy_faults: page request → page received, power-of-two buckets',
    option: (rows) => latencyHistogramOption(rows), emptyText: 'No postcopy page faults: this migration did not enter postcopy, or its events were not traced.',
  },
  {
    id: 'downtime', title: 'Downtime breakdown', help: 'downtime_breakdown: checkpoints (8.2+) or the 7.2 approximation from runstate and section events',
    option: (rows) => downtimeOption(rows), emptyText: 'No downtime checkpoints or device sections were traced.',
  },
];

function metric(label: string, field: string, value: number | string | null, text: string, title?: string): HTMLElement {
  return h('div', { class: 'mg-metric', 'data-field': field, 'data-value': value === null ? '' : String(value), title: title ?? '' },
    h('span', { class: 'mg-metric-label' }, label), h('span', { class: 'mg-metric-value' }, text));
}

export function attemptCard(a: AttemptSummary, runLabel: string | null = null): HTMLElement {
  const state = a.finalState ?? 'unknown';
  const span = a.startTsNs ? formatTimestampNs(a.startTsNs).replace(/ UTC$/, '') : '';
  return h(
    'article',
    { class: 'mg-card', 'data-testid': 'migration-card', 'data-side': a.side, 'data-attempt': a.attempt ?? '' },
    h('header', { class: 'mg-card-head' },
      h('span', { class: `side side-${a.side}` }, a.side),
      runLabel !== null ? h('span', { class: 'mg-card-run', 'data-testid': 'card-run', title: 'run' }, runLabel) : null,
      // The side is the badge before the run label: the title says attempt and trace.
      h('span', { class: 'mg-card-title', title: attemptLabel(a) }, `attempt ${a.attempt ?? 1}${a.traceId !== null ? ` · trace #${a.traceId}` : ''}`),
      h('span', { class: `mg-outcome ${outcomeKind(a.finalState)}`, 'data-field': 'final_state', 'data-value': state }, state)),
    span ? h('div', { class: 'mg-card-span muted', title: 'start_ts_ns' }, span) : null,
    h('div', { class: 'mg-metrics' },
      metric('total', 'total_ms', a.totalMs, formatMs(a.totalMs), a.side === 'dst'
        ? 'from the incoming side entering setup (-incoming) to completed; QEMU reports no total-time here'
        : 'total-time: from the migrate command to completion'),
      metric('setup', 'setup_ms', a.setupMs, formatMs(a.setupMs), 'setup-time'),
      metric('downtime', 'downtime_ms', a.downtimeMs, formatMs(a.downtimeMs), `downtime: guest stopped${a.downtimeSource ? ` (${a.downtimeSource})` : ''}`),
      metric('dirty syncs', 'dirty_syncs', a.dirtySyncs, formatInt(a.dirtySyncs), 'ram.dirty-sync-count'),
      metric('throughput', 'throughput_mbps', a.throughputMbps, a.throughputMbps === null ? '—' : `${a.throughputMbps.toFixed(1)} Mb/s`, a.throughputSource ?? ''),
      metric('normal pages', 'normal_pages', a.normalPages, formatInt(a.normalPages), 'ram.normal'),
      metric('zero pages', 'zero_pages', a.zeroPages, formatInt(a.zeroPages), 'ram.duplicate'),
      metric('multifd channels', 'multifd_channels', a.multifdChannels, formatInt(a.multifdChannels)),
      a.postcopyRequests ? metric('postcopy requests', 'postcopy_requests', a.postcopyRequests, formatInt(a.postcopyRequests)) : null),
  );
}

/** The analysis library: each view's definition (to read or change) and its rows. */
function analysisList(list: readonly AnalysisEntry[], hooks: { openQuery(sql: string, run?: boolean): void }): HTMLElement {
  const items = list.map((a) => {
    const rows = h('button', { class: 'btn small', title: a.rowsSql }, 'Rows');
    const def = h('button', { class: 'btn small', title: 'Open the CREATE VIEW statement (not run)' }, 'Definition');
    rows.addEventListener('click', () => hooks.openQuery(a.rowsSql, true));
    def.addEventListener('click', () => hooks.openQuery(a.sql, false));
    return h('li', { class: 'mg-analysis', 'data-analysis': a.name },
      h('code', {}, a.name), h('span', { class: 'mg-analysis-title' }, a.title), h('span', { class: 'muted mg-analysis-desc' }, a.description), rows, def);
  });
  return h('details', { class: 'mg-analyses' }, h('summary', {}, `Analysis library (${list.length} views)`), h('ul', {}, ...items));
}

export function createMigrationPage(client: EngineClient, hooks: { openQuery(sql: string, run?: boolean): void }): MigrationPage {
  const status = h('span', { class: 'mg-status muted' });
  const refreshButton = h('button', { class: 'btn small', title: 'Re-read the analysis views' }, 'Refresh');
  const overviewQuery = h('button', { class: 'btn small', disabled: true, 'data-testid': 'open-query', title: 'Open migration_overview in the editor' }, 'Open query');
  const runSelect = h('select', { class: 'mg-run-select', 'aria-label': 'run', 'data-testid': 'run-select', title: 'The migration (run) every card and chart shows' });
  const attemptSelect = h('select', { class: 'mg-attempt-select', 'aria-label': 'attempt', 'data-testid': 'attempt-select', title: 'The migration attempt of the run' });
  const runInfo = h('div', { class: 'mg-run-info', 'data-testid': 'run-info' });
  const cards = h('div', { class: 'mg-cards' });
  const library = h('div', { class: 'mg-library' });
  const charts: ChartCard[] = CHARTS.map((d) => createChartCard(d.id, d.title, d.help, hooks.openQuery));
  const chartGrid = h('div', { class: 'mg-charts' }, ...charts.map((c) => c.root));
  const alignment = createAlignmentLine(client, () => void page.refresh());
  const runPick = h('label', { class: 'mg-pick' }, h('span', {}, 'Run'), runSelect);
  const attemptPick = h('label', { class: 'mg-pick' }, h('span', {}, 'Attempt'), attemptSelect);
  const root = h(
    'div',
    { class: 'mg-page', 'data-testid': 'migration-page' },
    h('div', { class: 'mg-bar' }, h('h2', {}, 'Migration'), runPick, attemptPick, status, h('span', { class: 'spacer' }), overviewQuery, refreshButton),
    runInfo,
    alignment.root,
    cards,
    chartGrid,
    library,
  );
  let overviewSqlText: string | null = null;
  overviewQuery.addEventListener('click', () => overviewSqlText && hooks.openQuery(overviewSqlText));
  refreshButton.addEventListener('click', () => void page.refresh());

  // What the user asked for (null: the newest run, its last attempt); what is shown may differ
  // when the workspace no longer has it.
  let want: { runId: number | null; attempt: number | null } = { runId: null, attempt: null };
  runSelect.addEventListener('change', () => {
    want = { runId: Number(runSelect.value), attempt: null };
    void page.refresh();
  });
  attemptSelect.addEventListener('change', () => {
    want = { runId: Number(runSelect.value), attempt: Number(attemptSelect.value) };
    void page.refresh();
  });

  let running: Promise<void> | null = null;
  let again = false;

  function showSelectors(data: MigrationPageData): void {
    clear(runSelect);
    for (const c of data.runs) runSelect.append(h('option', { value: c.run.runId }, runOptionLabel(c)));
    const sel = data.selection;
    if (sel) runSelect.value = String(sel.run.runId);
    runPick.hidden = data.runs.length === 0;
    clear(attemptSelect);
    for (const a of data.attempts) attemptSelect.append(h('option', { value: a.attempt }, attemptOptionLabel(a, data.attempts.length)));
    if (sel?.attempt != null) attemptSelect.value = String(sel.attempt);
    attemptPick.hidden = data.attempts.length === 0;
    attemptSelect.disabled = data.attempts.length < 2;
    root.dataset.runId = sel ? String(sel.run.runId) : '';
    root.dataset.attempt = sel?.attempt != null ? String(sel.attempt) : '';
  }

  function showRunInfo(sel: RunSelection | null): void {
    clear(runInfo);
    runInfo.hidden = sel === null;
    if (!sel) return;
    const r = sel.run;
    const start = runStartText(r);
    runInfo.append(
      h('span', { class: 'mg-run-label', 'data-testid': 'run-label' }, r.label),
      h('span', { class: 'muted' }, [r.qemuVersion ? `QEMU ${r.qemuVersion}` : 'QEMU version unknown', start ? `started ${start}` : '', pairedByText(r.pairedBy)].filter(Boolean).join(' · ')),
    );
    for (const w of sel.windows) {
      runInfo.append(h('span', { class: `mg-run-window${w.matchedBy === 'overlap' || w.matchedBy === 'ordinal' ? ' warn' : ''}`, 'data-side': w.side, 'data-matched-by': w.matchedBy }, windowText(w)));
    }
    const lacking = missingSidesText(sel);
    if (lacking) runInfo.append(h('span', { class: 'mg-run-window warn' }, lacking));
    if (r.alternates.length) {
      runInfo.append(h('span', { class: 'muted', title: 'the same QEMU traced by another backend; analyses use the primary trace' },
        `alternates: ${r.alternates.map((a) => `#${a.traceId} of #${a.alternateOf}`).join(', ')}`));
    }
  }

  function showCards(q: PageQueryData, runLabel: string | null): void {
    clear(cards);
    overviewSqlText = q.sql;
    overviewQuery.disabled = overviewSqlText === null;
    const attempts: AttemptSummary[] = q.sql !== null && q.error === null ? q.rows.map(toAttempt) : [];
    const why = q.missing ?? (q.error !== null ? `migration_overview failed: ${q.error}` : '');
    if (attempts.length === 0) {
      cards.append(h('div', { class: 'mg-empty', 'data-testid': 'migration-empty' },
        h('h3', {}, 'No migration found in these traces'),
        h('p', {}, why || 'migration_overview has no rows for this run: its traces hold no migrate_set_state changes (was the migration traced with the migration events enabled?).')));
      return;
    }
    for (const a of attempts) cards.append(attemptCard(a, runLabel));
  }

  function showNoRuns(why: string): void {
    clear(cards);
    overviewSqlText = null;
    overviewQuery.disabled = true;
    cards.append(h('div', { class: 'mg-empty', 'data-testid': 'migration-empty' }, h('h3', {}, 'No migration to show'), h('p', {}, why)));
  }

  function showChart(def: ChartDef, card: ChartCard, q: PageQueryData): void {
    card.setQuery(q.sql);
    if (q.sql === null) card.empty(q.missing ?? 'No query for this workspace.');
    else if (q.error !== null) card.empty(`Query failed: ${q.error}`, 'error');
    else if (q.rows.length === 0) card.empty(def.emptyText);
    else card.draw(def.option(q.rows), `${q.rows.length} row${q.rows.length === 1 ? '' : 's'}`);
  }

  async function load(): Promise<MigrationPageData> {
    try {
      return await client.call('migrationPage', want);
    } catch (e) {
      // The run or attempt asked for went away (removed traces, a new run assignment): the newest.
      if (want.runId === null) throw e;
      want = { runId: null, attempt: null };
      return client.call('migrationPage', want);
    }
  }

  async function doRefresh(): Promise<void> {
    status.textContent = 'loading…';
    root.dataset.state = 'loading';
    try {
      for (const c of charts) c.loading();
      const data = await load();
      want = keepSelection(data.runs, want);
      showSelectors(data);
      showRunInfo(data.selection);
      chartGrid.hidden = data.selection === null;
      if (data.selection === null) {
        showNoRuns(data.noRuns ?? 'This workspace has no runs.');
        await alignment.refresh();
      } else {
        showCards(data.overview, data.selection.run.label);
        await alignment.refresh(new Set(data.selection.windows.map((w) => w.traceId)));
        for (let i = 0; i < CHARTS.length; i++) showChart(CHARTS[i]!, charts[i]!, data.charts[CHARTS[i]!.id]);
      }
      const list = await listAnalyses(client).catch(() => []);
      const wasOpen = library.querySelector('details')?.open ?? false;
      clear(library);
      if (list.length) library.append(analysisList(list, hooks));
      const det = library.querySelector('details');
      if (det) det.open = wasOpen;
      status.textContent = '';
    } catch (e) {
      status.textContent = `Could not read the analyses: ${errorMessage(e)}`;
    } finally {
      root.dataset.state = 'ready';
    }
  }

  const page: MigrationPage = {
    root,
    refresh() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        do {
          again = false;
          await doRefresh();
        } while (again);
      })().finally(() => {
        running = null;
      });
      return running;
    },
    showRun(runId, attempt = null) {
      want = { runId, attempt };
      return page.refresh();
    },
    resize() {
      for (const c of charts) c.resize();
    },
  };
  return page;
}
