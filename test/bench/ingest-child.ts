// One ingest in its own process, so that the bench can report its peak RSS honestly.
// argv: WORKSPACE CATALOGUE INPUT...   prints one JSON line on stdout. CATALOGUE `-`: none given
// (the built-in releases are detected from the head, as for a user who passes no --catalogue).
import { WorkspaceEngine } from '../../src-main/service/workspace-engine.ts';
import { writerStats } from '../../src-main/workspace/trace-writer.ts';

const [ws, catalogue, ...inputs] = process.argv.slice(2);
const t0 = performance.now();
const engine = await WorkspaceEngine.open(ws);
const r = await engine.openInputs(inputs, { catalogues: catalogue === '-' ? [] : [catalogue] });
const ms = performance.now() - t0;
engine.close();
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
  }) + '\n',
);
