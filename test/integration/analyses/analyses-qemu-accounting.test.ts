// migration_overview and multifd_channels against QEMU's own accounting (query-migrate), for the
// numbers QEMU stamps in migration/migration.c, multifd.c, ram.c and postcopy-ram.c:
//   - setup_ms on the three real samples, against query-migrate's setup-time;
//   - multifd destination bytes on b-multifd4 (7.2's multifd_recv), and the same packets as a
//     9.x+ destination traces them (multifd_recv_unfill: no page count, only next_packet_size);
//   - postcopy (no real sample exists): total_ms, setup_ms, downtime, destination pages, fault
//     latency percentiles and blocktime on small generated logs. Their lines follow the order in
//     which QEMU's code emits the events (10.2: postcopy_start -> migration_stop_vm ->
//     'postcopy-device' -> qemu_savevm_send_packaged -> migration_downtime_end; the return path's
//     package-loaded ping -> 'postcopy-active'; migration_completion_end -> 'src-downtime-end'
//     -> 'completed' -> migration_iteration_finish's postmigrate. 7.2: postcopy_start sets
//     'postcopy-active' itself, and migration_calculate_complete stamps total_time after
//     'completed', before postmigrate), with argument text in each catalogue's format. The
//     expected figures are worked out by hand from the generator's own times below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { CATALOGUES, DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';
import { objects } from '../../helpers/query-objects.ts';

const LOG72 = path.join(SAMPLES, 'qemu-7.2.22-log');
const DIR10 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const CAT102 = path.join(CATALOGUES, 'qemu-10.2.0/trace-events-all');

const text = (file: string) => {
  const buf = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
};
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

async function open(dir: string, name: string, opts: { catalogue: string; src?: string[]; dst?: string[]; any?: string[] }): Promise<WorkspaceEngine> {
  const engine = await WorkspaceEngine.open(path.join(dir, `${name}.duckdb`));
  const r = await engine.openInputs(opts.any ?? [], { catalogues: [opts.catalogue], src: opts.src, dst: opts.dst });
  expect(r.errors).toEqual([]);
  return engine;
}

describe('setup_ms equals query-migrate setup-time on the real samples', () => {
  const tmp = scratch();
  afterAll(tmp.cleanup);
  const cases: [string, string, string[], string][] = [
    ['7.2 a-precopy', path.join(LOG72, 'a-precopy'), ['src.log.gz', 'dst.log.gz'], DEBIAN_72],
    ['7.2 b-multifd4', path.join(LOG72, 'b-multifd4'), ['src.log', 'dst.log.gz'], DEBIAN_72],
    ['10.2 a-precopy log', DIR10, ['src.log.gz', 'dst.log.gz'], path.join(DIR10, 'trace-events-all')],
    ['10.2 a-precopy simpletrace', DIR10, ['src.simple.gz', 'dst.simple.gz'], path.join(DIR10, 'trace-events-all')],
  ];
  it.each(cases)('%s', async (name, dir, files, catalogue) => {
    const engine = await open(tmp.dir, name.replace(/\W+/g, '-'), { catalogue, any: files.map((f) => path.join(dir, f)) });
    try {
      const qm = json(path.join(dir, 'query-migrate.json'));
      const [row] = await objects(engine, `SELECT setup_ms, total_ms FROM migration_overview WHERE side = 'src'`);
      // QEMU subtracts two whole-millisecond readings: up to 1 ms either way, plus the unlogged
      // start of migration_thread.
      expect(Math.abs(Number(row.setup_ms) - qm['setup-time'])).toBeLessThanOrEqual(2);
      expect(Math.abs(Number(row.total_ms) - qm['total-time'])).toBeLessThanOrEqual(2);
    } finally {
      engine.close();
    }
  });
});

describe('multifd destination bytes (b-multifd4)', () => {
  const tmp = scratch();
  let engine: WorkspaceEngine;
  let engine9: WorkspaceEngine;
  const dir = path.join(LOG72, 'b-multifd4');
  const qm = json(path.join(dir, 'query-migrate.json'));
  // Straight from the raw source log: payload per channel = normal pages x page size.
  const srcBytes = new Map<number, number>();
  let srcPackets = 0;
  for (const m of text(path.join(dir, 'src.log')).matchAll(/:multifd_send channel (\d+) packet_num \d+ normal pages (\d+) /g)) {
    srcPackets++;
    srcBytes.set(Number(m[1]), (srcBytes.get(Number(m[1])) ?? 0) + Number(m[2]) * qm.ram['page-size']);
  }

  beforeAll(async () => {
    engine = await open(tmp.dir, 'b', { catalogue: DEBIAN_72, any: [path.join(dir, 'src.log'), path.join(dir, 'dst.log.gz')] });
    // The destination's packets as QEMU 9.x+ traces them: multifd_recv_unfill carries no page
    // count; next_packet_size is 0 on a page-less packet there (multifd_send_thread resets it
    // after each data packet since 8.1, where 7.2 repeats the previous size).
    const lines: string[] = [];
    for (const l of text(path.join(dir, 'dst.log.gz')).split('\n')) {
      const m = /^(\d+@\d+\.\d+):multifd_recv channel (\d+) packet_num (\d+) pages (\d+) flags (0x[0-9a-f]+) next packet size (\d+)$/.exec(l);
      if (m) lines.push(`${m[1]}:multifd_recv_unfill channel ${m[2]} packet_num ${m[3]} flags ${m[5]} next packet size ${m[4] === '0' ? 0 : m[6]}`);
      else if (/:migrate_set_state /.test(l)) lines.push(l);
    }
    const f = path.join(tmp.dir, 'dst-9x.log');
    writeFileSync(f, lines.join('\n') + '\n');
    engine9 = await open(tmp.dir, 'b9', { catalogue: CAT102, dst: [f] });
  });
  afterAll(() => {
    engine?.close();
    engine9?.close();
    tmp.cleanup();
  });

  it('each destination channel received the bytes its source channel sent, at a non-zero rate', async () => {
    expect(srcBytes.size).toBe(4);
    for (const e of [engine, engine9]) {
      const rows = await objects(e, `SELECT channel, bytes, mbps FROM multifd_channels WHERE side = 'dst' ORDER BY channel`);
      expect(rows).toHaveLength(4);
      for (const r of rows) {
        expect(Number(r.bytes)).toBe(srcBytes.get(Number(r.channel)));
        expect(Number(r.mbps)).toBeGreaterThan(0);
      }
    }
    const src = await objects(engine, `SELECT channel, bytes FROM multifd_channels WHERE side = 'src' ORDER BY channel`);
    expect(src.map((r) => Number(r.bytes))).toEqual([...srcBytes.keys()].sort().map((c) => srcBytes.get(c)));
  });

  it("with each packet's header the bytes make query-migrate's multifd-bytes", async () => {
    // 7.2's packet header: a 320-byte MultiFDPacket_t plus one u64 offset per page slot.
    const header = 320 + 8 * ((512 * 1024) / qm.ram['page-size']);
    const [d] = await objects(engine9, `SELECT sum(bytes) AS bytes, sum(packets) AS packets FROM multifd_channels WHERE side = 'dst'`);
    expect(Number(d.packets)).toBe(srcPackets);
    expect(Number(d.bytes) + srcPackets * header).toBe(qm.ram['multifd-bytes']);
    const [o] = await objects(engine9, `SELECT normal_pages, multifd_channels FROM migration_overview WHERE side = 'dst'`);
    // 9.x+ destinations trace no page counts: unknown, not 0.
    expect(o.normal_pages).toBeNull();
    expect(Number(o.multifd_channels)).toBe(4);
  });
});

type Version = '7.2' | '10.2';

/** A log writer in the version's log-backend prefix: 7.2 `TID@SEC.USEC:`, 10.1+ `ISO-TIME.uuuuuuZ `. */
class Log {
  private lines: [number, number, string][] = [];
  constructor(private readonly v: Version, private readonly tid: number) {}
  at(us: number, event: string, args = ''): void {
    let prefix: string;
    if (this.v === '7.2') prefix = `${this.tid}@${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}:`;
    else prefix = `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}.${String(us % 1e6).padStart(6, '0')}Z `;
    this.lines.push([us, this.lines.length, `${prefix}${event} ${args}`]);
  }
  text(): string {
    return this.lines.sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , l]) => l).join('\n') + '\n';
  }
}

const T0 = 1_795_000_000_000_000; // µs
const HOST = 0x7f00_0000_0000;
const hex = (n: number) => `0x${n.toString(16)}`;
/** Request-to-placement latency of each fault, ms: whole ms so 7.2's ms blocktime clock is exact. */
const LATENCY_MS = [1, 2, 3, 5, 10];

/**
 * A postcopy migration, one vCPU: 7 normal and 3 zero pages loaded in precopy, then after the
 * listen 5 pages faulted in by the vCPU and 4 normal + 2 zero pages pushed in the background.
 */
function postcopyLogs(v: Version, opts: { postcopyLoop: boolean }): { src: string; dst: string } {
  const src = new Log(v, 100);
  const dst = new Log(v, 200);
  const state = (w: Log, us: number, s: string) => w.at(T0 + us, 'migrate_set_state', `new state ${s}`);
  const run = (w: Log, us: number, from: string, to: string) => w.at(T0 + us, 'runstate_set', `current_run_state ${from} new_state ${to}`);
  const ck = (us: number, name: string) => v === '10.2' && src.at(T0 + us, 'vmstate_downtime_checkpoint', name);
  let page = 0;
  const nextOffset = () => (page++ * 3 + 1) * 4096;
  const load = (us: number, offset: number, zero: boolean) =>
    dst.at(T0 + us, 'ram_load_loop', `pc.ram: addr: ${hex(offset)} flags: ${zero ? '0x22' : '0x8'} host: ${hex(HOST + offset)}`);
  const loadPostcopy = (us: number, offset: number, zero: boolean) => {
    if (opts.postcopyLoop) dst.at(T0 + us, 'ram_load_postcopy_loop', `chan=0 addr=${hex(offset)} flags=${zero ? '0x22' : '0x8'}`);
    dst.at(T0 + us + 5, zero ? 'postcopy_place_page_zero' : 'postcopy_place_page', `host=${hex(HOST + offset)}`);
  };

  state(src, 0, 'setup');
  src.at(T0 + 1000, 'savevm_state_header');
  state(src, 2500, 'active');
  src.at(T0 + 2520, 'migration_thread_setup_complete');
  src.at(T0 + 3000, 'migration_bitmap_sync_start');
  src.at(T0 + 3100, 'migration_bitmap_sync_end', 'dirty_pages 65536');
  state(dst, -1_000_000, 'setup');
  state(dst, 2600, 'active');
  for (let i = 0; i < 10; i++) {
    const offset = nextOffset();
    const zero = i >= 7;
    if (!zero) src.at(T0 + 10_000 + i * 100, 'ram_save_page', `pc.ram: offset: ${hex(offset)} host: ${hex(HOST + offset)}`);
    load(10_050 + i * 100, offset, zero);
  }

  src.at(T0 + 1_000_000, 'postcopy_start');
  src.at(T0 + 1_000_050, 'postcopy_start_set_run');
  ck(1_000_100, 'src-downtime-start');
  run(src, 1_000_110, '9 (running)', '7 (finish-migrate)');
  ck(1_000_150, 'src-vm-stopped');
  state(src, 1_000_200, v === '10.2' ? 'postcopy-device' : 'postcopy-active');
  src.at(T0 + 1_000_300, 'migration_bitmap_sync_start');
  src.at(T0 + 1_000_400, 'migration_bitmap_sync_end', 'dirty_pages 100');
  src.at(T0 + 1_020_000, 'qemu_savevm_send_packaged');
  ck(1_020_500, 'src-downtime-end');
  dst.at(T0 + 1_021_000, 'loadvm_postcopy_handle_listen', 'enter');
  state(dst, 1_021_100, 'postcopy-active');
  if (v === '10.2') {
    dst.at(T0 + 1_021_200, 'postcopy_blocktime_tid_cpu_map', 'cpu: 0, tid: 201');
    src.at(T0 + 1_030_000, 'source_return_path_thread_postcopy_package_loaded');
    state(src, 1_030_050, 'postcopy-active');
  }

  let blocked = 0;
  LATENCY_MS.forEach((ms, i) => {
    const req = 1_100_000 + i * 100_000;
    const offset = nextOffset();
    const host = HOST + offset;
    dst.at(T0 + req, 'postcopy_ram_fault_thread_request', `Request for HVA=${hex(host + 0x123)} rb=pc.ram offset=${hex(offset)} pid=201`);
    if (v === '10.2') dst.at(T0 + req + 1, 'postcopy_blocktime_begin', `addr: ${hex(host)}, time: ${(T0 + req) * 1000}, cpu: 0, exist: 0`);
    else dst.at(T0 + req + 1, 'mark_postcopy_blocktime_begin', `addr: ${hex(host)}, dd: 0x55aa00, time: ${req / 1000}, cpu: 0, already_received: 0`);
    src.at(T0 + req + 40, 'ram_save_queue_pages', `pc.ram: start: ${hex(offset)} len: 0x1000`);
    src.at(T0 + req + 60, 'ram_save_page', `pc.ram: offset: ${hex(offset)} host: ${hex(host)}`);
    loadPostcopy(req + ms * 1000 - 5, offset, false);
    blocked += ms;
    if (v === '10.2') {
      dst.at(T0 + req + ms * 1000 + 1, 'postcopy_blocktime_end', `addr: ${hex(host)}, time: ${(T0 + req + ms * 1000) * 1000}, affected_cpus: 1, affected_non_cpus: 0`);
      dst.at(T0 + req + ms * 1000 + 2, 'postcopy_blocktime_end_one', 'cpu: 0, left_faults: 0');
    } else {
      // 7.2's time argument here is dc->total_blocktime: ms all vCPUs were blocked so far.
      dst.at(T0 + req + ms * 1000 + 1, 'mark_postcopy_blocktime_end', `addr: ${hex(host)}, dd: 0x55aa00, time: ${blocked}, affected_cpu: 1`);
    }
  });
  for (let i = 0; i < 6; i++) {
    const offset = nextOffset();
    const zero = i >= 4;
    if (!zero) src.at(T0 + 2_000_000 + i * 1000, 'ram_save_page', `pc.ram: offset: ${hex(offset)} host: ${hex(HOST + offset)}`);
    loadPostcopy(2_000_100 + i * 1000, offset, zero);
  }

  src.at(T0 + 3_000_000, 'migration_completion_postcopy_end');
  ck(3_000_400, 'src-downtime-end');
  state(src, 3_000_450, 'completed');
  run(src, 3_000_600, '7 (finish-migrate)', '5 (postmigrate)');
  // postcopy_ram_incoming_cleanup: QEMU's total_blocktime, ns from 10.1. 7.2's is left out so
  // the running total of mark_postcopy_blocktime_end is what the view has.
  if (v === '10.2') dst.at(T0 + 3_001_000, 'postcopy_ram_incoming_cleanup_blocktime', `total blocktime ${blocked * 1_000_000}`);
  state(dst, 3_001_500, 'completed');
  return { src: src.text(), dst: dst.text() };
}

describe.each([
  ['10.2', CAT102, true],
  ['10.2', CAT102, false],
  ['7.2', DEBIAN_72, true],
] as const)('generated QEMU %s postcopy (ram_load_postcopy_loop traced: %s)', (v, catalogue, postcopyLoop) => {
  const tmp = scratch();
  let engine: WorkspaceEngine;
  beforeAll(async () => {
    const logs = postcopyLogs(v, { postcopyLoop });
    writeFileSync(path.join(tmp.dir, 'src.log'), logs.src);
    writeFileSync(path.join(tmp.dir, 'dst.log'), logs.dst);
    engine = await open(tmp.dir, 'ws', { catalogue, src: [path.join(tmp.dir, 'src.log')], dst: [path.join(tmp.dir, 'dst.log')] });
  });
  afterAll(() => {
    engine?.close();
    tmp.cleanup();
  });

  it('source: total runs setup..completion, setup header..setup_complete, downtime from postcopy_start', async () => {
    const [s] = await objects(engine, `SELECT * FROM migration_overview WHERE side = 'src'`);
    expect(s.final_state).toBe('completed');
    expect(s.postcopy).toBe(true);
    // 10.2: the second 'src-downtime-end' (migration_completion_end), not postcopy_start's.
    // 7.2: migration_calculate_complete, just before runstate postmigrate.
    expect(Number(s.total_ms)).toBeCloseTo(v === '10.2' ? 3000.4 : 3000.6, 9);
    expect(Number(s.setup_ms)).toBeCloseTo(1.52, 9);
    expect(Number(s.downtime_ms)).toBeCloseTo(v === '10.2' ? 20.4 : 19.95, 9);
    expect(Number(s.dirty_syncs)).toBe(2);
    expect(Number(s.normal_pages)).toBe(7 + 5 + 4);
    expect(Number(s.postcopy_requests)).toBe(LATENCY_MS.length);
    for (const c of ['fault_latency_p50_ms', 'fault_latency_p99_ms', 'fault_latency_max_ms', 'postcopy_blocktime_ms']) expect(s[c]).toBeNull();
  });

  it('destination: precopy and postcopy pages counted once each, fault latency and blocktime', async () => {
    const [d] = await objects(engine, `SELECT * FROM migration_overview WHERE side = 'dst'`);
    expect(d.postcopy).toBe(true);
    expect(Number(d.normal_pages)).toBe(7 + 5 + 4);
    expect(Number(d.zero_pages)).toBe(3 + 2);
    // Latencies 1, 2, 3, 5, 10 ms: median 3; p99 interpolates 96% of the way from 5 to 10.
    expect(Number(d.fault_latency_p50_ms)).toBeCloseTo(3, 9);
    expect(Number(d.fault_latency_p99_ms)).toBeCloseTo(9.8, 9);
    expect(Number(d.fault_latency_max_ms)).toBeCloseTo(10, 9);
    // One vCPU: all vCPUs blocked exactly while it was, 1+2+3+5+10 ms.
    expect(Number(d.postcopy_blocktime_ms)).toBeCloseTo(21, 9);
  });
});

describe('generated QEMU 10.2 multifd source: the setup clock covers multifd_send_setup', () => {
  const tmp = scratch();
  afterAll(tmp.cleanup);
  it('starts at the first channel creation when it precedes the header', async () => {
    // 9.0+ migration_thread: setup_start, multifd_send_setup (channels connect, their threads
    // start), then qemu_savevm_state_header; setup_time is stored after 'active'.
    const src = new Log('10.2', 0);
    src.at(T0, 'migrate_set_state', 'new state setup');
    src.at(T0 + 200, 'migration_set_outgoing_channel', 'ioc=0x1 ioctype=qio-channel-socket hostname=127.0.0.1 err=(nil)');
    for (const ch of [0, 1]) {
      src.at(T0 + 400 + ch * 300, 'multifd_new_send_channel_async', `channel ${ch}`);
      src.at(T0 + 420 + ch * 300, 'multifd_set_outgoing_channel', 'ioc=0x2 ioctype=qio-channel-socket hostname=127.0.0.1');
      src.at(T0 + 450 + ch * 300, 'multifd_send_thread_start', `${ch}`);
    }
    src.at(T0 + 1300, 'savevm_state_header');
    src.at(T0 + 1800, 'migrate_set_state', 'new state active');
    src.at(T0 + 1844, 'migration_thread_setup_complete');
    const f = path.join(tmp.dir, 'src.log');
    writeFileSync(f, src.text());
    const engine = await open(tmp.dir, 'ws', { catalogue: CAT102, src: [f] });
    try {
      const [s] = await objects(engine, `SELECT setup_ms, multifd_channels FROM migration_overview`);
      expect(Number(s.setup_ms)).toBeCloseTo(1.444, 9);
      expect(Number(s.multifd_channels)).toBe(2);
    } finally {
      engine.close();
    }
  });
});

describe('run_id', () => {
  const tmp = scratch();
  afterAll(tmp.cleanup);
  it('every analysis view carries run_id as traces has it, right before its trace id or first', async () => {
    const dir = path.join(LOG72, 'a-precopy');
    const engine = await open(tmp.dir, 'ws', { catalogue: DEBIAN_72, any: [path.join(dir, 'src.log.gz'), path.join(dir, 'dst.log.gz')] });
    try {
      const views = ['migration_overview', 'multifd_channels', 'postcopy_faults', 'postcopy_blocktime', 'downtime_breakdown', 'dirty_sync_iterations', 'section_timings', 'precopy_progress'];
      for (const v of views) {
        const cols = (await objects(engine, `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = '${v}' ORDER BY column_index`)).map((c) => [String(c.column_name), String(c.data_type)]);
        const i = cols.findIndex(([n]) => n === 'run_id');
        expect(i, v).toBeGreaterThanOrEqual(0);
        expect(cols[i][1], v).toBe('INTEGER');
        expect(i === 0 || /trace_id$/.test(cols[i + 1][0]), v).toBe(true);
      }
      const bad = await objects(engine, `SELECT count(*) AS n FROM migration_overview o JOIN traces t USING (trace_id) WHERE o.run_id IS DISTINCT FROM t.run_id`);
      expect(Number(bad[0].n)).toBe(0);
      const st = await objects(engine, `SELECT count(*) AS n FROM section_timings s JOIN traces t USING (trace_id) WHERE s.run_id IS DISTINCT FROM t.run_id`);
      expect(Number(st[0].n)).toBe(0);
    } finally {
      engine.close();
    }
  });
});
