// The run and attempt selectors of the Migration and Compare pages: option labels, what stays
// selected across reloads, and the sentences that say how a trace's attempt was matched (a
// heuristic is never silent). No DOM, so it is unit-tested.
import type { AttemptWindow, RunAttempt, RunChoice, RunInfo, RunSelection } from '../../src-main/contract.ts';
import { formatTimestampNs } from '../util/time-format.ts';

/** `2026-11-24 12:03:27.247` (epoch) or `12.345 s (monotonic)`; empty when the run has no start. */
export function runStartText(run: Pick<RunInfo, 'startTsNs' | 'clock'>): string {
  if (run.startTsNs === null) return '';
  return formatTimestampNs(run.startTsNs, run.clock).replace(/ UTC$/, '');
}

/** One run selector option: label · QEMU version · final state · start (to the second). */
export function runOptionLabel(c: RunChoice): string {
  const parts = [c.run.label];
  parts.push(c.run.qemuVersion ? `QEMU ${c.run.qemuVersion}` : 'QEMU ?');
  parts.push(c.finalState ?? 'no state changes');
  const start = runStartText(c.run).replace(/^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.\d+/, '$1');
  if (start) parts.push(start);
  return parts.join(' · ');
}

/** One attempt selector option: `attempt 2 of 3 · cancelled`. */
export function attemptOptionLabel(a: RunAttempt, count: number): string {
  return `attempt ${a.attempt} of ${count} · ${a.finalState ?? 'no final state'}${a.postcopy ? ' · postcopy' : ''}`;
}

/** `run 3`, `run 3 attempt 2`: how a run is named where its label may repeat. */
export function runRefText(run: Pick<RunInfo, 'runId' | 'label'>, attempt: number | null): string {
  return `${run.label} (run ${run.runId}${attempt !== null ? `, attempt ${attempt}` : ''})`;
}

const SIDE = { src: 'source', dst: 'destination' } as const;

/**
 * What the page says about one trace's window: which trace and attempt it shows, and when the
 * attempt was matched by a heuristic, that it was.
 */
export function windowText(w: AttemptWindow): string {
  const base = `${SIDE[w.side]} trace #${w.traceId}`;
  switch (w.matchedBy) {
    case 'picked':
    case 'only':
      return `${base}, attempt ${w.attempt}`;
    case 'overlap':
      return `${base}, attempt ${w.attempt} (matched by time overlap with the source attempt: a heuristic)`;
    case 'ordinal':
      return `${base}, attempt ${w.attempt} (no attempt overlaps in time; matched by number: a heuristic)`;
    case 'whole-trace':
      return `${base}, every row (no migration state changes traced)`;
  }
}

/** The trace sides a selection lacks, as a sentence (null when it has both). */
export function missingSidesText(sel: RunSelection): string | null {
  const has = new Set(sel.windows.map((w) => w.side));
  const lacking: string[] = [];
  if (!has.has('src')) lacking.push(sel.run.srcTraceId === null ? 'no source trace' : `no source attempt matches this one (trace #${sel.run.srcTraceId})`);
  if (!has.has('dst')) lacking.push(sel.run.dstTraceId === null ? 'no destination trace' : `no destination attempt matches this one (trace #${sel.run.dstTraceId})`);
  return lacking.length ? `This run has ${lacking.join(' and ')}.` : null;
}

const PAIRED: Record<string, string> = {
  layout: 'paired by folder',
  stem: 'paired by file names',
  content: 'paired by migration times (a heuristic)',
  single: 'one side only',
};

export function pairedByText(pairedBy: string): string {
  return PAIRED[pairedBy] ?? `paired by ${pairedBy}`;
}

/**
 * The run and attempt to ask for on a reload: the ones shown, while the workspace still has them
 * (an attempt that is gone falls back to the run's last, a run that is gone to the newest).
 */
export function keepSelection(
  runs: readonly RunChoice[],
  want: { readonly runId: number | null; readonly attempt: number | null },
): { runId: number | null; attempt: number | null } {
  const c = want.runId === null ? null : runs.find((r) => r.run.runId === want.runId);
  if (!c) return { runId: null, attempt: null };
  return { runId: c.run.runId, attempt: want.attempt !== null && c.attempts.some((a) => a.attempt === want.attempt) ? want.attempt : null };
}
