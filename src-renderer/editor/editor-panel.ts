// Editor tabs around one Monaco instance (one model per tab, so undo history and cursor survive
// tab switches), with the toolbar: Run, Cancel, status, Save/Open .sql.
import type * as MonacoApi from 'monaco-editor/editor/editor.api';
import { downloadText, h } from '../util/dom.ts';
import type { Monaco } from './monaco-setup.ts';
import { statementAt } from './sql-scan.ts';
import { TabsStore } from './tabs-store.ts';

export interface RunTarget {
  readonly sql: string;
  /** Offset of `sql` in the model, to place error markers. */
  readonly base: number;
  readonly model: MonacoApi.editor.ITextModel;
}

export interface EditorPanel {
  readonly status: HTMLElement;
  readonly runButton: HTMLButtonElement;
  readonly cancelButton: HTMLButtonElement;
  /** The selection if any, else the statement under the cursor. */
  runTarget(): RunTarget | null;
  /** Put SQL in the reusable "Browse" tab (or a new tab) and focus it. */
  openQuery(sql: string, title?: string): void;
  /** A .sql file's text in a new tab named after it. */
  openFile(name: string, text: string): void;
  markError(target: RunTarget, position: number | null, message: string): void;
  clearMarkers(): void;
  layout(): void;
  focus(): void;
}

const WELCOME = `-- QEMU Trace Workbench: one table per trace event, plus traces, events, unparsed, dropped.
-- Ctrl+Enter runs the statement under the cursor (or the selection); Esc cancels.
SELECT side, ts_ns, new_state
FROM migrate_set_state
ORDER BY side, seq;
`;

const BROWSE_TITLE = 'Browse';

export function createEditorPanel(
  host: HTMLElement,
  monaco: Monaco,
  actions: { run(): void; cancel(): void },
): EditorPanel {
  const store = new TabsStore(localStorage, WELCOME);
  const models = new Map<number, MonacoApi.editor.ITextModel>();
  const viewStates = new Map<number, MonacoApi.editor.ICodeEditorViewState | null>();

  const tabStrip = h('div', { class: 'etabs', role: 'tablist', 'aria-label': 'Editor tabs' });
  const addBtn = h('button', { class: 'etab-add', title: 'New tab', 'aria-label': 'New editor tab' }, '+');
  const runButton = h('button', { class: 'btn primary', 'data-testid': 'run-query', title: 'Run the statement under the cursor or the selection (Ctrl+Enter)' }, '▶ Run');
  const cancelButton = h('button', { class: 'btn', 'data-testid': 'cancel-query', disabled: true, title: 'Cancel the running query (Esc)' }, '■ Cancel');
  const status = h('div', { class: 'result-status', 'data-testid': 'result-status', role: 'status', 'aria-live': 'polite' }, 'Ready');
  const saveBtn = h('button', { class: 'btn', title: 'Download this tab as a .sql file' }, 'Save .sql');
  const openBtn = h('button', { class: 'btn', title: 'Open a .sql file in a new tab' }, 'Open .sql');
  const openInput = h('input', { type: 'file', accept: '.sql,text/plain', hidden: true });
  const toolbar = h('div', { class: 'editor-toolbar' }, runButton, cancelButton, status, h('span', { class: 'spacer' }), openBtn, saveBtn, openInput);
  const editorHost = h('div', { class: 'editor-host', 'data-testid': 'editor' });
  host.append(h('div', { class: 'etabs-row' }, tabStrip, addBtn), toolbar, editorHost);

  const editor = monaco.editor.create(editorHost, {
    model: null,
    theme: 'qtw-dark',
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 13,
    lineHeight: 19,
    fontFamily: "ui-monospace, 'DejaVu Sans Mono', 'Cascadia Mono', Menlo, Consolas, monospace",
    scrollBeyondLastLine: false,
    wordBasedSuggestions: 'off',
    quickSuggestions: { other: true, comments: false, strings: false },
    suggest: { showWords: false, preview: true },
    tabSize: 2,
    renderLineHighlight: 'line',
    fixedOverflowWidgets: true,
    placeholder: 'Write SQL here — Ctrl+Enter runs it',
  });

  function modelFor(id: number, sql: string): MonacoApi.editor.ITextModel {
    let m = models.get(id);
    if (!m) {
      m = monaco.editor.createModel(sql, 'sql');
      const model = m;
      model.onDidChangeContent(() => store.setSql(id, model.getValue()));
      models.set(id, m);
    }
    return m;
  }

  function activate(id: number): void {
    const cur = editor.getModel();
    const curId = [...models.entries()].find(([, m]) => m === cur)?.[0];
    if (curId !== undefined) viewStates.set(curId, editor.saveViewState());
    store.activate(id);
    const tab = store.active;
    editor.setModel(modelFor(tab.id, tab.sql));
    const vs = viewStates.get(tab.id);
    if (vs) editor.restoreViewState(vs);
    renderTabs();
    editor.focus();
  }

  function renderTabs(): void {
    tabStrip.replaceChildren();
    for (const t of store.tabs) {
      const active = t.id === store.active.id;
      const label = h('span', { class: 'etab-label', title: 'Double-click to rename' }, t.title);
      const close = h('span', { class: 'etab-close', title: 'Close tab', role: 'button', 'aria-label': `Close ${t.title}` }, '×');
      const tab = h('div', { class: `etab${active ? ' active' : ''}`, role: 'tab', 'aria-selected': String(active), tabindex: active ? 0 : -1 }, label, close);
      tab.addEventListener('mousedown', (ev) => {
        if (ev.button === 1) {
          ev.preventDefault();
          closeTab(t.id);
        }
      });
      tab.addEventListener('click', (ev) => {
        if (ev.target === close) closeTab(t.id);
        else if (!active) activate(t.id);
      });
      label.addEventListener('dblclick', () => startRename(t.id, label));
      tabStrip.append(tab);
    }
  }

  function startRename(id: number, label: HTMLElement): void {
    const input = h('input', { class: 'etab-rename', value: label.textContent ?? '' });
    label.replaceWith(input);
    input.select();
    let done = false;
    const finish = (commit: boolean) => {
      if (done) return;
      done = true;
      if (commit) store.rename(id, input.value);
      renderTabs();
    };
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') finish(true);
      if (ev.key === 'Escape') finish(false);
      ev.stopPropagation();
    });
    input.addEventListener('blur', () => finish(true));
  }

  function closeTab(id: number): void {
    models.get(id)?.dispose();
    models.delete(id);
    viewStates.delete(id);
    store.close(id);
    activate(store.active.id);
  }

  addBtn.addEventListener('click', () => activate(store.add('').id));

  saveBtn.addEventListener('click', () => {
    const tab = store.active;
    const name = `${tab.title.replace(/[^\w.-]+/g, '_') || 'query'}${tab.title.endsWith('.sql') ? '' : '.sql'}`;
    downloadText(name, editor.getModel()?.getValue() ?? tab.sql, 'application/sql');
  });
  openBtn.addEventListener('click', () => openInput.click());
  openInput.addEventListener('change', async () => {
    for (const f of Array.from(openInput.files ?? [])) activate(store.add(await f.text(), f.name).id);
    openInput.value = '';
  });

  // A suggestion list left open over the results of the query it was for only gets in the way.
  const hideSuggest = () => editor.trigger('qtw', 'hideSuggestWidget', null);
  const run = () => {
    hideSuggest();
    actions.run();
  };
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, run);
  editor.addCommand(monaco.KeyCode.Escape, () => actions.cancel(), '!suggestWidgetVisible && !findWidgetVisible && !parameterHintsVisible');
  runButton.addEventListener('click', run);
  cancelButton.addEventListener('click', () => actions.cancel());

  activate(store.active.id);

  return {
    status,
    runButton,
    cancelButton,
    runTarget() {
      const model = editor.getModel();
      if (!model) return null;
      const sel = editor.getSelection();
      if (sel && !sel.isEmpty()) {
        const text = model.getValueInRange(sel);
        if (text.trim()) return { sql: text, base: model.getOffsetAt(sel.getStartPosition()), model };
      }
      const pos = editor.getPosition();
      const stmt = statementAt(model.getValue(), pos ? model.getOffsetAt(pos) : 0);
      return stmt ? { sql: stmt.text, base: stmt.start, model } : null;
    },
    openQuery(sql, title = BROWSE_TITLE) {
      hideSuggest();
      const existing = store.tabs.find((t) => t.title === title);
      const id = existing ? existing.id : store.add(sql, title).id;
      activate(id);
      const model = modelFor(id, sql);
      if (model.getValue() !== sql) {
        // pushEditOperations keeps undo: the previous browse query is one Ctrl+Z away.
        model.pushEditOperations([], [{ range: model.getFullModelRange(), text: sql }], () => null);
      }
      editor.setPosition({ lineNumber: 1, column: 1 });
    },
    openFile(name, text) {
      activate(store.add(text, name).id);
    },
    markError(target, position, message) {
      const model = target.model;
      if (model.isDisposed()) return;
      const off = Math.min(model.getValueLength(), target.base + (position ?? 0));
      const p = model.getPositionAt(off);
      const w = model.getWordAtPosition(p);
      const endCol = w ? w.endColumn : Math.min(model.getLineMaxColumn(p.lineNumber), p.column + 1);
      const startCol = w ? w.startColumn : p.column;
      const range = position === null
        ? { startLineNumber: model.getPositionAt(target.base).lineNumber, startColumn: 1, endLineNumber: model.getPositionAt(target.base + target.sql.length).lineNumber, endColumn: model.getLineMaxColumn(model.getPositionAt(target.base + target.sql.length).lineNumber) }
        : { startLineNumber: p.lineNumber, startColumn: startCol, endLineNumber: p.lineNumber, endColumn: Math.max(endCol, startCol + 1) };
      monaco.editor.setModelMarkers(model, 'qtw', [{ ...range, severity: monaco.MarkerSeverity.Error, message, source: 'DuckDB' }]);
      if (position !== null) editor.revealPositionInCenterIfOutsideViewport(p);
    },
    clearMarkers() {
      for (const m of models.values()) monaco.editor.setModelMarkers(m, 'qtw', []);
    },
    layout() {
      editor.layout();
    },
    focus() {
      editor.focus();
    },
  };
}
