// The Tracks mode of the Timeline (issue 16): one run's tracks (engine method runTracks) drawn
// like Perfetto: lanes of slices with nesting rows, counters as step lines, flows as arrows,
// a relative time axis. A drag selects an area summarised below (area-panel.ts),
// Shift+drag or a drag on the axis pans, the wheel zooms around the cursor, W/S zoom and A/D pan. The
// view changes at once and the engine is asked for the new window shortly after: thinned lanes
// fill in as you zoom. The lanes are the whole run's, so they stay put while zooming.
import type { EngineClient, TrackData, TrackSetData } from '../../src-main/contract.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { formatDurationNs, formatTimestampNs } from '../util/time-format.ts';
import { formatOffset, formatRelative, panWindow, sameWindow, spanOf, unitFor, zoomWindow, type NsWindow } from './time-window.ts';
import { AXIS_H, drawAxis, drawLanes, LABEL_W, laneLabel, type DrawStyle } from './tracks-draw.ts';
import { boundsOf, buildModel, counterRanges, flowsOf, formatValue, groupAt, hitTest, laneAt, sliceColor, zeroOf, type CounterRange, type FlowArrow, type TracksModel } from './tracks-model.ts';
import { frameScheduler, sizeCanvas } from './canvas.ts';
import { createAreaPanel, type AreaHooks } from './area-panel.ts';
import { lanesBetween, selectionOf, type AreaSelection } from './area-selection.ts';

const MAX_ITEMS = 2000;

/** Items per track before it is thinned: 2000, or a smaller figure set in localStorage (tests and tools look at thinned lanes on small samples). */
function maxItems(): number {
  const n = Number(globalThis.localStorage?.getItem('qtw.tracks.maxItems'));
  return Number.isInteger(n) && n >= 4 && n <= MAX_ITEMS ? n : MAX_ITEMS;
}
/** The refetch waits for input (wheel, keys, a drag) to pause this long; the view redraws at once meanwhile. */
const REFETCH_MS = 80;
/** Windows' replies kept for going back (each at most MAX_ITEMS items a track). */
const RECENT_WINDOWS = 8;

export interface TracksView {
  readonly element: HTMLElement;
  /** Show this run (null: no run to show); reloads only when the run changes or `reload`. */
  show(runId: number | null, reload?: boolean): void;
  resize(): void;
  focus(): void;
  dispose(): void;
}

/** The whole run's tracks, with a window's items where the window has them. */
function merge(full: TrackSetData, win: TrackSetData | null): TrackSetData {
  if (!win) return full;
  const byId = new Map(win.tracks.map((t) => [t.id, t]));
  return { ...win, tracks: full.tracks.map((t): TrackData => byId.get(t.id) ?? ({ ...t, items: [], truncated: false, buckets: null } as TrackData)) };
}

/** hooks: where an area selection's SQL goes (the editor, the report); absent ones hide their button. */
export function createTracksView(client: EngineClient, hooks: AreaHooks = {}): TracksView {
  const status = h('span', { class: 'tk-status muted' });
  const flowBox = h('input', { type: 'checkbox', checked: true, 'data-testid': 'tracks-flows' });
  const flowToggle = h('label', { class: 'tk-flows', title: "Draw every flow faintly (a hovered slice's flows are always drawn)" }, flowBox, 'all flows');
  const reset = h('button', { class: 'btn small', title: 'Show the whole run (double-click also works)' }, 'Reset zoom');
  const notes = h('div', { class: 'tl-note warn', hidden: true, 'data-testid': 'tracks-notes' });
  const axis = h('canvas', { class: 'tl-axis' });
  const canvas = h('canvas', { class: 'tl-lanes tk-lanes', tabindex: 0, 'aria-label': 'Tracks: drag selects an area, wheel or W/S zoom, Shift+drag or A/D pan, Esc clears the selection' });
  const scroller = h('div', { class: 'tl-scroller' }, canvas);
  const message = h('div', { class: 'tl-message muted', hidden: true });
  const hover = h('div', { class: 'tl-hover', hidden: true, 'data-testid': 'tracks-hover' });
  const plot = h('div', { class: 'tl-plot' }, axis, scroller, message, hover);
  const root = h('div', { class: 'tk-view', 'data-testid': 'tracks' },
    h('div', { class: 'tk-bar' }, h('span', { class: 'muted' }, 'Drag: select an area · wheel or W/S: zoom · Shift+drag, drag on the axis or A/D: pan · Esc: clear'), flowToggle, reset, status), notes, plot);

  let runId: number | null = null;
  let full: TrackSetData | null = null;
  let model: TracksModel | null = null;
  let bounds: NsWindow | null = null;
  let zero: { zero: bigint; caption: string } | null = null;
  let view: NsWindow | null = null;
  let fetched: NsWindow | null = null;
  // The last windows' replies, by request (the same run as loaded; emptied when it loads again).
  const recent = new Map<string, TrackSetData>();
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frames = frameScheduler(() => draw());
  const schedule = frames.schedule;
  let focus: FlowArrow[] = [];
  // The whole run's counter scales: a zoomed window keeps them.
  let ranges = new Map<string, CounterRange>();
  // Lane groups folded by a click on their header; kept across runs and windows.
  const collapsed = new Set<string>();
  // The set the model was built from (the whole run's, or merged with a window's), to rebuild on a fold.
  let shownSet: TrackSetData | null = null;
  // Timing marks for the bench and tools (root's data-*): when the pending draw was asked for.
  let drawCount = 0;
  let askedAt: number | null = null;
  let loadAt: number | null = null;
  // A refetch: asked at t, reply at reply, model built at built (performance.now()).
  let fetchAt: { seq: number; t: number; reply: number; built: number; set: TrackSetData | null; input: number | null; cached: boolean } | null = null;
  // The last view change (the refetch's debounce counts from it).
  let inputAt: number | null = null;
  const bucketsWanted = () => Math.max(1, Math.round(scroller.clientWidth - LABEL_W));

  function say(text: string | null): void {
    message.hidden = text === null;
    message.textContent = text ?? '';
  }

  async function load(id: number): Promise<void> {
    const my = ++seq;
    recent.clear();
    say('Loading tracks…');
    loadAt = performance.now();
    const set = await client.call('runTracks', { runId: id, fromNs: null, toNs: null, maxItemsPerTrack: maxItems(), bucketsPerTrack: bucketsWanted() });
    if (my !== seq) return;
    full = set;
    shownSet = set;
    const b = boundsOf(set);
    bounds = b && (spanOf(b) > 0n ? b : { from: b.from, to: b.from + 1_000n });
    zero = zeroOf(set);
    // The axis origin on the aligned clock, for tests and tools reading the page.
    root.dataset.zeroNs = zero?.zero.toString() ?? '';
    root.dataset.zeroCaption = zero?.caption ?? '';
    view = bounds;
    fetched = null;
    model = bounds ? buildModel(set, bounds.from, bounds.to, new Map(), collapsed) : null;
    ranges = model ? counterRanges(model) : new Map();
    notes.hidden = set.notes.length === 0;
    notes.textContent = set.notes.join(' · ');
    say(set.tracks.length === 0 ? 'This run has no tracks (see the note above).' : null);
    update();
  }

  async function fetchWindow(w: NsWindow): Promise<void> {
    if (runId === null || !full || !bounds) return;
    const my = ++seq;
    const t0 = performance.now();
    const whole = sameWindow(w, bounds);
    const params = { runId, fromNs: w.from.toString(), toNs: w.to.toString(), maxItemsPerTrack: maxItems(), bucketsPerTrack: bucketsWanted() };
    const key = JSON.stringify(params);
    const cached = recent.get(key);
    const set = whole ? full : cached ?? await client.call('runTracks', params);
    if (my !== seq || !full) return;
    if (!whole) {
      // Most recently used last: panning or zooming back to a window shown a moment ago asks no one.
      recent.delete(key);
      recent.set(key, set);
      for (const k of recent.keys()) if (recent.size > RECENT_WINDOWS) recent.delete(k);
    }
    const t1 = performance.now();
    fetched = whole ? null : w;
    shownSet = merge(full, whole ? null : set);
    model = buildModel(shownSet, bounds.from, bounds.to, ranges, collapsed);
    fetchAt = { seq: my, t: t0, reply: t1, built: performance.now(), set: whole ? null : set, input: inputAt, cached: !whole && cached !== undefined };
    root.dataset.fetchSeq = String(my);
    update();
  }

  /**
   * The refetch's phases for the bench (data-fetch-phases): engine call (server work, transport
   * and JSON parse), merge and model, draw; and the reply's size. The size is measured after
   * the frame and only when localStorage has qtw.tracks.bench = 1 (re-serialising costs time).
   */
  function markPhases(f: NonNullable<typeof fetchAt>, drawnAt: number): void {
    const phases: Record<string, number> = { callMs: f.reply - f.t, modelMs: f.built - f.reply, drawMs: drawnAt - f.built, cached: f.cached ? 1 : 0 };
    if (f.input !== null && f.input <= f.t) Object.assign(phases, { waitMs: f.t - f.input, fromInputMs: drawnAt - f.input });
    setTimeout(() => {
      if (f.set) {
        let items = 0;
        let buckets = 0;
        for (const t of f.set.tracks) {
          items += t.items.length;
          buckets += t.buckets?.length ?? 0;
        }
        Object.assign(phases, { tracks: f.set.tracks.length, items, buckets });
        if (globalThis.localStorage?.getItem('qtw.tracks.bench') === '1') phases.bytes = JSON.stringify(f.set).length;
      }
      root.dataset.fetchPhases = JSON.stringify({ seq: f.seq, ...phases });
    }, 0);
  }

  function fail(e: unknown): void {
    say(`Could not load the tracks: ${errorMessage(e)}`);
  }

  function update(): void {
    renderStatus();
    schedule();
  }

  function renderStatus(): void {
    if (!view || !zero || !model) {
      status.textContent = '';
      return;
    }
    const span = spanOf(view);
    const thinned = model.lanes.filter((l) => l.truncated).length;
    status.textContent = `window ${formatDurationNs(span)} from ${formatRelative(view.from - zero.zero, span)} · ${model.lanes.length} lanes · ${model.flows.length} flows` +
      (thinned ? ` · ${thinned} thinned (zoom in)` : '');
    status.className = `tk-status ${thinned ? 'warn' : 'muted'}`;
    // What is drawn, for tests and tools that cannot read the canvas.
    Object.assign(root.dataset, {
      run: String(runId ?? ''),
      lanes: model.lanes.map((l) => l.title).join('\n'),
      layout: JSON.stringify(model.lanes.map((l) => ({ id: l.id, y: l.y, h: l.height, group: l.groupKey, buckets: l.buckets?.length ?? 0 }))),
      groups: JSON.stringify(model.groups.map((g) => ({ key: g.key, title: g.title, y: g.y, collapsed: g.collapsed, count: g.count }))),
      spanNs: span.toString(), viewFromNs: view.from.toString(), viewToNs: view.to.toString(), zeroNs: zero.zero.toString(),
      labelW: String(LABEL_W), fetched: fetched ? `${fetched.from}-${fetched.to}` : 'all',
    });
  }



  function style(): DrawStyle {
    const cs = getComputedStyle(root);
    return {
      fg: cs.getPropertyValue('--fg').trim() || '#d4d7dd',
      dim: cs.getPropertyValue('--fg-dim').trim() || '#8b919c',
      line: cs.getPropertyValue('--line').trim() || '#30343b',
    };
  }

  function draw(): void {
    const width = scroller.clientWidth;
    if (width === 0) return;
    const s = style();
    const actx = sizeCanvas(axis, width, AXIS_H);
    const ctx = sizeCanvas(canvas, width, Math.max(1, model?.height ?? 1));
    if (!actx || !ctx) return;
    if (!model || !view || !zero) {
      actx.clearRect(0, 0, width, AXIS_H);
      ctx.clearRect(0, 0, width, model?.height ?? 1);
      return;
    }
    drawAxis(actx, view, zero.zero, zero.caption, width, s);
    drawLanes(ctx, model, view, width, s, { allFlows: flowBox.checked, focus });
    placeArea();
    markDrawn();
  }

  /** After a frame: data-drawn counts frames; *-ms say how long from the ask (view change, load, fetch) to drawn. */
  function markDrawn(): void {
    const now = performance.now();
    const d = root.dataset;
    d.drawn = String(++drawCount);
    if (askedAt !== null) d.frameMs = (now - askedAt).toFixed(1);
    askedAt = null;
    if (loadAt !== null) d.loadMs = (now - loadAt).toFixed(1);
    loadAt = null;
    if (fetchAt !== null) {
      d.fetchMs = (now - fetchAt.t).toFixed(1);
      d.fetchDrawn = String(fetchAt.seq);
      markPhases(fetchAt, now);
    }
    fetchAt = null;
  }

  /** Fold or unfold a lane group (its header was clicked). */
  function toggleGroup(key: string): void {
    if (collapsed.has(key)) collapsed.delete(key);
    else collapsed.add(key);
    if (shownSet && bounds) model = buildModel(shownSet, bounds.from, bounds.to, ranges, collapsed);
    update();
  }

  const plotWidth = () => Math.max(10, scroller.clientWidth - LABEL_W);
  const fractionAt = (clientX: number) => (clientX - canvas.getBoundingClientRect().left - LABEL_W) / plotWidth();

  function setView(w: NsWindow): void {
    if (view && sameWindow(w, view)) return;
    askedAt = performance.now();
    inputAt = askedAt;
    view = w;
    update();
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (view) fetchWindow(view).catch(fail);
    }, REFETCH_MS);
  }

  function zoomBy(factor: number, anchor: number): void {
    if (view && bounds) setView(zoomWindow(view, Math.max(0, Math.min(1, anchor)), factor, bounds));
  }

  function showHover(ev: MouseEvent): void {
    if (!model || !view || !zero) return;
    const r = canvas.getBoundingClientRect();
    const x = ev.clientX - r.left - LABEL_W;
    const span = Number(spanOf(view));
    const nsPerPx = span / plotWidth();
    const t = Number(view.from - model.origin) + x * nsPerPx;
    const hit = x < 0 ? null : hitTest(model, t, ev.clientY - r.top, 3 * nsPerPx);
    const nextFocus = hit?.kind === 'slice' ? flowsOf(model, hit.lane.id, hit.item) : [];
    if (nextFocus.length !== focus.length || nextFocus.some((f, i) => f !== focus[i])) {
      focus = nextFocus;
      schedule();
    }
    if (!hit) {
      hover.hidden = true;
      return;
    }
    clear(hover);
    const unit = unitFor(spanOf(view) / 10n);
    if (hit.kind === 'slice') {
      const b = hit.item;
      hover.append(
        h('div', { class: 'tl-hover-name' }, h('span', { class: 'tl-swatch', style: `background:${sliceColor(b.name)}` }), b.name),
        h('div', { class: 'muted' }, hit.lane.title),
        h('div', {}, `start ${formatOffset(b.tsNs - zero.zero, unit)}`, h('span', { class: 'muted' }, `  ${formatTimestampNs(b.tsNs, full?.clock ?? null)}`)),
        h('div', {}, b.durNs === null ? 'duration: no end traced' : b.durNs === 0n ? 'instant' : `duration ${formatDurationNs(b.durNs)}`),
        ...Object.entries(b.args).filter(([, v]) => v !== null).map(([k, v]) => h('div', { class: 'muted' }, `${k}: ${String(v)}`)),
        ...(focus.length ? [h('div', { class: 'muted' }, `${focus.length} flow${focus.length === 1 ? '' : 's'} (drawn bright)`)] : []),
      );
    } else if (hit.kind === 'bucket') {
      const lane = hit.lane;
      const b = hit.item;
      const what = `${lane.kind === 'counter' ? 'point' : 'slice'}${b.count === 1 ? '' : 's'}`;
      const val = (v: number | null) => (v === null ? '?' : lane.kind === 'counter' ? formatValue(v, lane.unit) : formatDurationNs(BigInt(Math.round(v))));
      hover.append(
        h('div', { class: 'tl-hover-name' }, lane.title),
        h('div', {}, `${b.count.toLocaleString('en-US')} ${what} in this span (thinned: zoom in)`),
        h('div', { class: 'muted' }, `${lane.kind === 'counter' ? 'value' : 'duration'} min ${val(b.min)} · max ${val(b.max)}`),
        h('div', { class: 'muted' }, `span ${formatOffset(model.origin + BigInt(Math.round(b.t0)) - zero.zero, unit)} + ${formatDurationNs(BigInt(Math.round(b.t1 - b.t0)))}`),
      );
    } else {
      const lane = hit.lane;
      hover.append(
        h('div', { class: 'tl-hover-name' }, lane.title),
        h('div', {}, formatValue(hit.item.value, lane.kind === 'counter' ? lane.unit : '')),
        h('div', { class: 'muted' }, `since ${formatOffset(hit.item.tsNs - zero.zero, unit)}`),
      );
    }
    hover.hidden = false;
    const pr = plot.getBoundingClientRect();
    const hx = ev.clientX - pr.left + 14;
    const hy = ev.clientY - pr.top + 14;
    hover.style.left = `${Math.max(0, Math.min(hx, pr.width - hover.offsetWidth - 4))}px`;
    hover.style.top = `${hy + hover.offsetHeight > pr.height ? Math.max(0, hy - hover.offsetHeight - 20) : hy}px`;
  }

  // Area selection (Perfetto's): a plain drag over the lanes selects a time range across the lanes
  // it covers; Shift+drag, or a drag on the axis, pans; a click without a drag clears it.
  let drag: { x0: number; y0: number; start: NsWindow; moved: boolean; pan: boolean } | null = null;
  let area: { sel: AreaSelection; f0: number; f1: number; y0: number; y1: number } | null = null;
  let dragged = false;
  const band = h('div', { class: 'ar-band', hidden: true, 'data-testid': 'area-band' });
  const axisLabel = h('div', { class: 'ar-axis-label', hidden: true, 'data-testid': 'area-axis' }, h('span', {}));
  scroller.append(band);
  plot.append(axisLabel);
  const areaPanel = createAreaPanel(client, hooks, {
    zoomTo: (sel) => {
      if (!bounds) return;
      const pad = (sel.to - sel.from) / 20n;
      const lo = sel.from - pad < bounds.from ? bounds.from : sel.from - pad;
      const hi = sel.to + pad > bounds.to ? bounds.to : sel.to + pad;
      setView({ from: lo, to: hi > lo ? hi : lo + 1_000n });
    },
    clear: () => clearArea(),
  });
  root.append(areaPanel.element);

  function clearArea(): void {
    area = null;
    band.hidden = true;
    axisLabel.hidden = true;
    areaPanel.hide();
    delete root.dataset.areaFromNs;
    delete root.dataset.areaToNs;
  }

  /** The band over the selected lanes and its duration on the axis, where the view puts them. */
  function placeArea(): void {
    if (!area || !view || !model) {
      band.hidden = true;
      axisLabel.hidden = true;
      return;
    }
    const span = Number(spanOf(view));
    const pw = plotWidth();
    const x = (ns: bigint) => LABEL_W + (Number(ns - view!.from) / span) * pw;
    const x0 = Math.max(LABEL_W, x(area.sel.from));
    const x1 = Math.min(LABEL_W + pw, x(area.sel.to));
    const hidden = x1 < LABEL_W || x0 > LABEL_W + pw;
    const ids = new Set(area.sel.lanes.map((l) => l.trackId));
    const shown = model.lanes.filter((l) => ids.has(l.id));
    const top = shown.length ? Math.min(...shown.map((l) => l.y)) : area.y0;
    const bottom = shown.length ? Math.max(...shown.map((l) => l.y + l.height)) : area.y1;
    band.hidden = hidden;
    axisLabel.hidden = hidden;
    Object.assign(band.style, { left: `${x0}px`, width: `${Math.max(1, x1 - x0)}px`, top: `${top}px`, height: `${Math.max(2, bottom - top)}px` });
    Object.assign(axisLabel.style, { left: `${x0}px`, width: `${Math.max(1, x1 - x0)}px` });
    (axisLabel.firstChild as HTMLElement).textContent = formatDurationNs(area.sel.to - area.sel.from);
  }

  function startDrag(ev: MouseEvent, pan: boolean): void {
    if (ev.button !== 0 || !view) return;
    drag = { x0: ev.clientX, y0: ev.clientY - canvas.getBoundingClientRect().top, start: view, moved: false, pan };
    ev.preventDefault();
    canvas.focus();
  }
  canvas.addEventListener('mousedown', (ev) => {
    if (!model) return;
    const r = canvas.getBoundingClientRect();
    // A group header folds on click; the label column does not select.
    const inLabels = ev.clientX - r.left < LABEL_W;
    if (!ev.shiftKey && (inLabels || groupAt(model, ev.clientY - r.top))) return;
    startDrag(ev, ev.shiftKey);
  });
  axis.addEventListener('mousedown', (ev) => startDrag(ev, true));
  const onMove = (ev: MouseEvent) => {
    if (!drag) {
      if (ev.target === canvas) showHover(ev);
      return;
    }
    const dx = ev.clientX - drag.x0;
    if (Math.abs(dx) > 3) drag.moved = true;
    if (!drag.moved || !bounds || !model) return;
    hover.hidden = true;
    if (drag.pan) {
      setView(panWindow(drag.start, -dx / plotWidth(), bounds));
      return;
    }
    const r = canvas.getBoundingClientRect();
    const f0 = (drag.x0 - r.left - LABEL_W) / plotWidth();
    const f1 = (ev.clientX - r.left - LABEL_W) / plotWidth();
    const y1 = Math.max(0, Math.min(model.height - 1, ev.clientY - r.top));
    const lanes = lanesBetween(model.lanes, drag.y0, y1);
    area = { sel: selectionOf(drag.start, f0, f1, lanes), f0, f1, y0: Math.min(drag.y0, y1), y1: Math.max(drag.y0, y1) };
    placeArea();
  };
  const onUp = () => {
    const d = drag;
    drag = null;
    if (!d) return;
    dragged = d.moved;
    if (d.pan) return;
    if (!d.moved) {
      if (area) clearArea();
      return;
    }
    if (area && runId !== null && area.sel.lanes.length > 0 && area.sel.to > area.sel.from) {
      root.dataset.areaFromNs = area.sel.from.toString();
      root.dataset.areaToNs = area.sel.to.toString();
      areaPanel.show(runId, area.sel, zero && view ? formatRelative(area.sel.from - zero.zero, spanOf(view)) : area.sel.from.toString());
    } else clearArea();
  };
  // A drag ends in a click on the canvas: it must not fold the group header it ended on.
  canvas.addEventListener('click', (ev) => {
    if (dragged) ev.stopImmediatePropagation();
    dragged = false;
  }, { capture: true });
  canvas.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && area) {
      clearArea();
      ev.preventDefault();
    }
  });
  window.addEventListener('mousemove', onMove);
  window.addEventListener('mouseup', onUp);
  canvas.addEventListener('mouseleave', () => {
    hover.hidden = true;
    if (focus.length) {
      focus = [];
      schedule();
    }
  });
  flowBox.addEventListener('change', () => schedule());
  canvas.addEventListener('dblclick', () => {
    if (bounds) setView(bounds);
  });
  reset.addEventListener('click', () => {
    if (bounds) setView(bounds);
  });
  canvas.addEventListener('wheel', (ev) => {
    if (!view || !bounds) return;
    ev.preventDefault();
    if (ev.shiftKey) {
      scroller.scrollTop += ev.deltaY;
      return;
    }
    if (Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
      setView(panWindow(view, ev.deltaX / plotWidth(), bounds));
      return;
    }
    const unit = ev.deltaMode === 1 ? 33 : ev.deltaMode === 2 ? 300 : 1;
    zoomBy(Math.exp(Math.max(-300, Math.min(300, ev.deltaY * unit)) * 0.002), fractionAt(ev.clientX));
  }, { passive: false });
  canvas.addEventListener('keydown', (ev) => {
    if (!view || !bounds || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const k = ev.key.toLowerCase();
    if (k === 'w') zoomBy(0.7, 0.5);
    else if (k === 's') zoomBy(1 / 0.7, 0.5);
    else if (k === 'a' || ev.key === 'ArrowLeft') setView(panWindow(view, -0.2, bounds));
    else if (k === 'd' || ev.key === 'ArrowRight') setView(panWindow(view, 0.2, bounds));
    else return;
    ev.preventDefault();
  });

  // Lane groups fold on a click on their header; a lane title shows whole as the canvas's tooltip.
  canvas.addEventListener('click', (ev) => {
    if (!model) return;
    const g = groupAt(model, ev.clientY - canvas.getBoundingClientRect().top);
    if (g) toggleGroup(g.key);
  });
  canvas.addEventListener('mousemove', (ev) => {
    if (!model) return;
    const r = canvas.getBoundingClientRect();
    const y = ev.clientY - r.top;
    const g = groupAt(model, y);
    const lane = ev.clientX - r.left < LABEL_W ? laneAt(model, y) : null;
    const tip = g ? `${g.title}: ${g.count} lanes (click to ${g.collapsed ? 'expand' : 'fold'})` : lane ? laneLabel(lane) + (lane.note ? `\n${lane.note}` : '') : '';
    if (canvas.title !== tip) canvas.title = tip;
    canvas.style.cursor = g ? 'pointer' : '';
  });

  const ro = new ResizeObserver(() => schedule());
  ro.observe(scroller);

  return {
    element: root,
    show(id, reload = false) {
      if (id === runId && !reload && full) {
        schedule();
        return;
      }
      runId = id;
      clearArea();
      clearTimeout(timer);
      full = null;
      shownSet = null;
      model = null;
      focus = [];
      view = null;
      bounds = null;
      hover.hidden = true;
      notes.hidden = true;
      renderStatus();
      schedule();
      if (id === null) {
        ++seq;
        say('Tracks show one run: pick a run above (traces picked by hand have no run tracks).');
        return;
      }
      load(id).catch(fail);
    },
    resize() {
      schedule();
    },
    focus() {
      canvas.focus();
    },
    dispose() {
      clearTimeout(timer);
      frames.cancel();
      ro.disconnect();
      window.removeEventListener('mousemove', onMove);
      window.removeEventListener('mouseup', onUp);
      root.remove();
    },
  };
}
