// The `qtw` command line as a user runs it: exit codes, stdout/stderr split, output formats,
// and one-line errors (never a stack trace) on bad input.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { DEBIAN_72, REPO, SAMPLES, scratch } from '../../../helpers/paths.ts';

const tmp = scratch();
afterAll(() => tmp.cleanup());

function qtw(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin/qtw.mjs'), ...args], {
    encoding: 'utf8',
    cwd: tmp.dir,
    env: { ...process.env, FORCE_COLOR: '0' },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function expectOneLineError(stderr: string) {
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(stderr).not.toMatch(/\b(TypeError|RangeError|ReferenceError|SyntaxError)\b|Error \[ERR_|node:internal/);
}

const B = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const ws = path.join(tmp.dir, 'cli.duckdb');

describe('qtw', () => {
  it('ingest reports traces on stderr and nothing on stdout', () => {
    const r = qtw('ingest', '-o', ws, '--catalogue', DEBIAN_72, path.join(B, 'src.log'), path.join(B, 'dst.log.gz'));
    expect(r.err).toMatch(/trace 1: .*src\.log: log \(tid@sec\.usec\), side src/);
    expect(r.err).toMatch(/trace 2: .*dst\.log\.gz: log .*side dst/);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it('ingest of the same file again is a no-op with a message', () => {
    const r = qtw('ingest', '-o', ws, '--catalogue', DEBIAN_72, path.join(B, 'src.log'));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/already in the workspace as trace 1/);
  });

  it('query --format json gives row objects with exact 64-bit integers', () => {
    const r = qtw('query', ws, `SELECT ts_ns, new_state, 18446744073709551615::UBIGINT AS big, 42::UBIGINT AS small FROM migrate_set_state WHERE side = 'src' ORDER BY seq`, '--format', 'json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out);
    expect(rows.map((x: { new_state: string }) => x.new_state)).toEqual(['setup', 'active', 'completed']);
    // ts_ns (~1.8e18) exceeds 2^53: a string, exact; small values are numbers.
    expect(typeof rows[0].ts_ns).toBe('string');
    const first = readFileSync(path.join(B, 'src.log'), 'utf8').split('\n').find((l) => l.includes(':migrate_set_state '))!;
    const [, sec, usec] = /@(\d+)\.(\d{6}):/.exec(first)!;
    expect(rows[0].ts_ns).toBe(`${sec}${usec}000`);
    expect(rows[0].big).toBe('18446744073709551615');
    expect(rows[0].small).toBe(42);
  });

  it('query --format csv, markdown and table', () => {
    const sql = `SELECT id, count(*) AS packets FROM multifd_send GROUP BY id ORDER BY id`;
    const csv = qtw('query', ws, sql, '--format', 'csv');
    expect(csv.out.trim().split('\n')).toEqual(['id,packets', '0,112', '1,116', '2,129', '3,116']);
    const md = qtw('query', ws, sql, '--format', 'markdown');
    expect(md.out.split('\n').slice(0, 3)).toEqual(['| id | packets |', '| ---: | ---: |', '| 0 | 112 |']);
    const table = qtw('query', ws, sql);
    expect(table.out).toMatch(/packets/);
    expect(table.out).toMatch(/\(4 rows\)/);
  });

  it('bad SQL: exit 1, one line naming the problem', () => {
    const r = qtw('query', ws, 'SELECT * FROM no_such_table');
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/no_such_table/);
    expectOneLineError(r.err);
  });

  it('retype types a trace again with a release, keeping its id; an unknown id is one line', () => {
    const w = path.join(tmp.dir, 'retype.duckdb');
    expect(qtw('ingest', '-o', w, '--catalogue', DEBIAN_72, path.join(B, 'src.log')).code).toBe(0);
    const before = JSON.parse(qtw('query', w, 'SELECT trace_id, records, unparsed, catalogue_fit FROM traces', '--format', 'json').out);
    expect(before).toHaveLength(1);
    const r = qtw('retype', w, '1', '--catalogue', 'qemu-10.2', '-q');
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expectOneLineError(r.err);
    const [t] = JSON.parse(qtw('query', w, 'SELECT trace_id, records, events, unparsed, catalogue_fit, catalogue_version, catalogue_id FROM traces', '--format', 'json').out);
    expect([t.trace_id, t.records, t.catalogue_version]).toEqual([1, before[0].records, '10.2.0']);
    const pct = (f: number) => `${Math.floor(f * 1000) / 10}%`;
    expect(r.err).toContain(
      `trace 1: re-typed with catalogue qemu-10.2.0 (was qemu-7.2.22-debian), fit ${pct(t.catalogue_fit)} of the head (was ${pct(before[0].catalogue_fit)}), ${t.records} records, unparsed ${before[0].unparsed} → ${t.unparsed}\n`,
    );
    // The trace line of ingest, once.
    const line = r.err.split('\n').filter((l) => l.startsWith('trace 1: ') && !l.includes('re-typed'));
    expect(line).toHaveLength(1);
    expect(line[0]).toMatch(/^trace 1: .*src\.log: log \(tid@sec\.usec\), side src, catalogue qemu-10\.2\.0\/trace-events-all@[0-9a-f]{12} \(QEMU 10\.2\.0\), fit [\d.]+% of the head, /);
    expect(line[0]).toContain(`, ${t.records} records: ${t.events} events, ${t.unparsed} unparsed`);
    const bad = qtw('retype', w, '9', '--catalogue', 'qemu-10.2');
    expect(bad.code).toBe(1);
    expect(bad.err).toBe(`qtw: ${w}: no trace 9 (traces: 1)\n`);
    const unknown = qtw('retype', w, '1', '--catalogue', 'qemu-3.1');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^qtw: qemu-3\.1: no such catalogue file or directory \(ENOENT\); the built-in releases are /);
    expect(unknown.err.trim().split('\n')).toHaveLength(1);
    expect(qtw('retype', w, '1').code).toBe(2);
    expect(qtw('--help').out).toMatch(/^  qtw retype WORKSPACE\.duckdb TRACE_ID --catalogue FILE \[-q\]/m);
  });

  it('usage errors exit 2', () => {
    expect(qtw('query', ws).code).toBe(2);
    expect(qtw('frobnicate').code).toBe(2);
    expect(qtw('ingest', 'x.log').code).toBe(2);
    expect(qtw('query', ws, 'select 1', '--format', 'xml').code).toBe(2);
  });

  it('bad input files: one-line errors with file and offset, exit 1, no crash', () => {
    const rnd = path.join(tmp.dir, 'random.bin');
    writeFileSync(rnd, randomBytes(10000));
    const empty = path.join(tmp.dir, 'empty.log');
    writeFileSync(empty, '');
    for (const f of [rnd, empty, path.join(tmp.dir, 'missing.log')]) {
      const r = qtw('ingest', '-o', path.join(tmp.dir, 'bad.duckdb'), '--catalogue', DEBIAN_72, f);
      expect(r.code, f).toBe(1);
      expect(r.err).toContain(path.basename(f));
      expectOneLineError(r.err);
    }
    // A simpletrace header of a version this reader does not know is named as such.
    const v5 = path.join(tmp.dir, 'future.simple');
    const head = Buffer.alloc(64);
    head.fill(0xff, 0, 8);
    head.writeBigUInt64LE(0xf2b177cb0aa429b4n, 8);
    head.writeBigUInt64LE(5n, 16);
    writeFileSync(v5, head);
    const r = qtw('ingest', '-o', path.join(tmp.dir, 'bad.duckdb'), '--catalogue', DEBIAN_72, v5);
    expect(r.code).toBe(1);
    expectOneLineError(r.err);
    expect(r.err).toMatch(/future\.simple: offset 0: unknown simpletrace version 5 \(known: 0, 2, 3, 4\)/);
  });

  it('a log with garbage lines keeps every record and counts the garbage', () => {
    const lines = readFileSync(path.join(B, 'src.log'), 'utf8').split('\n').filter(Boolean);
    const mixed = [...lines.slice(0, 100), 'garbage line \x01\x02', '\xff\xfe not utf8', ...lines.slice(100)].join('\n') + '\n';
    const f = path.join(tmp.dir, 'mixed.log');
    writeFileSync(f, Buffer.from(mixed, 'latin1'));
    const w = path.join(tmp.dir, 'mixed.duckdb');
    const r = qtw('ingest', '-o', w, '--catalogue', DEBIAN_72, f);
    expect(r.code).toBe(0);
    const q = qtw('query', w, `SELECT events, unparsed, records FROM traces`, '--format', 'json');
    const [t] = JSON.parse(q.out);
    expect(t.unparsed).toBe(2);
    expect(t.events).toBe(lines.length);
    expect(t.records).toBe(lines.length + 2);
  });

  it('a QEMU 10.x log given the 7.2 catalogue is typed with the 10.2.50 release; events no catalogue has are kept in unparsed', () => {
    const log10 = path.join(tmp.dir, 'src10.log');
    // An event no catalogue declares (as a patched QEMU would print it).
    const text = gunzipSync(readFileSync(path.join(SAMPLES, 'qemu-10.2.50/a-precopy/src.log.gz')))
      .toString('utf8')
      .replace(/Z migrate_pending_estimate /g, 'Z migrate_pending_estimate_patched ');
    writeFileSync(log10, text);
    const renamed = text.split('\n').filter((l) => l.includes('Z migrate_pending_estimate_patched ')).length;
    expect(renamed).toBeGreaterThan(0);
    const w = path.join(tmp.dir, 'skew.duckdb');
    const r = qtw('ingest', '-o', w, '--catalogue', DEBIAN_72, log10);
    expect(r.code).toBe(0);
    expectOneLineError(r.err);
    expect(r.err).toMatch(/trace 1: .*src10\.log: .*catalogue qemu-10\.2\.50-build\/trace-events-all@[0-9a-f]{12} \(QEMU 10\.2\.50\), fit \d+(\.\d)?% of the head, /);
    const q = qtw('query', w, `SELECT events, unparsed, records, catalogue_misfits, catalogue_version FROM traces`, '--format', 'json');
    const [t] = JSON.parse(q.out);
    expect(t.catalogue_version).toBe('10.2.50');
    expect(t.catalogue_misfits).toBe(renamed);
    expect(r.err).toContain(`(${t.catalogue_misfits} did not fit the catalogue)`);
    // And where the first one is, in one line naming the file.
    expect(r.err).toMatch(new RegExp(`src10\\.log: line \\d+: ${t.catalogue_misfits} records did not fit the catalogue \\(kept in unparsed; first: unknown event`));
    expect(t.catalogue_misfits).toBeGreaterThan(0);
    const lines = readFileSync(log10, 'utf8').split('\n').filter(Boolean).length;
    expect(t.records).toBe(lines);
    expect(t.events + t.unparsed).toBe(lines);
    expect(t.unparsed).toBeGreaterThan(0);
    const u = qtw('query', w, `SELECT DISTINCT name FROM unparsed WHERE name LIKE 'migrate_pending%'`, '--format', 'csv');
    expect(u.out).toMatch(/migrate_pending_estimate_patched/);
  });

  it('catalogue --detect ranks the candidates for each trace; catalogue names a release', () => {
    const r = qtw('catalogue', '--detect', path.join(B, 'src.log'), path.join(SAMPLES, 'qemu-10.2.50/a-precopy/dst.simple.gz'));
    expect(r.code).toBe(0);
    const blocks = r.out.split(/\n(?=\S)/);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatch(/src\.log\n  1\tqemu-[\d.]+(-debian)?\t[\d.]+\t(\d+)\/\2\t/);
    expect(blocks[1]).toMatch(/dst\.simple\.gz\n  1\tqemu-10\.2\.50-build\t10\.2\.50\t(\d+)\/\1\ttie with qemu-10\.2\.50, /);
    expect(blocks[1]).toMatch(/\tqemu-5\.2\.0\t5\.2\.0\t\d+\/\d+\n/);
    const c = qtw('catalogue', 'qemu-8.2');
    expect(c.code).toBe(0);
    expect(c.err).toMatch(/^qemu-8\.2\.0\/trace-events-all: 4949 events, 0 errors/m);
    const bad = qtw('catalogue', 'qemu-3.1');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^qtw: qemu-3\.1: no such catalogue file or directory \(ENOENT\); the built-in releases are qemu-10\.2\.50-build, /);
    expectOneLineError(bad.err);
  });

  it.skipIf(!existsSync('/proc/self'))('export --parquet and report -o into /proc fail at once with one line (no endless mkdir)', () => {
    for (const args of [
      ['export', ws, '--parquet', '/proc/qtw-x/y'],
      ['report', ws, '-o', '/proc/qtw-x', '--analysis', 'migration_overview'],
      ['report', ws, '-o', '/proc/self/fd', '--analysis', 'migration_overview'],
    ]) {
      // The bound only stops a regression from hanging the suite: before, these spun forever.
      const r = qtw(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^qtw: \/proc\/\S+: cannot (create|write into) the folder/);
      expectOneLineError(r.err);
    }
  });

  it('catalogue lists events and diffs versions', () => {
    const r = qtw('catalogue', DEBIAN_72);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^migrate_set_state\(const char \*new_state\) "new state %s"$/m);
    expect(r.err).toMatch(/5078 events, 0 errors/);
    const d = qtw('catalogue', DEBIAN_72, '--diff', path.join(SAMPLES, 'qemu-10.2.50/a-precopy/trace-events-all'));
    expect(d.code).toBe(0);
    expect(d.out).toMatch(/multifd_send_fill/);
    expect(d.out).toMatch(/multifd_send_thread_end/);
  });

  it('Ctrl+C during an ingest leaves a consistent workspace', async () => {
    // A log big enough to take a few seconds: the real multifd log, repeated.
    const one = readFileSync(path.join(B, 'src.log'));
    const big = path.join(tmp.dir, 'big.log');
    writeFileSync(big, Buffer.concat(Array.from({ length: 250 }, () => one)));
    const w = path.join(tmp.dir, 'sigint.duckdb');
    expect(qtw('ingest', '-o', w, '--catalogue', DEBIAN_72, path.join(B, 'dst.log.gz')).code).toBe(0);
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(REPO, 'src-main/hosts/cli/main.ts'), 'ingest', '-o', w, '--catalogue', DEBIAN_72, big], { cwd: tmp.dir });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await new Promise<void>((resolve) => {
      // Interrupt once the ingest reports progress, i.e. rows are being written.
      child.stderr.on('data', (d) => {
        if (/ingest: |█|░/.test(String(d))) {
          child.kill('SIGINT');
          resolve();
        }
      });
      setTimeout(() => {
        child.kill('SIGINT');
        resolve();
      }, 8000);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(/cancelled/);
    expectOneLineError(err);
    const q = qtw('query', w, `SELECT (SELECT count(*) FROM traces) AS traces, (SELECT count(*) FROM events) AS events, (SELECT records FROM traces) AS records`, '--format', 'json');
    const [t] = JSON.parse(q.out);
    expect(t.traces).toBe(1);
    expect(t.events).toBe(t.records);
  });

  it('Ctrl+C during a retype leaves the trace with the rows it had', async () => {
    const one = readFileSync(path.join(B, 'src.log'));
    const big = path.join(tmp.dir, 'big-retype.log');
    writeFileSync(big, Buffer.concat(Array.from({ length: 40 }, () => one)));
    const w = path.join(tmp.dir, 'sigint-retype.duckdb');
    expect(qtw('ingest', '-q', '-o', w, '--catalogue', DEBIAN_72, big).code).toBe(0);
    const state = `SELECT t.*, (SELECT count(*) FROM events) AS event_rows, (SELECT count(*) FROM unparsed) AS unparsed_rows, (SELECT list(name ORDER BY name) FROM qtw_event_tables) AS tables FROM traces t`;
    const before = qtw('query', w, state, '--format', 'json').out;
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(REPO, 'src-main/hosts/cli/main.ts'), 'retype', w, '1', '--catalogue', 'qemu-10.2'], { cwd: tmp.dir });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await new Promise<void>((resolve) => {
      // Interrupt once the retype reports progress, i.e. new rows are being written.
      child.stderr.on('data', (d) => {
        if (/retype: |█|░/.test(String(d))) {
          child.kill('SIGINT');
          resolve();
        }
      });
      setTimeout(() => {
        child.kill('SIGINT');
        resolve();
      }, 8000);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(/^retype cancelled; trace 1 is as it was$/m);
    expectOneLineError(err);
    expect(qtw('query', w, state, '--format', 'json').out).toBe(before);
  });
});
