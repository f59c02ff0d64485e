// The workbench page: connects to the engine (Electron MessagePort or `qtw serve` WebSocket),
// builds the shell, and wires the panels together. Knows nothing of which host it runs in
// beyond what HostBridge and WorkspaceInfo say.
import './styles/app.css';
import type { SchemaInfo, TraceInfo } from '../src-main/contract.ts';
import { connect } from './api/connect.ts';
import { installErrorBanner } from './app/error-banner.ts';
import { createHistoryPanel } from './app/history-panel.ts';
import { createCataloguePicker } from './app/catalogue-picker.ts';
import { createImportProgress } from './app/import-progress.ts';
import { createFileOpener } from './app/open-files.ts';
import { createQueryController } from './app/query-controller.ts';
import { addSplitter } from './app/splitter.ts';
import { createTracesPanel } from './app/traces-panel.ts';
import { createCataloguePanel } from './catalogue/catalogue-panel.ts';
import { createEditorPanel } from './editor/editor-panel.ts';
import { setupMonaco } from './editor/monaco-setup.ts';
import { registerSqlLanguage } from './editor/sql-language.ts';
import { HistoryStore } from './history/history-store.ts';
import { createComparePage } from './compare/compare-page.ts';
import { createFleetPage } from './fleet/fleet-page.ts';
import { createMigrationPage } from './migration/migration-page.ts';
import { onOpenRun } from './migration/open-run.ts';
import { createReportPage } from './report/report-page.ts';
import { createResultsArea } from './results/results-area.ts';
import { errorMessage, h } from './util/dom.ts';

type SideTab = 'traces' | 'catalogue' | 'history';
type Page = 'workbench' | 'fleet' | 'migration' | 'compare' | 'report';

function buildShell() {
  const openFiles = h('button', { class: 'btn', title: 'Open trace files (or archives)' }, 'Open files…');
  const openFolder = h('button', { class: 'btn', title: 'Open every trace in a folder' }, 'Open folder…');
  const pasteTrace = h('button', { class: 'btn', title: 'Import trace text pasted from an issue, a mail or a terminal', 'data-testid': 'paste-trace' }, 'Paste trace…');
  const workspace = h('span', { class: 'workspace-path' }, 'connecting…');
  const pageTabs: Record<Page, HTMLButtonElement> = {
    workbench: h('button', { class: 'ptab', role: 'tab', 'aria-selected': 'true', 'data-page': 'workbench', title: 'SQL editor, results, chart and timeline' }, 'Workbench'),
    fleet: h('button', { class: 'ptab', role: 'tab', 'aria-selected': 'false', 'data-page': 'fleet', title: 'Every run (migration) of the workspace: one row each, distributions by QEMU version or label' }, 'Fleet'),
    migration: h('button', { class: 'ptab', role: 'tab', 'aria-selected': 'false', 'data-page': 'migration', title: 'Migration attempts, clock alignment and analysis charts' }, 'Migration'),
    compare: h('button', { class: 'ptab', role: 'tab', 'aria-selected': 'false', 'data-page': 'compare', title: 'Two runs side by side: source with source, destination with destination' }, 'Compare'),
    report: h('button', { class: 'ptab', role: 'tab', 'aria-selected': 'false', 'data-page': 'report', title: 'Pinned results and notes, exported for bug trackers and mailing lists' }, 'Report'),
  };
  const topbar = h('header', { class: 'topbar' },
    h('span', { class: 'brand', title: 'QEMU Trace Workbench' }, h('span', { class: 'brand-mark' }, 'QTW'), h('span', { class: 'brand-name' }, 'QEMU Trace Workbench')),
    h('nav', { class: 'ptabs', role: 'tablist', 'aria-label': 'Pages' }, pageTabs.workbench, pageTabs.fleet, pageTabs.migration, pageTabs.compare, pageTabs.report),
    openFiles, openFolder, pasteTrace, h('span', { class: 'spacer' }), workspace);
  const notices = h('div', { class: 'notices' });
  const sideTabs: Record<SideTab, HTMLButtonElement> = {
    traces: h('button', { class: 'stab', role: 'tab', 'aria-selected': 'true' }, 'Traces'),
    catalogue: h('button', { class: 'stab', role: 'tab', 'aria-selected': 'false' }, 'Catalogue'),
    history: h('button', { class: 'stab', role: 'tab', 'aria-selected': 'false' }, 'History'),
  };
  const sidePanes: Record<SideTab, HTMLElement> = {
    traces: h('div', { class: 'spane', role: 'tabpanel' }),
    catalogue: h('div', { class: 'spane', role: 'tabpanel', hidden: true }),
    history: h('div', { class: 'spane', role: 'tabpanel', hidden: true }),
  };
  const sidebar = h('aside', { class: 'sidebar' },
    h('div', { class: 'stabs', role: 'tablist', 'aria-label': 'Sidebar' }, sideTabs.traces, sideTabs.catalogue, sideTabs.history),
    sidePanes.traces, sidePanes.catalogue, sidePanes.history);
  const editorArea = h('section', { class: 'editor-area' });
  const resultsArea = h('section', { class: 'results-area' });
  const center = h('main', { class: 'center' }, editorArea, resultsArea);
  const workbench = h('div', { class: 'workbench' }, sidebar, center);
  const pages = h('div', { class: 'pages', hidden: true });
  const app = h('div', { class: 'app' }, topbar, notices, workbench, pages);
  document.body.append(app);
  return { openFiles, openFolder, pasteTrace, workspace, notices, pageTabs, pages, sideTabs, sidePanes, sidebar, editorArea, resultsArea, center, workbench };
}

async function start(): Promise<void> {
  const ui = buildShell();
  const banner = installErrorBanner(ui.notices);

  let conn;
  try {
    conn = await connect();
  } catch (e) {
    ui.workspace.textContent = 'not connected';
    banner.show(errorMessage(e));
    return;
  }
  const client = conn.client;
  conn.onClose((reason) => {
    ui.workspace.textContent = 'disconnected';
    banner.show(reason);
  });

  const monaco = setupMonaco();
  let schema: SchemaInfo | null = null;
  let schemaLoading: Promise<unknown> = Promise.resolve();
  registerSqlLanguage(monaco, { ready: () => schemaLoading.then(() => schema, () => schema) });

  const history = new HistoryStore(localStorage);
  const progress = createImportProgress(ui.notices, client);
  // Before the tracesChanged listener below: it drops its cached choices first.
  const picker = createCataloguePicker(client, progress, banner);
  progress.setCatalogueLine((t) => picker.line(t));

  // Bound once editor and query controller exist; panels only call it on user action.
  let openQuery: (sql: string, run: boolean) => void = () => undefined;
  const hooks = { openQuery: (sql: string, run: boolean) => openQuery(sql, run) };

  // The report lives in the workspace: loaded at start and after each ingest, fed from results.
  const report = createReportPage(client, {
    openQuery: (sql) => openQuery(sql, true),
    onCount: (n) => (ui.pageTabs.report.textContent = n ? `Report (${n})` : 'Report'),
  });
  const results = createResultsArea(ui.resultsArea, client, { ...hooks, addToReport: (item) => report.add(item) });
  let query: ReturnType<typeof createQueryController> | null = null;
  const editor = createEditorPanel(ui.editorArea, monaco, {
    run: () => query?.runCurrent(),
    cancel: () => query?.cancel(),
  });
  query = createQueryController(client, editor, results, history, () => schema);
  const q = query;
  openQuery = (sql, run) => {
    selectPage('workbench');
    editor.openQuery(sql);
    if (run) q.runCurrent();
  };

  // Migration and Compare query the engine only when shown: first visit, then tracesChanged
  // while shown (else on the next visit), so the workbench pays nothing for them.
  const pageHooks = { openQuery: (sql: string, run = true) => openQuery(sql, run) };
  const migration = createMigrationPage(client, pageHooks);
  const compare = createComparePage(client, pageHooks);
  const fleet = createFleetPage(client, pageHooks);
  const stale: Record<Page, boolean> = { workbench: false, fleet: true, migration: true, compare: true, report: false };
  let activePage: Page = 'workbench';
  function refreshPage(p: Page): void {
    stale[p] = false;
    if (p === 'migration') migration.refresh().catch((e: unknown) => banner.show(`Migration: ${errorMessage(e)}`));
    if (p === 'compare') compare.refresh().catch((e: unknown) => banner.show(`Compare: ${errorMessage(e)}`));
    if (p === 'fleet') fleet.refresh().catch((e: unknown) => banner.show(`Fleet: ${errorMessage(e)}`));
  }
  function selectPage(p: Page): void {
    if (p === activePage) return;
    activePage = p;
    for (const k of Object.keys(ui.pageTabs) as Page[]) ui.pageTabs[k].setAttribute('aria-selected', String(k === p));
    ui.workbench.hidden = p !== 'workbench';
    ui.pages.hidden = p === 'workbench';
    migration.root.hidden = p !== 'migration';
    compare.root.hidden = p !== 'compare';
    fleet.root.hidden = p !== 'fleet';
    report.root.hidden = p !== 'report';
    if (p === 'workbench') requestAnimationFrame(() => relayout());
    else if (stale[p]) refreshPage(p);
    else if (p === 'migration') requestAnimationFrame(() => migration.resize());
    else if (p === 'fleet') requestAnimationFrame(() => fleet.resize());
  }
  migration.root.hidden = true;
  compare.root.hidden = true;
  fleet.root.hidden = true;
  report.root.hidden = true;
  ui.pages.append(fleet.root, migration.root, compare.root, report.root);
  for (const k of Object.keys(ui.pageTabs) as Page[]) ui.pageTabs[k].addEventListener('click', () => selectPage(k));
  // Another page (the Fleet) opens a run: the Migration page loads it, then is shown.
  onOpenRun((ref) => {
    stale.migration = false;
    migration.showRun(ref.runId, ref.attempt).catch((e: unknown) => banner.show(`Migration: ${errorMessage(e)}`));
    selectPage('migration');
  });

  const opener = createFileOpener(client, progress, { openSqlText: (name, text) => editor.openFile(name, text) });
  ui.openFiles.addEventListener('click', opener.openFiles);
  ui.openFolder.addEventListener('click', opener.openFolder);
  ui.pasteTrace.addEventListener('click', opener.pasteTrace);

  const traces = createTracesPanel(ui.sidePanes.traces, {
    ...hooks,
    openFiles: opener.openFiles,
    openFolder: opener.openFolder,
    removeTrace: async (traceId) => {
      await client.call('removeTraces', { traceIds: [traceId] });
    },
    catalogueLine: (t) => picker.line(t),
    renameRun: async (runId, label) => {
      await client.call('setRunLabel', { runId, label });
    },
    analyseTrace: async (traceId) => {
      await client.call('setPrimaryTrace', { traceId });
    },
  });
  const catalogue = createCataloguePanel(ui.sidePanes.catalogue, client, hooks);
  createHistoryPanel(ui.sidePanes.history, history, { load: (sql) => editor.openQuery(sql, 'History') });

  let catalogueLoaded = false;
  let activeSide: SideTab = 'traces';
  const selectSide = (t: SideTab) => {
    activeSide = t;
    for (const k of Object.keys(ui.sideTabs) as SideTab[]) {
      ui.sideTabs[k].setAttribute('aria-selected', String(k === t));
      ui.sidePanes[k].hidden = k !== t;
    }
    if (t === 'catalogue' && !catalogueLoaded) {
      catalogueLoaded = true;
      catalogue.refresh().catch((e: unknown) => banner.show(`Catalogue: ${errorMessage(e)}`));
    }
  };
  for (const k of Object.keys(ui.sideTabs) as SideTab[]) ui.sideTabs[k].addEventListener('click', () => selectSide(k));

  function relayout(): void {
    editor.layout();
    results.resize();
    if (activePage === 'migration') migration.resize();
    if (activePage === 'fleet') fleet.resize();
  }
  ui.workbench.insertBefore(
    addSplitter({ before: ui.sidebar, container: ui.workbench }, { axis: 'x', key: 'qtw.split.sidebar', initial: 300, min: 180, max: (c) => c.clientWidth - 400, onResize: relayout }),
    ui.center,
  );
  ui.center.insertBefore(
    addSplitter({ before: ui.editorArea, container: ui.center }, { axis: 'y', key: 'qtw.split.editor', initial: 300, min: 120, max: (c) => c.clientHeight - 120, onResize: relayout }),
    ui.resultsArea,
  );
  window.addEventListener('resize', relayout);

  window.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && q.running) q.cancel();
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey) && !(ev.target instanceof HTMLElement && ev.target.closest('.monaco-editor'))) {
      ev.preventDefault();
      q.runCurrent();
    }
  });

  async function loadTraces(): Promise<TraceInfo[]> {
    const [list, runs] = await Promise.all([client.call('listTraces', {}), client.call('listRuns', {})]);
    traces.update(list, runs);
    return list;
  }
  function loadSchema(): Promise<void> {
    const p = client.call('schema', {}).then((s) => {
      schema = s;
    });
    schemaLoading = p;
    return p;
  }

  const RUN_HINT = 'Run a query (Ctrl+Enter) to see its rows here.';
  const NO_TRACES = 'No traces in this workspace yet: open trace files from the Traces panel, or drop them on the window.';
  // The page can open before the first import ends: replace the "no traces" hint once they land.
  let noTracesShown = false;

  client.onEvent((e) => {
    if (e.type !== 'tracesChanged') return;
    void loadTraces()
      .then((list) => {
        if (noTracesShown && list.length > 0 && !results.hasResult()) results.clear(RUN_HINT);
        noTracesShown = false;
      })
      .catch((err: unknown) => banner.show(`Traces: ${errorMessage(err)}`));
    void loadSchema().catch((err: unknown) => banner.show(`Schema: ${errorMessage(err)}`));
    if (catalogueLoaded || activeSide === 'catalogue') catalogue.refresh().catch(() => undefined);
    results.refreshTimeline();
    stale.migration = stale.compare = stale.fleet = true;
    void report.load().catch((err: unknown) => banner.show(`Report: ${errorMessage(err)}`));
    if (activePage !== 'workbench') refreshPage(activePage);
  });

  let traceCount = 0;
  try {
    const [info, list] = await Promise.all([client.call('workspaceInfo', {}), loadTraces(), loadSchema()]);
    traceCount = list.length;
    ui.workspace.textContent = `${info.path}${info.readOnly ? ' (read-only)' : ''}`;
    ui.workspace.title = `workspace ${info.path} · ${info.host} · qtw ${info.version}`;
    void report.load().catch((err: unknown) => banner.show(`Report: ${errorMessage(err)}`));
  } catch (e) {
    banner.show(`Could not load the workspace: ${errorMessage(e)}`);
  }
  noTracesShown = traceCount === 0;
  results.clear(traceCount ? RUN_HINT : NO_TRACES);
  editor.focus();
}

void start();
