// The catalogue browser: every event the catalogue declares, grouped by subsystem and source
// file, with how often each occurred per trace. Only expanded groups are in the DOM, so a
// 3000-event catalogue costs a few dozen rows until someone opens everything.
import './catalogue-panel.css';
import type { CatalogueEventEntry, CatalogueTree, EngineClient } from '../../src-main/contract.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { formatCount } from '../util/time-format.ts';
import { eventRowsQuery, groupCatalogue, shouldAutoExpand, traceLabel, type SubsystemGroup } from './catalogue-model.ts';

const MAX_TRACE_COLUMNS = 3;

export function createCataloguePanel(host: HTMLElement, client: EngineClient,
  hooks: { openQuery(sql: string, run: boolean): void }): { refresh(): Promise<void>; dispose(): void } {
  const search = h('input', { type: 'search', class: 'cat-search', placeholder: 'Filter: name or glob (multifd_*)', 'aria-label': 'Filter events', spellcheck: 'false' });
  const onlyBox = h('input', { type: 'checkbox', class: 'cat-only' });
  const onlyLabel = h('label', { class: 'cat-only-label', title: 'Hide events that never occurred in any trace' }, onlyBox, 'only events that occurred');
  const catSelect = h('select', { class: 'cat-select', 'aria-label': 'Catalogue', hidden: true });
  const summary = h('div', { class: 'cat-summary muted' }, 'Loading catalogue…');
  const header = h('div', { class: 'cat-header' });
  const tree = h('div', { class: 'cat-tree', role: 'tree' });
  const detail = h('div', { class: 'cat-detail', hidden: true });
  const root = h('div', { class: 'cat-panel', 'data-testid': 'catalogue-tree' },
    h('div', { class: 'cat-toolbar' }, search, h('div', { class: 'cat-toolbar-row' }, onlyLabel, catSelect)),
    summary, header, tree, detail);
  host.append(root);

  let catalogues: CatalogueTree[] = [];
  let current: CatalogueTree | null = null;
  let traceIds: string[] = [];
  let sides = new Map<number, string | null>();
  let groups: SubsystemGroup[] = [];
  let selected: string | null = null;
  // Explicit user choices survive re-filtering; anything not in here follows the auto rule.
  const expandedSubs = new Map<string, boolean>();
  const collapsedFiles = new Set<string>();
  let autoExpand = false;
  const byName = new Map<string, CatalogueEventEntry>();

  function isExpanded(sub: string): boolean {
    return expandedSubs.get(sub) ?? autoExpand;
  }

  function countCells(e: { counts?: Readonly<Record<string, number>>; total: number }, perTrace: boolean): HTMLElement[] {
    if (!perTrace) return [h('span', { class: 'cat-n' }, e.total ? formatCount(e.total) : '')];
    return traceIds.map((t) => {
      const n = e.counts?.[t] ?? 0;
      return h('span', { class: 'cat-n' }, n ? formatCount(n) : '');
    });
  }

  function eventTitle(e: CatalogueEventEntry): string {
    const per = traceIds.map((t) => `${traceLabel(t, sides)}: ${formatCount(e.counts[t] ?? 0)}`).join(', ');
    return [e.signature, `format: ${e.format}`, `source: ${e.sourceFile ?? '?'}`, `occurrences: ${formatCount(e.total)}${per ? ` (${per})` : ''}`,
      e.hasTable ? 'click: open its rows' : 'no rows: never occurred'].join('\n');
  }

  function render(): void {
    const perTrace = traceIds.length > 0 && traceIds.length <= MAX_TRACE_COLUMNS;
    clear(header);
    header.append(h('span', { class: 'cat-hname' }, 'event'),
      ...(perTrace ? traceIds.map((t) => h('span', { class: 'cat-n' }, traceLabel(t, sides))) : [h('span', { class: 'cat-n' }, 'rows')]));
    const frag = document.createDocumentFragment();
    for (const g of groups) {
      const open = isExpanded(g.subsystem);
      frag.append(h('div', { class: `cat-row cat-sub${g.total ? '' : ' never'}`, role: 'treeitem', 'aria-expanded': String(open), 'data-sub': g.subsystem, tabindex: 0,
        title: `${g.subsystem}: ${g.eventCount} events, ${g.occurredCount} occurred` },
      h('span', { class: 'cat-twisty' }, open ? '▾' : '▸'),
      h('span', { class: 'cat-hname' }, g.subsystem, h('span', { class: 'cat-badge' }, `${g.occurredCount}/${g.eventCount}`)),
      ...countCells(g, perTrace)));
      if (!open) continue;
      for (const f of g.files) {
        const fkey = `${g.subsystem}\u0000${f.sourceFile ?? ''}`;
        const fOpen = !collapsedFiles.has(fkey);
        if (g.files.length > 1 || f.sourceFile) {
          frag.append(h('div', { class: `cat-row cat-file${f.total ? '' : ' never'}`, role: 'treeitem', 'aria-expanded': String(fOpen), 'data-file': fkey, tabindex: 0 },
            h('span', { class: 'cat-twisty' }, fOpen ? '▾' : '▸'),
            h('span', { class: 'cat-hname' }, f.sourceFile ?? '(no source file)'),
            ...countCells(f, perTrace)));
        }
        if (!fOpen) continue;
        for (const e of f.events) {
          frag.append(h('div', {
            class: `cat-row cat-ev${e.total ? '' : ' never'}${e.name === selected ? ' selected' : ''}${e.hasTable ? ' has-table' : ''}`,
            role: 'treeitem', 'data-event': e.name, title: eventTitle(e), tabindex: -1,
          }, h('span', { class: 'cat-hname' }, e.name), ...countCells(e, perTrace)));
        }
      }
    }
    clear(tree);
    tree.append(frag);
    if (groups.length === 0) tree.append(h('div', { class: 'cat-empty muted' }, current ? 'No event matches the filter.' : 'No catalogue loaded.'));
    const shown = groups.reduce((n, g) => n + g.eventCount, 0);
    const occurred = groups.reduce((n, g) => n + g.occurredCount, 0);
    summary.textContent = current
      ? `${formatCount(shown)} of ${formatCount(current.events.length)} events · ${formatCount(occurred)} occurred · ${current.catalogueName}`
      : '';
    summary.title = current ? `catalogue ${current.catalogueId}` : '';
  }

  function regroup(): void {
    groups = current ? groupCatalogue(current.events, { pattern: search.value, onlyOccurred: onlyBox.checked }) : [];
    autoExpand = shouldAutoExpand(groups) && (search.value.trim() !== '' || onlyBox.checked || groups.length === 1);
    render();
  }

  function showDetail(e: CatalogueEventEntry): void {
    clear(detail);
    detail.hidden = false;
    const open = h('button', { class: 'btn small', disabled: !e.hasTable, title: e.hasTable ? 'Open its rows in the editor' : 'It never occurred: no table' }, 'Open rows');
    open.addEventListener('click', () => hooks.openQuery(eventRowsQuery(e.name), true));
    const close = h('button', { class: 'btn small', title: 'Close' }, '×');
    close.addEventListener('click', () => { detail.hidden = true; });
    detail.append(
      h('div', { class: 'cat-detail-head' }, h('span', { class: 'cat-detail-name' }, e.name), h('span', { class: 'spacer' }), open, close),
      h('code', { class: 'cat-sig' }, e.signature),
      h('div', { class: 'cat-kv' }, h('span', { class: 'muted' }, 'format '), h('code', {}, e.format)),
      h('div', { class: 'cat-kv' }, h('span', { class: 'muted' }, 'source '), e.sourceFile ?? '?'),
      h('div', { class: 'cat-kv' }, h('span', { class: 'muted' }, 'rows '),
        `${formatCount(e.total)}${traceIds.length ? ` — ${traceIds.map((t) => `${traceLabel(t, sides)} ${formatCount(e.counts[t] ?? 0)}`).join(', ')}` : ''}`),
    );
  }

  function activate(row: HTMLElement): void {
    const sub = row.dataset.sub;
    if (sub !== undefined) {
      expandedSubs.set(sub, !isExpanded(sub));
      render();
      return;
    }
    const file = row.dataset.file;
    if (file !== undefined) {
      if (collapsedFiles.has(file)) collapsedFiles.delete(file);
      else collapsedFiles.add(file);
      render();
      return;
    }
    const name = row.dataset.event;
    const e = name === undefined ? undefined : byName.get(name);
    if (!e) return;
    selected = e.name;
    for (const r of tree.querySelectorAll('.cat-ev.selected')) r.classList.remove('selected');
    row.classList.add('selected');
    showDetail(e);
    if (e.hasTable) hooks.openQuery(eventRowsQuery(e.name), true);
  }

  tree.addEventListener('click', (ev) => {
    const row = (ev.target as HTMLElement).closest<HTMLElement>('.cat-row');
    if (row) activate(row);
  });
  tree.addEventListener('keydown', (ev) => {
    const row = (ev.target as HTMLElement).closest<HTMLElement>('.cat-row');
    if (!row) return;
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      activate(row);
    } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      const next = (ev.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling) as HTMLElement | null;
      next?.focus();
    }
  });
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    // Typing into a 3000-event list: regroup once the keystrokes pause.
    searchTimer = setTimeout(regroup, 60);
  });
  search.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      search.value = '';
      regroup();
    }
  });
  // Until the user decides, show only what occurred whenever anything did: that is what people
  // browse a trace's catalogue for.
  let onlyTouched = false;
  onlyBox.addEventListener('change', () => {
    onlyTouched = true;
    regroup();
  });
  catSelect.addEventListener('change', () => {
    current = catalogues.find((c) => c.catalogueId === catSelect.value) ?? null;
    index();
    regroup();
  });

  function index(): void {
    byName.clear();
    for (const e of current?.events ?? []) byName.set(e.name, e);
    const ids = new Set<string>();
    for (const e of current?.events ?? []) for (const k of Object.keys(e.counts)) ids.add(k);
    traceIds = [...ids].sort((a, b) => Number(a) - Number(b));
  }

  return {
    async refresh() {
      try {
        const [trees, traces] = await Promise.all([client.call('catalogueTree', {}), client.call('listTraces', {})]);
        catalogues = trees;
        sides = new Map(traces.map((t) => [t.traceId, t.side]));
      } catch (e) {
        catalogues = [];
        current = null;
        groups = [];
        render();
        summary.textContent = `Could not load the catalogue: ${errorMessage(e)}`;
        throw e;
      }
      const keep = current?.catalogueId;
      current = catalogues.find((c) => c.catalogueId === keep) ?? catalogues[0] ?? null;
      clear(catSelect);
      for (const c of catalogues) catSelect.append(h('option', { value: c.catalogueId, title: c.catalogueId }, c.catalogueName));
      catSelect.hidden = catalogues.length < 2;
      if (current) catSelect.value = current.catalogueId;
      index();
      if (!onlyTouched) onlyBox.checked = (current?.events ?? []).some((e) => e.total > 0);
      regroup();
      if (selected && byName.has(selected)) showDetail(byName.get(selected)!);
    },
    dispose() {
      clearTimeout(searchTimer);
      root.remove();
    },
  };
}
