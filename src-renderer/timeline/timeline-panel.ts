// Source and destination side by side in time: one lane per (trace, thread), one tick per event,
// drawn on a canvas so 50k ticks redraw within a frame. Zoom and pan change the view at once and
// re-ask the engine for that window shortly after, so thinned windows fill in as you zoom.
// One run at a time (or traces the user picks, of one clock kind): the axis counts from the
// migration's start on that run's clock.
import './timeline-panel.css';
import type { EngineClient, ReportItem, RowDetail, RunInfo, TimelineData, TimelineEvent, TimelineLane, TraceInfo } from '../../src-main/contract.ts';
import { columnKinds, formatCell } from '../results/cell-format.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { formatCount, formatDurationNs, formatTimestampNs } from '../util/time-format.ts';
import { axisTicks, formatOffset, formatRelative, panWindow, sameWindow, selectWindow, spanOf, unitFor, zoomWindow, type NsWindow } from './time-window.ts';
import { ambiguousSides, colorIndex, eventRowQuery, LaneIndex, laneLabel, orderLanes, PALETTE, timelinePattern, topNames } from './timeline-layout.ts';
import { SIDE_COLOR } from '../charts/palette.ts';
import { createTracksView } from './tracks-view.ts';
import { axisZero, clockGroups, NEWEST, pickable, requestOf, runLabel, togglePick, traceLabel, zeroCaption, type TimelineSource } from './trace-pick.ts';
import { frameScheduler, sizeCanvas } from './canvas.ts';

const MAX_EVENTS = 50_000;
const MIN_LANE_H = 20;
const MAX_LANE_H = 34;
const LABEL_W = 240;
const AXIS_H = 24;
const REFETCH_MS = 150;
const LEGEND_NAMES = 12;

interface Loaded {
  readonly data: TimelineData;
  readonly origin: bigint;
  /** The axis's zero (the migration's start when traced). */
  readonly zero: bigint;
  readonly lanes: TimelineLane[];
  readonly rowOf: Map<number, number>;
  readonly labels: string[];
  readonly index: LaneIndex;
  readonly colors: Uint8Array;
}

export function createTimelinePanel(host: HTMLElement, client: EngineClient,
  hooks: { openQuery(sql: string, run: boolean): void; addToReport?(item: ReportItem): boolean }): { refresh(): Promise<void>; resize(): void; dispose(): void } {
  const runSelect = h('select', { class: 'tl-run', 'aria-label': 'Run to show', 'data-testid': 'timeline-run', title: 'Which migration to show: one run at a time, on its own clock' });
  const pickBtn = h('button', { class: 'btn small', 'aria-expanded': 'false', 'data-testid': 'timeline-pick', title: 'Pick the traces to show (one clock kind at a time)' }, 'Traces…');
  const picker = h('div', { class: 'tl-picker', hidden: true, 'data-testid': 'timeline-picker' });
  const filter = h('input', { type: 'search', class: 'tl-filter', placeholder: 'Event filter: multifd_* or a name part', 'aria-label': 'Event name filter', spellcheck: 'false' });
  const zoomIn = h('button', { class: 'btn small', title: 'Zoom in (W, or Ctrl+wheel)' }, '+');
  const zoomOut = h('button', { class: 'btn small', title: 'Zoom out (S, or Ctrl+wheel)' }, '−');
  const reset = h('button', { class: 'btn small', title: 'Show the whole span (double-click also works)' }, 'Reset zoom');
  const status = h('span', { class: 'tl-status muted' });
  const note = h('div', { class: 'tl-note warn', hidden: true, 'data-testid': 'timeline-note' });
  const legend = h('div', { class: 'tl-legend' });
  const axis = h('canvas', { class: 'tl-axis' });
  const canvas = h('canvas', { class: 'tl-lanes tl-events', tabindex: 0, 'aria-label': 'Timeline lanes: drag to pan, Shift+drag to zoom to a range, Ctrl+wheel to zoom' });
  const scroller = h('div', { class: 'tl-scroller' }, canvas);
  const message = h('div', { class: 'tl-message muted', hidden: true });
  const hover = h('div', { class: 'tl-hover', hidden: true });
  const selBox = h('div', { class: 'tl-selbox', hidden: true });
  const plot = h('div', { class: 'tl-plot' }, axis, scroller, message, selBox, hover);
  const detail = h('div', { class: 'tl-detail', hidden: true });
  // Events (one tick per trace record) or Tracks (the run's analyses as slices, counters, flows).
  const modeEvents = h('button', { class: 'btn small tl-mode', 'aria-pressed': 'true', 'data-mode': 'events', title: 'One tick per traced event' }, 'Events');
  const modeTracks = h('button', { class: 'btn small tl-mode', 'aria-pressed': 'false', 'data-mode': 'tracks', title: "The run's states, syncs, sections, multifd packets, counters and flows" }, 'Tracks');
  const tracks = createTracksView(client, hooks);
  const body = h('div', { class: 'tl-body' }, plot, detail);
  const root = h('div', { class: 'tl-panel', 'data-testid': 'timeline' },
    h('div', { class: 'tl-toolbar' }, runSelect, h('span', { class: 'tl-modes', role: 'group', 'aria-label': 'Timeline mode' }, modeEvents, modeTracks), pickBtn, filter, zoomIn, zoomOut, reset, status),
    note, picker, legend, body, tracks.element);
  host.append(root);
  // Tracks is the default view (the run at a glance); Events stays one click away.
  let mode: 'events' | 'tracks' = 'tracks';

  let loaded: Loaded | null = null;
  let failure: string | null = null;
  let source: TimelineSource = NEWEST;
  let runs: RunInfo[] = [];
  let traces: TraceInfo[] = [];
  let bounds: NsWindow | null = null;
  let view: NsWindow | null = null;
  let selected: TimelineEvent | null = null;
  let seq = 0;
  let refetchTimer: ReturnType<typeof setTimeout> | undefined;
  const frames = frameScheduler(() => draw());
  const schedule = frames.schedule;
  // Few lanes get taller rows (easier to hit); many lanes stay compact and scroll.
  let laneH = MIN_LANE_H;

  function load(data: TimelineData): Loaded {
    const lanes = orderLanes(data.lanes);
    const amb = ambiguousSides(lanes);
    const colors = new Uint8Array(data.events.length);
    const cache = new Map<string, number>();
    // The legend's names take their colours first: the page palette keeps those distinct.
    for (const { name } of topNames(data.events, LEGEND_NAMES)) colorIndex(name);
    data.events.forEach((e, i) => {
      let c = cache.get(e.name);
      if (c === undefined) cache.set(e.name, (c = colorIndex(e.name)));
      colors[i] = c;
    });
    return {
      data, origin: BigInt(data.originNs), zero: axisZero(data), lanes, colors,
      rowOf: new Map(lanes.map((l, i) => [l.laneId, i])),
      labels: lanes.map((l) => laneLabel(l, amb)),
      index: new LaneIndex(data.events),
    };
  }

  async function fetchWindow(w: NsWindow | null): Promise<void> {
    const my = ++seq;
    const data = await client.call('timeline', {
      ...requestOf(source),
      fromNs: w ? w.from.toString() : null,
      toNs: w ? w.to.toString() : null,
      namePattern: timelinePattern(filter.value),
      maxEvents: MAX_EVENTS,
    });
    if (my !== seq) return;
    failure = null;
    loaded = load(data);
    if (!w || !bounds) {
      bounds = { from: BigInt(data.fromNs), to: BigInt(data.toNs) };
      if (spanOf(bounds) <= 0n) bounds = { from: bounds.from, to: bounds.from + 1_000n };
      view = bounds;
    }
    renderLegend();
    renderStatus();
    renderPicker();
    schedule();
  }

  function fail(e: unknown): void {
    failure = `Could not load the timeline: ${errorMessage(e)}`;
    message.hidden = false;
    message.textContent = failure;
    schedule();
  }

  /** Runs and traces for the picker; a run or pick that no longer exists falls back to the newest run. */
  async function loadChoices(): Promise<void> {
    const [r, t] = await Promise.all([
      // A workspace whose runs are not assigned yet still shows its newest traces.
      client.call('listRuns', {}).catch((): RunInfo[] => []),
      client.call('listTraces', {}),
    ]);
    runs = r;
    traces = t;
    const known = new Set(traces.map((x) => x.traceId));
    const src = source;
    if (src.kind === 'run' && src.runId !== null && !runs.some((x) => x.runId === src.runId)) source = NEWEST;
    if (src.kind === 'traces' && !src.traceIds.every((id) => known.has(id))) source = NEWEST;
  }

  function show(next: TimelineSource): void {
    source = next;
    bounds = null;
    view = null;
    selected = null;
    detail.hidden = true;
    clearTimeout(refetchTimer);
    fetchWindow(null).catch(fail);
  }

  function renderRunSelect(): void {
    clear(runSelect);
    const shownRun = loaded?.data.runId ?? (source.kind === 'run' ? source.runId : null);
    if (runs.length === 0) runSelect.append(h('option', { value: 'newest' }, `Newest traces (no runs yet${loaded?.data.clock ? `, ${loaded.data.clock}` : ''})`));
    for (const r of runs) runSelect.append(h('option', { value: String(r.runId), title: `run ${r.runId}: traces ${r.traceIds.join(', ')}` }, runLabel(r)));
    if (source.kind === 'traces') {
      runSelect.append(h('option', { value: 'traces' }, `Picked: #${source.traceIds.join(', #')}${loaded?.data.clock ? ` (${loaded.data.clock})` : ''}`));
      runSelect.value = 'traces';
    } else {
      runSelect.value = shownRun !== null && runs.some((r) => r.runId === shownRun) ? String(shownRun) : runs.length ? String(runs[runs.length - 1]!.runId) : 'newest';
    }
  }
  runSelect.addEventListener('change', () => {
    const v = runSelect.value;
    if (v === 'traces') return;
    show(v === 'newest' ? NEWEST : { kind: 'run', runId: Number(v) });
    if (mode === 'tracks') tracks.show(shownRunId());
  });

  /** The run the Tracks mode shows: the picked run, else the one the events view shows, else the newest. */
  function shownRunId(): number | null {
    if (source.kind === 'traces') return null;
    return source.runId ?? loaded?.data.runId ?? runs[runs.length - 1]?.runId ?? null;
  }

  function setMode(next: 'events' | 'tracks'): void {
    applyMode(next);
    if (next === 'events') schedule();
    else {
      tracks.show(shownRunId());
      tracks.focus();
    }
  }

  /** Which view's parts are shown; the Tracks view is asked for its run by setMode or refresh. */
  function applyMode(next: 'events' | 'tracks'): void {
    mode = next;
    const ev = next === 'events';
    modeEvents.setAttribute('aria-pressed', String(ev));
    modeTracks.setAttribute('aria-pressed', String(!ev));
    for (const el of [pickBtn, filter, zoomIn, zoomOut, reset, status, legend, body]) el.hidden = !ev;
    if (!ev) {
      picker.hidden = true;
      note.hidden = true;
    } else renderStatus();
    tracks.element.hidden = ev;
    root.dataset.mode = next;
  }
  modeEvents.addEventListener('click', () => setMode('events'));
  modeTracks.addEventListener('click', () => setMode('tracks'));
  applyMode(mode);

  function renderPicker(): void {
    renderRunSelect();
    if (picker.hidden) return;
    clear(picker);
    const shownIds = new Set(loaded?.data.traceIds ?? []);
    const runId = loaded?.data.runId ?? (source.kind === 'run' ? source.runId : null);
    const run = runs.find((r) => r.runId === runId) ?? null;
    const list = h('div', { class: 'tl-pick-list' });
    for (const t of pickable(traces, run)) {
      const box = h('input', { type: 'checkbox', 'data-pick-trace': t.traceId, checked: shownIds.has(t.traceId) });
      box.addEventListener('change', () => {
        const next = togglePick([...shownIds], t.traceId, box.checked, traces);
        if (next.length === 0) {
          box.checked = true;
          return;
        }
        show({ kind: 'traces', traceIds: next });
      });
      list.append(h('label', { class: 'tl-pick', title: t.path }, box, traceLabel(t)));
    }
    const clocks = h('div', { class: 'tl-pick-clocks' }, h('span', { class: 'muted' }, 'All traces of one clock:'));
    for (const g of clockGroups(traces)) {
      const b = h('button', { class: 'btn small', 'data-clock': g.clock, title: `traces ${g.traceIds.join(', ')}` }, `${g.clock} (${g.traceIds.length})`);
      b.addEventListener('click', () => show({ kind: 'traces', traceIds: g.traceIds }));
      clocks.append(b);
    }
    picker.append(
      h('div', { class: 'tl-pick-head muted' }, run ? `Traces of ${run.label}` : 'Traces', ' — one axis shows one clock kind: checking a trace of another clock clears the others.'),
      list, clocks);
  }
  pickBtn.addEventListener('click', () => {
    picker.hidden = !picker.hidden;
    pickBtn.setAttribute('aria-expanded', String(!picker.hidden));
    renderPicker();
    requestAnimationFrame(() => schedule());
  });

  function refetchSoon(): void {
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(() => {
      fetchWindow(view && bounds && sameWindow(view, bounds) ? null : view).catch(fail);
    }, REFETCH_MS);
  }

  function setView(w: NsWindow): void {
    if (view && sameWindow(w, view)) return;
    view = w;
    renderStatus();
    schedule();
    refetchSoon();
  }

  function renderStatus(): void {
    if (!loaded || !view || !bounds) {
      status.textContent = '';
      return;
    }
    const d = loaded.data;
    const thinned = d.truncated;
    status.className = `tl-status ${thinned ? 'warn' : 'muted'}`;
    const span = spanOf(view);
    // What is shown, for tests and tools that cannot read the canvas.
    Object.assign(root.dataset, {
      clock: d.clock ?? '', traces: d.traceIds.join(','), run: String(d.runId ?? ''), events: String(d.events.length),
      spanNs: span.toString(), viewFromNs: view.from.toString(), zeroNs: loaded.zero.toString(),
      // Equal to the view once the engine has answered for it (zoom and pan refetch shortly after).
      view: `${view.from}-${view.to}`, fetched: `${d.fromNs}-${d.toNs}`,
    });
    status.textContent = `window ${formatDurationNs(span)} from ${formatRelative(view.from - loaded.zero, span)}` +
      ` · ${thinned ? `${formatCount(d.events.length)} of ${formatCount(d.totalInWindow)} events (thinned — zoom in)` : `${formatCount(d.events.length)} events`}` +
      ` · ${loaded.lanes.length} lanes`;
    note.hidden = d.note === null || mode === 'tracks';
    note.textContent = d.note ?? '';
    axis.title = zeroCaption(d).title;
    status.title = `window ${formatTimestampNs(view.from, d.clock)} … ${formatTimestampNs(view.to, d.clock)}${d.note ? `\n${d.note}` : ''}`;
  }

  function renderLegend(): void {
    clear(legend);
    if (!loaded) return;
    for (const { name, count } of topNames(loaded.data.events, LEGEND_NAMES)) {
      const chip = h('button', { class: 'tl-chip', title: `${name}: ${formatCount(count)} in this window — click to filter to it`, 'data-name': name },
        h('span', { class: 'tl-swatch', style: `background:${PALETTE[colorIndex(name)]}` }), name);
      legend.append(chip);
    }
  }
  legend.addEventListener('click', (ev) => {
    const chip = (ev.target as HTMLElement).closest<HTMLElement>('.tl-chip');
    if (!chip?.dataset.name) return;
    filter.value = filter.value === chip.dataset.name ? '' : chip.dataset.name;
    refetchNow();
  });



  function plotWidth(): number {
    return Math.max(10, scroller.clientWidth - LABEL_W);
  }

  function draw(): void {
    const width = scroller.clientWidth;
    if (width === 0) return;
    const lanes = loaded?.lanes ?? [];
    laneH = Math.max(MIN_LANE_H, Math.min(MAX_LANE_H, Math.floor(scroller.clientHeight / Math.max(1, lanes.length))));
    message.hidden = failure === null && (!loaded || lanes.length > 0);
    if (failure !== null) message.textContent = failure;
    else if (loaded && lanes.length === 0) message.textContent = filter.value.trim() ? 'No event matches the filter in this window.' : 'No events: open a trace first.';
    drawAxis(width);
    const ctx = sizeCanvas(canvas, width, Math.max(lanes.length * laneH, 1));
    if (!ctx || !loaded || !view) return;
    const pw = width - LABEL_W;
    const style = getComputedStyle(root);
    const fg = style.getPropertyValue('--fg').trim() || '#d4d7dd';
    const dim = style.getPropertyValue('--fg-dim').trim() || '#8b919c';
    ctx.clearRect(0, 0, width, lanes.length * laneH);
    ctx.font = '11px ui-monospace, "DejaVu Sans Mono", monospace';
    ctx.textBaseline = 'middle';
    for (let i = 0; i < lanes.length; i++) {
      if (i % 2 === 1) {
        ctx.fillStyle = 'rgba(255,255,255,0.025)';
        ctx.fillRect(0, i * laneH, width, laneH);
      }
      const lane = lanes[i]!;
      ctx.fillStyle = lane.side === 'src' ? SIDE_COLOR.src : lane.side === 'dst' ? SIDE_COLOR.dst : dim;
      ctx.fillRect(0, i * laneH + 3, 3, laneH - 6);
      ctx.fillStyle = fg;
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, i * laneH, LABEL_W - 8, laneH);
      ctx.clip();
      ctx.fillText(loaded.labels[i]!, 8, i * laneH + laneH / 2);
      ctx.restore();
    }
    ctx.fillStyle = 'rgba(255,255,255,0.08)';
    ctx.fillRect(LABEL_W - 1, 0, 1, lanes.length * laneH);

    const span = Number(spanOf(view));
    const shift = Number(loaded.origin - view.from);
    const scale = pw / span;
    const evs = loaded.data.events;
    const colors = loaded.colors;
    // One path per colour, and at most one tick per (lane, pixel, colour): 50k fillRects would
    // cost more than the paths.
    const paths = PALETTE.map(() => new Path2D());
    const last = new Int32Array(lanes.length * PALETTE.length).fill(-1);
    for (let i = 0; i < evs.length; i++) {
      const e = evs[i]!;
      const x = (e.t + shift) * scale;
      if (x < -1 || x > pw + 1) continue;
      const row = loaded.rowOf.get(e.laneId);
      if (row === undefined) continue;
      const c = colors[i]!;
      const px = Math.round(x);
      const k = row * PALETTE.length + c;
      if (last[k] === px) continue;
      last[k] = px;
      paths[c]!.rect(LABEL_W + px, row * laneH + 3, 1.5, laneH - 6);
    }
    ctx.save();
    ctx.beginPath();
    ctx.rect(LABEL_W, 0, pw, lanes.length * laneH);
    ctx.clip();
    paths.forEach((p, c) => {
      ctx.fillStyle = PALETTE[c]!;
      ctx.fill(p);
    });
    if (selected) {
      const row = loaded.rowOf.get(selected.laneId);
      const x = (selected.t + shift) * scale;
      if (row !== undefined) {
        ctx.strokeStyle = '#ffffff';
        ctx.lineWidth = 1;
        ctx.strokeRect(LABEL_W + Math.round(x) - 2.5, row * laneH + 1.5, 5.5, laneH - 3);
      }
    }
    ctx.restore();
  }

  function drawAxis(width: number): void {
    const ctx = sizeCanvas(axis, width, AXIS_H);
    if (!ctx) return;
    ctx.clearRect(0, 0, width, AXIS_H);
    if (!view || !bounds || !loaded || loaded.lanes.length === 0) return;
    const style = getComputedStyle(root);
    const dim = style.getPropertyValue('--fg-dim').trim() || '#8b919c';
    const line = style.getPropertyValue('--line').trim() || '#30343b';
    const pw = width - LABEL_W;
    ctx.font = '11px ui-monospace, "DejaVu Sans Mono", monospace';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = dim;
    ctx.fillText(zeroCaption(loaded.data).short, 6, AXIS_H / 2);
    ctx.fillStyle = line;
    ctx.fillRect(LABEL_W, AXIS_H - 1, pw, 1);
    for (const t of axisTicks(view, loaded.zero, pw)) {
      const x = LABEL_W + Math.round(t.x * pw);
      ctx.fillStyle = line;
      ctx.fillRect(x, AXIS_H - 7, 1, 7);
      ctx.fillStyle = dim;
      ctx.fillText(t.label, x + 3, AXIS_H / 2 - 2);
    }
  }

  // ---- interaction -------------------------------------------------------------------------
  function fractionAt(clientX: number): number {
    const r = canvas.getBoundingClientRect();
    return (clientX - r.left - LABEL_W) / plotWidth();
  }

  function eventAt(clientX: number, clientY: number): TimelineEvent | null {
    if (!loaded || !view) return null;
    const r = canvas.getBoundingClientRect();
    const x = clientX - r.left - LABEL_W;
    if (x < 0) return null;
    const row = Math.floor((clientY - r.top) / laneH);
    const lane = loaded.lanes[row];
    if (!lane) return null;
    const span = Number(spanOf(view));
    const nsPerPx = span / plotWidth();
    const t = Number(view.from - loaded.origin) + x * nsPerPx;
    return loaded.index.nearest(lane.laneId, t, Math.max(4 * nsPerPx, 1));
  }

  function zoomBy(factor: number, anchor: number): void {
    if (!view || !bounds) return;
    setView(zoomWindow(view, anchor, factor, bounds));
  }

  let drag: { x0: number; y0: number; start: NsWindow; moved: boolean; select: boolean } | null = null;
  canvas.addEventListener('mousedown', (ev) => {
    if (ev.button !== 0 || !view) return;
    drag = { x0: ev.clientX, y0: ev.clientY, start: view, moved: false, select: ev.shiftKey };
    ev.preventDefault();
    canvas.focus();
  });
  const onMove = (ev: MouseEvent) => {
    if (!drag) {
      if (ev.target === canvas) showHover(ev);
      return;
    }
    const dx = ev.clientX - drag.x0;
    if (Math.abs(dx) > 3 || Math.abs(ev.clientY - drag.y0) > 3) drag.moved = true;
    if (!drag.moved || !bounds) return;
    hover.hidden = true;
    if (drag.select) {
      const pr = plot.getBoundingClientRect();
      const cr = canvas.getBoundingClientRect();
      const left = Math.max(cr.left + LABEL_W, Math.min(drag.x0, ev.clientX));
      const right = Math.min(cr.right, Math.max(drag.x0, ev.clientX));
      Object.assign(selBox.style, { left: `${left - pr.left}px`, width: `${Math.max(0, right - left)}px` });
      selBox.hidden = false;
    } else {
      setView(panWindow(drag.start, -dx / plotWidth(), bounds));
    }
  };
  const onUp = (ev: MouseEvent) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    selBox.hidden = true;
    if (!d.moved) {
      hover.hidden = true;
      const e = eventAt(ev.clientX, ev.clientY);
      if (e) void select(e);
      return;
    }
    if (d.select && view && bounds) {
      const f0 = fractionAt(d.x0);
      const f1 = fractionAt(ev.clientX);
      if (Math.abs(f1 - f0) * plotWidth() > 3) setView(selectWindow(view, f0, f1, bounds));
    }
  };
  window.addEventListener('mousemove', onMove);
  window.addEventListener('mouseup', onUp);
  canvas.addEventListener('mouseleave', () => { hover.hidden = true; });
  canvas.addEventListener('dblclick', () => { if (bounds) setView(bounds); });

  function showHover(ev: MouseEvent): void {
    const e = eventAt(ev.clientX, ev.clientY);
    if (!e || !loaded || !bounds) {
      hover.hidden = true;
      canvas.style.cursor = 'grab';
      return;
    }
    canvas.style.cursor = 'pointer';
    const abs = loaded.origin + BigInt(Math.round(e.t));
    clear(hover);
    hover.append(
      h('div', { class: 'tl-hover-name' }, h('span', { class: 'tl-swatch', style: `background:${PALETTE[colorIndex(e.name)]}` }), e.name),
      h('div', {}, formatOffset(abs - loaded.zero, unitFor(spanOf(view ?? bounds) / 10n)), h('span', { class: 'muted' }, `  ${formatTimestampNs(abs, loaded.data.clock)}`)),
      h('div', { class: 'muted' }, `trace ${e.traceId} · seq ${e.seq}`),
    );
    hover.hidden = false;
    const pr = plot.getBoundingClientRect();
    const x = ev.clientX - pr.left + 14;
    const y = ev.clientY - pr.top + 14;
    hover.style.left = `${Math.min(x, pr.width - hover.offsetWidth - 4)}px`;
    hover.style.top = `${y + hover.offsetHeight > pr.height ? y - hover.offsetHeight - 20 : y}px`;
  }

  canvas.addEventListener('wheel', (ev) => {
    if (!view || !bounds) return;
    const overflow = scroller.scrollHeight > scroller.clientHeight;
    if (Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
      ev.preventDefault();
      setView(panWindow(view, ev.deltaX / plotWidth(), bounds));
      return;
    }
    // Plain wheel scrolls the lanes when they overflow; Ctrl (or no overflow) zooms.
    if (overflow && !ev.ctrlKey && !ev.metaKey) return;
    ev.preventDefault();
    const unit = ev.deltaMode === 1 ? 33 : ev.deltaMode === 2 ? 300 : 1;
    zoomBy(Math.exp(Math.max(-300, Math.min(300, ev.deltaY * unit)) * 0.002), Math.max(0, Math.min(1, fractionAt(ev.clientX))));
  }, { passive: false });

  canvas.addEventListener('keydown', (ev) => {
    if (!view || !bounds) return;
    const k = ev.key.toLowerCase();
    if (k === 'w') zoomBy(0.7, 0.5);
    else if (k === 's') zoomBy(1 / 0.7, 0.5);
    else if (k === 'a' || ev.key === 'ArrowLeft') setView(panWindow(view, -0.2, bounds));
    else if (k === 'd' || ev.key === 'ArrowRight') setView(panWindow(view, 0.2, bounds));
    else return;
    ev.preventDefault();
  });
  zoomIn.addEventListener('click', () => zoomBy(0.5, 0.5));
  zoomOut.addEventListener('click', () => zoomBy(2, 0.5));
  reset.addEventListener('click', () => { if (bounds) setView(bounds); });

  function refetchNow(): void {
    clearTimeout(refetchTimer);
    fetchWindow(view && bounds && !sameWindow(view, bounds) ? view : null).catch(fail);
  }
  let filterTimer: ReturnType<typeof setTimeout> | undefined;
  filter.addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(refetchNow, 250);
  });
  filter.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      clearTimeout(filterTimer);
      refetchNow();
    }
  });

  // ---- details -----------------------------------------------------------------------------
  async function select(e: TimelineEvent): Promise<void> {
    selected = e;
    schedule();
    clear(detail);
    detail.hidden = false;
    const open = h('button', { class: 'btn small', title: 'Open this row in the editor' }, 'Open in editor');
    open.addEventListener('click', () => hooks.openQuery(eventRowQuery(e.name, e.traceId, e.seq), true));
    const close = h('button', { class: 'btn small', title: 'Close' }, '×');
    close.addEventListener('click', () => {
      detail.hidden = true;
      selected = null;
      schedule();
    });
    detail.append(h('div', { class: 'tl-detail-head' },
      h('span', { class: 'tl-swatch', style: `background:${PALETTE[colorIndex(e.name)]}` }),
      h('span', { class: 'tl-detail-name' }, e.name), h('span', { class: 'spacer' }), open, close));
    const body = h('div', { class: 'tl-detail-body muted' }, 'loading…');
    detail.append(body);
    schedule();
    let row: RowDetail;
    try {
      row = await client.call('eventRow', { name: e.name, traceId: e.traceId, seq: e.seq });
    } catch (err) {
      body.textContent = errorMessage(err);
      return;
    }
    if (selected !== e) return;
    body.className = 'tl-detail-body';
    clear(body);
    if (!row.row) {
      body.textContent = 'Row not found (the workspace changed?).';
      return;
    }
    const kinds = columnKinds(row.columns, new Set());
    const table = h('table', { class: 'tl-kv' });
    row.columns.forEach((c, i) => {
      const cell = formatCell(row.row![i] ?? null, kinds[i]!);
      table.append(h('tr', {},
        h('th', { title: c.type }, c.name),
        h('td', { class: `tl-val ${cell.cls}`, title: cell.title ?? '' }, cell.text, kinds[i] === 'timestamp-ns' && cell.title ? h('div', { class: 'muted' }, cell.title) : null)));
    });
    body.append(table);
  }

  const ro = new ResizeObserver(() => schedule());
  ro.observe(scroller);

  return {
    async refresh() {
      bounds = null;
      view = null;
      selected = null;
      detail.hidden = true;
      message.hidden = false;
      message.textContent = 'Loading timeline…';
      try {
        await loadChoices();
        // The Tracks view asks for its run as soon as the runs are known, not after the events' window.
        if (mode === 'tracks') tracks.show(shownRunId(), true);
        await fetchWindow(null);
      } catch (e) {
        fail(e);
        throw e;
      }
    },
    resize() {
      schedule();
      tracks.resize();
    },
    dispose() {
      clearTimeout(refetchTimer);
      clearTimeout(filterTimer);
      frames.cancel();
      ro.disconnect();
      window.removeEventListener('mousemove', onMove);
      window.removeEventListener('mouseup', onUp);
      tracks.dispose();
      root.remove();
    },
  };
}
