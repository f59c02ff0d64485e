// The clock-alignment line in words: offset with sign, uncertainty, evidence and bounds.
import { formatDurationNs } from '../util/time-format.ts';
import type { ClockAlignmentRow } from './engine-extras.ts';

function signed(ns: string): string {
  const v = BigInt(ns);
  return `${v > 0n ? '+' : v < 0n ? '−' : ''}${formatDurationNs(v < 0n ? -v : v)}`;
}

export function describeAlignment(a: ClockAlignmentRow): string {
  const pair = `dst #${a.dstTraceId} → src ${a.srcTraceId === null ? '?' : `#${a.srcTraceId}`}`;
  if (a.offsetNs === null) return `${pair}: no landmarks found, offset unknown (treated as 0) · ${a.method}`;
  const unc = a.uncertaintyNs === null ? '' : ` ± ${formatDurationNs(a.uncertaintyNs)}`;
  const bounds = a.lowerNs !== null || a.upperNs !== null ? ` · bounds [${a.lowerNs === null ? '−∞' : signed(a.lowerNs)}, ${a.upperNs === null ? '+∞' : signed(a.upperNs)}]` : '';
  const est = a.overridden && a.estimateNs !== null ? ` · estimate ${signed(a.estimateNs)}` : '';
  return `${pair}: ${signed(a.offsetNs)}${unc} · ${a.pairs} landmark pair${a.pairs === 1 ? '' : 's'} · ${a.method}${bounds}${a.overridden ? ' · set by you' : ''}${est}`;
}

