// The Migration and Compare pages' queries on workspaces that cannot fill them: each query says
// why it has no SQL (an analysis view or a traced event absent) instead of failing, and the
// ones that can run return no rows.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineService } from '../../../src-main/service/api.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { Workspace } from '../../../src-main/workspace/workspace.ts';
import { scratch } from '../../helpers/paths.ts';

const tmp = scratch('qtw-page-queries-');
afterAll(() => tmp.cleanup());

describe('page queries without a migration', () => {
  it('a workspace with the analyses but no traces: no state events, empty charts, no attempts', async () => {
    const f = path.join(tmp.dir, 'empty.duckdb');
    (await WorkspaceEngine.open(f)).close();
    const svc = await EngineService.open(f, { host: 'server', readOnly: true });
    try {
      const page = await svc.call('migrationPage', {});
      expect(page.overview).toMatchObject({ error: null, missing: null, rows: [] });
      expect(page.charts.states).toMatchObject({ sql: null, missing: 'No migrate_set_state events in these traces.' });
      for (const id of ['dirty', 'throughput', 'multifd', 'postcopy', 'downtime'] as const) {
        expect(page.charts[id].error, id).toBeNull();
        expect(page.charts[id].sql, id).toMatch(/^(WITH|SELECT)/);
        expect(page.charts[id].rows, id).toEqual([]);
      }
      // Without state changes there is no shared time axis: per-channel totals, not lanes.
      expect(page.charts.multifd.sql).toContain('FROM multifd_channels');
      const cmp = await svc.call('compareAttempts', { a: { side: 'src', attempt: 1, traceId: 1 }, b: { side: 'dst', attempt: 1, traceId: 2 } });
      expect(cmp.attempts.rows).toEqual([]);
      expect(cmp.phases?.error).toBeNull();
      expect(cmp.events?.rows).toEqual([]);
    } finally {
      await svc.close();
    }
  });

  it('a workspace whose analysis views were never made: each query names the missing analysis', async () => {
    const f = path.join(tmp.dir, 'bare.duckdb');
    (await Workspace.open(f)).close();
    const svc = await EngineService.open(f, { host: 'server', readOnly: true });
    try {
      const page = await svc.call('migrationPage', {});
      expect(page.overview).toMatchObject({ sql: null, missing: 'The migration_overview analysis is not in this workspace.' });
      expect(page.charts.dirty.missing).toBe('The dirty_sync_iterations analysis is not in this workspace.');
      expect(page.charts.downtime.missing).toBe('The downtime_breakdown analysis is not in this workspace.');
      const cmp = await svc.call('compareAttempts', { a: { side: 'src', attempt: null, traceId: null }, b: { side: 'src', attempt: null, traceId: null } });
      expect(cmp.phases?.missing).toBe('The migration_overview analysis is not in this workspace.');
    } finally {
      await svc.close();
    }
  });
});
