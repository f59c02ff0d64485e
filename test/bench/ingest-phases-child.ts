// One ingest in its own process, as ingest-child.ts, also saying how the wall time and the
// process's CPU time (every thread: main, parse workers, DuckDB's and zlib's) split into phases:
// open, stream (read, decode, append), commit, what follows it (runs, clock alignment, analysis
// views) and the workspace's close (DuckDB's checkpoint). `ms` ends before the close, as in
// ingest-child.ts. The phases are found by wrapping a few methods from outside; nothing in the
// engine changes, and the wrappers run once per phase. Run under `node --cpu-prof` by the bench
// for the per-stage profile (cpu-profile.ts).
// argv: WORKSPACE CATALOGUE INPUT...   prints one JSON line on stdout (CATALOGUE `-`: none given).
import { WorkspaceEngine } from '../../src-main/service/workspace-engine.ts';
import { TraceWriter, writerStats } from '../../src-main/workspace/trace-writer.ts';

export interface Phase {
  wallMs: number;
  cpuMs: number;
}

const phases: Record<'open' | 'stream' | 'commit' | 'after' | 'close', Phase> = {
  open: { wallMs: 0, cpuMs: 0 },
  stream: { wallMs: 0, cpuMs: 0 },
  commit: { wallMs: 0, cpuMs: 0 },
  after: { wallMs: 0, cpuMs: 0 },
  close: { wallMs: 0, cpuMs: 0 },
};
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let mark = { wall: performance.now(), cpu: cpuMs() };
/** Close the phase that ran since the last mark. */
const close = (p: keyof typeof phases) => {
  const now = { wall: performance.now(), cpu: cpuMs() };
  phases[p].wallMs += now.wall - mark.wall;
  phases[p].cpuMs += now.cpu - mark.cpu;
  mark = now;
};

let ingesting = false;

type AnyMethod = (this: unknown, ...a: unknown[]) => Promise<unknown>;
function wrap(proto: object, name: string, before: () => void, after: () => void) {
  const methods = proto as Record<string, AnyMethod>;
  const orig = methods[name];
  methods[name] = async function (this: unknown, ...a: unknown[]) {
    // Only during openInputs: the same steps also run inside WorkspaceEngine.open.
    if (!ingesting) return orig.apply(this, a);
    before();
    try {
      return await orig.apply(this, a);
    } finally {
      after();
    }
  };
}

wrap(TraceWriter.prototype, 'commit', () => close('stream'), () => close('commit'));
// The steps after an ingest (WorkspaceEngine.openInputs); the first one also ends the stream phase
// of a trace that was rolled back (no commit).
/** The after-commit steps one by one (phases.after also has the listing of the new traces). */
const steps: Record<string, Phase> = {};
for (const m of ['refreshRuns', 'alignClocks', 'refreshAnalyses']) {
  wrap(
    WorkspaceEngine.prototype,
    m,
    () => close(m === 'refreshRuns' ? 'stream' : 'after'),
    () => {
      const before = { ...phases.after };
      close('after');
      steps[m] = { wallMs: phases.after.wallMs - before.wallMs, cpuMs: phases.after.cpuMs - before.cpuMs };
    },
  );
}

const [ws, catalogue, ...inputs] = process.argv.slice(2);
const t0 = performance.now();
const engine = await WorkspaceEngine.open(ws);
close('open');
ingesting = true;
const r = await engine.openInputs(inputs, { catalogues: catalogue === '-' ? [] : [catalogue] });
close('after');
const ms = performance.now() - t0;
// DuckDB checkpoints the ingest's WAL into the file here: part of what `qtw ingest` costs.
engine.close();
close('close');
const t = r.traces[0];
process.stdout.write(
  JSON.stringify({
    ms,
    records: t?.records ?? 0,
    events: t?.events ?? 0,
    unparsed: t?.unparsed ?? 0,
    errors: r.errors,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    appendMs: writerStats.appendMs,
    appendedRows: writerStats.rows,
    cpuMs: cpuMs(),
    phases,
    steps,
  }) + '\n',
);
