// `qtw runs`: the runs of a workspace as lines a terminal reader can check pairing from: each
// run's label, QEMU version and how it was paired, then its traces (the ones analyses use first,
// each alternate under the trace it duplicates).
import type { RunInfo, TraceInfo } from '../../contract.ts';

const PAIRED: Readonly<Record<string, string>> = {
  layout: 'one folder',
  stem: 'file names',
  content: 'migration times (heuristic)',
  given: 'given together (one command or upload)',
  single: 'one side only',
};

function traceText(t: TraceInfo | undefined, id: number): string {
  if (!t) return `trace ${id}`;
  const name = t.originalName ?? (t.member ? `${t.path}:${t.member}` : t.path);
  return `trace ${id}  ${name}  (${t.format}, ${t.clock} clock)`;
}

export function formatRuns(runs: readonly RunInfo[], traces: readonly TraceInfo[]): string[] {
  const byId = new Map(traces.map((t) => [t.traceId, t]));
  const lines: string[] = [];
  for (const r of runs) {
    const head = [`run ${r.runId}`, r.label, r.qemuVersion ? `QEMU ${r.qemuVersion}` : 'QEMU ?', `paired by ${PAIRED[r.pairedBy] ?? r.pairedBy}`];
    if (r.labelSource === 'user') head.push('label set by user');
    lines.push(head.join('  '));
    const shown = new Set<number>();
    for (const [side, id] of [['src', r.srcTraceId], ['dst', r.dstTraceId]] as const) {
      if (id === null) {
        lines.push(`  ${side}  none`);
        continue;
      }
      lines.push(`  ${side}  ${traceText(byId.get(id), id)}`);
      shown.add(id);
      for (const a of r.alternates.filter((x) => x.alternateOf === id)) {
        lines.push(`       ${traceText(byId.get(a.traceId), a.traceId)}  alternate of trace ${id} (not analysed)`);
        shown.add(a.traceId);
      }
    }
    for (const id of r.traceIds.filter((x) => !shown.has(x))) lines.push(`  ?    ${traceText(byId.get(id), id)}  side unknown`);
  }
  if (runs.length === 0) lines.push('no runs: the workspace holds no traces');
  return lines;
}
