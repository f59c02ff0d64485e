// Acceptance on the real QEMU 10.2.50 migration traced with BOTH backends at once: the
// ISO-8601 logs and the simpletrace binaries must each type every record, match QEMU's own
// simpletrace.py, and agree with each other event for event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { tokenizeFormat } from '../../../src-main/catalogue/index.ts';
import { SAMPLES, scratch } from '../../helpers/paths.ts';

const DIR = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const CAT = path.join(DIR, 'trace-events-all');

async function rows(engine: WorkspaceEngine, sql: string): Promise<unknown[][]> {
  const out: unknown[][] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (r) => void out.push(...r) });
  return out;
}

/** Per-event record counts from QEMU's own simpletrace.py output (first word of each line). */
function pyCounts(file: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of gunzipSync(readFileSync(file)).toString('utf8').split('\n')) {
    if (!line) continue;
    const name = line.slice(0, line.indexOf(' '));
    m.set(name, (m.get(name) ?? 0) + 1);
  }
  return m;
}

describe('QEMU 10.2.50 a-precopy, log and simple backends', () => {
  const tmp = scratch();
  let engine: WorkspaceEngine;
  const id: Record<string, number> = {};

  beforeAll(async () => {
    engine = await WorkspaceEngine.open(path.join(tmp.dir, 'ws.duckdb'));
    const files = ['src.log.gz', 'dst.log.gz', 'src.simple.gz', 'dst.simple.gz'];
    const r = await engine.openInputs(files.map((f) => path.join(DIR, f)), { catalogues: [CAT] });
    expect(r.errors).toEqual([]);
    for (const t of r.traces) id[path.basename(t.path)] = t.traceId;
    expect(Object.keys(id).sort()).toEqual([...files].sort());
  });
  afterAll(() => {
    engine?.close();
    tmp.cleanup();
  });

  it('every trace is typed completely, with the right format, clock and side', async () => {
    const t = await rows(engine, `SELECT path, format, prefix_style, clock, side, unparsed, records FROM traces ORDER BY trace_id`);
    for (const [p, format, prefix, clock, side, unparsed] of t) {
      const base = path.basename(String(p));
      expect(unparsed, base).toBe(0n);
      expect(side).toBe(base.startsWith('src') ? 'src' : 'dst');
      if (base.includes('.log')) {
        expect(format).toBe('log');
        expect(prefix).toBe('iso8601');
        expect(clock).toBe('epoch');
      } else {
        expect(format).toBe('simpletrace');
        expect(clock).toBe('monotonic');
      }
    }
  });

  it.each([
    ['src.simple.gz', 'simpletrace-py-output.txt.gz'],
    ['dst.simple.gz', 'simpletrace-py-output-dst.txt.gz'],
  ])('%s per-event counts equal simpletrace.py', async (file, py) => {
    const got = new Map(
      (await rows(engine, `SELECT name, count(*) FROM events WHERE trace_id = ${id[file]} GROUP BY name`)).map(([n, c]) => [String(n), Number(c)]),
    );
    expect(got).toEqual(pyCounts(path.join(DIR, py)));
  });

  it('log and simple tables agree event for event (dst simple has one extra pid-0 runstate_set)', async () => {
    for (const side of ['src', 'dst']) {
      const log = id[`${side}.log.gz`];
      const simple = id[`${side}.simple.gz`];
      // Compare per-event tables column by column, in record order, excluding timestamps/ids.
      const names = (await rows(engine, `SELECT DISTINCT name FROM events WHERE trace_id IN (${log}, ${simple}) ORDER BY 1`)).map((r) => String(r[0]));
      let compared = 0;
      const ambiguousSeen = new Set<string>();
      for (const name of names) {
        const cols = (await rows(engine, `SELECT column_name FROM information_schema.columns WHERE table_name = '${name}' ORDER BY ordinal_position`))
          .map((r) => String(r[0]))
          .slice(6);
        const sel = cols.length ? cols.map((c) => `"${c}"`).join(', ') : `'x'`;
        const skipPid0 = side === 'dst' && name === 'runstate_set' ? ' AND pid <> 0' : '';
        const a = await rows(engine, `SELECT ${sel} FROM "${name}" WHERE trace_id = ${log} ORDER BY seq`);
        const b = await rows(engine, `SELECT ${sel} FROM "${name}" WHERE trace_id = ${simple}${skipPid0} ORDER BY seq`);
        // A NULL `%s` prints as (null) in a log but is stored as an empty string by simpletrace.
        const norm = (rs: unknown[][]) => rs.map((r) => r.map((v) => (v === null ? '' : v)));
        const [[ambiguous, format]] = await rows(engine, `SELECT ambiguous, format FROM catalogue_events WHERE name = '${name}' LIMIT 1`);
        if (ambiguous) {
          // The split between adjacent strings is a guess (flagged): the text must still agree.
          const render = (r: unknown[]) => {
            let i = 0;
            return tokenizeFormat(String(format)).map((t) => (t.kind === 'lit' ? t.text : String(r[i++]))).join('');
          };
          ambiguousSeen.add(name);
          expect(norm(a).map(render), `${side} ${name}`).toEqual(norm(b).map(render));
        } else {
          expect(norm(a), `${side} ${name}`).toEqual(norm(b));
        }
        compared += a.length;
      }
      const [[n]] = await rows(engine, `SELECT events FROM traces WHERE trace_id = ${log}`);
      expect(compared).toBe(Number(n));
      // Only the vmstate name/field pairs are ambiguous in this trace.
      expect([...ambiguousSeen].every((e) => e.startsWith('vmstate_'))).toBe(true);
    }
    const extra = await rows(engine, `SELECT pid, current_state_str, new_state_str FROM runstate_set WHERE trace_id = ${id['dst.simple.gz']} ORDER BY seq LIMIT 1`);
    expect(extra).toEqual([[0, 'prelaunch', 'inmigrate']]);
  });

  it('migrate_set_state matches the manifest on both backends', async () => {
    const m = JSON.parse(readFileSync(path.join(DIR, 'manifest.json'), 'utf8'));
    for (const f of ['src.log.gz', 'src.simple.gz']) {
      const s = await rows(engine, `SELECT new_state FROM migrate_set_state WHERE trace_id = ${id[f]} ORDER BY seq`);
      expect(s.map((r) => r[0])).toEqual(m.migrate_set_state_sequence.src.from_simple);
    }
    const detail = m.migrate_set_state_sequence.src.simple_detail as { timestamp_ns: number; new_state: string }[];
    const ts = await rows(engine, `SELECT ts_ns FROM migrate_set_state WHERE trace_id = ${id['src.simple.gz']} ORDER BY seq`);
    expect(ts.map((r) => r[0])).toEqual(detail.map((d) => BigInt(d.timestamp_ns)));
  });
});
