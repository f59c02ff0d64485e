// Landmark SQL on a workspace built from a simulated migration with a known clock offset and
// known transit delays: the bounds must bracket the truth in both directions, pairing must
// survive repeated keys, and the untraced START section must not be paired.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CREATE_SCHEMA } from '../../../src-main/workspace/schema.ts';
import { estimateClockOffsets, estimatePair } from '../../../src-main/analyses/clock-alignment.ts';

const SRC = 1;
const DST = 2;
// dst clock = true time − OFF, so the offset to add to dst timestamps is +OFF. A monotonic dst
// against a wall-clock src: the offset is ~1.8e18 ns and must stay exact.
const OFF = 1_795_636_873_000_000_000n - 3_131_000_000_123n;
const T0 = 1_795_636_880_000_000_000n;

type Row = { table: string; trace: number; ts: bigint; args: (string | number)[] };

async function build(conn: DuckDBConnection, rows: Row[]): Promise<void> {
  await conn.run(CREATE_SCHEMA);
  await conn.run(`INSERT INTO traces (trace_id, path, side, clock) VALUES (${SRC}, 's', 'src', 'epoch'), (${DST}, 'd', 'dst', 'monotonic')`);
  const cols: Record<string, string> = {
    savevm_send_ping: 'val UINTEGER',
    loadvm_process_command_ping: 'val UINTEGER',
    source_return_path_thread_pong: 'val UINTEGER',
    postcopy_ram_fault_thread_request: 'hostaddr UBIGINT, ramblock VARCHAR, "offset" UBIGINT, pid UINTEGER',
    migrate_handle_rp_req_pages: 'rbname VARCHAR, start UBIGINT, len UBIGINT',
    savevm_section_start: 'id VARCHAR, section_id UINTEGER',
    qemu_loadvm_state_section_startfull: 'section_id UINTEGER, idstr VARCHAR, instance_id UINTEGER, version_id UINTEGER',
    qemu_loadvm_state_section_partend: 'section_id UINTEGER',
  };
  for (const [t, c] of Object.entries(cols)) {
    await conn.run(`CREATE TABLE ${t}(trace_id INTEGER, side VARCHAR, seq BIGINT, ts_ns BIGINT, tid INTEGER, pid_ INTEGER, ${c})`);
  }
  let seq = 0;
  for (const r of rows) {
    const vals = r.args.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(', ');
    await conn.run(`INSERT INTO ${r.table} VALUES (${r.trace}, '${r.trace === SRC ? 'src' : 'dst'}', ${seq++}, ${r.ts}, 0, 0, ${vals})`);
  }
}

/** A message sent by `from` at true time t, received after delay d. */
function dstTs(trueNs: bigint): bigint {
  return trueNs - OFF;
}

describe('landmark bounds on a simulated migration', () => {
  let inst: DuckDBInstance;
  let conn: DuckDBConnection;
  beforeEach(async () => {
    inst = await DuckDBInstance.create(':memory:');
    conn = await inst.connect();
  });
  afterEach(() => {
    conn.closeSync();
    inst.closeSync();
  });

  it('ping (src→dst), pong and postcopy requests (dst→src) bracket the true offset', async () => {
    const rows: Row[] = [];
    const fwd = [120_000n, 45_000n, 300_000n];
    const back = [80_000n, 61_000n, 500_000n];
    fwd.forEach((d, i) => {
      const t = T0 + BigInt(i) * 1_000_000_000n;
      rows.push({ table: 'savevm_send_ping', trace: SRC, ts: t, args: [i + 1] });
      rows.push({ table: 'loadvm_process_command_ping', trace: DST, ts: dstTs(t + d), args: [i + 1] });
      rows.push({ table: 'source_return_path_thread_pong', trace: SRC, ts: t + d + back[i], args: [i + 1] });
    });
    // A fault requested twice: pairing first occurrences never makes a bound tighter than the truth.
    for (const [i, d] of [7_000_000n, 90_000n, 33_000n].entries()) {
      const t = T0 + 5_000_000_000n + BigInt(i) * 10_000_000n;
      rows.push({ table: 'postcopy_ram_fault_thread_request', trace: DST, ts: dstTs(t), args: [0, 'pc.ram', 4096 * (i === 2 ? 1 : 7), 0] });
      rows.push({ table: 'migrate_handle_rp_req_pages', trace: SRC, ts: t + d, args: ['pc.ram', 4096 * (i === 2 ? 1 : 7), 4096] });
    }
    await build(conn, rows);
    const e = await estimatePair(conn, SRC, DST);
    expect(e.method).toBe('bounds');
    expect(e.lowerNs).toBe(OFF - 45_000n);
    // Tightest dst→src: the second fault (33 µs) beats every pong; the repeated page pairs with its first request.
    expect(e.upperNs).toBe(OFF + 33_000n);
    expect(e.landmarks).toEqual({ ping: 3, pong: 3, 'postcopy-request': 2 });
    const off = e.offsetNs as bigint;
    const unc = e.uncertaintyNs as bigint;
    expect(off - unc <= OFF && OFF <= off + unc).toBe(true);

    const stored = await estimateClockOffsets(conn);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ traceId: DST, srcTraceId: SRC, method: 'bounds', offsetNs: off });
    const r = await conn.runAndReadAll(`SELECT trace_id, clock_offset_ns FROM traces ORDER BY trace_id`);
    expect(r.getRows()).toEqual([
      [SRC, 0n],
      [DST, off],
    ]);
  });

  it('pairs sections in stream order per id and leaves out the START of an iterable section', async () => {
    const rows: Row[] = [];
    const d = 50_000n;
    let t = T0;
    // ram: START (untraced on the source), then PART ×3, END; then a FULL device section.
    rows.push({ table: 'qemu_loadvm_state_section_startfull', trace: DST, ts: dstTs(t + d), args: [2, 'ram', 0, 4] });
    for (let i = 0; i < 4; i++) {
      t += 100_000_000n;
      rows.push({ table: 'savevm_section_start', trace: SRC, ts: t, args: ['ram', 2] });
      rows.push({ table: 'qemu_loadvm_state_section_partend', trace: DST, ts: dstTs(t + d + BigInt(i) * 1_000n), args: [2] });
    }
    t += 1_000_000n;
    rows.push({ table: 'savevm_section_start', trace: SRC, ts: t, args: ['apic', 7] });
    rows.push({ table: 'qemu_loadvm_state_section_startfull', trace: DST, ts: dstTs(t + d + 7_000n), args: [7, 'apic', 0, 3] });
    await build(conn, rows);
    const e = await estimatePair(conn, SRC, DST);
    expect(e).toMatchObject({ method: 'lower-bound', pairs: 5, lowerNs: OFF - d, upperNs: null });
  });

  it('no shared landmarks: no estimate, the destination offset stays NULL', async () => {
    await build(conn, [{ table: 'savevm_send_ping', trace: SRC, ts: T0, args: [1] }]);
    const [row] = await estimateClockOffsets(conn);
    expect(row).toMatchObject({ traceId: DST, method: 'none', offsetNs: null, srcTraceId: null });
  });
});
