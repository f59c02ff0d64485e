// The result grid: rows are paged from the engine (PageCache), rows and columns are virtualized
// with @tanstack/virtual-core. Browsers cap an element's height (~33M px in Chromium), so beyond
// MAX_BODY_PX the scrollbar is scaled: the virtualizers see "virtual" pixels, the scroller real ones.
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import type { EngineClient, QueryResultInfo, SortSpec, WireCell } from '../../src-main/contract.ts';
import { clear, copyToClipboard, errorMessage, h } from '../util/dom.ts';
import { columnKinds, copyText, formatCell, type CellKind, type FormattedCell } from './cell-format.ts';
import { columnWidths, headerType, typeWidth } from './column-widths.ts';
import { toMarkdown, toTsv } from './copy-format.ts';
import { PageCache, type Row } from './page-cache.ts';
import { inRange, moved, rangeOf, type CellPos, type CellRange } from './selection.ts';
import { columnRole, formatDurationCell, formatTimeCell, refColumns, rowRef, TimeContext, timeColumnSpec, type ColumnRole, type TimeColumnSpec, type TimeMode } from './time-columns.ts';

const ROW_H = 22;
const HEADER_H = 38;
const MAX_BODY_PX = 8_000_000;
/** Rows per virtual item: keeps the virtualizer's own bookkeeping small for 10M-row results. */
const MAX_VIRTUAL_ITEMS = 100_000;
const OVERSCAN_ROWS = 8;
const MAX_COPY_ROWS = 100_000;

export interface ResultsGrid {
  /** Resolves once the first page is shown (or failed to load). */
  show(result: QueryResultInfo, pointerColumns: ReadonlySet<string>): Promise<void>;
  clear(message?: string, isError?: boolean): void;
  resize(): void;
  copySelection(format: 'tsv' | 'markdown'): Promise<number>;
  /** How time columns are shown; copies always carry the raw values. */
  setTimeMode(mode: TimeMode): void;
  dispose(): void;
}

interface Model {
  readonly result: QueryResultInfo;
  readonly kinds: CellKind[];
  readonly roles: ColumnRole[];
  readonly specs: TimeColumnSpec[];
  /** Where the row's trace_id / run_id are (-1: absent); they pick the base of relative times. */
  readonly refCols: { trace: number; run: number };
  widths: number[];
  sort: SortSpec | null;
  readonly cache: PageCache;
  /** Rows per virtual item. */
  readonly group: number;
  widthsFromData: boolean;
}

export function createResultsGrid(host: HTMLElement, client: EngineClient, onStatus: (text: string) => void, initialTimeMode: TimeMode = 'relative'): ResultsGrid {
  const header = h('div', { class: 'grid-header' });
  const body = h('div', { class: 'grid-body' });
  const layer = h('div', { class: 'grid-layer' }, header, body);
  const spacer = h('div', { class: 'grid-spacer' });
  const scroller = h('div', { class: 'grid-scroller' }, layer, spacer);
  const message = h('div', { class: 'grid-message' });
  const root = h('div', { class: 'grid', 'data-testid': 'results-grid', tabindex: 0, role: 'grid' }, scroller, message);
  host.append(root);

  let model: Model | null = null;
  let anchor: CellPos | null = null;
  let focus: CellPos | null = null;
  let frame = 0;
  let cleanups: (() => void)[] = [];
  let rowV: Virtualizer<HTMLDivElement, HTMLDivElement> | null = null;
  let colV: Virtualizer<HTMLDivElement, HTMLDivElement> | null = null;
  let timeMode: TimeMode = initialTimeMode;
  // Runs and traces, for the base of relative times; reloaded after every import or removal.
  let timeCtx: TimeContext | null = null;
  let timeCtxLoading: Promise<void> | null = null;
  const offEvent = client.onEvent((e) => {
    if (e.type !== 'tracesChanged') return;
    timeCtx = null;
    timeCtxLoading = null;
    if (model?.roles.includes('time')) void loadTimeContext();
  });

  function loadTimeContext(): Promise<void> {
    if (timeCtx) return Promise.resolve();
    // Without offsets, destination rows would be measured on the wrong clock: a failure here
    // fails the whole load (times then stay raw), it is not treated as "no offsets".
    timeCtxLoading ??= Promise.all([client.call('listRuns', {}), client.call('listTraces', {}), client.call('clockAlignment', {})]).then(
      ([runs, traces, alignment]) => {
        timeCtx = new TimeContext(runs, traces, alignment);
        if (model) refineVisible(model);
      },
      (e: unknown) => {
        timeCtxLoading = null;
        onStatus(`times shown as raw ns: runs not loaded (${errorMessage(e)})`);
      },
    );
    return timeCtxLoading;
  }

  /** What one cell shows: time and duration columns by the time mode, others by their kind. */
  function display(m: Model, row: readonly WireCell[], col: number): FormattedCell {
    const v = row[col] ?? null;
    const role = m.roles[col];
    if (role === 'duration') return formatDurationCell(v, timeMode);
    if (role === 'time') {
      // Until runs are here, relative times have no base: raw ns rather than a wrong number.
      if (!timeCtx) return formatTimeCell(v, 'raw', null, null);
      const ref = rowRef(row, m.refCols);
      return formatTimeCell(v, timeMode, timeCtx.baseFor(ref, m.specs[col]), timeCtx.clockFor(ref));
    }
    return formatCell(v, m.kinds[col]);
  }

  const rownumWidth = () => Math.max(44, String(model?.result.rowCount ?? 0).length * 7.5 + 18);
  const bodyViewH = () => Math.max(0, scroller.clientHeight - HEADER_H);
  const virtualBodyH = () => (model ? model.result.rowCount * ROW_H : 0);
  const physicalBodyH = () => Math.min(virtualBodyH(), MAX_BODY_PX);
  const scale = () => {
    const v = virtualBodyH() - bodyViewH();
    const p = physicalBodyH() - bodyViewH();
    return v > 0 && p > 0 ? v / p : 1;
  };
  const virtualTop = () => scroller.scrollTop * scale();
  const totalWidth = () => (model ? rownumWidth() + model.widths.reduce((a, b) => a + b, 0) : 0);

  function schedule(): void {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      render();
    });
  }

  function fetcher(m: { result: QueryResultInfo; sort: SortSpec | null }) {
    return async (offset: number, count: number): Promise<readonly Row[]> => {
      const page = await client.call('fetchRows', { handle: m.result.handle, offset, count, sort: m.sort });
      return page.rows;
    };
  }

  function teardown(): void {
    for (const c of cleanups) c();
    cleanups = [];
    rowV = null;
    colV = null;
  }

  function setup(m: Model): void {
    teardown();
    const rows = new Virtualizer<HTMLDivElement, HTMLDivElement>({
      count: Math.ceil(m.result.rowCount / m.group),
      getScrollElement: () => scroller,
      estimateSize: () => m.group * ROW_H,
      overscan: 1,
      observeElementRect: (_inst, cb) => {
        const ro = new ResizeObserver(() => cb({ width: scroller.clientWidth, height: bodyViewH() }));
        ro.observe(scroller);
        cb({ width: scroller.clientWidth, height: bodyViewH() });
        return () => ro.disconnect();
      },
      observeElementOffset: (_inst, cb) => {
        const on = () => cb(virtualTop(), true);
        scroller.addEventListener('scroll', on, { passive: true });
        cb(virtualTop(), false);
        return () => scroller.removeEventListener('scroll', on);
      },
      scrollToFn: (offset) => {
        scroller.scrollTop = offset / scale();
      },
      onChange: schedule,
    });
    const cols = new Virtualizer<HTMLDivElement, HTMLDivElement>({
      count: m.result.columns.length,
      horizontal: true,
      getScrollElement: () => scroller,
      estimateSize: (i) => m.widths[i] ?? 100,
      paddingStart: rownumWidth(),
      overscan: 2,
      observeElementRect,
      observeElementOffset,
      scrollToFn: elementScroll,
      onChange: schedule,
    });
    cleanups.push(rows._didMount(), cols._didMount());
    rows._willUpdate();
    cols._willUpdate();
    rowV = rows;
    colV = cols;
    const onScroll = () => schedule();
    scroller.addEventListener('scroll', onScroll, { passive: true });
    cleanups.push(() => scroller.removeEventListener('scroll', onScroll));
  }

  function selection(): CellRange | null {
    return anchor && focus ? rangeOf(anchor, focus) : null;
  }

  function sizeLayers(): void {
    const w = totalWidth();
    layer.style.width = `${w}px`;
    layer.style.height = `${scroller.clientHeight}px`;
    spacer.style.width = `${w}px`;
    spacer.style.height = `${Math.max(0, HEADER_H + physicalBodyH() - scroller.clientHeight)}px`;
  }

  function renderHeader(m: Model, colItems: { index: number; start: number; size: number }[]): void {
    clear(header);
    header.append(h('div', { class: 'grid-corner', style: `width:${rownumWidth()}px` }, '#'));
    for (const it of colItems) {
      const c = m.result.columns[it.index];
      const dir = m.sort?.column === c.name ? (m.sort.desc ? ' ▼' : ' ▲') : '';
      const cell = h(
        'div',
        {
          class: `grid-hcell${dir ? ' sorted' : ''}${m.kinds[it.index] === 'integer' || m.kinds[it.index] === 'float' || m.kinds[it.index] === 'timestamp-ns' ? ' num' : ''}`,
          style: `left:${it.start}px;width:${it.size}px`,
          'data-col': it.index,
          title: `${c.name} ${c.type}${roleNote(m, m.roles[it.index])} — click to sort`,
        },
        h('div', { class: 'grid-hname' }, unnamedRows(m, m.roles[it.index]) ? h('span', { class: 'grid-sort', 'data-testid': 'time-base-warning' }, '⚠ ') : null, c.name, dir ? h('span', { class: 'grid-sort' }, dir) : null),
        h('div', { class: 'grid-htype', title: c.type, 'data-type': c.type }, headerType(c.type, it.size)),
      );
      cell.addEventListener('click', (ev) => {
        if (!(ev.target instanceof HTMLElement && ev.target.classList.contains('grid-resize'))) cycleSort(c.name);
      });
      const grip = h('div', { class: 'grid-resize', title: 'Drag to resize; double-click to fit' });
      grip.addEventListener('pointerdown', (ev) => startResize(ev, it.index));
      grip.addEventListener('dblclick', (ev) => {
        ev.stopPropagation();
        fitColumn(it.index);
      });
      cell.append(grip);
      header.append(cell);
    }
  }

  function render(): void {
    const m = model;
    if (!m || !rowV || !colV) return;
    sizeLayers();
    const colItems = colV.getVirtualItems();
    renderHeader(m, colItems);
    clear(body);
    if (m.result.rowCount === 0) {
      body.append(h('div', { class: 'grid-empty' }, 'No rows'));
      return;
    }
    const top = virtualTop();
    const viewH = bodyViewH();
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN_ROWS);
    const last = Math.min(m.result.rowCount - 1, Math.ceil((top + viewH) / ROW_H) + OVERSCAN_ROWS);
    const sel = selection();
    const rnw = rownumWidth();
    const frag = document.createDocumentFragment();
    let missing = false;
    for (const g of rowV.getVirtualItems()) {
      const lo = Math.max(first, g.index * m.group);
      const hi = Math.min(last, (g.index + 1) * m.group - 1);
      for (let r = lo; r <= hi; r++) {
        const row = m.cache.peek(r);
        if (!row) missing = true;
        // Only rows with data carry data-row-index: whoever reads the grid never sees placeholders.
        const rowEl = h('div', {
          class: `grid-row${r % 2 ? ' odd' : ''}`,
          [row ? 'data-row-index' : 'data-pending-row']: r,
          role: 'row',
          style: `transform:translateY(${r * ROW_H - top}px);width:${totalWidth()}px`,
        });
        rowEl.append(h('div', { class: `grid-rownum${sel && r >= sel.r0 && r <= sel.r1 ? ' sel' : ''}`, style: `width:${rnw}px`, 'data-rownum': r }, String(r + 1)));
        for (const it of colItems) {
          const style = `left:${it.start}px;width:${it.size}px`;
          if (!row) {
            rowEl.append(h('div', { class: 'grid-cell loading', style, 'data-col': it.index }, '…'));
            continue;
          }
          const f = display(m, row, it.index);
          rowEl.append(
            h('div', {
              class: `grid-cell ${f.cls}${inRange(sel, r, it.index) ? ' sel' : ''}${focus && focus.row === r && focus.col === it.index ? ' focus' : ''}`,
              style,
              'data-col': it.index,
              title: f.title,
              role: 'gridcell',
              text: f.text,
            }),
          );
        }
        frag.append(rowEl);
      }
    }
    body.append(frag);
    if (missing) requestRows(m, first, last);
  }

  // Dragging the scrollbar across a 10M-row result passes thousands of pages; fetch only where
  // the view rests for a moment, not every page flown over.
  let wanted: { m: Model; first: number; last: number } | null = null;
  let fetchTimer = 0;
  function requestRows(m: Model, first: number, last: number): void {
    wanted = { m, first, last };
    if (fetchTimer) return;
    fetchTimer = window.setTimeout(() => {
      fetchTimer = 0;
      const w = wanted;
      wanted = null;
      if (!w || model !== w.m) return;
      w.m.cache.ensure(w.first, w.last).then(
        (changed) => {
          if (model !== w.m) return;
          if (!w.m.widthsFromData) refineWidths(w.m, w.first, w.last);
          if (changed) schedule();
        },
        (e: unknown) => {
          if (model === w.m) showMessage(`Could not fetch rows: ${errorMessage(e)}`);
        },
      );
    }, 30);
  }

  /** Once the first visible rows are here, size columns to their content (once per result). */
  function refineWidths(m: Model, first: number, last: number): void {
    const sample: string[][] = [];
    for (let r = first; r <= Math.min(last, first + 200); r++) {
      const row = m.cache.peek(r);
      if (!row) continue;
      sample.push(row.map((_, i) => display(m, row, i).text));
    }
    if (sample.length === 0) return;
    m.widthsFromData = true;
    m.widths = columnWidths(m.result.columns, sample);
    colV?.measure();
    schedule();
  }

  function refineVisible(m: Model): void {
    const first = Math.max(0, Math.floor(virtualTop() / ROW_H));
    refineWidths(m, first, Math.min(m.result.rowCount - 1, first + Math.ceil(bodyViewH() / ROW_H)));
    schedule();
  }

  // Header cells are rebuilt every frame, so the drag is tracked on the window, not the grip.
  function startResize(ev: PointerEvent, col: number): void {
    const m = model;
    if (!m) return;
    ev.preventDefault();
    ev.stopPropagation();
    const x0 = ev.clientX;
    const w0 = m.widths[col];
    // Never narrower than the type name: the header would have to cut it.
    const min = Math.max(36, Math.min(420, typeWidth(m.result.columns[col].type)));
    const move = (e: PointerEvent) => {
      m.widths[col] = Math.max(min, Math.round(w0 + e.clientX - x0));
      m.widthsFromData = true;
      colV?.measure();
      schedule();
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      document.body.classList.remove('resizing-x');
    };
    document.body.classList.add('resizing-x');
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }

  /** Width that shows every value of the column among the rows currently loaded. */
  function fitColumn(col: number): void {
    const m = model;
    if (!m) return;
    const top = virtualTop();
    const first = Math.floor(top / ROW_H);
    const sample: string[][] = [];
    for (let r = first; r < Math.min(m.result.rowCount, first + 200); r++) {
      const row = m.cache.peek(r);
      if (row) sample.push(row.map((_, i) => (i === col ? display(m, row, i).text : '')));
    }
    m.widths[col] = columnWidths([m.result.columns[col]], sample.map((r) => [r[col]]), 2000)[0];
    colV?.measure();
    schedule();
  }

  function showMessage(text: string): void {
    message.textContent = text;
    message.hidden = text === '';
  }

  function cycleSort(column: string): void {
    const m = model;
    if (!m) return;
    const s = m.sort;
    m.sort = s?.column !== column ? { column, desc: false } : !s.desc ? { column, desc: true } : null;
    m.cache.reset(fetcher(m), m.result.rowCount);
    // A new order starts at its top; fetching the old position's page would be wasted work.
    scroller.scrollTop = 0;
    onStatus(m.sort ? `sorting by ${column} ${m.sort.desc ? 'descending' : 'ascending'}…` : 'original order');
    schedule();
  }

  function cellAt(target: EventTarget | null): CellPos | null {
    const el = target instanceof HTMLElement ? target : null;
    const rowEl = el?.closest('[data-row-index]');
    if (!el || !rowEl) return null;
    const row = Number(rowEl.getAttribute('data-row-index'));
    const cellEl = el.closest('[data-col]');
    if (cellEl) return { row, col: Number(cellEl.getAttribute('data-col')) };
    if (el.closest('[data-rownum]')) return { row, col: -1 };
    return null;
  }

  body.addEventListener('mousedown', (ev) => {
    const p = cellAt(ev.target);
    const m = model;
    if (!p || !m) return;
    const lastCol = m.result.columns.length - 1;
    if (p.col === -1) {
      // Row number: whole rows.
      if (ev.shiftKey && anchor) focus = { row: p.row, col: lastCol };
      else {
        anchor = { row: p.row, col: 0 };
        focus = { row: p.row, col: lastCol };
      }
    } else if (ev.shiftKey && anchor) focus = p;
    else {
      anchor = p;
      focus = p;
    }
    root.focus({ preventScroll: true });
    ev.preventDefault();
    schedule();
  });

  root.addEventListener('keydown', (ev) => {
    const m = model;
    if (!m) return;
    if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === 'c') {
      ev.preventDefault();
      void copySelection('tsv');
      return;
    }
    if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === 'a') {
      ev.preventDefault();
      anchor = { row: 0, col: 0 };
      focus = { row: m.result.rowCount - 1, col: m.result.columns.length - 1 };
      schedule();
      return;
    }
    const step: Record<string, [number, number]> = {
      ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
      PageUp: [-Math.floor(bodyViewH() / ROW_H), 0], PageDown: [Math.floor(bodyViewH() / ROW_H), 0],
    };
    const d = step[ev.key] ?? (ev.key === 'Home' && ev.ctrlKey ? [-m.result.rowCount, 0] : ev.key === 'End' && ev.ctrlKey ? [m.result.rowCount, 0] : null);
    if (!d || m.result.rowCount === 0) return;
    ev.preventDefault();
    const next = moved(focus ?? { row: 0, col: 0 }, d[0], d[1], m.result.rowCount, m.result.columns.length);
    if (!ev.shiftKey || !anchor) anchor = next;
    focus = next;
    scrollIntoView(next);
    schedule();
  });

  function scrollIntoView(p: CellPos): void {
    const top = virtualTop();
    const y = p.row * ROW_H;
    if (y < top) rowV?.scrollToOffset(y);
    else if (y + ROW_H > top + bodyViewH()) rowV?.scrollToOffset(y + ROW_H - bodyViewH());
    colV?.scrollToIndex(p.col, { align: 'auto' });
  }

  async function copySelection(format: 'tsv' | 'markdown'): Promise<number> {
    const m = model;
    if (!m || m.result.rowCount === 0) return 0;
    const r = selection() ?? { r0: 0, r1: Math.min(m.result.rowCount, 1000) - 1, c0: 0, c1: m.result.columns.length - 1 };
    const r1 = Math.min(r.r1, r.r0 + MAX_COPY_ROWS - 1);
    const rows = await m.cache.rows(r.r0, r1);
    const cols = m.result.columns.slice(r.c0, r.c1 + 1);
    const text = rows.map((row) => cols.map((_, j) => copyText(row[r.c0 + j] as WireCell, m.kinds[r.c0 + j])));
    const names = cols.map((c) => c.name);
    const numeric = cols.map((_, j) => ['integer', 'float', 'timestamp-ns'].includes(m.kinds[r.c0 + j]));
    await copyToClipboard(format === 'tsv' ? toTsv(r.r0 === 0 && r.r1 === m.result.rowCount - 1 ? names : null, text) : toMarkdown(names, text, numeric));
    onStatus(`copied ${rows.length} row${rows.length === 1 ? '' : 's'} as ${format === 'tsv' ? 'TSV' : 'Markdown'}${r1 < r.r1 ? ` (first ${MAX_COPY_ROWS})` : ''}`);
    return rows.length;
  }

  /** Relative times of a result whose rows name no run, in a workspace of several runs. */
  function unnamedRows(m: Model, role: ColumnRole): boolean {
    // Rows of several runs measured from one start would read as plausible but wrong offsets.
    return role === 'time' && timeMode === 'relative' && m.refCols.trace < 0 && m.refCols.run < 0 && (timeCtx?.runCount ?? 0) > 1;
  }

  function roleNote(m: Model, role: ColumnRole): string {
    if (role === 'duration') return timeMode === 'raw' ? ' (a duration, shown in raw ns)' : ' (a duration, shown in ms)';
    if (role !== 'time') return '';
    if (timeMode !== 'relative') return timeMode === 'raw' ? ' (shown as raw ns)' : ' (shown as date-time)';
    const unnamed = unnamedRows(m, role);
    return ` (shown as ms from the run's migration start${unnamed ? '; the result has no trace_id or run_id column, so every row counts from the newest run\'s start: select trace_id for each row\'s own run' : ''})`;
  }

  return {
    show(result, pointerColumns) {
      const kinds = columnKinds(result.columns, pointerColumns);
      const roles = result.columns.map(columnRole);
      const group = Math.max(1, Math.ceil(result.rowCount / MAX_VIRTUAL_ITEMS));
      const m: Model = {
        result,
        kinds,
        roles,
        specs: result.columns.map((c) => timeColumnSpec(c.name)),
        refCols: refColumns(result.columns),
        widths: columnWidths(result.columns),
        sort: null,
        cache: new PageCache(async () => [], result.rowCount),
        group,
        widthsFromData: false,
      };
      m.cache.reset(fetcher(m), result.rowCount);
      model = m;
      anchor = focus = null;
      showMessage('');
      message.classList.remove('error');
      layer.hidden = false;
      scroller.scrollTop = 0;
      scroller.scrollLeft = 0;
      setup(m);
      // The first page is fetched at once (no scroll debounce) and drawn in one go.
      const firstRows = Math.ceil(Math.max(bodyViewH(), 600) / ROW_H) + OVERSCAN_ROWS;
      const ctx = roles.includes('time') ? loadTimeContext() : Promise.resolve();
      return Promise.all([m.cache.ensure(0, firstRows), ctx]).then(
        () => {
          if (model !== m) return;
          refineWidths(m, 0, firstRows);
          render();
        },
        (e: unknown) => {
          if (model !== m) return;
          render();
          showMessage(`Could not fetch rows: ${errorMessage(e)}`);
        },
      );
    },
    clear(text = '', isError = false) {
      teardown();
      message.classList.toggle('error', isError);
      model = null;
      clear(header);
      clear(body);
      layer.hidden = true;
      spacer.style.height = '0px';
      showMessage(text);
    },
    resize: schedule,
    copySelection,
    setTimeMode(mode) {
      if (mode === timeMode) return;
      timeMode = mode;
      const m = model;
      if (!m || !m.roles.some((r) => r !== null)) return;
      // Date-times are wider than ms: size the time columns for what they now show.
      refineVisible(m);
    },
    dispose() {
      offEvent();
      teardown();
      cancelAnimationFrame(frame);
      root.remove();
    },
  };
}
