// Every analysis view exists and runs in every workspace — the sample migrations of each QEMU
// version and trace format, simpletrace files with no migration events, an empty workspace —
// with the same columns and types everywhere (a view over events that were not traced is empty).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { ANALYSES } from '../../../src-main/analyses/index.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';

const LOG72 = path.join(SAMPLES, 'qemu-7.2.22-log');
const DIR10 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const ST = path.join(SAMPLES, 'simpletrace');

const WORKSPACES: [string, string[], string[]][] = [
  ['empty', [], []],
  ['7.2 a-precopy', ['a-precopy/src.log.gz', 'a-precopy/dst.log.gz'].map((f) => path.join(LOG72, f)), [DEBIAN_72]],
  ['7.2 b-multifd4', ['b-multifd4/src.log', 'b-multifd4/dst.log.gz'].map((f) => path.join(LOG72, f)), [DEBIAN_72]],
  [
    '7.2 multifd without timestamps',
    ['qemu-7.2.22-log-nots-multifd-src.log', 'qemu-7.2.22-log-nots-multifd-dst.log'].map((f) => path.join(LOG72, f)),
    [DEBIAN_72],
  ],
  [
    '10.2.50 logs and simpletrace',
    ['src.log.gz', 'dst.log.gz', 'src.simple.gz', 'dst.simple.gz'].map((f) => path.join(DIR10, f)),
    [path.join(DIR10, 'trace-events-all')],
  ],
  [
    'simpletrace samples only',
    ['simpletrace-v4-example.bin', 'simpletrace-v4-multi.bin'].map((f) => path.join(ST, f)),
    ['simpletrace-v4-example.trace-events', 'simpletrace-v4-multi.trace-events'].map((f) => path.join(ST, f)),
  ],
];

/** Every relation the library defines: its views, and its macros called with a width. */
const RELATIONS = [
  ...ANALYSES.map((a) => a.name),
  'migration_pairs',
  'multifd_packets',
  'postcopy_blocktime',
  'multifd_throughput(100)',
  'postcopy_latency_histogram(1)',
];

async function rows(engine: WorkspaceEngine, sql: string): Promise<unknown[][]> {
  const out: unknown[][] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (r) => void out.push(...r) });
  return out;
}

async function shape(engine: WorkspaceEngine, relation: string): Promise<string[]> {
  const d = await rows(engine, `DESCRIBE SELECT * FROM ${relation}`);
  return d.map(([name, type]) => `${String(name)} ${String(type)}`);
}

const shapes = new Map<string, Map<string, string[]>>();

describe.each(WORKSPACES)('workspace: %s', (label, inputs, catalogues) => {
  const tmp = scratch();
  let engine: WorkspaceEngine;

  beforeAll(async () => {
    engine = await WorkspaceEngine.open(path.join(tmp.dir, 'ws.duckdb'));
    if (inputs.length) {
      const r = await engine.openInputs(inputs, { catalogues });
      expect(r.errors).toEqual([]);
      expect(r.traces.length).toBe(inputs.length);
    }
  });
  afterAll(() => {
    engine?.close();
    tmp.cleanup();
  });

  it('every view and macro runs', async () => {
    const mine = new Map<string, string[]>();
    for (const rel of RELATIONS) {
      const [[n]] = await rows(engine, `SELECT count(*) FROM ${rel}`);
      expect(Number(n), rel).toBeGreaterThanOrEqual(0);
      mine.set(rel, await shape(engine, rel));
    }
    shapes.set(label, mine);
  });

  it('has the same columns and types as the empty workspace', () => {
    const empty = shapes.get('empty');
    const mine = shapes.get(label);
    expect(empty && mine).toBeTruthy();
    for (const rel of RELATIONS) expect(mine?.get(rel), rel).toEqual(empty?.get(rel));
  });

  it('has a migration_overview row per trace that changed migration state', async () => {
    const [[withStates]] = await rows(engine, `SELECT count(DISTINCT trace_id) FROM migration_states`);
    const [[overview]] = await rows(engine, `SELECT count(DISTINCT trace_id) FROM migration_overview`);
    expect(overview).toBe(withStates);
    if (label.startsWith('7.2') || label.startsWith('10.2')) expect(Number(overview)).toBeGreaterThanOrEqual(2);
  });
});
