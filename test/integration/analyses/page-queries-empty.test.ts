// The Migration and Compare pages on workspaces that cannot fill them: no runs (no traces), or
// no analysis views. Each query says why it has no SQL instead of failing.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineService } from '../../../src-main/service/api.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { scratch } from '../../helpers/paths.ts';

const tmp = scratch('qtw-page-queries-');
afterAll(() => tmp.cleanup());

describe('page queries without a migration', () => {
  it('a workspace with the analyses but no traces: no runs, and every query says so', async () => {
    const f = path.join(tmp.dir, 'empty.duckdb');
    (await WorkspaceEngine.open(f)).close();
    const svc = await EngineService.open(f, { host: 'server', readOnly: true });
    try {
      const page = await svc.call('migrationPage', { runId: null, attempt: null });
      const why = 'No traces in this workspace yet: open the source and destination traces of a migration.';
      expect([page.runs, page.selection, page.attempts, page.noRuns]).toEqual([[], null, [], why]);
      expect(page.overview).toMatchObject({ sql: null, missing: why, rows: [] });
      for (const q of Object.values(page.charts)) expect(q).toMatchObject({ sql: null, missing: why, error: null, rows: [] });
      const cmp = await svc.call('compareRuns', { a: null, b: null });
      expect([cmp.runs, cmp.noRuns, cmp.src, cmp.dst]).toEqual([[], why, null, null]);
      // A run that is not there is refused, not shown empty.
      await expect(svc.call('migrationPage', { runId: 1, attempt: null })).rejects.toMatchObject({ code: 'not-found', message: 'no run 1 in this workspace' });
      await expect(svc.call('compareRuns', { a: { runId: 1, attempt: null }, b: { runId: 2, attempt: null } })).rejects.toMatchObject({ code: 'not-found' });
    } finally {
      await svc.close();
    }
  });
});
