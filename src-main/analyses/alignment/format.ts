// Alignment as text lines (CLI, reports): one line per destination trace.
import type { ClockAlignmentEntry } from '../../contract.ts';
import { baseMethod } from './estimate.ts';

/** ns as seconds with nine decimals, exactly (no float): "-3.700000123". */
export function nsAsSeconds(ns: string): string {
  const neg = ns.startsWith('-');
  const digits = (neg ? ns.slice(1) : ns).padStart(10, '0');
  return `${neg ? '-' : '+'}${digits.slice(0, -9)}.${digits.slice(-9)}`;
}

function usAsText(ns: string): string {
  const v = BigInt(ns);
  return `${v / 1000n}.${(v % 1000n < 0n ? -(v % 1000n) : v % 1000n).toString().padStart(3, '0')} µs`;
}

export function formatAlignment(entries: readonly ClockAlignmentEntry[]): string[] {
  if (entries.length === 0) return ['no destination traces in this workspace'];
  return entries.map((e) => {
    const method = baseMethod(e.method);
    const head = `trace ${e.dstTraceId} → source ${e.srcTraceId ?? '?'}:`;
    if (e.offsetNs === null) {
      const why = method === e.method ? 'no landmark pairs' : `no trusted landmark pairs: ${e.method.slice(method.length + 2)}`;
      return `${head} no estimate (${why}); offset treated as 0`;
    }
    const pinned = e.overridden ? ` (set by user; estimate ${e.estimateNs === null ? 'none' : `${nsAsSeconds(e.estimateNs)} s`})` : '';
    const unc = e.uncertaintyNs !== null && !e.overridden ? ` ± ${usAsText(e.uncertaintyNs)}` : '';
    const bounds = e.overridden
      ? ''
      : method === 'lower-bound'
        ? ` — offset ≥ ${nsAsSeconds(e.lowerNs ?? e.offsetNs)} s; no dst→src landmarks, so the estimate assumes the fastest landmark took ~0 s`
        : method === 'upper-bound'
          ? ` — offset ≤ ${nsAsSeconds(e.upperNs ?? e.offsetNs)} s; no src→dst landmarks`
          : method === 'inconsistent'
            ? ` — bounds cross (${nsAsSeconds(e.lowerNs ?? '0')} > ${nsAsSeconds(e.upperNs ?? '0')}): mismatched landmarks or drifting clocks`
            : '';
    return `${head} offset ${nsAsSeconds(e.offsetNs)} s${unc}${pinned}, ${e.pairs} landmark pairs, method ${e.method}${bounds}`;
  });
}
