// A migration_overview row as the card shows it. Missing columns stay null (the view may be
// older or newer than this page); nothing is invented beyond the labelled throughput estimate.
import type { WireCell } from '../../src-main/contract.ts';
import { num, str, type Row } from './query-rows.ts';

/** x86 target page size: what QEMU's ram.normal-bytes is ram.normal times, on these samples. */
export const TARGET_PAGE_BYTES = 4096;

export interface AttemptSummary {
  readonly side: string;
  readonly attempt: number | null;
  readonly traceId: number | null;
  readonly finalState: string | null;
  readonly startTsNs: string | null;
  readonly endTsNs: string | null;
  readonly totalMs: number | null;
  readonly setupMs: number | null;
  readonly downtimeMs: number | null;
  /** How the view measured downtime (checkpoints, runstate, postcopy approximation). */
  readonly downtimeSource: string | null;
  readonly dirtySyncs: number | null;
  readonly normalPages: number | null;
  readonly zeroPages: number | null;
  readonly multifdChannels: number | null;
  readonly postcopyRequests: number | null;
  /** Mb/s (10^6 bits), from the view when it has one, else estimated; see throughputSource. */
  readonly throughputMbps: number | null;
  readonly throughputSource: string | null;
  readonly raw: Row;
}

function nsString(v: WireCell | undefined): string | null {
  const s = str(v);
  return s !== null && /^-?\d+$/.test(s) ? s : null;
}

export function attemptKey(a: Pick<AttemptSummary, 'side' | 'attempt' | 'traceId'>): string {
  return `${a.side}:${a.attempt ?? 1}${a.traceId !== null ? `:${a.traceId}` : ''}`;
}

export function attemptLabel(a: Pick<AttemptSummary, 'side' | 'attempt' | 'traceId'>): string {
  return `${a.side} · attempt ${a.attempt ?? 1}${a.traceId !== null ? ` · trace #${a.traceId}` : ''}`;
}

export function toAttempt(r: Row): AttemptSummary {
  const totalMs = num(r.total_ms);
  const setupMs = num(r.setup_ms);
  const normalPages = num(r.normal_pages);
  let throughputMbps = num(r.mbps ?? r.throughput_mbps);
  let throughputSource: string | null = throughputMbps !== null ? 'from migration_overview' : null;
  const bytes = num(r.transferred_bytes ?? r.normal_bytes);
  // QEMU's final mbps divides the bytes sent by the transfer time (total - setup), a figure of
  // the source. A destination's total starts when it began waiting (-incoming), often long
  // before any page was sent: no estimate there.
  const transferMs = totalMs !== null && setupMs !== null ? totalMs - setupMs : null;
  if (throughputMbps === null && transferMs !== null && transferMs > 0) {
    if (bytes !== null) {
      throughputMbps = (bytes * 8) / transferMs / 1000;
      throughputSource = '≈ bytes sent × 8 / (total − setup)';
    } else if (normalPages !== null && normalPages > 0) {
      throughputMbps = (normalPages * TARGET_PAGE_BYTES * 8) / transferMs / 1000;
      throughputSource = '≈ normal pages × 4 KiB × 8 / (total − setup)';
    }
  }
  return {
    side: str(r.side) ?? '?',
    attempt: num(r.attempt),
    traceId: num(r.trace_id),
    finalState: str(r.final_state),
    startTsNs: nsString(r.start_ts_ns),
    endTsNs: nsString(r.end_ts_ns),
    totalMs,
    setupMs,
    downtimeMs: num(r.downtime_ms),
    downtimeSource: str(r.downtime_source),
    dirtySyncs: num(r.dirty_syncs),
    normalPages,
    zeroPages: num(r.zero_pages),
    multifdChannels: num(r.multifd_channels),
    postcopyRequests: num(r.postcopy_requests),
    throughputMbps,
    throughputSource,
    raw: r,
  };
}

export function outcomeKind(state: string | null): 'ok' | 'err' | 'warn' {
  if (state === 'completed') return 'ok';
  if (state === 'failed' || state === 'cancelled' || state === 'cancelling') return 'err';
  return 'warn';
}

/** `2,839 ms` under 10 s, `12.4 s` above; null as an em dash. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (Math.abs(ms) < 10_000) return `${ms.toLocaleString('en-US', { maximumFractionDigits: ms < 10 ? 3 : 1 })} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function formatInt(n: number | null): string {
  return n === null ? '—' : Math.round(n).toLocaleString('en-US');
}
