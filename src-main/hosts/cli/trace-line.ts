// A trace in one line on stderr, as `qtw ingest` and `qtw retype` report what they committed.
import type { TraceInfo } from '../../contract.ts';

/** A fit as a percentage that is 100% only when it is exactly 1. */
export function fitPercent(f: number): string {
  const p = Math.floor(f * 1000) / 10;
  return `${p}%`;
}

export function traceLine(t: TraceInfo): string {
  const where = t.member ? `${t.path}:${t.member}` : t.path;
  return (
    `trace ${t.traceId}: ${where}: ${t.format}${t.prefixStyle && t.prefixStyle !== t.format ? ` (${t.prefixStyle})` : ''}, side ${t.side ?? 'unknown'}, ` +
    `catalogue ${t.catalogueId}${t.catalogueVersion ? ` (QEMU ${t.catalogueVersion})` : ''}${t.catalogueFit !== null ? `, fit ${fitPercent(t.catalogueFit)} of the head` : ''}, ${t.records} records: ${t.events} events, ${t.unparsed} unparsed` +
    `${t.catalogueMisfits > 0 ? ` (${t.catalogueMisfits} did not fit the catalogue)` : ''}, ${t.dropped} dropped` +
    `${t.continuationLines > 0 ? `, ${t.continuationLines} continuation line${t.continuationLines === 1 ? '' : 's'} joined to multi-line records` : ''}` +
    `${t.yearAssumed !== null ? `, year assumed ${t.yearAssumed} (syslog stamps carry none)` : ''}`
  );
}
