// `qtw`: the command-line host. Machine output on stdout; progress and diagnostics on stderr.
// Exit codes: 0 ok, 1 failure (one-line reason on stderr), 2 usage.
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
// Only light modules here: each command imports DuckDB, the ingest pipeline, the catalogues,
// the report renderer (ECharts, resvg) when it runs, so that `qtw --help` starts at once.
import type { OutputFormat } from './output.ts';
import { progressReporter } from './progress.ts';
import { traceLine } from './trace-line.ts';
import { PACKAGE_ROOT } from '../../package-root.ts';

const USAGE = `usage:
  qtw ingest -o WORKSPACE.duckdb [--catalogue FILE]... [--src FILE]... [--dst FILE]... INPUT...
  qtw retype WORKSPACE.duckdb TRACE_ID --catalogue FILE [-q]   type a trace again, from the file it was read from, with
      another catalogue (a trace-events file, a QEMU tree or a release: qemu-10.2); its old rows stay until the new are committed
  qtw query WORKSPACE.duckdb "SQL" [--format table|csv|json|markdown]
  qtw catalogue FILE [--diff OTHER] [--json]   FILE: a trace-events file, a QEMU tree, or a release (qemu-8.2)
  qtw catalogue --detect TRACE... [--catalogue FILE]... [--json]   which catalogue types each trace best
  qtw fleet WORKSPACE.duckdb [--format table|csv|json|markdown]   one row per run (migration): state, times, throughput, pages
  qtw export WORKSPACE.duckdb --parquet DIR   the workspace as a Hive-partitioned Parquet dataset
  qtw report WORKSPACE.duckdb -o DIR [--title T] [--query SQL [--chart line|bar|scatter|histogram]]... [--analysis NAME]... [--redact]
  qtw runs WORKSPACE.duckdb [--label RUN_ID=TEXT]... [--primary TRACE_ID]... [--json]   the migrations (runs) and their
      traces; --label renames a run, --primary makes a duplicate trace (same QEMU, other backend) the one analyses use
  qtw align WORKSPACE.duckdb [--set TRACE_ID=OFFSET_NS | --reset TRACE_ID] [--json]
  qtw serve [WORKSPACE.duckdb | INPUT...] [-o WORKSPACE] [--catalogue FILE]... [--host H] [--port N] [--max-upload-mb N] [--no-open]
  qtw start [INPUT...] [--no-open]   the desktop app, or the UI in a browser (bundled sample without INPUTs)
`;

class UsageError extends Error {}

function fail(msg: string): never {
  throw new Error(msg);
}

const out = (s: string) => void process.stdout.write(s);
const err = (s: string) => void process.stderr.write(s.endsWith('\n') ? s : s + '\n');

async function cmdIngest(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      catalogue: { type: 'string', multiple: true },
      src: { type: 'string', multiple: true },
      dst: { type: 'string', multiple: true },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  if (!values.output) throw new UsageError('ingest needs -o WORKSPACE.duckdb');
  if (positionals.length === 0 && !values.src?.length && !values.dst?.length) throw new UsageError('ingest needs at least one INPUT');
  const { EngineService } = await import('../../service/api.ts');
  const engine = await EngineService.open(values.output, { host: 'cli' });
  const ac = new AbortController();
  const onSigint = () => {
    err('interrupted: finishing the current step and leaving the workspace consistent');
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  const progress = progressReporter(process.stderr);
  // A first ingest that fails without adding a trace leaves no empty workspace behind.
  let discard = false;
  try {
    const r = await engine.ingest(
      positionals,
      { catalogues: values.catalogue, src: values.src, dst: values.dst },
      jobHooks(progress, values.quiet === true, ac.signal),
    );
    progress.done();
    for (const t of r.traces) err(traceLine(t));
    for (const e of r.errors) err(e);
    discard = r.traces.length === 0 && (r.errors.length > 0 || r.cancelled);
    if (r.cancelled) {
      err('ingest cancelled; traces completed before the interrupt are kept');
      return 1;
    }
    return r.errors.length > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    await engine.close({ discardCreated: discard });
  }
}

/** Progress on stderr (unless quiet) and each message on its own line after it, for ingest and retype. */
function jobHooks(progress: ReturnType<typeof progressReporter>, quiet: boolean, signal: AbortSignal) {
  return {
    signal,
    onProgress: quiet ? undefined : (p: Parameters<ReturnType<typeof progressReporter>['update']>[0]) => progress.update(p),
    onMessage: (l: string) => {
      progress.done();
      err(l);
    },
  };
}

async function cmdRetype(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { catalogue: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } },
  });
  if (positionals.length !== 2 || !values.catalogue) throw new UsageError('retype needs WORKSPACE.duckdb, a TRACE_ID and --catalogue FILE');
  const [wsPath, idText] = positionals;
  if (!/^\d+$/.test(idText) || !Number.isSafeInteger(Number(idText))) throw new UsageError(`retype: ${idText}: expected a TRACE_ID (a whole number)`);
  const traceId = Number(idText);
  if (!existsSync(wsPath)) fail(`${wsPath}: no such workspace`);
  const { EngineService } = await import('../../service/api.ts');
  const engine = await EngineService.open(wsPath, { host: 'cli' });
  const ac = new AbortController();
  const onSigint = () => {
    err(`interrupted: trace ${traceId} keeps the rows it had`);
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  const progress = progressReporter(process.stderr, 5000, 'retype');
  try {
    const r = await engine.retype(traceId, values.catalogue, jobHooks(progress, values.quiet === true, ac.signal));
    progress.done();
    for (const t of r.traces) err(traceLine(t));
    if (r.cancelled) {
      err(`retype cancelled; trace ${traceId} is as it was`);
      return 1;
    }
    return 0;
  } finally {
    progress.done();
    process.off('SIGINT', onSigint);
    await engine.close();
  }
}

async function cmdQuery(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string', short: 'f', default: 'table' } },
  });
  if (positionals.length !== 2) throw new UsageError('query needs WORKSPACE.duckdb and "SQL"');
  const format = values.format as OutputFormat;
  if (!['table', 'csv', 'json', 'markdown'].includes(format)) throw new UsageError(`unknown --format ${values.format}`);
  const [wsPath, sql] = positionals;
  if (!existsSync(wsPath)) fail(`${wsPath}: no such workspace`);
  const { EngineService } = await import('../../service/api.ts');
  const { createResultWriter } = await import('./output.ts');
  const engine = await EngineService.open(wsPath, { host: 'cli', readOnly: true });
  const onSigint = () => engine.interrupt();
  process.on('SIGINT', onSigint);
  try {
    const w = createResultWriter(format, out);
    await engine.streamQuery(sql, { columns: (c) => w.columns(c), rows: (r) => w.rows(r) });
    w.end();
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    await engine.close();
  }
}

async function cmdFleet(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string', short: 'f', default: 'table' } },
  });
  if (positionals.length !== 1) throw new UsageError('fleet needs one WORKSPACE.duckdb');
  const format = values.format as OutputFormat;
  if (!['table', 'csv', 'json', 'markdown'].includes(format)) throw new UsageError(`unknown --format ${values.format}`);
  const wsPath = positionals[0];
  if (!existsSync(wsPath)) fail(`${wsPath}: no such workspace`);
  const { EngineService } = await import('../../service/api.ts');
  const { createResultWriter } = await import('./output.ts');
  const engine = await EngineService.open(wsPath, { host: 'cli', readOnly: true });
  try {
    const f = await engine.call('fleet', {});
    if (f.missing !== null) fail(`${wsPath}: ${f.missing}`);
    if (f.error !== null) fail(`${wsPath}: fleet query failed: ${f.error}`);
    const w = createResultWriter(format, out);
    w.columns([...f.columns]);
    w.rows(f.rows.map((r) => f.columns.map((c) => r[c.name] ?? null)));
    w.end();
    if (f.rows.length === 0) err(`${wsPath}: no runs (a workspace's traces are put into runs after each ingest)`);
    if (format === 'table') err(f.throughputRule);
    return 0;
  } finally {
    await engine.close();
  }
}

async function cmdExport(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { parquet: { type: 'string' } } });
  if (positionals.length !== 1 || !values.parquet) throw new UsageError('export needs WORKSPACE.duckdb and --parquet DIR');
  if (!existsSync(positionals[0])) fail(`${positionals[0]}: no such workspace`);
  const { EngineService } = await import('../../service/api.ts');
  const engine = await EngineService.open(positionals[0], { host: 'cli', readOnly: true });
  try {
    const r = await engine.exportParquet(values.parquet, (name, rows) => err(`${name}: ${rows} rows`));
    err(`exported ${r.eventTables} event tables, ${r.rows} rows`);
    out(`${r.dir}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}

async function cmdReport(argv: string[]): Promise<number> {
  const { values, positionals, tokens } = parseArgs({
    args: argv,
    allowPositionals: true,
    tokens: true,
    options: {
      output: { type: 'string', short: 'o' },
      title: { type: 'string' },
      query: { type: 'string', multiple: true },
      chart: { type: 'string', multiple: true },
      analysis: { type: 'string', multiple: true },
      redact: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1 || !values.output) throw new UsageError('report needs WORKSPACE.duckdb and -o DIR');
  if (!existsSync(positionals[0])) fail(`${positionals[0]}: no such workspace`);
  const { reportFromArgs } = await import('../../service/host-kit.ts');
  let spec;
  try {
    spec = reportFromArgs(tokens.flatMap((t) => (t.kind === 'option' ? [{ name: t.name, value: t.value ?? null }] : [])), values.title ?? '');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { EngineService } = await import('../../service/api.ts');
  const engine = await EngineService.open(positionals[0], { host: 'cli', readOnly: true });
  try {
    const files = await engine.writeReport(spec, values.output, values.redact === true);
    for (const f of files) out(`${f}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}

async function cmdCatalogue(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { diff: { type: 'string' }, json: { type: 'boolean' }, detect: { type: 'boolean' }, catalogue: { type: 'string', multiple: true } },
  });
  const { describeCatalogue, detectTraceCatalogues, diffCatalogueFiles } = await import('../../service/catalogues.ts');
  if (values.detect) {
    if (positionals.length === 0) throw new UsageError('catalogue --detect needs at least one TRACE');
    const found = await detectTraceCatalogues(positionals, values.catalogue ?? []);
    if (values.json) out(JSON.stringify(found, null, 1) + '\n');
    for (const d of found) {
      if (d.error !== null) {
        err(d.error);
        continue;
      }
      if (values.json) continue;
      out(`${d.member === null ? d.path : `${d.path}:${d.member}`}\n`);
      d.ranking.forEach((f, i) => out(`  ${i + 1}\t${f.catalogue}\t${f.version ?? '-'}\t${f.typed}/${f.records}${i === 0 && d.ties.length > 0 ? `\ttie with ${d.ties.join(', ')}: the first is used` : ''}\n`));
    }
    return found.some((d) => d.error !== null) ? 1 : 0;
  }
  if (values.catalogue !== undefined) throw new UsageError('catalogue takes --catalogue only with --detect');
  if (positionals.length !== 1) throw new UsageError('catalogue needs one FILE (a trace-events file or a QEMU source tree)');
  if (values.diff) {
    const d = diffCatalogueFiles(positionals[0], values.diff);
    for (const e of d.errors) err(e);
    out(d.text);
    return 0;
  }
  const cat = describeCatalogue(positionals[0]);
  for (const e of cat.errors) err(e);
  if (values.json) out(JSON.stringify(cat.events, null, 1) + '\n');
  else out(cat.listing.map((l) => l + '\n').join(''));
  err(`${cat.name}: ${cat.events.length} events, ${cat.errors.length} errors, sha256 ${cat.sha256}`);
  return 0;
}

async function cmdAlign(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { set: { type: 'string' }, reset: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('align needs one WORKSPACE.duckdb');
  if (values.set !== undefined && values.reset !== undefined) throw new UsageError('align takes --set or --reset, not both');
  const { formatAlignment, parseOffsetNs } = await import('../../service/host-kit.ts');
  let pin: { traceId: number; offsetNs: bigint | null } | null = null;
  if (values.set !== undefined) {
    const m = /^(\d+)=(-?\d+)$/.exec(values.set);
    if (!m) throw new UsageError(`--set ${values.set}: expected TRACE_ID=OFFSET_NS`);
    pin = { traceId: Number(m[1]), offsetNs: parseOffsetNs(m[2]) };
  } else if (values.reset !== undefined) {
    if (!/^\d+$/.test(values.reset)) throw new UsageError(`--reset ${values.reset}: expected a TRACE_ID`);
    pin = { traceId: Number(values.reset), offsetNs: null };
  }
  const wsPath = positionals[0];
  if (!existsSync(wsPath)) fail(`${wsPath}: no such workspace`);
  const { EngineService } = await import('../../service/api.ts');
  const engine = await EngineService.open(wsPath, { host: 'cli' });
  try {
    const entries = await engine.realignClocks(pin);
    if (values.json) out(JSON.stringify(entries, null, 1) + '\n');
    else out(formatAlignment(entries).map((l) => l + '\n').join(''));
    return 0;
  } finally {
    await engine.close();
  }
}

async function cmdRuns(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { label: { type: 'string', multiple: true }, primary: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('runs needs one WORKSPACE.duckdb');
  const labels = (values.label ?? []).map((l) => {
    const m = /^(\d+)=([\s\S]*)$/.exec(l);
    if (!m) throw new UsageError(`--label ${l}: expected RUN_ID=TEXT`);
    return { runId: Number(m[1]), label: m[2] };
  });
  const primaries = (values.primary ?? []).map((p) => {
    if (!/^\d+$/.test(p)) throw new UsageError(`--primary ${p}: expected a TRACE_ID`);
    return Number(p);
  });
  const wsPath = positionals[0];
  if (!existsSync(wsPath)) fail(`${wsPath}: no such workspace`);
  const { EngineService } = await import('../../service/api.ts');
  const { formatRuns } = await import('../../service/host-kit.ts');
  const engine = await EngineService.open(wsPath, { host: 'cli' });
  try {
    for (const l of labels) await engine.call('setRunLabel', l);
    for (const traceId of primaries) await engine.call('setPrimaryTrace', { traceId });
    const runs = await engine.call('listRuns', {});
    if (values.json) out(JSON.stringify(runs, null, 1) + '\n');
    else out(formatRuns(runs, await engine.call('listTraces', {})).map((l) => l + '\n').join(''));
    return 0;
  } finally {
    await engine.close();
  }
}

/** The bundled real sample: a QEMU 7.2 precopy migration, source and destination. */
function bundledSample(): { inputs: string[]; catalogue: string } {
  const res = path.join(PACKAGE_ROOT, 'resources/samples/qemu-7.2.22-precopy');
  return { inputs: [path.join(res, 'src.log.gz'), path.join(res, 'dst.log.gz')], catalogue: path.join(res, 'trace-events-all') };
}

interface ServeArgs {
  readonly workspace: string;
  readonly inputs: string[];
  readonly options: { catalogues?: string[]; src?: string[]; dst?: string[] };
  readonly host?: string;
  readonly port?: number;
  readonly maxUploadBytes?: number;
  readonly open: boolean;
}

function parseServeArgs(argv: string[], defaults: { sample: boolean }): ServeArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      catalogue: { type: 'string', multiple: true },
      src: { type: 'string', multiple: true },
      dst: { type: 'string', multiple: true },
      host: { type: 'string' },
      port: { type: 'string' },
      'max-upload-mb': { type: 'string' },
      'no-open': { type: 'boolean' },
    },
  });
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${values.port}: not a port number`);
  }
  let maxUploadBytes: number | undefined;
  if (values['max-upload-mb'] !== undefined) {
    const mb = Number(values['max-upload-mb']);
    if (!/^\d+$/.test(values['max-upload-mb']) || mb < 1) throw new UsageError(`--max-upload-mb ${values['max-upload-mb']}: not a positive whole number of MiB`);
    maxUploadBytes = mb * 1024 * 1024;
  }
  let workspace = values.output;
  let inputs = positionals;
  const openWorkspace = positionals.length === 1 && positionals[0].endsWith('.duckdb') && !values.output;
  if (openWorkspace) {
    workspace = positionals[0];
    inputs = [];
  }
  let catalogues = values.catalogue;
  if (defaults.sample && inputs.length === 0 && !values.src?.length && !values.dst?.length && !openWorkspace) {
    const sample = bundledSample();
    inputs = sample.inputs;
    catalogues = [sample.catalogue];
  }
  return {
    workspace: workspace ?? path.resolve('qtw-workspace.duckdb'),
    inputs,
    options: { catalogues, src: values.src, dst: values.dst },
    host: values.host,
    port,
    maxUploadBytes,
    open: !values['no-open'],
  };
}

async function runServe(a: ServeArgs): Promise<number> {
  const { serve } = await import('../server/serve.ts');
  const { canOpenBrowser, openBrowser } = await import('../server/open-browser.ts');
  const session = await serve({ workspace: a.workspace, inputs: a.inputs, options: a.options, host: a.host, port: a.port, maxUploadBytes: a.maxUploadBytes, log: err });
  err(`workspace ${a.workspace}`);
  out(`${session.server.url}\n`);
  if (a.open && canOpenBrowser()) openBrowser(session.server.url);
  else err('open the URL above in a browser (Ctrl+C stops the server)');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  err('stopping: cancelling ingest jobs and closing the workspace');
  await session.stop();
  return 0;
}

async function cmdServe(argv: string[]): Promise<number> {
  return runServe(parseServeArgs(argv, { sample: false }));
}

/** `npm start`: the desktop app where Electron's runtime is installed, else the UI in a browser. */
async function cmdStart(argv: string[]): Promise<number> {
  const a = parseServeArgs(argv, { sample: true });
  const { findElectronRuntime, electronLaunchArgs, ELECTRON_MAIN_ENTRY } = await import('../electron/runtime.ts');
  const rt = findElectronRuntime();
  if ('path' in rt && existsSync(ELECTRON_MAIN_ENTRY)) {
    const { spawn } = await import('node:child_process');
    const child = spawn(rt.path, electronLaunchArgs(a.workspace === path.resolve('qtw-workspace.duckdb') ? a.inputs : [a.workspace, ...a.inputs]), { stdio: 'inherit' });
    return await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  }
  const why = 'path' in rt ? `the desktop shell is not built (${path.relative(process.cwd(), ELECTRON_MAIN_ENTRY)} is missing; run \`npx electron-vite build\`)` : rt.missing;
  err(`qtw: ${why}; serving the UI in your browser instead (\`qtw serve\`).`);
  err('To use the desktop app, install Electron\'s runtime with `node node_modules/electron/install.js` (needs internet) and run `npx electron-vite build`.');
  return runServe(a);
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'ingest':
        return await cmdIngest(rest);
      case 'retype':
        return await cmdRetype(rest);
      case 'query':
        return await cmdQuery(rest);
      case 'catalogue':
        return await cmdCatalogue(rest);
      case 'fleet':
        return await cmdFleet(rest);
      case 'export':
        return await cmdExport(rest);
      case 'align':
        return await cmdAlign(rest);
      case 'runs':
        return await cmdRuns(rest);
      case 'report':
        return await cmdReport(rest);
      case 'serve':
        return await cmdServe(rest);
      case 'start':
        return await cmdStart(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        out(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${cmd}'`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`qtw: ${(e as Error).message}`);
      err(USAGE);
      return 2;
    }
    err(`qtw: ${((e as Error).message ?? String(e)).replace(/\s*\n\s*/g, ' ')}`);
    return 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`qtw: ${String((e as Error)?.message ?? e)}\n`);
      process.exitCode = 1;
    },
  );
}
