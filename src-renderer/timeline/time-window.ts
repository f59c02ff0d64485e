// Window arithmetic for the timeline in BigInt nanoseconds: epoch ns exceed 2^53, so a zoomed
// window computed in doubles would drift by hundreds of ns. Fractions (cursor position, zoom
// factor) are turned into exact rationals before they touch a timestamp.

export interface NsWindow {
  readonly from: bigint;
  readonly to: bigint;
}

/** Never zoom below this span: a few ns already separate distinct trace records. */
export const MIN_SPAN_NS = 100n;
const SCALE = 1_000_000n;

function frac(x: number): bigint {
  return BigInt(Math.round(Math.min(1, Math.max(0, x)) * Number(SCALE)));
}

export function spanOf(w: NsWindow): bigint {
  return w.to - w.from;
}

/** Keep `w` inside `bounds`, shifting rather than shrinking it where it fits. */
export function clampWindow(w: NsWindow, bounds: NsWindow): NsWindow {
  const boundSpan = spanOf(bounds);
  let span = spanOf(w);
  if (span > boundSpan) span = boundSpan;
  if (span < MIN_SPAN_NS) span = boundSpan < MIN_SPAN_NS ? boundSpan : MIN_SPAN_NS;
  let from = w.from;
  if (from < bounds.from) from = bounds.from;
  if (from + span > bounds.to) from = bounds.to - span;
  return { from, to: from + span };
}

/**
 * Zoom by `factor` (< 1 zooms in) keeping the instant under the cursor (at fraction `anchor`
 * of the width) where it is.
 */
export function zoomWindow(w: NsWindow, anchor: number, factor: number, bounds: NsWindow): NsWindow {
  const span = spanOf(w);
  const a = frac(anchor);
  const at = w.from + (span * a) / SCALE;
  const f = BigInt(Math.max(1, Math.round(factor * Number(SCALE))));
  let newSpan = (span * f) / SCALE;
  if (newSpan < MIN_SPAN_NS) newSpan = MIN_SPAN_NS;
  const from = at - (newSpan * a) / SCALE;
  return clampWindow({ from, to: from + newSpan }, bounds);
}

/** Pan by a fraction of the visible width (positive = later). */
export function panWindow(w: NsWindow, fraction: number, bounds: NsWindow): NsWindow {
  const span = spanOf(w);
  const sign = fraction < 0 ? -1n : 1n;
  const d = (span * BigInt(Math.round(Math.abs(fraction) * Number(SCALE)))) / SCALE;
  return clampWindow({ from: w.from + sign * d, to: w.to + sign * d }, bounds);
}

/** The sub-window between two fractions of the width (a drag selection). */
export function selectWindow(w: NsWindow, f0: number, f1: number, bounds: NsWindow): NsWindow {
  const lo = Math.min(f0, f1);
  const hi = Math.max(f0, f1);
  const span = spanOf(w);
  const from = w.from + (span * frac(lo)) / SCALE;
  const to = w.from + (span * frac(hi)) / SCALE;
  return clampWindow({ from, to: to - from < MIN_SPAN_NS ? from + MIN_SPAN_NS : to }, bounds);
}

export function sameWindow(a: NsWindow, b: NsWindow): boolean {
  return a.from === b.from && a.to === b.to;
}

export interface Tick {
  /** Absolute ns of the tick. */
  readonly at: bigint;
  /** Fraction of the window width. */
  readonly x: number;
  /** Offset from the origin in the chosen unit, e.g. `+12.5 ms`. */
  readonly label: string;
}

const UNITS: readonly { ns: bigint; name: string }[] = [
  { ns: 1n, name: 'ns' },
  { ns: 1_000n, name: 'µs' },
  { ns: 1_000_000n, name: 'ms' },
  { ns: 1_000_000_000n, name: 's' },
];

/** A 1-2-5 step no smaller than `minStep` ns. */
export function niceStep(minStep: bigint): bigint {
  let decade = 1n;
  for (;;) {
    for (const m of [1n, 2n, 5n]) if (decade * m >= minStep) return decade * m;
    decade *= 10n;
  }
}

/** The largest unit the step is a whole or tenth multiple of, so labels stay short. */
export function unitFor(step: bigint): { ns: bigint; name: string } {
  let best = UNITS[0]!;
  for (const u of UNITS) if (step * 10n >= u.ns) best = u;
  return best;
}

export function formatOffset(offsetNs: bigint, unit: { ns: bigint; name: string }): string {
  const neg = offsetNs < 0n;
  const abs = neg ? -offsetNs : offsetNs;
  const whole = abs / unit.ns;
  const rest = abs % unit.ns;
  let text = whole.toString();
  if (rest !== 0n) {
    const digits = unit.ns.toString().length - 1;
    text += `.${rest.toString().padStart(digits, '0').replace(/0+$/, '')}`;
  }
  return `${neg ? '-' : '+'}${text} ${unit.name}`;
}

/**
 * Ticks for window `w`, labelled relative to `origin`, at least `minPx` apart over `widthPx`.
 * Tick positions are multiples of the step measured from the origin, so they stay put while
 * panning.
 */
export function axisTicks(w: NsWindow, origin: bigint, widthPx: number, minPx = 90): Tick[] {
  const span = spanOf(w);
  if (span <= 0n || widthPx <= 0) return [];
  const count = Math.max(1, Math.floor(widthPx / minPx));
  const step = niceStep((span + BigInt(count) - 1n) / BigInt(count));
  const unit = unitFor(step);
  const rel = w.from - origin;
  // First multiple of step at or after the window start (floor division for negatives too).
  let k = rel / step;
  if (k * step < rel) k += 1n;
  const out: Tick[] = [];
  for (let t = origin + k * step; t <= w.to; t += step) {
    out.push({ at: t, x: Number(t - w.from) / Number(span), label: formatOffset(t - origin, unit) });
  }
  return out;
}

/**
 * An offset as people read it in a window of `spanNs`: in the unit the axis ticks use, to about a
 * thousandth of the window (`-11.25 s` in a 16 s window, not `-11.25321651 s`).
 */
export function formatRelative(offsetNs: bigint, spanNs: bigint): string {
  const unit = unitFor(niceStep(spanNs >= 10n ? spanNs / 10n : 1n));
  let res = 1n;
  while (res * 10n <= spanNs / 1000n) res *= 10n;
  const half = res / 2n;
  const rounded = ((offsetNs < 0n ? offsetNs - half : offsetNs + half) / res) * res;
  return formatOffset(rounded, unit);
}
