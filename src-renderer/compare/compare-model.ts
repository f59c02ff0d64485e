// Which two runs Compare shows first. No DOM, so it is unit-tested.
import type { RunChoice, RunRef } from '../../src-main/contract.ts';

/**
 * The pair to show: the previous choices while the workspace still has those runs; else the two
 * latest runs (A the earlier, B the later, in the engine's order: oldest first); with one run,
 * its two latest attempts (or the run against itself when it has one).
 */
export function defaultPair(runs: readonly RunChoice[], prev: { readonly a: RunRef | null; readonly b: RunRef | null }): { a: RunRef; b: RunRef } {
  if (runs.length === 0) throw new Error('no runs to compare');
  const has = (r: RunRef | null): r is RunRef => r !== null && runs.some((c) => c.run.runId === r.runId);
  if (has(prev.a) && has(prev.b)) return { a: prev.a, b: prev.b };
  const last = runs[runs.length - 1]!;
  if (runs.length >= 2) return { a: { runId: runs[runs.length - 2]!.run.runId, attempt: null }, b: { runId: last.run.runId, attempt: null } };
  const att = last.attempts;
  const a = att.length >= 2 ? att[att.length - 2]!.attempt : null;
  return { a: { runId: last.run.runId, attempt: a }, b: { runId: last.run.runId, attempt: null } };
}

/** A number as printed in Compare: grouped, negative with the minus sign U+2212 (a hyphen reads as a dash). */
export function numberText(n: number): string {
  const s = Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 3 });
  return s.replace(/^-/, '\u2212');
}
