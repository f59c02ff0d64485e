// The analysis library on a generated QEMU 7.2 log pair (no postcopy sample exists): a cancelled
// attempt followed by a postcopy migration with page faults. Expected figures come from the
// generator's own parameters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { DEBIAN_72, scratch } from '../../helpers/paths.ts';
import { objects } from '../../helpers/query-objects.ts';
import { prng } from '../../helpers/prng.ts';


/** Lines of QEMU 7.2's log backend: TID@SEC.USEC:event args, times in whole microseconds. */
class LogWriter {
  private lines: [number, string][] = [];
  constructor(private readonly tid: number) {}
  at(us: number, event: string, args = ''): void {
    const sec = Math.floor(us / 1e6);
    const frac = String(us % 1e6).padStart(6, '0');
    this.lines.push([us, `${this.tid}@${sec}.${frac}:${event} ${args}`]);
  }
  text(): string {
    return this.lines.sort((a, b) => a[0] - b[0]).map(([, l]) => l).join('\n') + '\n';
  }
}

const T0 = 1_795_000_000_000_000; // µs
const T1 = T0 + 2_000_000;
const PAGE_BASE = 0x7f00_0000_0000;
const FAULTS = 40;

function generate(dir: string) {
  const rnd = prng(4);
  const src = new LogWriter(100);
  const dst = new LogWriter(200);
  const state = (w: LogWriter, us: number, s: string) => w.at(us, 'migrate_set_state', `new state ${s}`);
  const run = (w: LogWriter, us: number, from: [number, string], to: [number, string]) =>
    w.at(us, 'runstate_set', `current_run_state ${from[0]} (${from[1]}) new_state ${to[0]} (${to[1]})`);
  // Attempt 1: cancelled.
  state(src, T0, 'setup');
  src.at(T0 + 500, 'savevm_state_header');
  state(src, T0 + 3000, 'active');
  state(src, T0 + 500_000, 'cancelling');
  state(src, T0 + 510_000, 'cancelled');
  // Attempt 2: postcopy.
  state(src, T1, 'setup');
  src.at(T1 + 1000, 'savevm_state_header');
  state(src, T1 + 4000, 'active');
  src.at(T1 + 5000, 'migration_bitmap_sync_start');
  src.at(T1 + 300_000, 'migration_bitmap_sync_start');
  src.at(T1 + 1_000_000, 'postcopy_start_set_run');
  run(src, T1 + 1_000_100, [9, 'running'], [7, 'finish-migrate']);
  state(src, T1 + 1_000_200, 'postcopy-active');
  src.at(T1 + 1_020_000, 'qemu_savevm_send_packaged');
  state(dst, T1 + 4500, 'active');
  state(dst, T1 + 1_001_000, 'postcopy-active');
  const faults: { reqUs: number; latencyUs: number; cpu: number; queueUs: number; offset: number }[] = [];
  for (let i = 0; i < FAULTS; i++) {
    const reqUs = T1 + 1_100_000 + i * 10_000;
    const latencyUs = 100 + Math.floor(rnd() * 4900);
    const offset = (i * 7 + 3) * 4096;
    const host = PAGE_BASE + offset;
    const cpu = i % 2;
    const queueUs = reqUs + 20 + Math.floor(rnd() * 50);
    faults.push({ reqUs, latencyUs, cpu, queueUs, offset });
    // The faulting address lies inside the page; the placement names the page itself.
    dst.at(reqUs, 'postcopy_ram_fault_thread_request', `Request for HVA=0x${(host + 0x123).toString(16)} rb=pc.ram offset=0x${offset.toString(16)} pid=${300 + cpu}`);
    dst.at(reqUs + 1, 'mark_postcopy_blocktime_begin', `addr: 0x${host.toString(16)}, dd: 0x55aa00, time: 1, cpu: ${cpu}, already_received: 0`);
    src.at(queueUs, 'ram_save_queue_pages', `pc.ram: start: 0x${offset.toString(16)} len: 0x1000`);
    dst.at(reqUs + latencyUs, 'postcopy_place_page', `host=0x${host.toString(16)}`);
    dst.at(reqUs + latencyUs + 1, 'mark_postcopy_blocktime_end', `addr: 0x${host.toString(16)}, dd: 0x55aa00, time: 2, affected_cpu: 1`);
  }
  state(src, T1 + 3_000_000, 'completed');
  run(src, T1 + 3_000_100, [7, 'finish-migrate'], [5, 'postmigrate']);
  state(dst, T1 + 3_002_000, 'completed');
  writeFileSync(path.join(dir, 'src.log'), src.text());
  writeFileSync(path.join(dir, 'dst.log'), dst.text());
  return faults;
}

describe('generated 7.2 postcopy migration after a cancelled attempt', () => {
  const tmp = scratch();
  let engine: WorkspaceEngine;
  let faults: ReturnType<typeof generate>;

  beforeAll(async () => {
    faults = generate(tmp.dir);
    engine = await WorkspaceEngine.open(path.join(tmp.dir, 'ws.duckdb'));
    const r = await engine.openInputs([], { catalogues: [DEBIAN_72], src: [path.join(tmp.dir, 'src.log')], dst: [path.join(tmp.dir, 'dst.log')] });
    expect(r.errors).toEqual([]);
  });
  afterAll(() => {
    engine?.close();
    tmp.cleanup();
  });

  it('migration_overview has one row per attempt, postcopy downtime labelled approximate', async () => {
    const rows = await objects(engine, `SELECT * FROM migration_overview WHERE side = 'src' ORDER BY attempt`);
    expect(rows.map((r) => [r.attempt, r.final_state, r.postcopy])).toEqual([
      [1, 'cancelled', false],
      [2, 'completed', true],
    ]);
    expect(Number(rows[0].total_ms)).toBeCloseTo(510, 6);
    expect(rows[0].downtime_ms).toBeNull();
    expect(Number(rows[0].dirty_syncs)).toBe(0);
    expect(Number(rows[1].total_ms)).toBeCloseTo(3000.1, 6);
    expect(Number(rows[1].setup_ms)).toBeCloseTo(3, 6);
    expect(Number(rows[1].downtime_ms)).toBeCloseTo(20, 6);
    expect(String(rows[1].downtime_source)).toContain('approximate');
    expect(Number(rows[1].dirty_syncs)).toBe(2);
    expect(Number(rows[1].postcopy_requests)).toBe(FAULTS);
    const dst = await objects(engine, `SELECT postcopy_requests, final_state FROM migration_overview WHERE side = 'dst'`);
    expect(dst).toEqual([{ postcopy_requests: BigInt(FAULTS), final_state: 'completed' }]);
  });

  it('postcopy_faults pairs each request with its placement, vCPU and the source queueing', async () => {
    const rows = await objects(engine, `SELECT * FROM postcopy_faults WHERE side = 'dst' ORDER BY request_ts_ns`);
    expect(rows).toHaveLength(FAULTS);
    rows.forEach((r, i) => {
      const f = faults[i];
      expect(Number(r.offset)).toBe(f.offset);
      expect(Number(r.latency_ms)).toBeCloseTo(f.latencyUs / 1000, 9);
      expect(r.vcpu).toBe(f.cpu);
      expect(r.src_queue_ts_ns).toBe(BigInt(f.queueUs) * 1000n);
      expect(Number(r.fault_pid)).toBe(300 + f.cpu);
    });
  });

  it('postcopy_blocktime and the latency histogram add up', async () => {
    const bt = await objects(engine, `SELECT vcpu, faults, blocked_ms FROM postcopy_blocktime ORDER BY vcpu`);
    for (const cpu of [0, 1]) {
      const mine = faults.filter((f) => f.cpu === cpu);
      expect(Number(bt[cpu].faults)).toBe(mine.length);
      expect(Number(bt[cpu].blocked_ms)).toBeCloseTo(mine.reduce((a, f) => a + f.latencyUs, 0) / 1000, 6);
    }
    const hist = await objects(engine, `SELECT latency_from_ms, requests FROM postcopy_latency_histogram(1)`);
    const want = new Map<number, number>();
    for (const f of faults) want.set(Math.floor(f.latencyUs / 1000), (want.get(Math.floor(f.latencyUs / 1000)) ?? 0) + 1);
    expect(new Map(hist.map((h) => [Number(h.latency_from_ms), Number(h.requests)]))).toEqual(want);
  });

  it('migration_states gives the time in each state and the attempt', async () => {
    const rows = await objects(engine, `SELECT attempt, prev_state, state, ms_in_state FROM migration_states WHERE side = 'src' ORDER BY ts_ns`);
    expect(rows.map((r) => r.attempt)).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
    expect(rows[1]).toEqual({ attempt: 1, prev_state: 'setup', state: 'active', ms_in_state: 497 });
    expect(rows[7].ms_in_state).toBeNull();
  });
});
