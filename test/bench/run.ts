// `npm run bench`: throughput figures on inputs replayed from the real samples, and query-service latencies. Prints numbers; asserts nothing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { REPO } from '../helpers/paths.ts';
import { DEBIAN_72 } from '../helpers/paths.ts';
import { DAMAGED_LINES, generateDamagedLog, generateZeroBomb } from './generate.ts';
import { ingestFigures } from './ingest-bench.ts';
import { EngineService } from '../../src-main/service/api.ts';
import { fleetFigures } from './fleet-bench.ts';

const DIR = path.join(REPO, '.bench');
const BENCH_START = performance.now();
const GB = 1e9;

function child(ws: string, catalogue: string, input: string) {
  rmSync(ws, { force: true });
  rmSync(`${ws}.wal`, { force: true });
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(REPO, 'test/bench/ingest-child.ts'), ws, catalogue, input], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`ingest child failed: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    ms: number;
    records: number;
    events: number;
    unparsed: number;
    errors: string[];
    maxRssMB: number;
    appendMs: number;
    appendedRows: number;
  };
}

/** Peak RSS goal for any single ingest, damaged input included. */
const RSS_GOAL_MB = 1500;

/**
 * Damaged inputs: a log with a NUL run far over the line cap (what a host crash leaves), and a
 * zstd stream of zeros. Memory must stay flat and the valid lines must all be typed.
 */
function damagedInputs(quick: boolean) {
  const nul = quick ? 64 << 20 : GB;
  const zeros = quick ? 256 << 20 : 4 * GB;
  const rss = (mb: number) => `${mb.toFixed(0)} MB peak RSS (goal ≤ ${RSS_GOAL_MB} MB${mb > RSS_GOAL_MB ? ': MISSED' : ''})`;
  const d = generateDamagedLog(path.join(DIR, `damaged-${nul}.log.zst`), nul);
  const rd = child(path.join(DIR, 'damaged.duckdb'), DEBIAN_72, d);
  const want = DAMAGED_LINES.before + DAMAGED_LINES.after;
  line(
    `log with a ${(nul / 1e9).toFixed(2)} GB NUL run (${(statSync(d).size / 1e3).toFixed(0)} KB .zst)`,
    `${rss(rd.maxRssMB)}, ${(rd.ms / 1000).toFixed(1)} s, ${rd.events} of ${want} lines typed${rd.events === want ? '' : ': LOST LINES'}, ${rd.unparsed} unparsed${rd.errors.length > 0 ? `, error: ${rd.errors[0]}` : ''}`,
  );
  const z = generateZeroBomb(path.join(DIR, `zeros-${zeros}.zst`), zeros);
  const rz = child(path.join(DIR, 'zeros.duckdb'), DEBIAN_72, z);
  line(
    `${(zeros / 1e9).toFixed(2)} GB of zeros (${(statSync(z).size / 1e3).toFixed(0)} KB .zst), refused`,
    `${rss(rz.maxRssMB)}, ${(rz.ms / 1000).toFixed(1)} s${rz.errors.length === 1 ? ` (${path.basename(rz.errors[0])})` : `: UNEXPECTED (${rz.errors.length} errors, ${rz.records} records)`}`,
  );
}

function line(label: string, value: string) {
  process.stdout.write(`${label.padEnd(58)} ${value}\n`);
}

/** Ingest input size factor: `--big` 5, QTW_BENCH_SCALE any positive number, else 1. */
function ingestScale(): number {
  const env = Number(process.env.QTW_BENCH_SCALE);
  if (Number.isFinite(env) && env > 0) return env;
  return process.argv.includes('--big') ? 5 : 1;
}

/**
 * CLI start-up (issue 14): `qtw --help` and a `qtw query` on a small workspace (the bundled
 * sample), median of 5, from the build (dist/cli, rebuilt first so that bin/qtw.mjs takes it)
 * and from the sources through tsx; beside DuckDB's own start-up for the same query.
 */
function startupFigures() {
  const qtw = path.join(REPO, 'bin/qtw.mjs');
  const sample = path.join(REPO, 'resources/samples/qemu-7.2.22-precopy');
  const ws = path.join(DIR, 'startup.duckdb');
  const sql = 'SELECT count(*) FROM traces';
  const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env } });
    if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args.slice(0, 2).join(' ')} failed: ${(r.stderr || String(r.error)).trim().split('\n').pop()}`);
    return performance.now() - t0;
  };
  const median = (cmd: string, args: string[], env?: NodeJS.ProcessEnv) => {
    const ms = Array.from({ length: 5 }, () => run(cmd, args, env)).sort((a, b) => a - b);
    return ms[2];
  };
  const fig = (ms: number, goalMs?: number) => `${(ms / 1000).toFixed(2)} s${goalMs === undefined ? '' : ` (goal < ${(goalMs / 1000).toFixed(1)} s${ms >= goalMs ? ': MISSED' : ''})`}`;
  mkdirSync(DIR, { recursive: true });
  rmSync(ws, { force: true });
  rmSync(`${ws}.wal`, { force: true });
  run(process.execPath, [qtw, 'ingest', '-q', '-o', ws, '--catalogue', path.join(sample, 'trace-events-all'), '--src', path.join(sample, 'src.log.gz'), '--dst', path.join(sample, 'dst.log.gz')], { QTW_FROM_SOURCE: '1' });
  run('npm', ['run', '--silent', 'build:cli'], {});
  line('node itself (node -e "")', `${fig(median(process.execPath, ['-e', '']))} (load average ${loadavg()[0].toFixed(1)})`);
  line('qtw --help (built dist/cli)', fig(median(process.execPath, [qtw, '--help']), 300));
  line('qtw --help (sources through tsx)', fig(median(process.execPath, [qtw, '--help'], { QTW_FROM_SOURCE: '1' })));
  line(`qtw query, sample workspace: ${sql} (built)`, fig(median(process.execPath, [qtw, 'query', ws, sql]), 500));
  line('same query (sources through tsx)', fig(median(process.execPath, [qtw, 'query', ws, sql], { QTW_FROM_SOURCE: '1' })));
  // bin/qtw.mjs ignores a build older than the sources: then the "built" figures above were tsx's.
  const stale = spawnSync('find', ['src-main', '-newer', 'dist/cli/main.js', '-print', '-quit'], { cwd: REPO, encoding: 'utf8' }).stdout.trim();
  if (stale !== '') line('  (sources changed during the run: the "built" figures ran tsx)', stale);
  const duckdbCli = spawnSync('sh', ['-c', 'command -v duckdb'], { encoding: 'utf8' }).stdout.trim();
  if (duckdbCli !== '') line('same query, duckdb CLI (-readonly)', fig(median(duckdbCli, ['-readonly', ws, sql])));
  // No duckdb CLI here as a rule: its nearest equivalent is Node loading DuckDB's binding itself.
  const direct = `const { DuckDBInstance } = await import('@duckdb/node-api'); const db = await DuckDBInstance.create(process.argv[1], { access_mode: 'READ_ONLY' }); const c = await db.connect(); console.log((await c.runAndReadAll(process.argv[2])).getRowsJS());`;
  line('same query, node + @duckdb/node-api alone (CLI equivalent)', fig(median(process.execPath, ['--input-type=module', '-e', direct, ws, sql])));
}

/** Query-service latencies that the tests check only for exactness (goals from issue 14). */
async function serviceFigures() {
  const file = path.join(DIR, 'service.duckdb');
  mkdirSync(DIR, { recursive: true });
  rmSync(file, { force: true });
  const svc = await EngineService.open(file, { host: 'server' });
  const ms = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return `${(performance.now() - t0).toFixed(0)} ms`;
  };
  try {
    const r = await svc.call('runQuery', { sql: 'SELECT range AS i FROM range(10000000)' });
    line('fetchRows, last page of a 10 M-row result (goal < 1 s)', await ms(() => svc.call('fetchRows', { handle: r.handle, offset: 9_999_900, count: 100, sort: null })));
    line('fetchRows, sorted page at 5 M (goal < 1 s)', await ms(() => svc.call('fetchRows', { handle: r.handle, offset: 5_000_000, count: 2, sort: { column: 'i', desc: true } })));
    const slow = svc.call('runQuery', { sql: 'SELECT count(*) FROM range(100000000000) a, range(1000) b WHERE (a.range * b.range) % 7 = 3' });
    await new Promise((done) => setTimeout(done, 300));
    line('cancelQuery until the query rejects (goal < 1 s)', await ms(async () => {
      await svc.call('cancelQuery', {});
      await slow.catch(() => undefined);
    }));
    const line1m = await svc.call('runQuery', { sql: "SELECT range * 1000 AS ts_ns, sin(range / 1000.0) AS v, CASE WHEN range % 2 = 0 THEN 'even' ELSE 'odd' END AS side FROM range(1000000)" });
    line('chartData LTTB, 1 M rows x 2 series to 1000 points (goal < 10 s)', await ms(() => svc.call('chartData', { handle: line1m.handle, spec: { kind: 'line', x: 'ts_ns', y: ['v'], series: 'side', maxPoints: 1000 } })));
  } finally {
    await svc.close();
    rmSync(file, { force: true });
  }
}

async function main() {
  const quick = process.argv.includes('--quick');
  process.stdout.write(`QEMU Trace Workbench bench (${quick ? 'quick' : 'full'}), node ${process.version}, ${availableParallelism()} cores\n\n`);
  // `--damaged`: only the damaged-input figures (they need no large generated log).
  if (process.argv.includes('--damaged')) {
    damagedInputs(quick);
    return;
  }

  // `--service`: only the query-service latencies (a 10 M-row range, no generated input).
  if (process.argv.includes('--service')) {
    await serviceFigures();
    return;
  }

  // `--ingest`: only the ingest figures (inputs replayed from the real samples; `--big`: 5x larger).
  if (process.argv.includes('--ingest')) {
    await ingestFigures(DIR, line, { quick, scale: ingestScale() });
    return;
  }

  // `--fleet`: only the fleet figures (a 100-run workspace generated from the samples).
  if (process.argv.includes('--fleet')) {
    await fleetFigures(DIR, line);
    return;
  }

  // `--timeline`: only the Tracks timeline figures (a 15 M-event workspace replayed from the
  // samples, built once; engine and Chromium draw times). Not in the default run: the first
  // build of its workspace and the analyses of 15 M events take minutes on this machine class.
  if (process.argv.includes('--timeline')) {
    const tl = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(REPO, 'test/bench/timeline-bench.ts')], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
    if (tl.status !== 0) line('timeline figures', `failed: ${(tl.stderr ?? '').trim().split('\n').pop()}`);
    return;
  }

  startupFigures();
  if (process.argv.includes('--startup')) return;
  await serviceFigures();
  await fleetFigures(DIR, line);
  await ingestFigures(DIR, line, { quick, scale: ingestScale() });

  damagedInputs(quick);

  // The UI figures run in their own process (browser automation, DOM-typed code).
  const ui = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(REPO, 'test/bench/ui-bench.ts')], { encoding: 'utf8' });
  process.stdout.write(ui.stdout);
  if (ui.status !== 0) line('UI figures', `failed: ${ui.stderr.trim().split('\n').pop()}`);
  // Issue 17: the default run stays under 10 minutes on a 2-core machine.
  const minutes = (performance.now() - BENCH_START) / 60_000;
  line('bench run, whole (goal < 10 min)', `${minutes.toFixed(1)} min${minutes < 10 ? '' : ': MISSED'} (load average ${loadavg()[0].toFixed(1)})`);
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
