// Acceptance for `qtw report` on the QEMU 7.2.22 a-precopy log sample: the bundle's links, PNGs,
// self-contained HTML (rendered in Chromium), numbers equal to the engine's own query results,
// 72-column text, and redaction across every exported file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import yauzl from 'yauzl';
import { DuckDBInstance } from '@duckdb/node-api';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { cellText, type CellValue } from '../../../src-main/workspace/query.ts';
import { reportFromArgs, type CliReportSpec } from '../../../src-main/report/cli-spec.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { DEBIAN_72, REPO, SAMPLES, scratch } from '../../helpers/paths.ts';
import { launchBrowser } from '../../helpers/harness.ts';
import { decodePng } from '../../helpers/png-decode.ts';

const SAMPLE = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');
// The text report wraps at 72 columns and breaks a long path (a deep checkout) across lines:
// paths are looked for in it with all whitespace removed.
const flat = (s: string) => s.replace(/\s+/g, '');
const Q_SYNC = 'SELECT * FROM dirty_sync_iterations ORDER BY trace_id, iteration';
const Q_EVENTS = 'SELECT name, count(*) AS n FROM events GROUP BY name ORDER BY n DESC, name LIMIT 12';

/** What `qtw report` does: the workspace opened read-only through the one facade, the bundle written. */
async function writeReport(ws: string, dir: string, spec: CliReportSpec, redact: boolean): Promise<string[]> {
  const svc = await EngineService.open(ws, { host: 'cli', readOnly: true });
  try {
    return await svc.writeReport(spec, dir, redact);
  } finally {
    await svc.close();
  }
}

/** Every entry of a .zip, read with yauzl (independent of the writer under test). */
function zipEntries(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const out = new Map<string, Buffer>();
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (er, s) => {
          if (er || !s) return reject(er ?? new Error('no stream'));
          const parts: Buffer[] = [];
          s.on('data', (d: Buffer) => parts.push(d));
          s.on('end', () => {
            out.set(e.fileName, Buffer.concat(parts));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** A Parquet file's rows as text, read back by DuckDB (its pages may be compressed). */
async function parquetText(bytes: Buffer): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qtw-pq-'));
  const f = path.join(dir, 'x.parquet');
  writeFileSync(f, bytes);
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const r = await c.runAndReadAll(`SELECT * FROM read_parquet('${f}')`);
    return JSON.stringify(r.getRowsJS(), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } finally {
    c.closeSync();
    db.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

async function rows(engine: WorkspaceEngine, sql: string): Promise<string[][]> {
  const out: CellValue[][] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (r) => void out.push(...r) });
  return out.map((r) => r.map(cellText));
}

/**
 * A query's rows as a report table shows them: ns times (columns ending ts_ns) as ms from the
 * run's migration start (runs.start_ts_ns), each trace's value on its source's clock first
 * (traces.clock_offset_ns). Computed here on its own; the sample's times are whole microseconds.
 */
async function rowsAsShown(engine: WorkspaceEngine, sql: string): Promise<string[][]> {
  let cols: { name: string; type: string }[] = [];
  const out: CellValue[][] = [];
  await engine.streamQuery(sql, { columns: (c) => void (cols = c), rows: (r) => void out.push(...r) });
  const starts = new Map((await rows(engine, 'SELECT run_id, start_ts_ns FROM runs')).map(([r, t]) => [r!, BigInt(t!)]));
  const offsets = new Map((await rows(engine, 'SELECT trace_id, coalesce(clock_offset_ns, 0) FROM traces')).map(([t, o]) => [t!, BigInt(o!)]));
  const run = cols.findIndex((c) => c.name === 'run_id');
  const trace = cols.findIndex((c) => c.name === 'trace_id');
  const runs = [...new Set(out.map((r) => String(r[run])))];
  expect(runs).toHaveLength(1);
  const base = starts.get(runs[0]!)!;
  return out.map((r) =>
    r.map((v, i) => (/ts_ns$/.test(cols[i]!.name) && v !== null ? (Number(BigInt(v as bigint) + offsets.get(String(r[trace]))! - base) / 1e6).toFixed(3) : cellText(v))),
  );
}

function mdTableRows(md: string, heading: string): string[][] {
  const at = md.indexOf(heading);
  const lines = md.slice(at).split('\n');
  const start = lines.findIndex((l) => l.startsWith('| '));
  const out: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i].startsWith('| '); i++) out.push(lines[i].slice(2, -2).split(' | '));
  return out;
}

describe('qtw report on a-precopy', () => {
  const tmp = scratch('qtw-report-');
  const ws = path.join(tmp.dir, 'ws.duckdb');
  const out = path.join(tmp.dir, 'out');
  const redOut = path.join(tmp.dir, 'redacted');
  let engine: WorkspaceEngine;

  beforeAll(async () => {
    const e = await WorkspaceEngine.open(ws);
    const r = await e.openInputs([path.join(SAMPLE, 'src.log.gz'), path.join(SAMPLE, 'dst.log.gz')], { catalogues: [DEBIAN_72] });
    expect(r.errors).toEqual([]);
    e.close();
    const spec = reportFromArgs(
      [
        { name: 'analysis', value: 'migration_overview' },
        { name: 'query', value: Q_SYNC },
        { name: 'chart', value: 'line' },
        { name: 'query', value: Q_EVENTS },
        { name: 'chart', value: 'bar' },
      ],
      'a-precopy',
    );
    await writeReport(ws, out, spec, false);
    const red = reportFromArgs(
      [
        { name: 'analysis', value: 'migration_overview' },
        { name: 'query', value: 'SELECT * FROM ram_save_page ORDER BY seq LIMIT 40' },
        { name: 'query', value: 'SELECT * FROM migration_socket_outgoing_connected' },
        { name: 'query', value: `SELECT path, '${os.hostname()}' AS me FROM traces` },
        { name: 'query', value: 'SELECT ts_ns, host FROM ram_save_page ORDER BY seq LIMIT 500' },
        { name: 'chart', value: 'scatter' },
      ],
      'redacted',
    );
    await writeReport(ws, redOut, red, true);
    engine = await WorkspaceEngine.open(ws, { readOnly: true });
  }, 120_000);

  afterAll(() => {
    engine?.close();
    tmp.cleanup();
  });

  it('writes every file, and report.md links only files that exist', () => {
    for (const f of ['report.md', 'report.html', 'report.txt', 'report.zip', 'charts/item-2.png', 'charts/item-2.svg', 'charts/item-3.png', 'data/item-1.parquet', 'data/item-3.csv', 'data/item-3.json'])
      expect(existsSync(path.join(out, f)), f).toBe(true);
    const md = readFileSync(path.join(out, 'report.md'), 'utf8');
    const links = [...md.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(links).toContain('charts/item-2.png');
    for (const l of links) expect(existsSync(path.join(out, l)), l).toBe(true);
    expect(md).toContain('<details><summary>SQL</summary>');
  });

  it('runs as `qtw report`, and its tables equal `qtw query --format markdown` for the same SQL', async () => {
    engine.close();
    try {
      const qtw = (...args: string[]) => spawnSync(process.execPath, [path.join(REPO, 'bin/qtw.mjs'), ...args], { encoding: 'utf8', timeout: 120_000 });
      const dir = path.join(tmp.dir, 'spawned');
      const r = qtw('report', ws, '-o', dir, '--title', 'Spawned', '--analysis', 'migration_overview', '--query', 'SELECT side, final_state, total_ms, downtime_ms, normal_pages FROM migration_overview', '--query', Q_EVENTS, '--chart', 'bar');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split('\n')).toContain(path.join(dir, 'report.zip'));
      const md = readFileSync(path.join(dir, 'report.md'), 'utf8');
      expect(md.startsWith('# Spawned\n')).toBe(true);
      // Tables without times read as the query prints them (times: see rowsAsShown below).
      for (const sql of ['SELECT side, final_state, total_ms, downtime_ms, normal_pages FROM migration_overview', Q_EVENTS]) {
        const q = qtw('query', ws, sql, '--format', 'markdown');
        expect(q.status).toBe(0);
        const body = q.stdout.trim().split('\n').slice(2);
        expect(body.length).toBeGreaterThan(1);
        for (const line of body) expect(md).toContain(`${line}\n`);
      }
      expect(qtw('report', ws, '-o', dir, '--chart', 'bar').status).toBe(2);
    } finally {
      engine = await WorkspaceEngine.open(ws, { readOnly: true });
    }
  }, 180_000);

  it('renders PNG charts larger than 300x200 that are not one colour', () => {
    for (const f of ['item-2.png', 'item-3.png']) {
      const png = decodePng(readFileSync(path.join(out, 'charts', f)));
      expect(png.width).toBeGreaterThan(300);
      expect(png.height).toBeGreaterThan(200);
      const colours = new Set<string>();
      for (let i = 0; i < png.pixels.length && colours.size < 3; i += png.bpp) colours.add(png.pixels.subarray(i, i + png.bpp).toString('hex'));
      expect(colours.size).toBeGreaterThan(2);
    }
  });

  it('shows the same numbers as a query on the workspace', async () => {
    const md = readFileSync(path.join(out, 'report.md'), 'utf8');
    const overview = await rowsAsShown(engine, 'SELECT * FROM migration_overview');
    expect(mdTableRows(md, '## 1. ')).toEqual(overview);
    // The source's attempt starts the run.
    expect(overview.filter((r) => r[0] === 'src').map((r) => r[6])).toEqual(['0.000']);
    expect(mdTableRows(md, '## 2. ')).toEqual(await rowsAsShown(engine, Q_SYNC));
    const ev = await rows(engine, Q_EVENTS);
    expect(ev.length).toBeGreaterThan(5);
    expect(mdTableRows(md, '## 3. ')).toEqual(ev);
    const csv = readFileSync(path.join(out, 'data/item-3.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(csv).toEqual(ev);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    for (const [name, n] of ev) expect(html).toContain(`<td>${name}</td><td class="n">${n}</td>`);
  });

  it('keeps every text line within 72 columns and ends with provenance', () => {
    const txt = readFileSync(path.join(out, 'report.txt'), 'utf8');
    const long = txt.split('\n').filter((l) => l.length > 72);
    expect(long).toEqual([]);
    expect(txt).toContain('Provenance');
    expect(txt).toContain('QEMU 7.2.22');
    // The provenance names each input by its full path, however deep the checkout (wrapped or not).
    expect(flat(txt)).toContain(flat(path.join(SAMPLE, 'src.log.gz')));
    const md = readFileSync(path.join(out, 'report.md'), 'utf8');
    for (const t of readFileSync(path.join(REPO, 'package.json'), 'utf8').match(/"version": "([^"]+)"/)!.slice(1)) expect(md).toContain(`qemu-trace-workbench ${t}`);
  });

  it('writes HTML that references nothing outside itself and renders its charts in Chromium', async () => {
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/(?:src|href|action)\s*=|url\((?!#)|@import|<script|<link/i);
    expect(html).not.toMatch(/["'(\s]\/\/[\w.-]/);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r) => void (r.url().startsWith('file:') || requests.push(r.url())));
      await page.goto(`file://${path.join(out, 'report.html')}`);
      const boxes = await page.$$eval('figure.chart svg', (els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.width, r.height]));
      expect(boxes.length).toBe(2);
      for (const [w, h] of boxes) expect(w * h).toBeGreaterThan(300 * 200);
      expect(await page.$$eval('figure.chart svg path', (els) => els.length)).toBeGreaterThan(5);
      expect(requests).toEqual([]);
      mkdirSync(path.join(REPO, 'test-artifacts/report'), { recursive: true });
      await page.locator('figure.chart').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(REPO, 'test-artifacts/report/report-html.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('redacts IPs, hostnames, paths and pointers consistently in every exported file', async () => {
    const ptrs = (await rows(engine, 'SELECT DISTINCT host FROM (SELECT host FROM ram_save_page ORDER BY seq LIMIT 500)')).map((r) => r[0]);
    expect(ptrs.length).toBeGreaterThan(10);
    const paths = (await rows(engine, 'SELECT path FROM traces')).map((r) => r[0]);
    const originals = ['127.0.0.1', SAMPLE, ...paths, ...ptrs, ...ptrs.map((p) => `0x${BigInt(p).toString(16)}`)];
    const host = new RegExp(`(?<![\\w.-])${os.hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'i');
    const files = filesUnder(redOut);
    expect(files.length).toBeGreaterThan(10);
    const contents = new Map<string, string>();
    for (const f of files) {
      const rel = path.relative(redOut, f);
      if (rel.endsWith('.zip')) for (const [n, t] of await zipEntries(f)) contents.set(`${rel}:${n}`, n.endsWith('.parquet') ? await parquetText(t) : t.toString('utf8'));
      else contents.set(rel, f.endsWith('.parquet') ? await parquetText(readFileSync(f)) : readFileSync(f, 'utf8'));
    }
    expect([...contents.keys()].filter((k) => k.startsWith('report.zip:')).length).toBe(files.length - 1);
    for (const [name, text] of contents) {
      // A PNG is pixels rendered from the SVG checked beside it; its compressed bytes can spell a
      // short hostname by chance.
      if (name.endsWith('.png')) continue;
      for (const o of originals) expect(text.includes(o), `${o} in ${name}`).toBe(false);
      // Paths only: flattening could glue two numbers of a table into a false pointer match.
      if (name.endsWith('.txt')) for (const o of [SAMPLE, ...paths]) expect(flat(text).includes(flat(String(o))), `${o} (wrapped) in ${name}`).toBe(false);
      expect(host.test(text), `hostname in ${name}`).toBe(false);
    }
    const md = readFileSync(path.join(redOut, 'report.md'), 'utf8');
    expect(md).toMatch(/\| ip-1 \|/);
    expect(md).toContain('path-1');
    expect(md).toMatch(/ptr-\d+/);
    // Same pointer → same placeholder in the table and in the JSON data of another item.
    const t = mdTableRows(md, '## 2. ');
    const json = JSON.parse(readFileSync(path.join(redOut, 'data/item-5.json'), 'utf8')) as { host: string }[];
    const hostCol = md.slice(md.indexOf('## 2. ')).split('\n').find((l) => l.startsWith('| '))!.slice(2, -2).split(' | ').indexOf('host');
    expect(json[0].host).toBe(t[0][hostCol]);
    // The chart of the pointers shows their spread, not their values: no axis ticks in pointer range.
    const svgText = [...readFileSync(path.join(redOut, 'charts/item-5.svg'), 'utf8').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(svgText).toContain('host (pointers: values hidden)');
    const big = svgText.filter((x) => /^[\d,.]+$/.test(x) && Number(x.replace(/,/g, '')) >= 1e6);
    expect(big).toEqual([]);
  });
});
