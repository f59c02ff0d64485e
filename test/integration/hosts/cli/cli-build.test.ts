// The built CLI (tools/build-cli.ts, `npm run build:cli`) must behave exactly as the TypeScript
// sources run through tsx: same output for the same command, its parse worker, resources/, the
// analyses' SQL and the lazily loaded report code all found from the bundle. And the tarball of
// `npm pack` must install and run with no checkout around it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO, scratch } from '../../../helpers/paths.ts';

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
  it('gives a tarball that `npm install -g --offline` installs and whose qtw works', async (ctx) => {
    if (!existsSync(path.join(REPO, 'dist/renderer/index.html'))) throw new Error('dist/renderer is not built: run `npm run build:renderer` first');
    // The tarball carries dist/cli: build it where `files` takes it from.
    const b = spawnSync('npm', ['run', 'build:cli'], { cwd: REPO, encoding: 'utf8', timeout: 240_000 });
    expect(b.status, b.stderr).toBe(0);
    const packDir = path.join(tmp.dir, 'pack');
    mkdirSync(packDir);
    const p = spawnSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: REPO, encoding: 'utf8', timeout: 240_000 });
    expect(p.status, p.stderr).toBe(0);
    const [packed] = JSON.parse(p.stdout) as { filename: string; files: { path: string }[] }[];
    const names = packed.files.map((f) => f.path);
    expect(names).toContain('bin/qtw.mjs');
    expect(names).toContain('dist/cli/main.js');
    expect(names).toContain('dist/cli/parse-worker.js');
    expect(names).toContain('dist/renderer/index.html');
    expect(names).toContain('resources/catalogues/releases.br');
    expect(names.filter((n) => n.startsWith('src-') || n.startsWith('test/') || n.endsWith('.ts'))).toEqual([]);

    // Outside the checkout, so that its .npmrc does not apply: as a user would install it.
    const prefix = path.join(tmp.dir, 'prefix');
    const inst = spawnSync('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, path.join(packDir, packed.filename)], {
      cwd: tmp.dir,
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (inst.status !== 0 && /ENOTCACHED/.test(inst.stderr)) {
      // npm resolves a tarball's dependencies from their full registry documents, which `npm ci`
      // (lockfile-driven) never caches: offline, that needs one online install beforehand.
      ctx.skip(`npm cache lacks the full registry documents of the dependencies: ${inst.stderr.split('\n').find((l) => /ENOTCACHED|request to/.test(l))}`);
    }
    expect(inst.status, inst.stderr).toBe(0);
    const qtw = path.join(prefix, 'bin/qtw');
    const installed = (...args: string[]) => result(spawnSync(qtw, args, { encoding: 'utf8', cwd: tmp.dir, env, timeout: 240_000 }));

    const help = installed('--help');
    expect(help).toEqual(viaTsx('--help'));
    const ws = path.join(tmp.dir, 'installed.duckdb');
    const ing = ingestSample(installed, ws);
    expect(ing.code, ing.err).toBe(0);
    const refWs = path.join(tmp.dir, 'ref.duckdb');
    expect(ingestSample(viaTsx, refWs).code).toBe(0);
    for (const sql of [COUNT, EVENTS]) expect(installed('query', ws, sql)).toEqual(viaTsx('query', refWs, sql));

    // `qtw serve` uses the prebuilt UI (an installed package has no Vite to build one).
    const child = spawn(qtw, ['serve', ws, '--no-open', '--port', '0'], { cwd: tmp.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  }, 900_000);
});
