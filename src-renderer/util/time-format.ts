// Nanosecond timestamps arrive as decimal strings (they exceed 2^53); format them with BigInt
// so the last digits survive. Pure: used by the grid tooltips, the traces panel and unit tests.

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;
const NS_PER_DAY = 86_400n * NS_PER_S;
/** Timestamps past 1980 in ns are wall-clock epoch values; smaller ones are uptime-like clocks. */
const EPOCH_THRESHOLD_NS = 315_532_800n * NS_PER_S;

export function parseNs(v: string | number | bigint | null | undefined): bigint | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : null;
  return /^-?\d+$/.test(v.trim()) ? BigInt(v.trim()) : null;
}

function pad(n: number | bigint, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Human form of a ts_ns value: UTC date-time with all nine fractional digits for epoch clocks,
 * the time of day (and days after the first) for daytime clocks, seconds since start for
 * monotonic/kernel clocks (clock is a hint; the magnitude decides
 * when it is unknown).
 */
export function formatTimestampNs(v: string | number | bigint | null, clock: string | null = null): string {
  const ns = parseNs(v);
  if (ns === null) return '';
  if (clock === 'daytime' && ns >= 0n) {
    // babeltrace's default stamps: a time of day, with the days counted from the first record's.
    const day = ns / NS_PER_DAY;
    const s = (ns % NS_PER_DAY) / NS_PER_S;
    const time = `${pad(s / 3600n, 2)}:${pad((s / 60n) % 60n, 2)}:${pad(s % 60n, 2)}.${pad(ns % NS_PER_S, 9)}`;
    return day === 0n ? time : `${time} (+${day} d)`;
  }
  const epoch = clock === 'epoch' || (clock === null && ns >= EPOCH_THRESHOLD_NS);
  if (!epoch) return `${formatSecondsNs(ns)} s (${clock ?? 'monotonic'})`;
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  const ms = abs / NS_PER_MS;
  const frac = abs % NS_PER_S;
  const d = new Date(Number(neg ? -ms : ms));
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  return `${date} ${time}.${pad(frac, 9)} UTC`;
}

/** `12.000345678` for 12 000 345 678 ns. */
export function formatSecondsNs(ns: bigint): string {
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  return `${neg ? '-' : ''}${abs / NS_PER_S}.${pad(abs % NS_PER_S, 9)}`;
}

/** A duration for people: `850 ns`, `12.4 µs`, `35.2 ms`, `4.21 s`, `3 min 12.5 s`, `2 h 03 min`. */
export function formatDurationNs(v: bigint | string | number): string {
  const ns = typeof v === 'bigint' ? v : parseNs(v);
  if (ns === null) return '';
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  const sign = neg ? '-' : '';
  if (abs < 1_000n) return `${sign}${abs} ns`;
  const n = Number(abs);
  if (abs < 1_000_000n) return `${sign}${trim(n / 1e3)} µs`;
  if (abs < NS_PER_S) return `${sign}${trim(n / 1e6)} ms`;
  if (abs < 60n * NS_PER_S) return `${sign}${trim(n / 1e9)} s`;
  const totalS = n / 1e9;
  if (totalS < 3600) return `${sign}${Math.floor(totalS / 60)} min ${trim(totalS % 60)} s`;
  const h = Math.floor(totalS / 3600);
  return `${sign}${h} h ${pad(Math.floor((totalS - h * 3600) / 60), 2)} min`;
}

/** Three significant digits, never exponent notation. */
function trim(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** `35 ms`, `1.2 s` — for query timings given in milliseconds. */
export function formatElapsedMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let x = n / 1024;
  let i = 0;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${x.toFixed(x < 10 ? 2 : 1)} ${units[i]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * `ns` as milliseconds with `decimals` places, rounded half away from zero, in BigInt so a
 * 19-digit epoch value never passes through a float: `123456789n` → `123.457`.
 */
export function formatNsAsMs(ns: bigint, decimals = 3): string {
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  const d = Math.min(6, Math.max(0, Math.trunc(decimals)));
  const scale = 10n ** BigInt(6 - d);
  const units = (abs + scale / 2n) / scale; // rounded to 10^-d ms
  const one = 10n ** BigInt(d);
  const whole = units / one;
  const frac = d > 0 ? `.${pad(units % one, d)}` : '';
  // A value that rounds to zero shows no sign: `-0.000 ms` reads as a bug.
  return `${neg && units !== 0n ? '-' : ''}${whole}${frac}`;
}

/** `ts - base` in ms (3 decimals), exact for any 64-bit inputs. */
export function formatRelativeMs(ts: bigint, base: bigint, decimals = 3): string {
  return formatNsAsMs(ts - base, decimals);
}
