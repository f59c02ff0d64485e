// The workspace schema version is read on open: a workspace made by the previous schema (version
// 1: traces without the four columns added since) is migrated by a writable open and bridged,
// untouched, by a read-only one; a version newer than this build is refused with one line.
// The old workspace is a real ingest of the QEMU 7.2 a-precopy sample, taken back to version 1.
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineService } from '../../../src-main/service/api.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src-main/workspace/schema.ts';
import { Workspace } from '../../../src-main/workspace/workspace.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';

const A = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');
const NEW_COLUMNS = ['paste_normalized', 'continuation_lines', 'catalogue_version', 'catalogue_fit', 'year_assumed', 'run_id', 'original_name', 'alternate_of'];
const tmp = scratch('qtw-schema-version-');
/** A version-1 workspace with the sample's two traces; copied before each use. */
const v1 = path.join(tmp.dir, 'v1.duckdb');

/** Raw facts of a file, read without the engine: its recorded version and traces' columns. */
async function inspect(file: string): Promise<{ version: string | null; columns: string[]; traces: number }> {
  const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const c = await db.connect();
  try {
    const v = await c.runAndReadAll(`SELECT value FROM qtw_meta WHERE key = 'schema_version'`);
    const cols = await c.runAndReadAll(`SELECT column_name FROM duckdb_columns() WHERE table_name = 'traces' AND schema_name = 'main' ORDER BY column_index`);
    const n = await c.runAndReadAll(`SELECT count(*) FROM traces`);
    return { version: v.currentRowCount ? String(v.getRowsJS()[0]![0]) : null, columns: cols.getRowsJS().map((r) => String(r[0])), traces: Number(n.getRowsJS()[0]![0]) };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

async function exec(file: string, sql: string): Promise<void> {
  const db = await DuckDBInstance.create(file);
  const c = await db.connect();
  try {
    await c.run(sql);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

function copyOf(src: string, name: string): string {
  const f = path.join(tmp.dir, name);
  copyFileSync(src, f);
  return f;
}

beforeAll(async () => {
  const e = await WorkspaceEngine.open(v1);
  const r = await e.openInputs([path.join(A, 'src.log.gz'), path.join(A, 'dst.log.gz')], { catalogues: [DEBIAN_72] });
  expect(r.errors).toEqual([]);
  e.close();
  // What the previous schema wrote: traces without the newer columns, version '1'.
  await exec(v1, `${NEW_COLUMNS.map((c) => `ALTER TABLE traces DROP COLUMN ${c};`).join('\n')}
    DROP TABLE runs; DELETE FROM qtw_meta WHERE key = 'last_run_id';
    UPDATE qtw_meta SET value = '1' WHERE key = 'schema_version'; CHECKPOINT;`);
  const before = await inspect(v1);
  expect(before.version).toBe('1');
  expect(before.traces).toBe(2);
  for (const c of NEW_COLUMNS) expect(before.columns).not.toContain(c);
}, 180_000);

afterAll(() => tmp.cleanup());

describe('workspace schema version', () => {
  it('the migrations lead from version 1 to this build, one version a step', () => {
    expect(MIGRATIONS.map((m) => m.to)).toEqual(Array.from({ length: SCHEMA_VERSION - 1 }, (_, i) => i + 2));
  });

  it('a new workspace records the current version', async () => {
    const f = path.join(tmp.dir, 'new.duckdb');
    (await Workspace.open(f)).close();
    const got = await inspect(f);
    expect(got.version).toBe(String(SCHEMA_VERSION));
    for (const c of NEW_COLUMNS) expect(got.columns).toContain(c);
  });

  it('a writable open migrates a version-1 workspace: columns added, version recorded, pages work', async () => {
    const f = copyOf(v1, 'migrate.duckdb');
    const svc = await EngineService.open(f, { host: 'server' });
    try {
      const traces = await svc.call('listTraces', {});
      expect(traces.map((t) => t.side)).toEqual(['src', 'dst']);
      // Written before these columns existed: nothing known about them.
      expect(traces.map((t) => [t.catalogueVersion, t.pasteNormalized])).toEqual([[null, null], [null, null]]);
      // Runs did not exist either: the open planned them.
      const runs = await svc.call('listRuns', {});
      expect(runs.map((r) => [r.label, r.srcTraceId, r.dstTraceId, r.pairedBy])).toEqual([['a-precopy', traces[0].traceId, traces[1].traceId, 'layout']]);
      const page = await svc.call('migrationPage', { runId: null, attempt: null });
      expect(page.overview.error).toBeNull();
      expect(page.overview.rows.map((r) => r.side)).toEqual(['src', 'dst']);
    } finally {
      await svc.close();
    }
    const after = await inspect(f);
    expect(after.version).toBe(String(SCHEMA_VERSION));
    for (const c of NEW_COLUMNS) expect(after.columns).toContain(c);
    expect(after.traces).toBe(2);
  });

  it('a read-only open of a version-1 workspace is refused in one line (runs need a writable open to be planned) and leaves the file as it was', async () => {
    const f = copyOf(v1, 'readonly.duckdb');
    const line = `${f}: workspace schema version 1 is older than this qtw (${SCHEMA_VERSION}) and cannot be read as it is: open it once without read-only to upgrade it (\`qtw runs ${f}\` does)`;
    await expect(EngineService.open(f, { host: 'server', readOnly: true })).rejects.toThrow(line);
    const after = await inspect(f);
    expect(after.version).toBe('1');
    for (const c of NEW_COLUMNS) expect(after.columns).not.toContain(c);
  });

  it('a workspace of a newer schema is refused with one line, writable or read-only, and not changed', async () => {
    const f = copyOf(v1, 'future.duckdb');
    const next = SCHEMA_VERSION + 1;
    await exec(f, `UPDATE qtw_meta SET value = '${next}' WHERE key = 'schema_version'; CHECKPOINT;`);
    const line = `${f}: workspace schema version ${next} is newer than this qtw (${SCHEMA_VERSION}): use a newer qtw`;
    await expect(WorkspaceEngine.open(f)).rejects.toThrow(line);
    await expect(EngineService.open(f, { host: 'server', readOnly: true })).rejects.toThrow(line);
    const after = await inspect(f);
    expect(after.version).toBe(String(next));
    for (const c of NEW_COLUMNS) expect(after.columns).not.toContain(c);
  });

  it('a schema version that is not a number is refused', async () => {
    const f = copyOf(v1, 'garbled.duckdb');
    await exec(f, `UPDATE qtw_meta SET value = 'two' WHERE key = 'schema_version'; CHECKPOINT;`);
    await expect(Workspace.open(f)).rejects.toThrow(`${f}: workspace schema version 'two' is not one qtw writes`);
  });
});
