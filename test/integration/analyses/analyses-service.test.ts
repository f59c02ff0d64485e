// listAnalyses over the service: every analysis with its SQL for this workspace, runnable as
// the user would run it from the editor; the views were created by the ingest and survive reopening.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { ANALYSES } from '../../../src-main/analyses/index.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';

const A = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');

describe('listAnalyses', () => {
  const tmp = scratch();
  const ws = path.join(tmp.dir, 'ws.duckdb');
  let svc: EngineService;

  beforeAll(async () => {
    const engine = await WorkspaceEngine.open(ws);
    const r = await engine.openInputs([path.join(A, 'src.log.gz'), path.join(A, 'dst.log.gz')], { catalogues: [DEBIAN_72] });
    expect(r.errors).toEqual([]);
    engine.close();
    svc = await EngineService.open(ws, { host: 'server', readOnly: true });
  });
  afterAll(async () => {
    await svc?.close();
    tmp.cleanup();
  });

  it('lists every analysis with title, description and rendered SQL', async () => {
    const list = await svc.call('listAnalyses', {});
    expect(list.map((a) => a.name)).toEqual(ANALYSES.map((a) => a.name));
    for (const a of list) {
      expect(a.title.length).toBeGreaterThan(0);
      expect(a.description.length).toBeGreaterThan(0);
      expect(a.sql).toContain(`VIEW ${a.name} AS`);
      expect(a.sql).not.toContain('{{');
      expect(a.rowsSql).toBe(`SELECT * FROM "${a.name}"`);
      // The trace-event placeholders became real tables of this workspace.
      if (a.name === 'migration_states') expect(a.sql).toContain('FROM "migrate_set_state"');
    }
  });

  it('the views made at ingest are there in a read-only session', async () => {
    const r = await svc.call('runQuery', { sql: `SELECT side, final_state FROM migration_overview ORDER BY side` });
    const page = await svc.call('fetchRows', { handle: r.handle, offset: 0, count: 10, sort: null });
    expect(page.rows.map((row) => row.map(String))).toEqual([
      ['dst', 'completed'],
      ['src', 'completed'],
    ]);
  });
});
