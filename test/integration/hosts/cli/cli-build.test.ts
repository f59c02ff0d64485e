// The built CLI (tools/build-cli.ts, `npm run build:cli`) must behave exactly as the TypeScript
// sources run through tsx: same output for the same command, its parse worker, resources/, the
// analyses' SQL and the lazily loaded report code all found from the bundle. The tarball of
// `npm pack` must carry it, and that of `npm run pack:offline` must install with no registry and
// an empty npm cache, then run with no checkout around it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO, SHARED, scratch } from '../../../helpers/paths.ts';
import { xz } from '../../../helpers/archives.ts';

const tmp = scratch('qtw-cli-build-');
// Inside the checkout: the bundle finds resources/ and node_modules/ by walking up, as in dist/cli.
mkdirSync(path.join(REPO, 'test-artifacts'), { recursive: true });
const buildRoot = mkdtempSync(path.join(REPO, 'test-artifacts', 'cli-build-'));
const outdir = path.join(buildRoot, 'cli');
afterAll(() => {
  tmp.cleanup();
  rmSync(buildRoot, { recursive: true, force: true });
});

const SAMPLE = path.join(REPO, 'resources/samples/qemu-7.2.22-precopy');
const env = { ...process.env, FORCE_COLOR: '0', QTW_PARSE_WORKER: '1' };

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

function result(r: SpawnSyncReturns<string>): Run {
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `qtw ARGS` from the TypeScript sources. */
function viaTsx(...args: string[]): Run {
  return result(spawnSync(process.execPath, [path.join(REPO, 'bin/qtw.mjs'), ...args], { encoding: 'utf8', cwd: tmp.dir, env: { ...env, QTW_FROM_SOURCE: '1' }, timeout: 240_000 }));
}

/** `qtw ARGS` from the build in `outdir`, started the way bin/qtw.mjs starts it. */
function viaBuild(...args: string[]): Run {
  const runner = path.join(buildRoot, 'run.mjs');
  return result(spawnSync(process.execPath, [runner, ...args], { encoding: 'utf8', cwd: tmp.dir, env, timeout: 240_000 }));
}

function ingestSample(run: (...a: string[]) => Run, ws: string): Run {
  return run('ingest', '-q', '-o', ws, '--catalogue', path.join(SAMPLE, 'trace-events-all'), '--src', path.join(SAMPLE, 'src.log.gz'), '--dst', path.join(SAMPLE, 'dst.log.gz'));
}

const COUNT = 'SELECT count(*) FROM traces';
const EVENTS = 'SELECT trace_id, side, records, events, unparsed, first_ts_ns, last_ts_ns FROM traces ORDER BY trace_id';

describe('the built CLI', () => {
  const wsTsx = path.join(tmp.dir, 'tsx.duckdb');
  const wsBuilt = path.join(tmp.dir, 'built.duckdb');

  beforeAll(() => {
    const b = spawnSync('npm', ['run', 'build:cli', '--', '--outdir', outdir], { cwd: REPO, encoding: 'utf8', timeout: 240_000 });
    expect(b.status, b.stderr).toBe(0);
    writeFileSync(
      path.join(buildRoot, 'run.mjs'),
      `const { main } = await import(${JSON.stringify(new URL(`file://${path.join(outdir, 'main.js')}`).href)});\nprocess.exitCode = await main(process.argv.slice(2));\n`,
    );
  }, 300_000);

  it('is plain JavaScript with its worker entry and the analyses SQL beside it', () => {
    const files = readdirSync(outdir);
    expect(files).toContain('main.js');
    expect(files).toContain('parse-worker.js');
    expect(files.filter((f) => !f.endsWith('.js') && f !== 'sql')).toEqual([]);
    expect(readdirSync(path.join(outdir, 'sql')).sort()).toEqual(readdirSync(path.join(REPO, 'src-main/analyses/sql')).filter((f) => f.endsWith('.sql')).sort());
  });

  it('prints the same help', () => {
    const a = viaTsx('--help');
    const b = viaBuild('--help');
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/^usage:\n {2}qtw ingest/);
    expect(b).toEqual(a);
  });

  it('ingests the bundled sample through its parse worker, as the sources do', () => {
    // QTW_PARSE_WORKER=1: a worker that cannot be started is an error, not a silent fallback.
    const a = ingestSample(viaTsx, wsTsx);
    const b = ingestSample(viaBuild, wsBuilt);
    expect(a.code, a.err).toBe(0);
    expect(a.err).toMatch(/trace 2: .*dst\.log\.gz: log .*side dst/);
    expect(b).toEqual(a);
  }, 300_000);

  it('answers queries and analyses (SQL read from beside the bundle) as the sources do', () => {
    for (const sql of [COUNT, EVENTS, 'SELECT * FROM migration_overview']) {
      const a = viaTsx('query', wsTsx, sql, '--format', 'csv');
      expect(a.code, a.err).toBe(0);
      expect(a.out.split('\n').length).toBeGreaterThan(2);
      expect(viaBuild('query', wsTsx, sql, '--format', 'csv')).toEqual(a);
      expect(viaBuild('query', wsBuilt, sql, '--format', 'csv')).toEqual(a);
    }
    expect(viaBuild('query', wsBuilt, COUNT).out).toMatch(/^\s+2$/m);
  }, 300_000);

  it('reads the built-in release catalogues from resources/', () => {
    const a = viaTsx('catalogue', 'qemu-8.2');
    expect(a.code, a.err).toBe(0);
    expect(a.err).toMatch(/events, 0 errors/);
    expect(viaBuild('catalogue', 'qemu-8.2')).toEqual(a);
  });

  it('writes the same report charts (lazily loaded report code, bundled font)', () => {
    const args = (dir: string) => ['report', wsTsx, '-o', dir, '--query', 'SELECT trace_id, events FROM traces', '--chart', 'bar'];
    const a = viaTsx(...args(path.join(tmp.dir, 'rep-tsx')));
    const b = viaBuild(...args(path.join(tmp.dir, 'rep-built')));
    expect(a.code, a.err).toBe(0);
    expect(b.code, b.err).toBe(0);
    for (const f of ['charts/item-1.png', 'charts/item-1.svg', 'data/item-1.csv']) {
      expect(readFileSync(path.join(tmp.dir, 'rep-built', f)).equals(readFileSync(path.join(tmp.dir, 'rep-tsx', f))), f).toBe(true);
    }
  }, 300_000);
});

describe('npm pack', () => {
  it('packs the built CLI, the prebuilt UI and resources/, and no sources', () => {
    if (!existsSync(path.join(REPO, 'dist/renderer/index.html'))) throw new Error('dist/renderer is not built: run `npm run build:renderer` first');
    // The tarball carries dist/cli: build it where `files` takes it from.
    const b = spawnSync('npm', ['run', 'build:cli'], { cwd: REPO, encoding: 'utf8', timeout: 240_000 });
    expect(b.status, b.stderr).toBe(0);
    // Installing this (portable) tarball needs the registry for its dependencies: that is what
    // `npm run pack:offline` below is for, so only its contents are checked here.
    const p = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: REPO, encoding: 'utf8', timeout: 240_000 });
    expect(p.status, p.stderr).toBe(0);
    const [packed] = JSON.parse(p.stdout) as { files: { path: string }[]; bundled: string[] }[];
    const names = packed.files.map((f) => f.path);
    for (const f of ['bin/qtw.mjs', 'dist/cli/main.js', 'dist/cli/parse-worker.js', 'dist/renderer/index.html', 'resources/catalogues/releases.br', 'README.md', 'package.json']) {
      expect(names).toContain(f);
    }
    expect(names.filter((n) => n.startsWith('src-') || n.startsWith('test/') || n.startsWith('node_modules/') || n.endsWith('.ts'))).toEqual([]);
    expect(packed.bundled).toEqual([]);
  }, 300_000);
});

describe('npm run pack:offline', () => {
  const dir = path.join(tmp.dir, 'offline');
  const prefix = path.join(dir, 'prefix');
  // Where a user runs qtw: outside the checkout, so nothing can come from it.
  const cwd = path.join(dir, 'elsewhere');
  const installedRoot = path.join(prefix, 'lib/node_modules/qemu-trace-workbench');
  const qtw = path.join(prefix, 'bin/qtw');
  const installed = (...args: string[]) => result(spawnSync(qtw, args, { encoding: 'utf8', cwd, env, timeout: 240_000 }));
  let tarball = '';

  beforeAll(() => {
    if (!existsSync(path.join(REPO, 'dist/renderer/index.html'))) throw new Error('dist/renderer is not built: run `npm run build:renderer` first');
    mkdirSync(cwd, { recursive: true });
    expect(path.relative(REPO, cwd).startsWith('..')).toBe(true);
    const p = spawnSync('npm', ['run', '-s', 'pack:offline', '--', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8', timeout: 600_000 });
    expect(p.status, p.stderr).toBe(0);
    tarball = p.stdout.trim();
    console.info(`pack:offline: ${path.basename(tarball)}, ${(statSync(tarball).size / 1e6).toFixed(1)} MB`);
    // An empty cache of its own: were any package missing from the bundle, npm would have to
    // fetch it, and --offline makes that an error (ENOTCACHED) instead of a download.
    const cache = path.join(dir, 'empty-cache');
    mkdirSync(cache);
    const inst = spawnSync('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, '--cache', cache, tarball], { cwd, encoding: 'utf8', timeout: 600_000 });
    expect(inst.status, inst.stderr).toBe(0);
  }, 1_200_000);

  it('is named for this platform, which its package.json requires, and leaves tsx out', () => {
    const target = `${process.platform}-${process.arch}`;
    expect(path.basename(tarball)).toMatch(new RegExp(`^qemu-trace-workbench-\\d+\\.\\d+\\.\\d+-${target}(-musl)?\\.tgz$`));
    const manifest = JSON.parse(readFileSync(path.join(installedRoot, 'package.json'), 'utf8')) as { os: string[]; cpu: string[]; bundleDependencies: string[]; dependencies: Record<string, string> };
    expect(manifest.os).toEqual([process.platform]);
    expect(manifest.cpu).toEqual([process.arch]);
    const deps = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
    expect(Object.keys(manifest.dependencies).sort()).toEqual(Object.keys(deps).filter((d) => d !== 'tsx').sort());
    expect(manifest.bundleDependencies.sort()).toEqual(Object.keys(manifest.dependencies).sort());
    // bin/qtw.mjs runs dist/cli when src-main/ is absent: the installed package has no use for tsx.
    expect(existsSync(path.join(installedRoot, 'src-main'))).toBe(false);
    expect(existsSync(path.join(installedRoot, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(path.join(installedRoot, 'node_modules/esbuild'))).toBe(false);
  });

  it('installs a qtw that prints the same help as the sources', () => {
    const help = installed('--help');
    expect(help.code, help.err).toBe(0);
    expect(help).toEqual(viaTsx('--help'));
  });

  it('ingests a real trace, plain and as .xz (DuckDB, its parse worker and lzma-native from the bundle), and queries it as the sources do', async () => {
    const log = readFileSync(path.join(SHARED, 'samples/qemu-7.2.22-log/qemu-7.2.22-log-nots-multifd-src.log'));
    const plain = path.join(cwd, 'multifd-src.log');
    writeFileSync(plain, log);
    writeFileSync(`${plain}.xz`, await xz(log));
    const ref = path.join(tmp.dir, 'offline-ref.duckdb');
    const a = viaTsx('ingest', '-q', '-o', ref, plain);
    expect(a.code, a.err).toBe(0);
    expect(a.err).toMatch(/side src, .*280 records: 280 events, 0 unparsed/);
    const b = installed('ingest', '-q', '-o', 'plain.duckdb', plain);
    expect(b).toEqual(a);
    const c = installed('ingest', '-q', '-o', 'xz.duckdb', `${plain}.xz`);
    expect(c.code, c.err).toBe(0);
    expect(c.err).toMatch(/multifd-src\.log\.xz: .*280 records: 280 events, 0 unparsed/);
    for (const sql of [EVENTS, 'SELECT * FROM multifd_send ORDER BY ALL']) {
      const want = viaTsx('query', ref, sql, '--format', 'csv');
      expect(want.code, want.err).toBe(0);
      expect(want.out.split('\n').length).toBeGreaterThan(2);
      expect(installed('query', 'plain.duckdb', sql, '--format', 'csv')).toEqual(want);
      expect(installed('query', 'xz.duckdb', sql, '--format', 'csv')).toEqual(want);
    }
  }, 300_000);

  it('renders report charts as the sources do (resvg and the font from the bundle)', () => {
    const args = (ws: string, out: string) => ['report', ws, '-o', out, '--query', 'SELECT id, count(*) AS packets FROM multifd_send GROUP BY id ORDER BY id', '--chart', 'bar'];
    const a = viaTsx(...args(path.join(tmp.dir, 'offline-ref.duckdb'), path.join(tmp.dir, 'offline-rep-tsx')));
    expect(a.code, a.err).toBe(0);
    const b = installed(...args('plain.duckdb', 'rep'));
    expect(b.code, b.err).toBe(0);
    for (const f of ['charts/item-1.png', 'data/item-1.csv']) {
      expect(readFileSync(path.join(cwd, 'rep', f)).equals(readFileSync(path.join(tmp.dir, 'offline-rep-tsx', f))), f).toBe(true);
    }
  }, 300_000);

  it('serves the prebuilt UI with `qtw serve` (an installed package has no Vite to build one)', async () => {
    const child = spawn(qtw, ['serve', 'plain.duckdb', '--no-open', '--port', '0'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /http:\/\/\S+\?token=\S+/.exec(out);
          if (m) resolve(m[0]);
        });
        child.on('exit', (code) => reject(new Error(`qtw serve exited with ${code}: ${err}`)));
      });
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(readFileSync(path.join(REPO, 'dist/renderer/index.html'), 'utf8'));
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);
});
