// Re-typing a trace with another catalogue (WorkspaceEngine.retypeTrace), on the real QEMU 10.2.50 and
// 7.2.22 logs: the trace keeps its id; typed with an older release the events it lacks or
// declares otherwise go to unparsed; typed back with the build's own trace-events-all it has,
// value for value, the rows and the traces row of a fresh ingest; readers see the old rows until
// the commit; a cancel, a changed or vanished source file and a catalogue that types nothing
// leave the workspace exactly as it was; a trace read from a tar.gz member is read from it again.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventSpec } from '../../../src-main/catalogue/types.ts';
import { resolveCatalogues, signature } from '../../../src-main/catalogue/index.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { tar } from '../../helpers/archives.ts';
import { failure } from '../../helpers/failure.ts';
import { engineRows } from '../../helpers/ingest-one.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';

const DIR = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const SRC = path.join(DIR, 'src.log.gz');
const DST = path.join(DIR, 'dst.log.gz');
/** The trace-events-all of the build that wrote the 10.2.50 sample. */
const OWN = path.join(DIR, 'trace-events-all');
const LOG72 = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4/src.log');

const tmp = scratch('qtw-retype-');
afterAll(() => tmp.cleanup());

const one = async (e: WorkspaceEngine, sql: string): Promise<unknown> => (await engineRows(e, sql))[0][0];

async function open(name: string, inputs: string[], catalogues: string[]): Promise<WorkspaceEngine> {
  const e = await WorkspaceEngine.open(path.join(tmp.dir, name));
  const r = await e.openInputs(inputs, { catalogues });
  expect(r.errors).toEqual([]);
  expect(r.traces).toHaveLength(inputs.length);
  return e;
}

/** Every table's rows (as text, sorted), the traces rows and the registry: what must not change. */
async function snapshot(e: WorkspaceEngine): Promise<Record<string, unknown>> {
  const tables = (await engineRows(e, `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' ORDER BY 1`)).map((r) => String(r[0]));
  const out: Record<string, unknown> = { tables, views: await engineRows(e, `SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY 1`) };
  for (const t of tables) {
    out[t] = await engineRows(e, `SELECT count(*), md5(coalesce(string_agg(x::VARCHAR, chr(10) ORDER BY x::VARCHAR), '')) FROM "${t}" x`);
  }
  out.traces = await engineRows(e, 'SELECT * FROM traces ORDER BY trace_id');
  return out;
}

/** Same event declaration: same signature, format and properties (a record then types alike). */
function sameSpec(a: EventSpec | undefined, b: EventSpec | undefined): boolean {
  return a !== undefined && b !== undefined && signature(a) === signature(b) && a.format === b.format && a.properties.join(' ') === b.properties.join(' ');
}

describe('retypeTrace on the QEMU 10.2.50 precopy logs', () => {
  let a: WorkspaceEngine;
  const fresh = path.join(tmp.dir, 'fresh.duckdb');
  let before: Awaited<ReturnType<WorkspaceEngine['listTraces']>>;

  beforeAll(async () => {
    // The reference: both traces ingested with the build's own catalogue.
    const b = await open('fresh.duckdb', [SRC, DST], [OWN]);
    b.close();
    a = await open('a.duckdb', [SRC, DST], [OWN]);
    before = await a.listTraces();
  }, 120_000);
  afterAll(() => a?.close());

  it('typed with qemu-7.2: the same id and records, what 7.2 declares otherwise in unparsed; readers see the old rows until the commit', async () => {
    const old = before[0];
    expect(old.unparsed).toBe(0);
    const reader = await a.ws.instance.connect();
    const seen = async () => (await reader.runAndReadAll(`SELECT (SELECT catalogue_id FROM traces WHERE trace_id = 1), (SELECT count(*) FROM unparsed WHERE trace_id = 1), (SELECT count(*) FROM events WHERE trace_id = 1)`)).getRowsJS()[0];
    let during: Promise<unknown[]> | null = null;
    let readBeforeCommit = false;
    let answered = false;
    const messages: string[] = [];
    const s = await a.retypeTrace(1, 'qemu-7.2', {
      onProgress: () => {
        // Progress is reported up to the end of the parse, before the commit: a read that
        // has answered by a later report answered while the new rows were being written.
        if (during === null) during = seen().then((r) => ((answered = true), r));
        else if (answered) readBeforeCommit = true;
      },
      onMessage: (l) => messages.push(l),
    });
    expect(readBeforeCommit).toBe(true);
    expect(await during).toEqual([old.catalogueId, 0n, BigInt(old.events)]);
    expect(s.cancelled).toBe(false);
    expect(s.errors).toEqual([]);
    expect(s.traces).toHaveLength(1);
    const t = s.traces[0];
    expect(t).toEqual((await a.listTraces())[0]);
    expect(t.traceId).toBe(1);
    expect(t.catalogueVersion).toBe('7.2.0');
    expect(t.catalogueId).toMatch(/^qemu-7\.2\.0\/trace-events-all@/);
    expect(t.records).toBe(old.records);
    expect(t.events + t.unparsed).toBe(old.records);
    expect(t.unparsed).toBeGreaterThan(0);
    expect(t.catalogueMisfits).toBe(t.unparsed);
    expect(await seen()).toEqual([t.catalogueId, BigInt(t.unparsed), BigInt(t.events)]);
    reader.closeSync();
    expect(await a.ws.inconsistency()).toBeNull();
    // Identity and what the user set are kept.
    const row = async (id: number) => (await engineRows(a, `SELECT path, member, encodings, sha256, bytes, clock_offset_ns, side, side_source, format, prefix_style FROM traces WHERE trace_id = ${id}`))[0];
    const ref = await WorkspaceEngine.open(fresh, { readOnly: true });
    try {
      expect(await row(1)).toEqual((await engineRows(ref, `SELECT path, member, encodings, sha256, bytes, clock_offset_ns, side, side_source, format, prefix_style FROM traces WHERE trace_id = 1`))[0]);
      // An event 7.2 declares as the build did is typed as in the fresh ingest, record for record;
      // every record left untyped names an event 7.2 lacks or declares otherwise.
      const [c72] = await resolveCatalogues(['qemu-7.2']);
      const [c10] = await resolveCatalogues([OWN]);
      const freshCounts = new Map((await engineRows(ref, `SELECT name, count(*) FROM events WHERE trace_id = 1 GROUP BY name`)).map(([n, c]) => [String(n), Number(c)]));
      const typed = new Map((await engineRows(a, `SELECT name, count(*) FROM events WHERE trace_id = 1 GROUP BY name`)).map(([n, c]) => [String(n), Number(c)]));
      const untyped = new Map((await engineRows(a, `SELECT name, count(*) FROM unparsed WHERE trace_id = 1 GROUP BY name`)).map(([n, c]) => [String(n), Number(c)]));
      let same = 0;
      for (const [name, n] of freshCounts) {
        if (!sameSpec(c72.get(name), c10.get(name))) continue;
        same++;
        expect(typed.get(name), name).toBe(n);
      }
      expect(same).toBeGreaterThan(10);
      for (const name of untyped.keys()) expect(sameSpec(c72.get(name), c10.get(name)), name).toBe(false);
      expect([...untyped.values()].reduce((x, y) => x + y, 0)).toBe(t.unparsed);
    } finally {
      ref.close();
    }
    expect(messages).toContain(
      `trace 1: re-typed with catalogue qemu-7.2.0 (was a-precopy (QEMU 10.2.50)), fit ${Math.floor(t.catalogueFit! * 1000) / 10}% of the head (was 100%), ${t.records} records, unparsed 0 → ${t.unparsed}`,
    );
    // Trace 2 is untouched.
    expect((await a.listTraces())[1]).toEqual(before[1]);
  }, 120_000);

  it('typed back with the build\'s trace-events-all: every row, the traces row and migration_overview equal a fresh ingest\'s', async () => {
    const s = await a.retypeTrace(1, OWN);
    expect(s.traces.map((t) => [t.traceId, t.unparsed])).toEqual([[1, 0]]);
    expect(await a.ws.inconsistency()).toBeNull();
    const overview = await engineRows(a, 'SELECT * FROM migration_overview');
    const traces = await engineRows(a, 'SELECT * EXCLUDE (ingested_at, ingest_ms) FROM traces ORDER BY trace_id');
    const conn = a.ws.conn;
    await conn.run(`ATTACH '${fresh}' AS fresh (READ_ONLY)`);
    try {
      const q = async (sql: string) => (await conn.runAndReadAll(sql)).getRowsJS();
      const names = async (db: string) => (await q(`SELECT name FROM ${db}.qtw_event_tables ORDER BY name`)).map((r) => String(r[0]));
      const mine = await names('main');
      const theirs = await names('fresh');
      expect(mine).toEqual(theirs);
      let compared = 0;
      for (const t of [...theirs, 'unparsed', 'lossy', 'dropped']) {
        const cols = (await q(`SELECT column_name FROM duckdb_columns() WHERE database_name = 'fresh' AND table_name = '${t}' ORDER BY column_index`)).map((r) => `"${r[0]}"`).join(', ');
        for (const id of [1, 2]) {
          const [[n, m]] = await q(`SELECT (SELECT count(*) FROM main."${t}" WHERE trace_id = ${id}), (SELECT count(*) FROM fresh."${t}" WHERE trace_id = ${id})`);
          expect(n, `${t} ${id}`).toBe(m);
          for (const [x, y] of [['main', 'fresh'], ['fresh', 'main']]) {
            const [[d]] = await q(`SELECT count(*) FROM (SELECT ${cols} FROM ${x}."${t}" WHERE trace_id = ${id} EXCEPT ALL SELECT ${cols} FROM ${y}."${t}" WHERE trace_id = ${id})`);
            expect(d, `${t} trace ${id}: rows of ${x} not in ${y}`).toBe(0n);
          }
          compared += Number(n);
        }
      }
      expect(compared).toBe(before[0].records + before[1].records);
      expect(traces).toEqual(await q('SELECT * EXCLUDE (ingested_at, ingest_ms) FROM fresh.traces ORDER BY trace_id'));
    } finally {
      await conn.run('DETACH fresh');
    }
    const ref = await WorkspaceEngine.open(fresh, { readOnly: true });
    try {
      expect(overview.length).toBeGreaterThan(0);
      expect(overview).toEqual(await engineRows(ref, 'SELECT * FROM migration_overview'));
    } finally {
      ref.close();
    }
  }, 120_000);

  it('a trace read from a tar.gz member is read from that member again', async () => {
    const archive = path.join(tmp.dir, 'logs.tar.gz');
    writeFileSync(archive, gzipSync(await tar([{ name: 'notes/dst.log', data: gunzipSync(readFileSync(DST)) }, { name: 'notes/src.log', data: gunzipSync(readFileSync(SRC)) }])));
    const e = await WorkspaceEngine.open(path.join(tmp.dir, 'tar.duckdb'));
    try {
      const r = await e.openInputs([archive], { catalogues: [OWN] });
      expect(r.traces.map((t) => [t.traceId, t.member])).toEqual([
        [1, 'notes/dst.log'],
        [2, 'notes/src.log'],
      ]);
      const s = await e.retypeTrace(2, 'qemu-7.2');
      const t = s.traces[0];
      expect([t.traceId, t.path, t.member, t.catalogueVersion, t.records]).toEqual([2, archive, 'notes/src.log', '7.2.0', before[0].records]);
      expect(t.unparsed).toBeGreaterThan(0);
      expect(await one(e, `SELECT encodings FROM traces WHERE trace_id = 2`)).toBe('tar+gzip');
      // Back with the build's catalogue, it is the plain file's trace again.
      const back = (await e.retypeTrace(2, OWN)).traces[0];
      expect({ ...back, traceId: 1, path: SRC, member: null }).toEqual({ ...before[0] });
      expect(await e.ws.inconsistency()).toBeNull();
    } finally {
      e.close();
    }
  }, 120_000);
});

describe('retypeTrace refuses, or is cancelled, and changes nothing', () => {
  const log = path.join(tmp.dir, 'src72.log');
  let e: WorkspaceEngine;
  let state: Record<string, unknown>;

  beforeAll(async () => {
    copyFileSync(LOG72, log);
    e = await open('refuse.duckdb', [log], [DEBIAN_72]);
    state = await snapshot(e);
  }, 120_000);
  afterAll(() => e?.close());

  it('an unknown trace id', async () => {
    expect((await failure(e.retypeTrace(9, 'qemu-10.2'))).message).toBe(`${path.join(tmp.dir, 'refuse.duckdb')}: no trace 9 (traces: 1)`);
    expect(await snapshot(e)).toEqual(state);
  });

  it('a cancel while the new rows are written', async () => {
    const ac = new AbortController();
    let progress = 0;
    const s = await e.retypeTrace(1, 'qemu-10.2', {
      signal: ac.signal,
      onProgress: () => {
        progress++;
        ac.abort();
      },
    });
    expect(progress).toBe(1);
    expect(s).toEqual({ traces: [], skipped: [], errors: [], cancelled: true });
    expect(await snapshot(e)).toEqual(state);
  });

  it('a catalogue that types none of the records', async () => {
    // The first 2000 records of a 7.2 log (less than the bytes a catalogue is tried on), without
    // its QMP command events (which any catalogue types, see synthesizeQmpEvent).
    const lines = readFileSync(LOG72, 'utf8').split('\n').filter((l) => l !== '' && !/:qmp_(enter|exit)_/.test(l)).slice(0, 2000);
    expect(lines.join('\n').length).toBeLessThan(256 << 10);
    const noQmp = path.join(tmp.dir, 'noqmp.log');
    writeFileSync(noQmp, lines.join('\n') + '\n');
    const w = await open('noqmp.duckdb', [noQmp], [DEBIAN_72]);
    try {
      const cat = path.join(tmp.dir, 'tiny', 'trace-events');
      mkdirSync(path.dirname(cat));
      writeFileSync(cat, 'tiny_event(int x) "x %d"\n');
      const counts = new Map<string, number>();
      for (const l of lines) {
        const name = /^\d+@\d+\.\d+:(\w+) /.exec(l)![1];
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      const top = [...counts.entries()].sort((x, y) => y[1] - x[1]).slice(0, 3).map(([n]) => `\`${n}\``);
      expect(await one(w, 'SELECT catalogue_id FROM traces')).toMatch(/^qemu-7\.2\.22-debian\/trace-events-all@/);
      const st = await snapshot(w);
      expect((await failure(w.retypeTrace(1, cat))).message).toBe(
        `trace 1: catalogue tiny/trace-events types none of the ${lines.length} records in its head (${top.join(', ')}, …); the trace stays typed with qemu-7.2.22-debian`,
      );
      expect(await snapshot(w)).toEqual(st);
    } finally {
      w.close();
    }
  });

  it('a source file changed since it was ingested, then gone', async () => {
    const bytes = readFileSync(LOG72);
    // The same size, one digit of a timestamp near the end changed: found once every record was written.
    const at = bytes.lastIndexOf('@');
    const changed = Buffer.from(bytes);
    changed[at + 1] = changed[at + 1] === 0x31 ? 0x32 : 0x31;
    writeFileSync(log, changed);
    const refusal = (what: string) => `trace 1: ${log} changed since it was ingested (${what}): re-typing needs the file it was read from; nothing was changed`;
    expect((await failure(e.retypeTrace(1, 'qemu-10.2'))).message).toBe(refusal('sha256 differs'));
    expect(await snapshot(e)).toEqual(state);
    writeFileSync(log, bytes.subarray(0, bytes.length - 1));
    expect((await failure(e.retypeTrace(1, 'qemu-10.2'))).message).toBe(refusal(`${bytes.length - 1} bytes, ${bytes.length} when ingested`));
    expect(await snapshot(e)).toEqual(state);
    rmSync(log);
    expect((await failure(e.retypeTrace(1, 'qemu-10.2'))).message).toBe(`trace 1: ${log}: no such file any more: re-typing needs the file it was read from; nothing was changed`);
    expect(await snapshot(e)).toEqual(state);
    // The file as it was: re-typed.
    writeFileSync(log, bytes);
    const s = await e.retypeTrace(1, 'qemu-10.2');
    expect(s.traces.map((t) => [t.traceId, t.catalogueVersion])).toEqual([[1, '10.2.0']]);
    expect(await e.ws.inconsistency()).toBeNull();
  });
});

describe('retypeTrace where the new catalogue changes the columns of a table other traces use', () => {
  // DuckDB fails the commit of an ALTER TABLE after a DELETE from that table in the same
  // transaction: such a table is rebuilt in the shape the ALTERs would give it.
  const B = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
  const changed = path.join(tmp.dir, 'changed', 'trace-events-all');

  it('adds and widens columns as an ingest would, keeping the other trace\'s values', async () => {
    mkdirSync(path.dirname(changed));
    const text = readFileSync(DEBIAN_72, 'utf8');
    const edits: [string, string][] = [
      // An argument renamed: a new column. One widened: int → int64_t (INTEGER → BIGINT).
      ['vm_state_notify(int running, int reason, const char *reason_str) "running %d reason %d (%s)"', 'vm_state_notify(int64_t running, int reason, const char *why) "running %" PRId64 " reason %d (%s)"'],
      ['migrate_set_state(const char *new_state) "new state %s"', 'migrate_set_state(const char *state) "new state %s"'],
    ];
    let edited = text;
    for (const [from, to] of edits) {
      expect(edited.split(`\n${from}\n`)).toHaveLength(2);
      edited = edited.replace(`\n${from}\n`, `\n${to}\n`);
    }
    writeFileSync(changed, edited);
    const src = path.join(B, 'src.log');
    const dst = path.join(B, 'dst.log.gz');
    const e = await open('skew.duckdb', [src, dst], [DEBIAN_72]);
    const ref = await open('skew-ref.duckdb', [dst], [DEBIAN_72]);
    try {
      const r = await ref.openInputs([src], { catalogues: [changed] });
      expect(r.traces.map((t) => t.catalogueId)).toEqual([expect.stringMatching(/^changed\/trace-events-all@/)]);
      const columns = (w: WorkspaceEngine, t: string) => engineRows(w, `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '${t}' ORDER BY ordinal_position`);
      const vm = (w: WorkspaceEngine, id: number, cols: string) => engineRows(w, `SELECT ${cols} FROM vm_state_notify WHERE trace_id = ${id} ORDER BY seq`);
      const ms = (w: WorkspaceEngine, id: number, cols: string) => engineRows(w, `SELECT ${cols} FROM migrate_set_state WHERE trace_id = ${id} ORDER BY seq`);
      const before = {
        vm1: await vm(e, 1, 'seq, running, reason, reason_str'),
        vm2: await vm(e, 2, 'seq, running, reason, reason_str'),
        ms1: await ms(e, 1, 'seq, new_state'),
        ms2: await ms(e, 2, 'seq, new_state'),
      };
      for (const rows of Object.values(before)) expect(rows.length).toBeGreaterThan(0);
      const s = await e.retypeTrace(1, changed);
      expect(s.traces.map((t) => [t.traceId, t.unparsed])).toEqual([[1, 0]]);
      expect(await e.ws.inconsistency()).toBeNull();
      for (const t of ['vm_state_notify', 'migrate_set_state']) expect(await columns(e, t), t).toEqual(await columns(ref, t));
      expect(await columns(e, 'vm_state_notify')).toContainEqual(['running', 'BIGINT']);
      // The other trace's rows as they were, the new columns NULL; this trace's in the new ones.
      const big = (rows: unknown[][]) => rows.map(([seq, running, ...rest]) => [seq, BigInt(running as number), ...rest]);
      expect(await vm(e, 2, 'seq, running, reason, reason_str, why')).toEqual(big(before.vm2).map((r) => [...r, null]));
      expect(await vm(e, 1, 'seq, running, reason, why, reason_str')).toEqual(big(before.vm1).map((r) => [...r, null]));
      expect(await ms(e, 2, 'seq, new_state, state')).toEqual(before.ms2.map((r) => [...r, null]));
      expect(await ms(e, 1, 'seq, state, new_state')).toEqual(before.ms1.map((r) => [...r, null]));
    } finally {
      e.close();
      ref.close();
    }
  }, 120_000);
});
