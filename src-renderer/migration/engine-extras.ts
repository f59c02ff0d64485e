// Clock alignment and the analysis list, as the Migration page uses them. An engine without
// these methods (older `qtw serve`) reads as "not available", never as a crash.
import type { AnalysisEntry, ClockAlignmentEntry, EngineClient } from '../../src-main/contract.ts';
import { failureCodeOf } from '../api/rpc-client.ts';

export type ClockAlignmentRow = ClockAlignmentEntry;
export type { AnalysisEntry };

const nsOrNull = (v: unknown): string | null => (typeof v === 'string' && /^-?\d+$/.test(v) ? v : null);

/** Entries as received, with malformed ones dropped (the wire is validated, not trusted). */
export function parseAlignment(v: unknown): ClockAlignmentRow[] {
  if (!Array.isArray(v)) return [];
  const out: ClockAlignmentRow[] = [];
  for (const x of v as unknown[]) {
    if (typeof x !== 'object' || x === null) continue;
    const r = x as Record<string, unknown>;
    if (typeof r.dstTraceId !== 'number') continue;
    out.push({
      srcTraceId: typeof r.srcTraceId === 'number' ? r.srcTraceId : null,
      dstTraceId: r.dstTraceId,
      offsetNs: nsOrNull(r.offsetNs),
      uncertaintyNs: nsOrNull(r.uncertaintyNs),
      estimateNs: nsOrNull(r.estimateNs),
      lowerNs: nsOrNull(r.lowerNs),
      upperNs: nsOrNull(r.upperNs),
      pairs: typeof r.pairs === 'number' ? r.pairs : 0,
      method: typeof r.method === 'string' ? r.method : 'unknown',
      overridden: r.overridden === true,
    });
  }
  return out;
}

/** null when the engine has no clockAlignment method. */
export async function clockAlignment(client: EngineClient): Promise<ClockAlignmentRow[] | null> {
  try {
    return parseAlignment(await client.call('clockAlignment', {}));
  } catch (e) {
    if (isUnknownMethod(e)) return null;
    throw e;
  }
}

export async function setClockOffset(client: EngineClient, traceId: number, offsetNs: string | null): Promise<void> {
  await client.call('setClockOffset', { traceId, offsetNs });
}

export async function listAnalyses(client: EngineClient): Promise<AnalysisEntry[]> {
  try {
    return await client.call('listAnalyses', {});
  } catch (e) {
    if (isUnknownMethod(e)) return [];
    throw e;
  }
}

/** Both methods take no parameters, so `not-found` can only mean the method itself. */
function isUnknownMethod(e: unknown): boolean {
  return failureCodeOf(e) === 'not-found';
}

/**
 * Parse a user-typed offset: `-3.7 s`, `12 ms`, `850us`, `1200 ns` or plain ns. Exact (BigInt)
 * for integer ns; decimal units are rounded to the nearest ns.
 */
export function parseOffsetInput(text: string): string | null {
  const m = /^\s*([-+]?\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s)?\s*$/.exec(text);
  if (!m) return null;
  const unit = m[2] ?? 'ns';
  const scale: Record<string, number> = { ns: 0, us: 3, 'µs': 3, ms: 6, s: 9 };
  const digits = scale[unit]!;
  const [intPart, frac = ''] = m[1]!.replace('+', '').split('.');
  const neg = intPart!.startsWith('-');
  const absInt = neg ? intPart!.slice(1) : intPart!;
  const fracPadded = (frac + '0'.repeat(digits + 1)).slice(0, digits + 1);
  let ns = BigInt(absInt) * 10n ** BigInt(digits) + BigInt(fracPadded.slice(0, digits) || '0');
  if (Number(fracPadded[digits] ?? '0') >= 5) ns += 1n;
  return (neg && ns !== 0n ? -ns : ns).toString();
}
