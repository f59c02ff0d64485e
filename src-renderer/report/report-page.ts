// The Report page: the workspace's report as a list of items (pinned queries, analyses) with
// Markdown notes between them; reorder, remove, retitle; saved to the workspace as you type and
// exported for bug trackers and mailing lists.
import './report.css';
import type { EngineClient, ReportFormat, ReportItem, ReportModel } from '../../src-main/contract.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { createAutosave, type SaveState } from './autosave.ts';
import { createItemPreview, type ItemPreview } from './item-preview.ts';
import { renderMarkdown } from './markdown-preview.ts';
import { exportReport, formatChoices } from './report-export.ts';
import {
  analysisItem, clampRows, EMPTY_REPORT, MAX_ITEMS, MAX_NOTE_CHARS, insertItem, moveBy, moveItem, noteItem, parseReport, removeItem, sameReport, updateItem, withTitle,
  type QueryItem, type QueryShow,
} from './report-model.ts';

export interface ReportPage {
  readonly root: HTMLElement;
  /** Re-read the workspace's report, unless local edits are still unsaved. */
  load(): Promise<void>;
  /** Append an item; false when the report is full. */
  add(item: ReportItem): boolean;
  readonly count: number;
}

const SAVE_DELAY_MS = 600;
const DRAG_TYPE = 'application/x-qtw-report-item';
export const MIGRATION_SUMMARY = { name: 'migration_overview', title: 'Migration summary' } as const;

/** Start a browser download of a same-origin URL through an anchor with the download attribute. */
function anchorDownload(href: string, name: string): void {
  const a = h('a', { href, download: name, style: 'display:none' });
  document.body.append(a);
  a.click();
  a.remove();
}

export function createReportPage(
  client: EngineClient,
  hooks: { openQuery(sql: string): void; onCount?(n: number): void },
): ReportPage {
  const title = h('input', { class: 'rp-title', type: 'text', placeholder: 'Report title', 'aria-label': 'Report title', 'data-testid': 'report-title', maxlength: 200 });
  const status = h('span', { class: 'rp-status muted', 'data-testid': 'report-status', 'data-state': 'idle', role: 'status' });
  const addNote = h('button', { class: 'btn small', 'data-testid': 'report-add-note', title: 'Add a Markdown note at the end' }, '+ Note');
  const addSummary = h('button', { class: 'btn small', 'data-testid': 'report-add-summary', title: `Add the migration summary (analysis ${MIGRATION_SUMMARY.name}): one row per attempt with its states, times and pages` }, '+ Migration summary');
  const format = h('select', { class: 'rp-format', 'aria-label': 'Export format', 'data-testid': 'report-format' });
  for (const f of formatChoices(!window.qtwHost)) format.append(h('option', { value: f.format, title: f.title }, f.label));
  format.value = 'html';
  const redact = h('input', { type: 'checkbox', 'data-testid': 'report-redact' });
  const redactLabel = h('label', { class: 'rp-redact', title: 'Replace hostnames, IP addresses, file paths and pointer values with consistent placeholders (host-1, ip-1, path-1, ptr-1)' }, redact, 'Redact');
  const exportBtn = h('button', { class: 'btn primary small', 'data-testid': 'report-export', title: 'Export the saved report' }, 'Export…');
  const exportNote = h('span', { class: 'rp-export-note muted', 'data-testid': 'report-export-status', role: 'status' });
  const list = h('div', { class: 'rp-items', 'data-testid': 'report-items' });
  const root = h('div', { class: 'rp-page', 'data-testid': 'report-page' },
    h('div', { class: 'mg-bar rp-bar' }, h('h2', {}, 'Report'), title, status, h('span', { class: 'spacer' }),
      addNote, addSummary, h('span', { class: 'rp-sep' }), format, redactLabel, exportBtn),
    exportNote,
    list);

  let model: ReportModel = EMPTY_REPORT;
  let loadToken = 0;
  let previews: ItemPreview[] = [];

  const autosave = createAutosave<ReportModel>((m) => client.call('saveReport', { report: m }).then(() => undefined), {
    delayMs: SAVE_DELAY_MS,
    onState: showSaveState,
  });

  function showSaveState(state: SaveState, error?: unknown): void {
    status.dataset.state = state;
    const text: Record<SaveState, string> = { idle: '', pending: 'Unsaved changes…', saving: 'Saving…', saved: 'Saved in the workspace', error: `Not saved: ${errorMessage(error)}` };
    status.textContent = text[state];
    status.title = text[state];
    status.classList.toggle('err', state === 'error');
  }

  /** Structural change: re-render the list and save. */
  function commit(next: ReportModel, focusId: string | null = null): boolean {
    if (next.items.length > MAX_ITEMS && next.items.length > model.items.length) {
      exportNote.dataset.state = 'limit';
      exportNote.classList.add('err');
      exportNote.textContent = `A report holds at most ${MAX_ITEMS} items: remove some first.`;
      return false;
    }
    model = next;
    render(focusId);
    autosave.schedule(model);
    hooks.onCount?.(model.items.length);
    return true;
  }
  /** Text change inside an item: keep the DOM (and the caret) and save. */
  function edit(next: ReportModel): void {
    model = next;
    autosave.schedule(model);
  }

  title.addEventListener('input', () => edit(withTitle(model, title.value)));
  addNote.addEventListener('click', () => {
    const n = noteItem();
    commit(insertItem(model, n), n.id);
  });
  addSummary.addEventListener('click', () => commit(insertItem(model, analysisItem(MIGRATION_SUMMARY.name, MIGRATION_SUMMARY.title))));
  exportBtn.addEventListener('click', () => void runExport());

  async function runExport(): Promise<void> {
    exportBtn.disabled = true;
    exportNote.classList.remove('err');
    exportNote.dataset.state = 'exporting';
    exportNote.textContent = 'Saving and exporting…';
    try {
      await autosave.flush();
      if (status.dataset.state === 'error') throw new Error(`the report could not be saved (${status.textContent?.replace(/^Not saved: /, '') ?? ''})`);
      const out = await exportReport(client, window.qtwHost, { format: format.value as ReportFormat, redact: redact.checked, title: model.title }, anchorDownload, location.search);
      exportNote.dataset.state = out.kind;
      exportNote.textContent = out.kind === 'cancelled' ? 'Export cancelled.' : out.kind === 'written' ? `Exported to ${out.result.path}` : `Exported ${out.result.name} (downloading)`;
      if (out.kind !== 'cancelled') exportNote.dataset.name = out.result.name;
    } catch (e) {
      exportNote.dataset.state = 'error';
      exportNote.classList.add('err');
      exportNote.textContent = `Export failed: ${errorMessage(e)}`;
    } finally {
      exportBtn.disabled = false;
    }
  }

  function iconButton(action: string, label: string, titleText: string, disabled = false): HTMLButtonElement {
    return h('button', { class: 'btn small rp-icon', 'data-action': action, title: titleText, 'aria-label': titleText, disabled }, label);
  }

  function noteBody(it: Extract<ReportItem, { kind: 'note' }>): HTMLElement {
    const input = h('textarea', { class: 'rp-note-input', 'data-testid': 'report-note-input', 'aria-label': 'Note (Markdown)', placeholder: 'Markdown: what you found, how to reproduce it…', spellcheck: 'true', maxlength: MAX_NOTE_CHARS });
    input.value = it.markdown;
    const preview = h('div', { class: 'rp-note-preview md', 'data-testid': 'report-note-preview' });
    const update = () => {
      preview.innerHTML = renderMarkdown(input.value) || '<p class="muted">(empty note)</p>';
    };
    update();
    input.addEventListener('input', () => {
      update();
      edit(updateItem(model, it.id, 'note', { markdown: input.value }));
    });
    return h('div', { class: 'rp-note' }, input, preview);
  }

  function queryBody(it: QueryItem): HTMLElement {
    const show = h('select', { 'aria-label': 'What to show', 'data-testid': 'report-item-show' });
    const opts: [QueryShow, string][] = [['table', 'Table'], ['chart', 'Chart'], ['both', 'Table and chart']];
    for (const [v, label] of opts) show.append(h('option', { value: v, disabled: v !== 'table' && !it.chart }, label));
    show.value = it.show;
    show.addEventListener('change', () => edit(updateItem(model, it.id, 'query', { show: show.value as QueryShow })));
    const rows = h('input', { type: 'number', min: 1, max: 10000, step: 1, class: 'rp-rows', 'aria-label': 'Rows kept in the report' });
    rows.value = String(it.maxRows);
    rows.addEventListener('change', () => {
      const n = clampRows(Number(rows.value));
      rows.value = String(n);
      edit(updateItem(model, it.id, 'query', { maxRows: n }));
    });
    const chart = it.chart
      ? `${it.chart.kind} of ${it.chart.kind === 'histogram' ? it.chart.x : `${it.chart.y.join(', ')} over ${it.chart.x}`}${it.chart.series ? ` split by ${it.chart.series}` : ''}`
      : 'no chart';
    const open = h('button', { class: 'btn small', 'data-testid': 'open-query', title: 'Open this SQL in the editor and run it' }, 'Open query');
    open.addEventListener('click', () => hooks.openQuery(it.sql));
    return h('div', { class: 'rp-query' },
      h('div', { class: 'rp-query-opts' },
        h('label', {}, h('span', { class: 'muted' }, 'show '), show),
        h('label', { title: 'The table keeps this many rows ("N more rows" below); data exports keep every row' }, h('span', { class: 'muted' }, 'rows '), rows),
        h('span', { class: 'muted rp-chart-desc' }, chart), h('span', { class: 'spacer' }), open),
      h('pre', { class: 'rp-sql' }, it.sql));
  }

  function card(it: ReportItem, index: number): HTMLElement {
    const handle = h('span', { class: 'rp-handle', draggable: 'true', title: 'Drag to reorder', 'aria-hidden': 'true' }, '⠿');
    const kindLabel = it.kind === 'note' ? 'Note' : it.kind === 'query' ? 'Query' : 'Analysis';
    const head = h('header', { class: 'rp-item-head' }, handle, h('span', { class: `rp-kind rp-kind-${it.kind}` }, kindLabel));
    if (it.kind !== 'note') {
      const t = h('input', { class: 'rp-item-title', type: 'text', value: it.title, 'aria-label': 'Item title', 'data-testid': 'report-item-title', maxlength: 200 });
      t.addEventListener('input', () => edit(it.kind === 'query' ? updateItem(model, it.id, 'query', { title: t.value }) : updateItem(model, it.id, 'analysis', { title: t.value })));
      head.append(t);
    } else head.append(h('span', { class: 'spacer' }));
    head.append(
      iconButton('up', '↑', 'Move up', index === 0),
      iconButton('down', '↓', 'Move down', index === model.items.length - 1),
      iconButton('remove', '✕', 'Remove from the report'),
    );
    const body = it.kind === 'note' ? noteBody(it)
      : it.kind === 'query' ? queryBody(it)
        : h('div', { class: 'rp-analysis muted' }, 'The summary table of the analysis view ', h('code', {}, it.name), ', computed on this workspace when exported.');
    const el = h('article', { class: 'rp-item', 'data-testid': 'report-item', 'data-kind': it.kind, 'data-id': it.id }, head, body);
    if (it.kind !== 'note') {
      // Reads the item from the model when opened, so edits of rows/show since rendering count.
      const preview = createItemPreview(client, () => {
        const now = model.items.find((x) => x.id === it.id);
        return now && now.kind !== 'note' ? now : null;
      });
      previews.push(preview);
      el.append(preview.el);
    }
    handle.addEventListener('dragstart', (ev) => {
      ev.dataTransfer?.setData(DRAG_TYPE, it.id);
      ev.dataTransfer?.setData('text/plain', it.id);
      if (ev.dataTransfer) ev.dataTransfer.effectAllowed = 'move';
      ev.dataTransfer?.setDragImage(el, 16, 16);
      el.classList.add('dragging');
    });
    handle.addEventListener('dragend', () => el.classList.remove('dragging'));
    return el;
  }

  function gap(index: number): HTMLElement {
    const b = h('button', { class: 'rp-gap-add', 'data-testid': 'report-insert-note', title: 'Insert a note here' }, '+ note');
    b.addEventListener('click', () => {
      const n = noteItem();
      commit(insertItem(model, n, index), n.id);
    });
    return h('div', { class: 'rp-gap' }, b);
  }

  function render(focusId: string | null): void {
    if (document.activeElement !== title) title.value = model.title;
    for (const p of previews) p.dispose();
    previews = [];
    clear(list);
    if (model.items.length === 0) {
      list.append(h('div', { class: 'mg-empty rp-empty' },
        h('h3', {}, 'The report is empty'),
        h('p', {}, 'Pin results from the Workbench with "Add to report" (table, chart or both), add the migration summary, and write notes between them. The report is saved in the workspace and exported as Markdown, self-contained HTML, 72-column text, or a zip with every item\'s data.')));
      return;
    }
    model.items.forEach((it, i) => {
      if (i > 0) list.append(gap(i));
      list.append(card(it, i));
    });
    if (focusId) list.querySelector<HTMLElement>(`[data-id="${CSS.escape(focusId)}"] textarea, [data-id="${CSS.escape(focusId)}"] input`)?.focus();
  }

  list.addEventListener('click', (ev) => {
    const b = (ev.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
    const id = b?.closest<HTMLElement>('.rp-item')?.dataset.id;
    if (!b || !id) return;
    if (b.dataset.action === 'up') commit(moveBy(model, id, -1));
    if (b.dataset.action === 'down') commit(moveBy(model, id, 1));
    if (b.dataset.action === 'remove') commit(removeItem(model, id));
  });

  // Drop position: above or below the hovered card's middle.
  function dropTarget(ev: DragEvent): { card: HTMLElement; after: boolean } | null {
    const c = (ev.target as HTMLElement).closest<HTMLElement>('.rp-item');
    if (!c) return null;
    const r = c.getBoundingClientRect();
    return { card: c, after: ev.clientY > r.top + r.height / 2 };
  }
  const clearMarks = () => list.querySelectorAll('.drop-before, .drop-after').forEach((e) => e.classList.remove('drop-before', 'drop-after'));
  list.addEventListener('dragover', (ev) => {
    if (!ev.dataTransfer?.types.includes(DRAG_TYPE)) return;
    const t = dropTarget(ev);
    if (!t) return;
    ev.preventDefault();
    ev.dataTransfer.dropEffect = 'move';
    clearMarks();
    t.card.classList.add(t.after ? 'drop-after' : 'drop-before');
  });
  list.addEventListener('dragleave', (ev) => {
    if (!list.contains(ev.relatedTarget as Node | null)) clearMarks();
  });
  list.addEventListener('drop', (ev) => {
    const id = ev.dataTransfer?.getData(DRAG_TYPE);
    const t = dropTarget(ev);
    clearMarks();
    if (!id || !t) return;
    ev.preventDefault();
    const from = model.items.findIndex((x) => x.id === id);
    let to = model.items.findIndex((x) => x.id === t.card.dataset.id) + (t.after ? 1 : 0);
    if (from < to) to--;
    commit(moveItem(model, id, to));
  });

  render(null);

  return {
    root,
    async load() {
      const my = ++loadToken;
      if (autosave.busy) return;
      const got = parseReport(await client.call('getReport', {}));
      // An edit made while the request was in flight wins over what was stored.
      if (my !== loadToken || autosave.busy || sameReport(got, model)) return;
      model = got;
      render(null);
      hooks.onCount?.(model.items.length);
    },
    add(item) {
      loadToken++;
      return commit(insertItem(model, item));
    },
    get count() {
      return model.items.length;
    },
  };
}
