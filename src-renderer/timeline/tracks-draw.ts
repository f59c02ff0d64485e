// Drawing of the Tracks view on a canvas: lane titles on the left, slices as boxes per depth row,
// counters as step lines, flows as arrows from the source lane to the destination lane, and the
// relative time axis. Only what is in the view is drawn; boxes narrower than a pixel are merged
// per row and colour so a thinned 2000-item lane stays one path per colour. A thinned lane also
// draws the engine's per-bucket summary (about one bucket per pixel column) under its kept items:
// slices as a band shaded by count, counters as a min–max band. Group headers sit above each
// group's lanes.
import { SIDE_COLOR } from '../charts/palette.ts';
import { axisTicks, type NsWindow } from './time-window.ts';
import { ellipsize, formatValue, GROUP_H, LANE_PAD, ROW_H, sliceColor, xOf, type BucketBox, type FlowArrow, type Lane, type SliceBox, type TracksModel } from './tracks-model.ts';

export const LABEL_W = 230;
export const AXIS_H = 24;

export interface DrawStyle {
  readonly fg: string;
  readonly dim: string;
  readonly line: string;
}

const FONT = '11px ui-monospace, "DejaVu Sans Mono", monospace';

/** A lane's title as drawn in the label column: with its kept/total count when thinned. */
export function laneLabel(l: Lane): string {
  return l.title + (l.truncated ? ` (${l.items.length.toLocaleString('en-US')}/${l.total.toLocaleString('en-US')})` : '');
}

/** Room for a lane title in the label column (px). */
export const TITLE_ROOM = LABEL_W - 16;

function drawGroups(ctx: CanvasRenderingContext2D, m: TracksModel, width: number, s: DrawStyle): void {
  for (const g of m.groups) {
    ctx.fillStyle = 'rgba(255,255,255,0.07)';
    ctx.fillRect(0, g.y, width, GROUP_H);
    ctx.fillStyle = s.line;
    ctx.fillRect(0, g.y + GROUP_H - 1, width, 1);
    ctx.fillStyle = g.key === 'src' ? SIDE_COLOR.src : g.key === 'dst' ? SIDE_COLOR.dst : s.fg;
    ctx.font = `bold ${FONT}`;
    ctx.fillText(`${g.collapsed ? '▸' : '▾'} ${g.title}`, 6, g.y + GROUP_H / 2);
    ctx.font = FONT;
    ctx.fillStyle = s.dim;
    ctx.fillText(`${g.count} lane${g.count === 1 ? '' : 's'}${g.collapsed ? ' (click to expand)' : ''}`, 150, g.y + GROUP_H / 2);
  }
}

function drawTitles(ctx: CanvasRenderingContext2D, m: TracksModel, width: number, s: DrawStyle): void {
  drawGroups(ctx, m, width, s);
  m.lanes.forEach((l, i) => {
    if (i % 2 === 1) {
      ctx.fillStyle = 'rgba(255,255,255,0.025)';
      ctx.fillRect(0, l.y, width, l.height);
    }
    ctx.fillStyle = 'rgba(255,255,255,0.06)';
    ctx.fillRect(0, l.y + l.height - 1, width, 1);
    ctx.fillStyle = l.lane.side === 'src' ? SIDE_COLOR.src : l.lane.side === 'dst' ? SIDE_COLOR.dst : s.dim;
    ctx.fillRect(0, l.y + 3, 3, l.height - 6);
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, l.y, LABEL_W - 8, l.height);
    ctx.clip();
    ctx.fillStyle = s.fg;
    // Cut with an ellipsis, never mid-glyph by the clip; the full title is the canvas's tooltip on hover.
    ctx.fillText(ellipsize(laneLabel(l), TITLE_ROOM, (t) => ctx.measureText(t).width), 8, l.y + Math.min(l.height, ROW_H + 2 * LANE_PAD) / 2);
    if (l.kind === 'counter' && l.items.length) {
      ctx.fillStyle = s.dim;
      ctx.fillText(`max ${formatValue(l.max, l.unit)}`, 8, l.y + l.height - 8);
    }
    ctx.restore();
  });
  ctx.fillStyle = 'rgba(255,255,255,0.08)';
  ctx.fillRect(LABEL_W - 1, 0, 1, m.height);
}

/** Buckets in view as [x0, x1) px spans of the plot (at least a pixel wide). */
function bucketSpans(buckets: readonly BucketBox[], vFrom: number, span: number, pw: number): { b: BucketBox; x0: number; w: number }[] {
  const out: { b: BucketBox; x0: number; w: number }[] = [];
  for (const b of buckets) {
    if (b.t1 < vFrom || b.t0 > vFrom + span) continue;
    const x0 = Math.max(-2, xOf(b.t0, vFrom, span, pw));
    const x1 = Math.min(pw + 2, xOf(b.t1, vFrom, span, pw));
    out.push({ b, x0, w: Math.max(1, x1 - x0) });
  }
  return out;
}

/** A thinned slice lane's occupancy: each bucket shaded by its count (log scale, so one slice still shows). */
function drawSliceBuckets(ctx: CanvasRenderingContext2D, l: Lane, vFrom: number, span: number, pw: number): void {
  if (!l.buckets?.length) return;
  const spans = bucketSpans(l.buckets, vFrom, span, pw);
  const most = Math.max(1, ...l.buckets.map((b) => b.count));
  const rgb = l.lane.side === 'dst' ? SIDE_COLOR.dst : SIDE_COLOR.src;
  const levels = 6;
  const paths = Array.from({ length: levels }, () => new Path2D());
  for (const { b, x0, w } of spans) {
    const k = Math.min(levels - 1, Math.floor((Math.log1p(b.count) / Math.log1p(most)) * levels));
    paths[k]!.rect(LABEL_W + x0, l.y + 1, w, l.height - 2);
  }
  ctx.save();
  ctx.fillStyle = rgb;
  paths.forEach((p, k) => {
    ctx.globalAlpha = 0.12 + (0.5 * (k + 1)) / levels;
    ctx.fill(p);
  });
  ctx.restore();
}

/** A thinned counter's min–max band per bucket, scaled as its step line. */
function drawCounterBuckets(ctx: CanvasRenderingContext2D, l: Lane & { kind: 'counter' }, vFrom: number, span: number, pw: number, yOf: (v: number) => number): void {
  if (!l.buckets?.length) return;
  const p = new Path2D();
  for (const { b, x0, w } of bucketSpans(l.buckets, vFrom, span, pw)) {
    if (b.min === null || b.max === null) continue;
    const y0 = yOf(b.max);
    p.rect(LABEL_W + x0, y0, w, Math.max(1, yOf(b.min) - y0));
  }
  ctx.save();
  ctx.globalAlpha = 0.35;
  ctx.fillStyle = l.lane.side === 'dst' ? SIDE_COLOR.dst : SIDE_COLOR.src;
  ctx.fill(p);
  ctx.restore();
}

function drawSlices(ctx: CanvasRenderingContext2D, l: Lane & { kind: 'slice' }, vFrom: number, span: number, pw: number): void {
  drawSliceBuckets(ctx, l, vFrom, span, pw);
  const paths = new Map<string, Path2D>();
  const labels: { b: SliceBox; x0: number; x1: number }[] = [];
  // Last pixel column filled per (row, colour): sub-pixel slices collapse to one rect.
  const last = new Map<string, number>();
  for (const b of l.items) {
    if (b.t1 < vFrom || b.t0 > vFrom + span) continue;
    const x0 = Math.max(-2, xOf(b.t0, vFrom, span, pw));
    const x1 = Math.min(pw + 2, xOf(b.t1, vFrom, span, pw));
    const w = Math.max(1, x1 - x0);
    const color = sliceColor(b.name);
    const y = l.y + LANE_PAD + b.depth * ROW_H;
    if (w <= 1.5) {
      const key = `${b.depth}|${color}`;
      const px = Math.round(x0);
      if (last.get(key) === px) continue;
      last.set(key, px);
    }
    let p = paths.get(color);
    if (!p) paths.set(color, (p = new Path2D()));
    p.rect(LABEL_W + x0, y + 1, w, ROW_H - 2);
    if (w > 30) labels.push({ b, x0, x1 });
  }
  for (const [color, p] of paths) {
    ctx.fillStyle = color;
    ctx.fill(p);
  }
  ctx.fillStyle = '#101216';
  for (const { b, x0, x1 } of labels) {
    const left = Math.max(0, x0);
    const room = Math.min(pw, x1) - left - 6;
    if (room < 20) continue;
    let text = b.name;
    if (ctx.measureText(text).width > room) {
      while (text.length > 1 && ctx.measureText(`${text}…`).width > room) text = text.slice(0, -1);
      text = `${text}…`;
    }
    ctx.fillText(text, LABEL_W + left + 3, l.y + LANE_PAD + b.depth * ROW_H + ROW_H / 2);
  }
}

function drawCounter(ctx: CanvasRenderingContext2D, l: Lane & { kind: 'counter' }, vFrom: number, span: number, pw: number, end: number): void {
  const top = l.y + 4;
  const h = l.height - 8;
  const range = l.max - l.min || 1;
  const yOf = (v: number) => top + h - ((v - l.min) / range) * h;
  drawCounterBuckets(ctx, l, vFrom, span, pw, yOf);
  if (l.items.length === 0) return;
  const color = l.lane.side === 'dst' ? SIDE_COLOR.dst : SIDE_COLOR.src;
  ctx.beginPath();
  let started = false;
  for (let i = 0; i < l.items.length; i++) {
    const p = l.items[i]!;
    const next = i + 1 < l.items.length ? l.items[i + 1]!.t : Math.max(p.t, end);
    if (next < vFrom || p.t > vFrom + span) continue;
    const x0 = LABEL_W + Math.max(-2, xOf(p.t, vFrom, span, pw));
    const x1 = LABEL_W + Math.min(pw + 2, xOf(next, vFrom, span, pw));
    const y = yOf(p.value);
    if (!started) ctx.moveTo(x0, y);
    else ctx.lineTo(x0, y);
    ctx.lineTo(x1, y);
    started = true;
  }
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.2;
  ctx.stroke();
}

function drawFlows(ctx: CanvasRenderingContext2D, m: TracksModel, flows: readonly FlowArrow[], vFrom: number, span: number, pw: number, strong: boolean): void {
  const mid = new Map(m.lanes.map((l) => [l.id, l.y + Math.min(l.height, ROW_H + 2 * LANE_PAD) / 2]));
  ctx.strokeStyle = strong ? 'rgba(255,255,255,0.95)' : 'rgba(220,225,235,0.22)';
  ctx.fillStyle = strong ? 'rgba(255,255,255,0.95)' : 'rgba(220,225,235,0.35)';
  ctx.lineWidth = strong ? 1.5 : 1;
  const heads = new Path2D();
  ctx.beginPath();
  for (const f of flows) {
    const y0 = mid.get(f.from);
    const y1 = mid.get(f.to);
    if (y0 === undefined || y1 === undefined) continue;
    if (Math.max(f.t0, f.t1) < vFrom || Math.min(f.t0, f.t1) > vFrom + span) continue;
    const x0 = LABEL_W + xOf(f.t0, vFrom, span, pw);
    const x1 = LABEL_W + xOf(f.t1, vFrom, span, pw);
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    const a = Math.atan2(y1 - y0, x1 - x0);
    heads.moveTo(x1, y1);
    heads.lineTo(x1 - 6 * Math.cos(a - 0.4), y1 - 6 * Math.sin(a - 0.4));
    heads.lineTo(x1 - 6 * Math.cos(a + 0.4), y1 - 6 * Math.sin(a + 0.4));
    heads.closePath();
  }
  ctx.stroke();
  ctx.fill(heads);
}

/**
 * The lanes canvas: `view` as absolute ns; the model's times are relative to its origin. All
 * flows are drawn faint (when `allFlows`), and `focus`'s (the hovered slice's) bright on top.
 */
export function drawLanes(ctx: CanvasRenderingContext2D, m: TracksModel, view: NsWindow, width: number, s: DrawStyle,
  opts: { readonly allFlows: boolean; readonly focus: readonly FlowArrow[] } = { allFlows: true, focus: [] }): void {
  ctx.clearRect(0, 0, width, m.height);
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  drawTitles(ctx, m, width, s);
  const pw = width - LABEL_W;
  const vFrom = Number(view.from - m.origin);
  const span = Math.max(1, Number(view.to - view.from));
  ctx.save();
  ctx.beginPath();
  ctx.rect(LABEL_W, 0, pw, m.height);
  ctx.clip();
  for (const l of m.lanes) {
    if (l.kind === 'slice') drawSlices(ctx, l, vFrom, span, pw);
    else drawCounter(ctx, l, vFrom, span, pw, m.end);
  }
  if (opts.allFlows) drawFlows(ctx, m, m.flows, vFrom, span, pw, false);
  if (opts.focus.length) drawFlows(ctx, m, opts.focus, vFrom, span, pw, true);
  ctx.restore();
}

export function drawAxis(ctx: CanvasRenderingContext2D, view: NsWindow, zero: bigint, caption: string, width: number, s: DrawStyle): void {
  ctx.clearRect(0, 0, width, AXIS_H);
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = s.dim;
  ctx.fillText(caption, 6, AXIS_H / 2);
  const pw = width - LABEL_W;
  ctx.fillStyle = s.line;
  ctx.fillRect(LABEL_W, AXIS_H - 1, pw, 1);
  for (const t of axisTicks(view, zero, pw)) {
    const x = LABEL_W + Math.round(t.x * pw);
    ctx.fillStyle = s.line;
    ctx.fillRect(x, AXIS_H - 7, 1, 7);
    ctx.fillStyle = s.dim;
    ctx.fillText(t.label, x + 3, AXIS_H / 2 - 2);
  }
}
