// The Tracks mode of the Timeline (issue 16): one run's tracks (engine method runTracks) drawn
// like Perfetto: lanes of slices with nesting rows, counters as step lines, flows as arrows,
// a relative time axis. Wheel zooms around the cursor, drag pans, W/S zoom and A/D pan. The
// view changes at once and the engine is asked for the new window shortly after: thinned lanes
// fill in as you zoom. The lanes are the whole run's, so they stay put while zooming.
import type { EngineClient, TrackData, TrackSetData } from '../../src-main/contract.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { formatDurationNs, formatTimestampNs } from '../util/time-format.ts';
import { formatOffset, formatRelative, panWindow, sameWindow, spanOf, unitFor, zoomWindow, type NsWindow } from './time-window.ts';
import { AXIS_H, drawAxis, drawLanes, LABEL_W, type DrawStyle } from './tracks-draw.ts';
import { boundsOf, buildModel, counterRanges, flowsOf, formatValue, hitTest, sliceColor, zeroOf, type CounterRange, type FlowArrow, type TracksModel } from './tracks-model.ts';
import { frameScheduler, sizeCanvas } from './canvas.ts';

const MAX_ITEMS = 2000;
const REFETCH_MS = 200;

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
  return { ...win, tracks: full.tracks.map((t): TrackData => byId.get(t.id) ?? ({ ...t, items: [], truncated: false } as TrackData)) };
}

export function createTracksView(client: EngineClient): TracksView {
  const status = h('span', { class: 'tk-status muted' });
  const flowBox = h('input', { type: 'checkbox', checked: true, 'data-testid': 'tracks-flows' });
  const flowToggle = h('label', { class: 'tk-flows', title: "Draw every flow faintly (a hovered slice's flows are always drawn)" }, flowBox, 'all flows');
  const reset = h('button', { class: 'btn small', title: 'Show the whole run (double-click also works)' }, 'Reset zoom');
  const notes = h('div', { class: 'tl-note warn', hidden: true, 'data-testid': 'tracks-notes' });
  const axis = h('canvas', { class: 'tl-axis' });
  const canvas = h('canvas', { class: 'tl-lanes tk-lanes', tabindex: 0, 'aria-label': 'Tracks: wheel zooms, drag pans, W/S zoom, A/D pan' });
  const scroller = h('div', { class: 'tl-scroller' }, canvas);
  const message = h('div', { class: 'tl-message muted', hidden: true });
  const hover = h('div', { class: 'tl-hover', hidden: true, 'data-testid': 'tracks-hover' });
  const plot = h('div', { class: 'tl-plot' }, axis, scroller, message, hover);
  const root = h('div', { class: 'tk-view', 'data-testid': 'tracks' },
    h('div', { class: 'tk-bar' }, h('span', { class: 'muted' }, 'Wheel or W/S: zoom · drag or A/D: pan'), flowToggle, reset, status), notes, plot);

  let runId: number | null = null;
  let full: TrackSetData | null = null;
  let model: TracksModel | null = null;
  let bounds: NsWindow | null = null;
  let zero: { zero: bigint; caption: string } | null = null;
  let view: NsWindow | null = null;
  let fetched: NsWindow | null = null;
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frames = frameScheduler(() => draw());
  const schedule = frames.schedule;
  let focus: FlowArrow[] = [];
  // The whole run's counter scales: a zoomed window keeps them.
  let ranges = new Map<string, CounterRange>();

  function say(text: string | null): void {
    message.hidden = text === null;
    message.textContent = text ?? '';
  }

  async function load(id: number): Promise<void> {
    const my = ++seq;
    say('Loading tracks…');
    const set = await client.call('runTracks', { runId: id, fromNs: null, toNs: null, maxItemsPerTrack: MAX_ITEMS });
    if (my !== seq) return;
    full = set;
    const b = boundsOf(set);
    bounds = b && (spanOf(b) > 0n ? b : { from: b.from, to: b.from + 1_000n });
    zero = zeroOf(set);
    view = bounds;
    fetched = null;
    model = bounds ? buildModel(set, bounds.from, bounds.to) : null;
    ranges = model ? counterRanges(model) : new Map();
    notes.hidden = set.notes.length === 0;
    notes.textContent = set.notes.join(' · ');
    say(set.tracks.length === 0 ? 'This run has no tracks (see the note above).' : null);
    update();
  }

  async function fetchWindow(w: NsWindow): Promise<void> {
    if (runId === null || !full || !bounds) return;
    const my = ++seq;
    const whole = sameWindow(w, bounds);
    const set = whole ? full : await client.call('runTracks', { runId, fromNs: w.from.toString(), toNs: w.to.toString(), maxItemsPerTrack: MAX_ITEMS });
    if (my !== seq || !full) return;
    fetched = whole ? null : w;
    model = buildModel(merge(full, whole ? null : set), bounds.from, bounds.to, ranges);
    update();
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
      layout: JSON.stringify(model.lanes.map((l) => ({ id: l.id, y: l.y, h: l.height }))),
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
  }

  const plotWidth = () => Math.max(10, scroller.clientWidth - LABEL_W);
  const fractionAt = (clientX: number) => (clientX - canvas.getBoundingClientRect().left - LABEL_W) / plotWidth();

  function setView(w: NsWindow): void {
    if (view && sameWindow(w, view)) return;
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

  let drag: { x0: number; start: NsWindow; moved: boolean } | null = null;
  canvas.addEventListener('mousedown', (ev) => {
    if (ev.button !== 0 || !view) return;
    drag = { x0: ev.clientX, start: view, moved: false };
    ev.preventDefault();
    canvas.focus();
  });
  const onMove = (ev: MouseEvent) => {
    if (!drag) {
      if (ev.target === canvas) showHover(ev);
      return;
    }
    const dx = ev.clientX - drag.x0;
    if (Math.abs(dx) > 3) drag.moved = true;
    if (!drag.moved || !bounds) return;
    hover.hidden = true;
    setView(panWindow(drag.start, -dx / plotWidth(), bounds));
  };
  const onUp = () => {
    drag = null;
  };
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
      clearTimeout(timer);
      full = null;
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
