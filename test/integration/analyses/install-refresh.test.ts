// The analysis views are refreshed after every ingest, and an analysis whose SQL (rendered for
// the event tables present) and bound tables did not change is left as it is. What the views
// answer after ingests one at a time must still be what they answer when made from scratch;
// and each catalogue's events are stored once however many traces it types. On the QEMU 7.2
// multifd sample (b-multifd4), its source and destination ingested by two commands.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYSES } from '../../../src-main/analyses/index.ts';
import { installAnalyses } from '../../../src-main/analyses/install.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';

const MULTIFD = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');

/** Every relation the library defines: its views, and its macros called with a width. */
const RELATIONS = [
  ...ANALYSES.map((a) => a.name),
  'migration_pairs',
  'multifd_packets',
  'postcopy_blocktime',
  'multifd_throughput(100)',
  'postcopy_latency_histogram(1)',
];

async function rows(engine: WorkspaceEngine, sql: string): Promise<string> {
  const out: unknown[][] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (r) => void out.push(...r) });
  return JSON.stringify(out, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** Every analysis relation's rows, in a fixed order. */
async function answers(engine: WorkspaceEngine): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const r of RELATIONS) out.set(r, await rows(engine, `SELECT * FROM ${r} ORDER BY ALL`));
  return out;
}

async function comments(engine: WorkspaceEngine): Promise<Map<string, string>> {
  const out: unknown[][] = [];
  await engine.streamQuery(`SELECT view_name, comment FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY 1`, {
    columns() {},
    rows: (r) => void out.push(...r),
  });
  return new Map(out.map(([n, c]) => [String(n), String(c)]));
}

describe('analysis views refreshed after each ingest', () => {
  const tmp = scratch('qtw-install-refresh-');
  const ws = path.join(tmp.dir, 'ws.duckdb');

  beforeAll(async () => {
    // Two commands: the destination's event tables arrive with the second.
    for (const file of ['src.log', 'dst.log.gz']) {
      const engine = await WorkspaceEngine.open(ws);
      try {
        const r = await engine.openInputs([path.join(MULTIFD, file)], { catalogues: [DEBIAN_72] });
        expect(r.traces).toHaveLength(1);
      } finally {
        engine.close();
      }
    }
  });
  afterAll(() => tmp.cleanup());

  it('answer as the views made from scratch, and a refresh with nothing changed makes none again', async () => {
    const engine = await WorkspaceEngine.open(ws);
    try {
      const incremental = await answers(engine);
      // The migration really is there: not a comparison of empty views.
      expect(JSON.parse(incremental.get('migration_overview')!)).toHaveLength(2);
      expect(JSON.parse(incremental.get('multifd_channels')!).length).toBeGreaterThan(0);
      const before = await comments(engine);
      expect([...before.values()].filter((c) => c.startsWith('qtw analysis ')).length).toBeGreaterThanOrEqual(ANALYSES.length);
      // A view replaced by hand loses its stamp, and is made again (with those after it).
      await engine.streamQuery('CREATE OR REPLACE VIEW multifd_channels AS SELECT 1 AS x', { columns() {}, rows() {} });
      await installAnalyses(engine.ws.conn);
      expect(await comments(engine)).toEqual(before);
      // From scratch: every view and macro dropped, then made again.
      for (const r of [...RELATIONS].reverse()) {
        const name = r.replace(/\(.*$/, '');
        const macro = r.includes('(');
        await engine.streamQuery(`DROP ${macro ? 'MACRO TABLE' : 'VIEW'} IF EXISTS ${name}`, { columns() {}, rows() {} });
      }
      await installAnalyses(engine.ws.conn);
      expect(await answers(engine)).toEqual(incremental);
      expect(await comments(engine)).toEqual(before);
    } finally {
      engine.close();
    }
  });

  it('a table whose columns change makes every view again', async () => {
    const engine = await WorkspaceEngine.open(ws);
    try {
      const before = await comments(engine);
      await engine.streamQuery('ALTER TABLE runs ADD COLUMN note_by_hand VARCHAR', { columns() {}, rows() {} });
      await installAnalyses(engine.ws.conn);
      const after = await comments(engine);
      for (const a of ANALYSES) expect(after.get(a.name)).not.toBe(before.get(a.name));
    } finally {
      engine.close();
    }
  });

  it('stores the catalogue\'s events once for both traces it types', async () => {
    const engine = await WorkspaceEngine.open(ws);
    try {
      const counts = JSON.parse(await rows(engine, `SELECT (SELECT count(*) FROM catalogues), (SELECT count(DISTINCT catalogue_id) FROM traces),
        (SELECT count(*) FROM catalogue_events), (SELECT count(DISTINCT (catalogue_id, name)) FROM catalogue_events), (SELECT max(events) FROM catalogues)`)) as (string | number)[][];
      const [cats, used, events, distinct, declared] = counts[0].map((v) => Number(String(v).replace(/n$/, '')));
      expect([cats, used]).toEqual([1, 1]);
      expect(events).toBe(distinct);
      expect(events).toBe(declared);
      expect(events).toBeGreaterThan(1000);
    } finally {
      engine.close();
    }
  });
});
