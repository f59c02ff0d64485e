// The Fleet (analyses/fleet.ts) through `qtw fleet` as a user runs it, on the QEMU 7.2 sample
// folder: three runs as the run assignment makes them from the folder's layout, one row each,
// and each run's numbers equal QEMU's own query-migrate.json (within the whole-millisecond
// rounding of QEMU's clocks); the timestamp-less pair says why it has no numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FLEET_PAGE_BYTES } from '../../../src-main/analyses/fleet.ts';
import { DEBIAN_72, REPO, SAMPLES, scratch } from '../../helpers/paths.ts';

const LOG72 = path.join(SAMPLES, 'qemu-7.2.22-log');
const tmp = scratch('qtw-fleet-');
const ws = path.join(tmp.dir, 'fleet.duckdb');

function qtw(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin/qtw.mjs'), ...args], {
    encoding: 'utf8',
    cwd: tmp.dir,
    env: { ...process.env, FORCE_COLOR: '0' },
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function expectOneLineError(stderr: string) {
  expect(stderr.trim().split('\n')[0]).toMatch(/^qtw: /);
  expect(stderr).not.toMatch(/\n\s+at /);
}

interface QueryMigrate {
  status: string;
  'total-time': number;
  'setup-time': number;
  downtime: number;
  ram: { 'dirty-sync-count': number; normal: number; 'normal-bytes': number; 'multifd-bytes': number; 'page-size': number };
}

type FleetRow = Record<string, string | number | boolean | null>;

const json = <T,>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

let rows: FleetRow[] = [];
/** trace id → its input path, to find each sample folder's run without trusting its label. */
let tracePaths = new Map<number, string>();

beforeAll(() => {
  const ing = qtw('ingest', '-q', '-o', ws, '--catalogue', DEBIAN_72, LOG72);
  expect(ing.err).toMatch(/trace 6: /);
  const f = qtw('fleet', ws, '--format', 'json');
  expect(f.code, f.err).toBe(0);
  rows = JSON.parse(f.out) as FleetRow[];
  const t = qtw('query', ws, 'SELECT trace_id, path FROM traces', '--format', 'json');
  tracePaths = new Map((JSON.parse(t.out) as { trace_id: number; path: string }[]).map((r) => [r.trace_id, r.path]));
});
afterAll(() => tmp.cleanup());

function runOf(folder: string): FleetRow {
  const mine = rows.filter((r) => path.dirname(tracePaths.get(Number(r.src_trace_id)) ?? '') === path.join(LOG72, folder));
  expect(mine, folder).toHaveLength(1);
  return mine[0]!;
}

describe('qtw fleet on the QEMU 7.2 sample folder', () => {
  it('one row per run, every run of the workspace once', () => {
    const runs = JSON.parse(qtw('query', ws, 'SELECT run_id FROM runs ORDER BY run_id', '--format', 'json').out) as { run_id: number }[];
    expect(runs).toHaveLength(3);
    expect(rows.map((r) => r.run_id).sort()).toEqual(runs.map((r) => r.run_id));
  });

  describe.each(['a-precopy', 'b-multifd4'])('%s', (folder) => {
    const qm = json<QueryMigrate>(path.join(LOG72, folder, 'query-migrate.json'));

    it("equals QEMU's query-migrate.json", () => {
      const r = runOf(folder);
      expect(r.numbers_from).toBe('src');
      expect(r.final_state).toBe(qm.status);
      expect(r.dst_final_state).toBe('completed');
      expect(Math.abs(Number(r.total_ms) - qm['total-time'])).toBeLessThanOrEqual(5);
      expect(Math.abs(Number(r.downtime_ms) - qm.downtime)).toBeLessThanOrEqual(3);
      expect(Math.abs(Number(r.setup_ms) - qm['setup-time'])).toBeLessThanOrEqual(2);
      expect(r.dirty_syncs).toBe(qm.ram['dirty-sync-count']);
      expect(r.qemu_version).toBe('7.2.22');
      expect(r.note).toBeNull();
    });

    it('pages exact: ram.normal, or with multifd the pages of multifd-bytes to the byte', () => {
      const r = runOf(folder);
      if (Number(r.multifd_channels) === 0) {
        expect(r.normal_pages).toBe(qm.ram.normal);
        return;
      }
      expect(r.multifd_channels).toBe(4);
      // 7.2 sends each packet as a 320-byte header plus one u64 per slot of 512 KiB, then its
      // pages; query-migrate's ram.normal runs short of them (analyses-samples.test.ts).
      const packets = Number(JSON.parse(qtw('query', ws, `SELECT count(*) AS n FROM multifd_send WHERE trace_id = ${Number(r.src_trace_id)}`, '--format', 'json').out)[0].n);
      const page = qm.ram['page-size'];
      expect(packets * (320 + 8 * ((512 * 1024) / page)) + Number(r.normal_pages) * page).toBe(qm.ram['multifd-bytes']);
    });

    it('throughput is the pages sent whole over total time, with the page size QEMU reports', () => {
      const r = runOf(folder);
      expect(qm.ram['page-size']).toBe(FLEET_PAGE_BYTES);
      const bits = Number(r.normal_pages) * qm.ram['page-size'] * 8;
      expect(Number(r.throughput_mbps)).toBeCloseTo(bits / Number(r.total_ms) / 1000, 2);
      if (Number(r.multifd_channels) === 0) expect(Number(r.normal_pages) * qm.ram['page-size']).toBe(qm.ram['normal-bytes']);
    });
  });

  it('the pair without timestamps has a row whose note says why its measures are NULL', () => {
    const r = rows.find((x) => /nots-multifd-src\.log$/.test(tracePaths.get(Number(x.src_trace_id)) ?? ''));
    expect(r).toBeDefined();
    expect(r!.note).toMatch(/no timestamps/);
    for (const k of ['final_state', 'total_ms', 'downtime_ms', 'dirty_syncs', 'normal_pages', 'throughput_mbps']) expect(r![k], k).toBeNull();
    // The raw rows are there: the NULLs are the fleet's refusal to guess, not missing events.
    const syncs = JSON.parse(qtw('query', ws, `SELECT count(*) AS n FROM migration_bitmap_sync_start WHERE trace_id = ${Number(r!.src_trace_id)}`, '--format', 'json').out)[0].n;
    expect(Number(syncs)).toBeGreaterThan(0);
  });

  it('csv, markdown and table print the same runs and columns', () => {
    const cols = Object.keys(rows[0]!);
    const csv = qtw('fleet', ws, '--format', 'csv');
    expect(csv.code).toBe(0);
    const lines = csv.out.trim().split('\n');
    expect(lines[0]).toBe(cols.join(','));
    expect(lines).toHaveLength(rows.length + 1);
    const md = qtw('fleet', ws, '--format', 'markdown').out.trim().split('\n');
    expect(md).toHaveLength(rows.length + 2);
    expect(md[0]).toContain('| run_id | label |');
    const table = qtw('fleet', ws);
    expect(table.out.trim().split('\n').at(-1)).toBe(`(${rows.length} rows)`);
    expect(table.err).toMatch(/throughput_mbps = normal_pages/);
  });

  it('bad input: one line and exit 1; usage errors exit 2', () => {
    const missing = qtw('fleet', path.join(tmp.dir, 'nope.duckdb'));
    expect(missing.code).toBe(1);
    expectOneLineError(missing.err);
    expect(missing.err).toMatch(/nope\.duckdb: no such workspace/);
    expect(qtw('fleet').code).toBe(2);
    expect(qtw('fleet', ws, '--format', 'xml').code).toBe(2);
  });
});
