// A year-less syslog file crossing New Year, ingested in the thread and in segments on parse
// workers: every record gets the year its place after the head's stamp gives it (the January
// records the next year), and the trace row and the CLI's trace line say which year was assumed;
// a journalctl header's year is no assumption.
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkspaceEngine } from '../../../../src-main/service/workspace-engine.ts';
import { traceLine } from '../../../../src-main/hosts/cli/trace-line.ts';
import { DEBIAN_72, scratch } from '../../../helpers/paths.ts';
import { engineRows } from '../../../helpers/ingest-one.ts';

const tmp = scratch('qtw-syslog-year-');
afterAll(() => tmp.cleanup());

/** The year the head's Dec 31 stamp is read in: this year, or last when more than a month ahead. */
function headYear(): number {
  const now = Date.now();
  const y = new Date(now).getUTCFullYear();
  return Date.UTC(y, 11, 31) > now + 31 * 86_400_000 ? y - 1 : y;
}

const STATES = ['setup', 'active', 'completed'];

/** 300 records on Dec 31 23:5x, then 300 on Jan 1 00:0x: long enough for several segments. */
function crossing(): { text: string; ns: bigint[] } {
  const y = headYear();
  const lines: string[] = [];
  const ns: bigint[] = [];
  for (let k = 0; k < 600; k++) {
    const jan = k >= 300;
    const s = k % 60;
    const m = Math.floor((k % 300) / 60);
    const stamp = jan ? `Jan  1 00:0${m}:${String(s).padStart(2, '0')}` : `Dec 31 23:5${m}:${String(s).padStart(2, '0')}`;
    lines.push(`${stamp} kvm1 qemu-system-x86_64[4242]: migrate_set_state new state ${STATES[k % 3]}`);
    ns.push(BigInt(jan ? Date.UTC(y + 1, 0, 1, 0, m, s) : Date.UTC(y, 11, 31, 23, 50 + m, s)) * 1_000_000n);
  }
  return { text: lines.join('\n') + '\n', ns };
}

async function ingest(label: string, text: string, env: Record<string, string>) {
  const file = path.join(tmp.dir, `${label}.log`);
  writeFileSync(file, text);
  const keys = ['QTW_PARSE_WORKER', 'QTW_PARSE_WORKERS', 'QTW_PARSE_SEGMENT_BYTES'];
  const prev = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  for (const k of keys) delete process.env[k];
  Object.assign(process.env, env);
  const engine = await WorkspaceEngine.open(path.join(tmp.dir, `${label}.duckdb`));
  try {
    const summary = await engine.openInputs([file], { catalogues: [DEBIAN_72] });
    expect(summary.errors).toEqual([]);
    const ts = (await engineRows(engine, 'SELECT ts_ns FROM migrate_set_state ORDER BY seq')).map((r) => r[0]);
    const row = (await engineRows(engine, 'SELECT year_assumed FROM traces'))[0][0];
    const traces = await engine.listTraces();
    return { ts, row, info: traces[0] };
  } finally {
    engine.close();
    for (const k of keys) {
      if (prev[k] === undefined) delete process.env[k];
      else process.env[k] = prev[k];
    }
  }
}

describe('year-less syslog across New Year', () => {
  const { text, ns } = crossing();
  for (const [label, env] of [
    ['thread', { QTW_PARSE_WORKER: '0' }],
    ['segments', { QTW_PARSE_WORKER: '1', QTW_PARSE_WORKERS: '3', QTW_PARSE_SEGMENT_BYTES: '4000' }],
  ] as const) {
    it(`puts January in the next year and says the year was assumed (${label})`, async () => {
      const r = await ingest(`crossing-${label}`, text, env);
      expect(r.ts).toEqual(ns);
      expect(r.row).toBe(headYear());
      expect(r.info.yearAssumed).toBe(headYear());
      expect(traceLine(r.info)).toContain(`, year assumed ${headYear()} (syslog stamps carry none)`);
    });
  }

  it('assumes nothing when a journalctl header gives the year', async () => {
    const text = [
      '-- Journal begins at Mon 2024-04-01 09:00:00 MSK, ends at Fri 2024-05-03 10:00:00 MSK. --',
      'мая 03 09:59:59 kvm1 qemu-system-x86_64[4242]: migrate_set_state new state setup',
      'мая 03 10:00:01 kvm1 qemu-system-x86_64[4242]: migrate_set_state new state failed',
      '',
    ].join('\n');
    const r = await ingest('header', text, { QTW_PARSE_WORKER: '0' });
    expect(r.ts).toEqual([BigInt(Date.UTC(2024, 4, 3, 9, 59, 59)) * 1_000_000n, BigInt(Date.UTC(2024, 4, 3, 10, 0, 1)) * 1_000_000n]);
    expect(r.row).toBeNull();
    expect(r.info.yearAssumed).toBeNull();
    expect(traceLine(r.info)).not.toContain('year assumed');
  });

  it('assumes nothing when the stamps carry their year', async () => {
    const text = '2025-11-25T19:23:05.253839+00:00 host qemu-system-x86_64[16503]: migrate_set_state new state setup\n';
    const r = await ingest('rfc3339', text, { QTW_PARSE_WORKER: '0' });
    expect(r.ts).toEqual([BigInt(Date.UTC(2025, 10, 25, 19, 23, 5)) * 1_000_000n + 253_839_000n]);
    expect(r.row).toBeNull();
  });
});
