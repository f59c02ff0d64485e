// Every trace format through the full ingest path (WorkspaceEngine.openInputs → workspace tables), on the
// real QEMU traces: the 7.2.22 log rewritten into every other text dialect's layout must give the
// same typed tables; mixed/garbage input, multi-line events, catalogue selection, source-tree
// catalogues and cut or byte-swapped simpletrace files must keep every record accounted for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { expectNoGluedNewlines } from '../../helpers/newlines.ts';
import type { IngestSummary } from '../../../src-main/contract.ts';
import { compileFormat, loadCatalogueFile, loadCatalogueSource, loadEmbeddedCatalogue, tokenizeFormat } from '../../../src-main/catalogue/index.ts';
import { ingest, type IngestResult } from '../../../src-main/ingest/ingest.ts';
import type { ArgValue, Catalogue, EventSpec } from '../../../src-main/catalogue/index.ts';
import { CATALOGUES, DEBIAN_72, SAMPLES, SHARED, scratch } from '../../helpers/paths.ts';

const tmp = scratch('qtw-formats-');
afterAll(() => tmp.cleanup());

const B_SRC = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4/src.log');
const A_SRC_GZ = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/src.log.gz');
const Q10 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const BUILD_10 = path.join(CATALOGUES, 'qemu-10.2.50-build/trace-events-all');
const SEED = path.join(SHARED, 'seed/migration.trace-events');

type Row = unknown[];

async function rows(engine: WorkspaceEngine, sql: string): Promise<Row[]> {
  const out: Row[] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (r) => void out.push(...r) });
  return out;
}

async function one(engine: WorkspaceEngine, sql: string): Promise<Row> {
  const r = await rows(engine, sql);
  expect(r, sql).toHaveLength(1);
  return r[0];
}

/** Ingests `inputs` into a fresh workspace; the engine stays open for queries. */
async function freshIngest(name: string, inputs: string[], catalogues?: string[]): Promise<{ engine: WorkspaceEngine; summary: IngestSummary }> {
  const engine = await WorkspaceEngine.open(path.join(tmp.dir, `${name}.duckdb`));
  const summary = await engine.openInputs(inputs, catalogues === undefined ? {} : { catalogues });
  return { engine, summary };
}

/**
 * Ingests `inputs` typed with exactly `catalogues` (the engine would add every built-in release
 * as a candidate, and the best fit would win); the engine stays open for queries.
 */
async function ingestWithOnly(name: string, inputs: string[], catalogues: Catalogue[]): Promise<{ engine: WorkspaceEngine; summary: IngestResult }> {
  const engine = await WorkspaceEngine.open(path.join(tmp.dir, `${name}.duckdb`));
  const summary = await ingest(engine.ws, { inputs, catalogues });
  return { engine, summary };
}

function write(name: string, content: string | Uint8Array): string {
  const f = path.join(tmp.dir, name);
  writeFileSync(f, content);
  return f;
}

// ------------------------------------------------------------------------------------------------
// The reference log, parsed here with a plain regex (independent of the engine's dialects).

interface LogLine {
  tid: number;
  sec: number;
  usec: number;
  name: string;
  msg: string;
}

const LOG_RE = /^(\d+)@(\d+)\.(\d{6}):([A-Za-z0-9_]+) ([\s\S]*)$/;

const logText = readFileSync(B_SRC, 'utf8');
const logLines: LogLine[] = logText
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => {
    const m = LOG_RE.exec(l);
    if (m === null) throw new Error(`reference log line not in TID@SEC.USEC form: ${l}`);
    return { tid: Number(m[1]), sec: Number(m[2]), usec: Number(m[3]), name: m[4], msg: m[5] };
  });
// The main loop runs on the process's first thread, whose thread id is the process id; the
// first lines of the log come from it (monitor events, runstate changes).
const PID = logLines[0].tid;

function logCounts(): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of logLines) m.set(l.name, (m.get(l.name) ?? 0) + 1);
  return m;
}

const usNs = (l: LogLine): bigint => BigInt(l.sec) * 1_000_000_000n + BigInt(l.usec) * 1000n;
/** A sub-microsecond part for the dialects that carry nanoseconds, so ns precision is tested. */
const subUs = (i: number): bigint => BigInt((i * 397 + 11) % 1000);

function utcParts(sec: number): { date: string; time: string } {
  const iso = new Date(sec * 1000).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
}

// ------------------------------------------------------------------------------------------------
// Rewriting each log line into the other dialects' layouts.

interface Expected {
  ts: bigint;
  tid: number | null;
  pid: number | null;
}

interface Rewritten {
  text: string;
  expected: Expected[];
  /** Lines of the file that are framing, not records. */
  framing: number;
}

function toStap(): Rewritten {
  const expected: Expected[] = [];
  const out = logLines.map((l, i) => {
    const ns = usNs(l) + subUs(i);
    expected.push({ ts: ns, tid: null, pid: PID });
    return `${PID}@${ns} ${l.name} ${l.msg}`;
  });
  return { text: out.join('\n') + '\n', expected, framing: 0 };
}

const FTRACE_HEADER = [
  '# tracer: nop',
  '#',
  `# entries-in-buffer/entries-written: ${logLines.length}/${logLines.length}   #P:2`,
  '#',
  '#                                _-----=> irqs-off/BH-disabled',
  '#                               / _----=> need-resched',
  '#                              | / _---=> hardirq/softirq',
  '#                              || / _--=> preempt-depth',
  '#                              ||| / _-=> migrate-disable',
  '#                              |||| /     delay',
  '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
  '#              | |         |   |||||     |         |',
];

function toFtrace(): Rewritten {
  // The kernel's local clock counts from boot: wall time minus a boot instant.
  const boot = logLines[0].sec - 5412;
  const names = ['live_migration', 'CPU 0/KVM', 'multifdsend_0', 'IO mon_iothread', 'worker'];
  const tids = [...new Set(logLines.map((l) => l.tid))].sort((a, b) => a - b);
  const comm = new Map(tids.map((t, k) => [t, t === PID ? 'qemu-system-x86' : names[k % names.length]]));
  const expected: Expected[] = [];
  const out = logLines.map((l) => {
    const ksec = l.sec - boot;
    expected.push({ ts: BigInt(ksec) * 1_000_000_000n + BigInt(l.usec) * 1000n, tid: l.tid, pid: null });
    const task = `${(comm.get(l.tid) as string).padStart(16)}-${String(l.tid).padEnd(7)}`;
    const cpu = String(l.tid % 2).padStart(3, '0');
    const ts = `${ksec}.${String(l.usec).padStart(6, '0')}`.padStart(12);
    return `${task} [${cpu}] ..... ${ts}: tracing_mark_write: ${l.name} ${l.msg}`;
  });
  return { text: [...FTRACE_HEADER, ...out].join('\n') + '\n', expected, framing: FTRACE_HEADER.length };
}

function toSyslog(): Rewritten {
  const expected: Expected[] = [];
  const out = logLines.map((l, i) => {
    expected.push({ ts: usNs(l), tid: null, pid: PID });
    // Most lines in UTC as the brief's rsyslog template writes them; every third in +02:00.
    const east = i % 3 === 1;
    const { date, time } = utcParts(l.sec + (east ? 7200 : 0));
    const stamp = `${date}T${time}.${String(l.usec).padStart(6, '0')}${east ? '+02:00' : '+00:00'}`;
    return `${stamp} myhost qemu-system-x86_64[${PID}]: ${l.name} ${l.msg}`;
  });
  return { text: out.join('\n') + '\n', expected, framing: 0 };
}

function toJournal(): Rewritten {
  const expected: Expected[] = [];
  const out = logLines.map((l, i) => {
    expected.push({ ts: usNs(l), tid: null, pid: PID });
    const us = BigInt(l.sec) * 1_000_000n + BigInt(l.usec);
    // journalctl -o json prints every field as a string, in this order.
    return JSON.stringify({
      __CURSOR: `s=6a1c0b1e;i=${(0x1000 + i).toString(16)};b=0f3e;m=${i.toString(16)};t=${us.toString(16)};x=1`,
      __REALTIME_TIMESTAMP: String(us),
      __MONOTONIC_TIMESTAMP: String(us - 1_795_630_000_000_000n),
      _BOOT_ID: '0f3e5a3a8b7c4d2e9f1a2b3c4d5e6f70',
      PRIORITY: '6',
      SYSLOG_FACILITY: '3',
      _UID: '0',
      _GID: '0',
      _TRANSPORT: 'syslog',
      SYSLOG_IDENTIFIER: 'qemu-system-x86_64',
      SYSLOG_PID: String(PID),
      _PID: String(PID),
      _COMM: 'qemu-system-x86',
      _HOSTNAME: 'myhost',
      MESSAGE: `${l.name} ${l.msg}`,
    });
  });
  return { text: out.join('\n') + '\n', expected, framing: 0 };
}

/** The C-escaped, double-quoted form babeltrace prints for a string field. */
function cString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** Which arguments UST declares hex (`ctf_integer_hex`): `%p`, an `x` conversion, or a pointer. */
function hexArgs(ev: EventSpec): boolean[] {
  const hex = ev.args.map((a) => a.kind === 'pointer');
  let next = 0;
  for (const t of tokenizeFormat(ev.format)) {
    if (t.kind !== 'conv') continue;
    if (t.width === '*') next++;
    if (t.precision === '*') next++;
    if (next < ev.args.length && (t.conv === 'p' || t.conv === 'x' || t.conv === 'X')) hex[next] = true;
    next++;
  }
  return hex;
}

function renderField(ev: EventSpec, i: number, v: ArgValue, hex: boolean): string {
  const a = ev.args[i];
  if (a.kind === 'string') {
    // LTTng-UST records a NULL char * as the text "(null)", as glibc's printf prints it.
    return cString(v === null ? '(null)' : String(v));
  }
  if (v === null) throw new Error(`${ev.name}: argument ${a.name} has no value to render`);
  if (a.kind === 'bool') return v ? '1' : '0';
  const n = BigInt(v as number | bigint);
  if (hex) return `0x${BigInt.asUintN(a.kind === 'pointer' ? 64 : a.bits, n).toString(16).toUpperCase()}`;
  return n.toString();
}

function toBabeltrace(cat: Catalogue): Rewritten {
  const expected: Expected[] = [];
  let prev: bigint | null = null;
  const fmtDelta = (d: bigint) => `+${d / 1_000_000_000n}.${String(d % 1_000_000_000n).padStart(9, '0')}`;
  const out = logLines.map((l, i) => {
    const ev = cat.get(l.name);
    if (ev === undefined) throw new Error(`${l.name} is not in the 7.2.22 catalogue`);
    const args = compileFormat(ev).decode(l.msg);
    if (args === null) throw new Error(`${l.name}: message does not fit its 7.2.22 format: ${l.msg}`);
    const hex = hexArgs(ev);
    const payload = ev.args.map((a, k) => `${a.name} = ${renderField(ev, k, args[k], hex[k])}`).join(', ');
    const ns = usNs(l) + subUs(i);
    expected.push({ ts: ns, tid: l.tid, pid: null });
    const delta = prev === null ? '+?.?????????' : fmtDelta(ns >= prev ? ns - prev : 0n);
    prev = ns;
    const sec = ns / 1_000_000_000n;
    const { date, time } = utcParts(Number(sec));
    const stamp = `${date} ${time}.${String(ns % 1_000_000_000n).padStart(9, '0')}`;
    return `[${stamp}] (${delta}) myhost qemu:${l.name}: { cpu_id = ${l.tid % 2} }, { vtid = ${l.tid} }, { ${payload}${payload ? ' ' : ''}}`;
  });
  return { text: out.join('\n') + '\n', expected, framing: 0 };
}

// ------------------------------------------------------------------------------------------------

const FIXED = ['trace_id', 'side', 'seq', 'ts_ns', 'tid', 'pid'];

/** The original log ingested once: its argument columns per event table, in file order. */
interface Reference {
  engine: WorkspaceEngine;
  traceId: number;
  tables: Map<string, Row[]>;
}

let reference: Promise<Reference> | null = null;
function ingestReference(): Promise<Reference> {
  reference ??= (async () => {
    const r = await freshIngest('reference', [B_SRC], [DEBIAN_72]);
    expect(r.summary.errors).toEqual([]);
    expect(r.summary.traces).toHaveLength(1);
    const traceId = r.summary.traces[0].traceId;
    expect(r.summary.traces[0].unparsed).toBe(0);
    const tables = new Map<string, Row[]>();
    for (const name of logCounts().keys()) {
      tables.set(name, await rows(r.engine, `SELECT * EXCLUDE (trace_id, ts_ns, tid, pid) FROM "${name}" WHERE trace_id = ${traceId} ORDER BY seq`));
    }
    return { engine: r.engine, traceId, tables };
  })();
  return reference;
}
afterAll(async () => {
  if (reference !== null) {
    const { engine } = await reference;
    await expectNoGluedNewlines(engine);
    engine.close();
  }
});

describe('every text dialect carries the real 7.2.22 log into identical typed tables', () => {
  let ref: WorkspaceEngine;
  let refId = 0;
  let refTables = new Map<string, Row[]>();
  const cat72 = loadCatalogueFile(DEBIAN_72);

  beforeAll(async () => {
    ({ engine: ref, traceId: refId, tables: refTables } = await ingestReference());
  });

  it('the reference log is typed completely', async () => {
    const counts = await rows(ref, `SELECT name, count(*) FROM events WHERE trace_id = ${refId} GROUP BY name`);
    expect(new Map(counts.map(([n, c]) => [String(n), Number(c)]))).toEqual(logCounts());
    // Argument columns exist beyond the fixed ones for events that have arguments.
    const [[cols]] = await rows(ref, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'multifd_send'`);
    expect(Number(cols)).toBe(FIXED.length + 5);
  });

  const cases: [string, string, () => Rewritten][] = [
    ['stap', 'pid@ns', toStap],
    ['ftrace', 'ftrace', toFtrace],
    ['syslog', 'syslog', toSyslog],
    ['journal', 'journal', toJournal],
    ['babeltrace', 'babeltrace', () => toBabeltrace(cat72)],
  ];

  it.each(cases)('%s', async (format, prefixStyle, make) => {
    const rw = make();
    const file = write(`src.${format}.txt`, rw.text);
    const { engine, summary } = await freshIngest(`dialect-${format}`, [file], [DEBIAN_72]);
    try {
      expect(summary.errors).toEqual([]);
      expect(summary.traces).toHaveLength(1);
      const t = summary.traces[0];
      expect(t.format).toBe(format);
      expect(t.prefixStyle).toBe(prefixStyle);
      expect(t.unparsed).toBe(0);
      expect(t.records).toBe(logLines.length);
      expect(t.records).toBe(rw.text.split('\n').length - 1 - rw.framing);
      expect(t.clock).toBe(format === 'ftrace' ? 'kernel' : 'epoch');

      const counts = await rows(engine, `SELECT name, count(*) FROM events WHERE trace_id = ${t.traceId} GROUP BY name`);
      expect(new Map(counts.map(([n, c]) => [String(n), Number(c)]))).toEqual(logCounts());

      for (const [name, want] of refTables) {
        const got = await rows(engine, `SELECT * EXCLUDE (trace_id, ts_ns, tid, pid) FROM "${name}" WHERE trace_id = ${t.traceId} ORDER BY seq`);
        expect(got, `${format}: ${name}`).toEqual(want);
      }

      const fixed = await rows(engine, `SELECT seq, ts_ns, tid, pid FROM events WHERE trace_id = ${t.traceId} ORDER BY seq`);
      expect(fixed.map(([seq]) => Number(seq))).toEqual(logLines.map((_, i) => i));
      expect(fixed.map(([, ts, tid, pid]) => ({ ts, tid, pid }))).toEqual(rw.expected);
      const [first, last] = await one(engine, `SELECT first_ts_ns, last_ts_ns FROM traces WHERE trace_id = ${t.traceId}`);
      const tss = rw.expected.map((e) => e.ts);
      expect(first).toBe(tss.reduce((a, b) => (b < a ? b : a)));
      expect(last).toBe(tss.reduce((a, b) => (b > a ? b : a)));
    } finally {
      await expectNoGluedNewlines(engine);
      engine.close();
    }
  });
});

// ------------------------------------------------------------------------------------------------

/** Indexes of reference lines whose event cannot continue on the next line (no string, no `\n`). */
function singleLineEvents(cat: Catalogue): number[] {
  const out: number[] = [];
  logLines.forEach((l, i) => {
    const ev = cat.get(l.name) as EventSpec;
    if (!ev.format.includes('\n') && !ev.args.some((a) => a.kind === 'string')) out.push(i);
  });
  return out;
}

describe('mixed and garbage input: every record typed, every foreign line kept', () => {
  const cat72 = loadCatalogueFile(DEBIAN_72);
  const raw = logText.split('\n').filter((l) => l !== '');

  // Real kinds of non-trace output found beside trace lines (docs/qemu-trace-formats.md §3.1, §6.20).
  const garbage = [
    '       CPU 0/KVM-28160   [001] d..2.  5412.123456: kvm_exit: vcpu 0 reason EPT_VIOLATION rip 0xffffffff8108d4c6 info 181 0',
    '',
    '2026-11-25 20:23:15.123+0000: starting up libvirt version: 9.0.0, package: 9.0.0-4 (Debian), qemu version: 7.2.0Debian 1:7.2+dfsg-7+deb12u18, hostname: myhost',
    'char device redirected to /dev/pts/3 (label charserial0)',
    'qemu-system-x86_64: warning: TSC frequency mismatch between VM (2400000 kHz) and host (2600000 kHz), and TSC scaling unavailable',
    '2026-11-25T20:23:15.123456Z qemu-system-x86_64: terminating on signal 15 from pid 1234 (/usr/sbin/libvirtd)',
    '',
    '# tracer: nop',
  ];

  it('log: foreign lines after records that cannot span lines, at the start and at the end', async () => {
    const slots = singleLineEvents(cat72);
    expect(slots.length).toBeGreaterThan(garbage.length);
    const out: string[] = [garbage[4]]; // an error_report before any record
    const expectUnparsed: { line: number; raw: string }[] = [{ line: 1, raw: garbage[4] }];
    let g = 0;
    const step = Math.floor(slots.length / garbage.length);
    const after = new Map(garbage.map((text, k) => [slots[k * step], text]));
    raw.forEach((l, i) => {
      out.push(l);
      const text = after.get(i);
      if (text !== undefined) {
        out.push(text);
        expectUnparsed.push({ line: out.length, raw: text });
        g++;
      }
    });
    expect(g).toBe(garbage.length);
    out.push('', garbage[3]); // a blank line and a banner at the end
    expectUnparsed.push({ line: out.length - 1, raw: '' }, { line: out.length, raw: garbage[3] });
    const file = write('mixed.log', out.join('\n') + '\n');

    const { engine, summary } = await freshIngest('mixed-log', [file], [DEBIAN_72]);
    try {
      expect(summary.errors).toEqual([]);
      const t = summary.traces[0];
      expect(t.format).toBe('log');
      expect(t.events).toBe(raw.length);
      expect(t.unparsed).toBe(expectUnparsed.length);
      expect(t.records).toBe(t.events + t.unparsed);
      expect(t.records).toBe(out.length);
      const un = await rows(engine, `SELECT line_no, raw, reason, name FROM unparsed WHERE trace_id = ${t.traceId} ORDER BY seq`);
      expect(un.map(([line, r]) => ({ line: Number(line), raw: r }))).toEqual(expectUnparsed);
      for (const [, r, reason, name] of un) {
        expect(name).toBeNull();
        expect(reason).toMatch(r === '' ? /empty/ : /foreign/);
      }
      const counts = await rows(engine, `SELECT name, count(*) FROM events WHERE trace_id = ${t.traceId} GROUP BY name`);
      expect(new Map(counts.map(([n, c]) => [String(n), Number(c)]))).toEqual(logCounts());
    } finally {
      await expectNoGluedNewlines(engine);
      engine.close();
    }
  });

  it('babeltrace: default time-of-day stamps give the daytime clock', async () => {
    const rw = toBabeltrace(cat72);
    const text = rw.text.replace(/^\[\d{4}-\d\d-\d\d (\d\d:\d\d:\d\d\.\d{9})\]/gm, '[$1]');
    expect(text).not.toBe(rw.text);
    const file = write('daytime.babeltrace.txt', text);
    const { engine, summary } = await freshIngest('babeltrace-daytime', [file], [DEBIAN_72]);
    try {
      const t = summary.traces[0];
      expect([t.format, t.clock, t.unparsed]).toEqual(['babeltrace', 'daytime', 0]);
      const day = 86_400_000_000_000n;
      const first = rw.expected[0].ts - (rw.expected[0].ts % day);
      const ts = await rows(engine, `SELECT ts_ns FROM events WHERE trace_id = ${t.traceId} ORDER BY seq`);
      expect(ts.map(([v]) => v)).toEqual(rw.expected.map((e) => e.ts - first));
    } finally {
      await expectNoGluedNewlines(engine);
      engine.close();
    }
  });

  it('log: a libvirt domain log whose earlier guest starts fill far more than the first 200 lines', async () => {
    // What libvirt writes at each start of the guest (§3.1): its banner, the environment and
    // QEMU command line one option a line, chardev notes; and a shutdown note at each end.
    const start = (k: number) => [
      `2026-11-${String(1 + (k % 28)).padStart(2, '0')} 0${k % 10}:23:15.123+0000: starting up libvirt version: 9.0.0, package: 9.0.0-4 (Debian), qemu version: 7.2.0Debian 1:7.2+dfsg-7+deb12u18, kernel: 6.1.0, hostname: h`,
      'LC_ALL=C \\',
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin \\',
      '/usr/bin/qemu-system-x86_64 \\',
      `-name guest=vm${k},debug-threads=on \\`,
      '-machine pc-q35-7.2,usb=off,vmport=off,dump-guest-core=off,memory-backend=pc.ram \\',
      `-object '{"qom-type":"memory-backend-ram","id":"pc.ram","size":${4 << 30}}' \\`,
      '-msg timestamp=on',
      'char device redirected to /dev/pts/3 (label charserial0)',
      `2026-11-${String(1 + (k % 28)).padStart(2, '0')}T0${k % 10}:40:00.000000Z qemu-system-x86_64: terminating on signal 15 from pid 1234 (/usr/sbin/libvirtd)`,
      `2026-11-${String(1 + (k % 28)).padStart(2, '0')} 0${k % 10}:40:00.100+0000: shutting down, reason=shutdown`,
    ];
    const preamble = Array.from({ length: 60 }, (_, k) => start(k)).flat();
    expect(preamble.length).toBeGreaterThan(600);
    const raw = logText.split('\n').filter((l) => l !== '');
    const file = write('libvirt-domain.log', [...preamble, ...raw].join('\n') + '\n');
    const { engine, summary } = await freshIngest('libvirt-domain-log', [file], [DEBIAN_72]);
    try {
      expect(summary.errors).toEqual([]);
      const t = summary.traces[0];
      expect(t.format).toBe('log');
      expect(t.events).toBe(raw.length);
      expect(t.unparsed).toBe(preamble.length);
      const un = await rows(engine, `SELECT min(line_no), max(line_no), count(*) FILTER (WHERE reason LIKE '%foreign%') FROM unparsed WHERE trace_id = ${t.traceId}`);
      expect(un[0].map(Number)).toEqual([1, preamble.length, preamble.length]);
      const counts = await rows(engine, `SELECT name, count(*) FROM events WHERE trace_id = ${t.traceId} GROUP BY name`);
      expect(new Map(counts.map(([n, c]) => [String(n), Number(c)]))).toEqual(logCounts());
    } finally {
      await expectNoGluedNewlines(engine);
      engine.close();
    }
  });

  it('ftrace: kernel events interleaved with QEMU marks are foreign records; # lines are framing', async () => {
    const ft = toFtrace();
    const marks = ft.text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const kernel = (i: number, tid: number) =>
      `       CPU 0/KVM-${tid + 9}   [001] d..2.  ${5412 + i}.000001: kvm_exit: vcpu 0 reason EPT_VIOLATION rip 0xffffffff8108d4c6 info 181 0`;
    // After every 97th record, whatever its event (string arguments included): a kernel line
    // is a complete record of the trace file, never a continuation of a QEMU message.
    const out = [...FTRACE_HEADER];
    let kernelLines = 0;
    marks.forEach((l, i) => {
      out.push(l);
      if (i % 97 === 0) {
        out.push(kernel(i, logLines[i].tid));
        kernelLines++;
      }
    });
    const file = write('mixed.trace', out.join('\n') + '\n');
    const { engine, summary } = await freshIngest('mixed-ftrace', [file], [DEBIAN_72]);
    try {
      const t = summary.traces[0];
      expect(t.format).toBe('ftrace');
      expect(t.events).toBe(marks.length);
      expect(t.unparsed).toBe(kernelLines);
      // The header's # lines are framing, not records.
      expect(t.records).toBe(out.length - FTRACE_HEADER.length);
      const un = await rows(engine, `SELECT reason, raw FROM unparsed WHERE trace_id = ${t.traceId}`);
      for (const [reason, r] of un) {
        expect(reason).toMatch(/foreign/);
        expect(r).toMatch(/kvm_exit/);
      }
      // The QEMU records keep exactly the arguments the plain log gives (seq shifts by the
      // kernel lines before them, so compare without it).
      const ref = await ingestReference();
      for (const [name, want] of ref.tables) {
        const got = await rows(engine, `SELECT * EXCLUDE (trace_id, seq, ts_ns, tid, pid) FROM "${name}" ORDER BY seq`);
        expect(got, name).toEqual(want.map((r) => [r[0], ...r.slice(2)]));
      }
    } finally {
      await expectNoGluedNewlines(engine);
      engine.close();
    }
  });
});

describe('lines from other loggers never continue a QEMU message', () => {
  const stringEnding = (name: string) => name === 'handle_qmp_command'; // "mon %p req: %s"

  /** `lines` with `foreignLine(i, line, n)` inserted after each event ending in %s. */
  function interleave(lines: string[], foreignLine: (line: string, n: number) => string): { out: string[]; inserted: number } {
    const out: string[] = [];
    let inserted = 0;
    lines.forEach((l, i) => {
      out.push(l);
      if (stringEnding(logLines[i].name)) out.push(foreignLine(l, inserted++));
    });
    return { out, inserted };
  }

  /** The %s values must be exactly the log's: no foreign line glued onto them. */
  async function expectRequestsIntact(engine: WorkspaceEngine): Promise<void> {
    const reqs = await rows(engine, `SELECT req FROM handle_qmp_command ORDER BY seq`);
    const want = logLines.filter((l) => l.name === 'handle_qmp_command').map((l) => [/ req: ([\s\S]*)$/.exec(l.msg)?.[1]]);
    expect(reqs).toEqual(want);
  }

  it('log: stamped libvirt and error_report lines after an event ending in %s', async () => {
    const raw = logText.split('\n').filter((l) => l !== '');
    const foreign = [
      '2026-11-25 20:23:15.123+0000: 2841: info : virObjectUnref:378 : OBJECT_UNREF: obj=0x7f2a4c00a0b0',
      '2026-11-25T20:23:15.123456Z qemu-system-x86_64: warning: host doesn\'t support requested feature',
    ];
    const { out, inserted } = interleave(raw, (_l, n) => foreign[n % 2]);
    expect(inserted).toBe(logCounts().get('handle_qmp_command'));
    const file = write('stamped.log', out.join('\n') + '\n');
    const { engine, summary } = await freshIngest('stamped-log', [file], [DEBIAN_72]);
    try {
      const t = summary.traces[0];
      expect(t.events).toBe(raw.length);
      expect(t.unparsed).toBe(inserted);
      await expectRequestsIntact(engine);
    } finally {
      await expectNoGluedNewlines(engine);
      engine.close();
    }
  });

  it('syslog: other daemons\' lines and "message repeated" summaries are foreign', async () => {
    const sl = toSyslog();
    const lines = sl.text.split('\n').filter((l) => l !== '');
    const { out, inserted } = interleave(lines, (l, n) => {
      const stamp = l.slice(0, l.indexOf(' '));
      return n % 2 === 0 ? `${stamp} myhost sshd[812]: Accepted publickey for root from 10.0.0.1 port 50522 ssh2` : `${stamp} myhost rsyslogd: message repeated 3 times: [ x ]`;
    });
    const file = write('mixed.syslog', out.join('\n') + '\n');
    const { engine, summary } = await freshIngest('mixed-syslog', [file], [DEBIAN_72]);
    try {
      const t = summary.traces[0];
      expect(t.format).toBe('syslog');
      expect(t.events).toBe(lines.length);
      expect(t.unparsed).toBe(inserted);
      await expectRequestsIntact(engine);
    } finally {
      await expectNoGluedNewlines(engine);
      engine.close();
    }
  });
});

// ------------------------------------------------------------------------------------------------

describe('multi-line events (7.2: `\\n` in formats and in %s values)', () => {
  it('types each event with its newlines; continuation lines are not extra records', async () => {
    const cat72 = loadCatalogueFile(DEBIAN_72);
    // The events used below really have `\n` in their 7.2.22 formats.
    for (const n of ['tpm_util_show_buffer', 'vfio_pci_load_rom', 'usb_ohci_iso_td_head', 'sh7750_porta']) {
      expect(cat72.get(n)?.format, n).toContain('\n');
    }
    const base = logText.split('\n').slice(0, 40);
    const main = logLines[0].tid;
    const at = (k: number) => `${main}@${logLines[39].sec + 1}.${String(100000 + k).padStart(6, '0')}:`;
    // QEMU prints the QAPI arguments compact (qobject_to_json): on one line.
    const json = '{"uri": "tcp:127.0.0.1:4444", "blk": false, "detach": true}';
    const blocks: string[][] = [
      [`${at(1)}qmp_enter_migrate ${json}`],
      [`${at(2)}vfio_pci_load_rom Device 0000:00:02.0 ROM:\n  size: 0x20000, offset: 0xe0000, flags: 0x1`],
      // A line of other output right after a 4-line event: the event keeps its 4 lines.
      [`${at(3)}usb_ohci_iso_td_head ISO_TD ED head 0x00001000 tailp 0x00002000\n0x00000001 0x00000002 0x00000003 0x00000004\nframe_number 0x0000abcd starting_frame 0x0000abc0\nframe_count  0x00000007 relative -3`, 'some other output'],
      [`${at(4)}tpm_util_show_buffer direction: in len: 10\n80 01 00 00 00 0a\n00 00 00 00`],
      [`${at(5)}runstate_set current_run_state 9 (running) new_state 7 (finish-migrate)`],
      // The last record of the file spans two lines.
      [`${at(6)}sh7750_porta porta changed from 0x0001 to 0x0003\npdtra=0x00ff, pctra=0x0000a5a5`],
    ];
    const text = [...base, ...blocks.flat()].join('\n') + '\n';
    const physical = text.split('\n').length - 1;
    const file = write('multiline.log', text);
    const { engine, summary } = await freshIngest('multiline', [file], [DEBIAN_72]);
    try {
      const t = summary.traces[0];
      expect(t.format).toBe('log');
      expect(t.events).toBe(base.length + blocks.length);
      expect(t.unparsed).toBe(1);
      expect(t.records).toBe(t.events + t.unparsed);
      // 0 + 1 + 3 + 2 + 0 + 1 continuation lines.
      expect(physical - t.records).toBe(7);
      const un = await rows(engine, `SELECT line_no, raw, reason FROM unparsed WHERE trace_id = ${t.traceId}`);
      expect(un).toHaveLength(1);
      expect(un[0][1]).toBe('some other output');
      expect(Number(un[0][0])).toBe(text.split('\n').indexOf('some other output') + 1);
      expect(un[0][2]).toMatch(/foreign/);

      expect(await rows(engine, `SELECT json FROM qmp_enter_migrate WHERE seq >= ${base.length}`)).toEqual([[json]]);
      expect(await rows(engine, `SELECT name, size, "offset", flags FROM vfio_pci_load_rom`)).toEqual([['0000:00:02.0', 0x20000n, 0xe0000n, 1n]]);
      expect(
        await rows(engine, `SELECT head, tail, flags, bp, next, be, framenum, startframe, framecount, rel_frame_num FROM usb_ohci_iso_td_head`),
      ).toEqual([[0x1000, 0x2000, 1, 2, 3, 4, 0xabcd, 0xabc0, 7, -3]]);
      expect(await rows(engine, `SELECT direction, len, buf FROM tpm_util_show_buffer`)).toEqual([['in', 10n, '80 01 00 00 00 0a\n00 00 00 00']]);
      expect(await rows(engine, `SELECT prev, cur, pdtr, pctr FROM sh7750_porta`)).toEqual([[1, 3, 0xff, 0xa5a5]]);
      // Sequence numbers stay dense and in file order across the multi-line records.
      const seqs = await rows(engine, `SELECT seq FROM events WHERE trace_id = ${t.traceId} UNION ALL SELECT seq FROM unparsed WHERE trace_id = ${t.traceId} ORDER BY 1`);
      expect(seqs.map((r) => Number(r[0]))).toEqual([...Array(t.records).keys()]);
      // The fixture really printed newlines in this %s value (the others are format `\n`s).
      await expectNoGluedNewlines(engine, ['tpm_util_show_buffer.buf']);
    } finally {
      engine.close();
    }
  });
});

// ------------------------------------------------------------------------------------------------

/** Event lines of a trace-events file (tracetool's rule: not blank, not a comment). */
function eventLineCount(file: string): number {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).length;
}

describe('catalogue selection', () => {
  it('picks the catalogue that fits: 10.2.50 build over 7.2.22 for a 10.2.50 log', async () => {
    const { engine, summary } = await freshIngest('pick-10', [path.join(Q10, 'src.log.gz')], [DEBIAN_72, BUILD_10]);
    try {
      expect(summary.errors).toEqual([]);
      const t = summary.traces[0];
      expect(t.unparsed).toBe(0);
      const [id, source, events, misfits] = await one(
        engine,
        `SELECT t.catalogue_id, c.source, c.events, t.catalogue_misfits FROM traces t JOIN catalogues c USING (catalogue_id)`,
      );
      expect(id).toBe(t.catalogueId);
      expect(String(source)).toBe(path.resolve(BUILD_10));
      expect(Number(misfits)).toBe(0);
      expect(Number(events)).toBe(eventLineCount(BUILD_10));
      const [[described]] = await rows(engine, `SELECT count(*) FROM catalogue_events WHERE catalogue_id = '${id}'`);
      expect(Number(described)).toBe(Number(events));
    } finally {
      await expectNoGluedNewlines(engine);
      engine.close();
    }
  });

  it('the 7.2.22 catalogue alone on a 10.2.50 log: misfits kept and counted', async () => {
    const { engine, summary } = await ingestWithOnly('skew-72', [path.join(Q10, 'src.log.gz')], [loadCatalogueFile(DEBIAN_72)]);
    try {
      const t = summary.traces[0];
      expect(t.unparsed).toBeGreaterThan(0);
      expect(t.records).toBe(t.events + t.unparsed);
      const [misfits, named] = await one(
        engine,
        `SELECT catalogue_misfits, (SELECT count(*) FROM unparsed WHERE trace_id = ${t.traceId} AND name IS NOT NULL) FROM traces`,
      );
      expect(Number(misfits)).toBeGreaterThan(0);
      expect(misfits).toBe(named);
      const reasons = await rows(engine, `SELECT DISTINCT reason FROM unparsed WHERE trace_id = ${t.traceId}`);
      for (const [r] of reasons) expect(String(r)).toMatch(/unknown event|does not match the format/);
      // Every line of an event the 7.2.22 file does not declare (nor QAPI generates) is kept
      // under its name as unknown.
      const declared = new Set(
        readFileSync(DEBIAN_72, 'utf8')
          .split('\n')
          .map((l) => /^(?:[a-z]+\s+)*(\w+)\(/.exec(l)?.[1])
          .filter((n): n is string => n !== undefined),
      );
      const missing = new Map<string, number>();
      for (const line of gunzipSync(readFileSync(path.join(Q10, 'src.log.gz'))).toString('utf8').split('\n')) {
        const n = /^\d{4}-\d\d-\d\dT[\d:.]+Z (\w+)(?: |$)/.exec(line)?.[1];
        if (n !== undefined && !declared.has(n) && !/^qmp_(enter|exit)_/.test(n)) missing.set(n, (missing.get(n) ?? 0) + 1);
      }
      expect(missing.size).toBeGreaterThan(0);
      const unknown = await rows(
        engine,
        `SELECT name, count(*) FROM unparsed WHERE trace_id = ${t.traceId} AND reason LIKE 'unknown event%' GROUP BY name`,
      );
      expect(new Map(unknown.map(([n, c]) => [String(n), Number(c)]))).toEqual(missing);
    } finally {
      await expectNoGluedNewlines(engine);
      engine.close();
    }
  });

  it('the embedded migration catalogue alone: migration and QAPI events typed, the rest kept as unknown', async () => {
    const { engine, summary } = await ingestWithOnly('embedded', [A_SRC_GZ], [await loadEmbeddedCatalogue()]);
    try {
      expect(summary.errors).toEqual([]);
      const t = summary.traces[0];
      const [source, events] = await one(engine, `SELECT c.source, c.events FROM traces t JOIN catalogues c USING (catalogue_id)`);
      expect(source).toBe('embedded');
      expect(Number(events)).toBe(eventLineCount(SEED));

      const raw = gunzipSync(readFileSync(A_SRC_GZ)).toString('utf8');
      const rawCount = (name: string) => raw.split('\n').filter((l) => l.includes(`:${name} `)).length;
      const states = await rows(engine, `SELECT new_state FROM migrate_set_state ORDER BY seq`);
      const manifest = JSON.parse(readFileSync(path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/manifest.json'), 'utf8'));
      expect(states.map((r) => r[0])).toEqual(manifest.facts_from_traces.src.migrate_set_state_sequence);
      // QAPI-generated events are not in the migration catalogue but are typed by their name.
      const [[qmp]] = await rows(engine, `SELECT count(*) FROM qmp_enter_migrate`);
      expect(Number(qmp)).toBe(rawCount('qmp_enter_migrate'));
      expect(Number(qmp)).toBeGreaterThan(0);
      for (const name of ['runstate_set', 'handle_qmp_command']) {
        const un = await rows(engine, `SELECT reason FROM unparsed WHERE trace_id = ${t.traceId} AND name = '${name}'`);
        expect(un.length, name).toBe(rawCount(name));
        expect(un.length).toBeGreaterThan(0);
        for (const [reason] of un) expect(String(reason)).toMatch(new RegExp(`unknown event '${name}'`));
        const [[described]] = await rows(engine, `SELECT count(*) FROM catalogue_events WHERE name = '${name}'`);
        expect(Number(described)).toBe(0);
      }
      const [args] = await one(engine, `SELECT args FROM catalogue_events WHERE name = 'migrate_set_state'`);
      expect(args).toBe('const char *new_state');
      expect(t.records).toBe(t.events + t.unparsed);
      expect(t.records).toBe(raw.split('\n').filter((l) => l !== '').length);
    } finally {
      await expectNoGluedNewlines(engine);
      engine.close();
    }
  });

  it('a QEMU source tree as catalogue: events typed, source files relative to the tree', async () => {
    const tree = path.join(tmp.dir, 'qemu-src');
    mkdirSync(path.join(tree, 'migration'), { recursive: true });
    // Top-level events as QEMU 7.2's softmmu and monitor declare them.
    const top = readFileSync(DEBIAN_72, 'utf8')
      .split('\n')
      .filter((l) => /^(runstate_set|vm_state_notify|handle_qmp_command|monitor_qmp_cmd_in_band)\(/.test(l));
    expect(top).toHaveLength(4);
    writeFileSync(path.join(tree, 'trace-events'), ['# See docs/devel/tracing.rst for syntax documentation.', '', '# runstate.c', ...top, ''].join('\n'));
    writeFileSync(path.join(tree, 'meson.build'), "project('qemu', ['c'])\ntrace_events_subdirs = ['migration']\n");
    copyFileSync(SEED, path.join(tree, 'migration/trace-events'));

    const { engine, summary } = await ingestWithOnly('tree', [A_SRC_GZ], [loadCatalogueSource(tree)]);
    try {
      expect(summary.errors).toEqual([]);
      const t = summary.traces[0];
      const [source, events] = await one(engine, `SELECT c.source, c.events FROM traces t JOIN catalogues c USING (catalogue_id)`);
      expect(source).toBe(path.resolve(tree));
      expect(Number(events)).toBe(top.length + eventLineCount(SEED));
      const manifest = JSON.parse(readFileSync(path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/manifest.json'), 'utf8'));
      const states = await rows(engine, `SELECT new_state FROM migrate_set_state ORDER BY seq`);
      expect(states.map((r) => r[0])).toEqual(manifest.facts_from_traces.src.migrate_set_state_sequence);
      const [[runstates]] = await rows(engine, `SELECT count(*) FROM runstate_set`);
      expect(Number(runstates)).toBeGreaterThan(0);
      const [file] = await one(engine, `SELECT source_file FROM catalogue_events WHERE name = 'migrate_set_state'`);
      expect(String(file)).toMatch(/^migration\//);
      const [topFile] = await one(engine, `SELECT source_file FROM catalogue_events WHERE name = 'runstate_set'`);
      expect(topFile).toBe('runstate.c');
      expect(t.records).toBe(t.events + t.unparsed);
    } finally {
      await expectNoGluedNewlines(engine);
      engine.close();
    }
  });
});

// ------------------------------------------------------------------------------------------------

const DROPPED_ID = 0xfffffffffffffffen;

let cat10: Catalogue | null = null;
/** The catalogue of the 10.2.50 build that wrote the sample (parsed once). */
function loadCat(): Catalogue {
  cat10 ??= loadCatalogueFile(path.join(Q10, 'trace-events-all'));
  return cat10;
}

interface Frame {
  kind: 'mapping' | 'event';
  start: number;
  end: number;
  /** Event name as the mappings before it resolve it; 'dropped' for dropped-events records. */
  name: string;
}

/** Walks v4 framing (docs/qemu-trace-formats.md §2.2) of a complete little-endian file. */
function v4Frames(b: Buffer): Frame[] {
  expect(b.readBigUInt64LE(0)).toBe(0xffffffffffffffffn);
  expect(b.readBigUInt64LE(8)).toBe(0xf2b177cb0aa429b4n);
  expect(b.readBigUInt64LE(16)).toBe(4n);
  const names = new Map<bigint, string>();
  const out: Frame[] = [];
  let p = 24;
  while (p < b.length) {
    const type = b.readBigUInt64LE(p);
    if (type === 0n) {
      const end = p + 20 + b.readUInt32LE(p + 16);
      names.set(b.readBigUInt64LE(p + 8), b.toString('latin1', p + 20, end));
      out.push({ kind: 'mapping', start: p, end, name: '' });
      p = end;
    } else {
      expect(type).toBe(1n);
      const id = b.readBigUInt64LE(p + 8);
      const end = p + 8 + b.readUInt32LE(p + 24);
      out.push({ kind: 'event', start: p, end, name: id === DROPPED_ID ? 'dropped' : (names.get(id) as string) });
      p = end;
    }
  }
  expect(p).toBe(b.length);
  return out;
}

/** The same file as a big-endian host writes it: every integer field byte-swapped. */
function toBigEndian(b: Buffer, frames: readonly Frame[], cat: Catalogue): Buffer {
  const o = Buffer.from(b);
  const swap64 = (at: number) => o.writeBigUInt64BE(b.readBigUInt64LE(at), at);
  const swap32 = (at: number) => o.writeUInt32BE(b.readUInt32LE(at), at);
  swap64(0);
  swap64(8);
  swap64(16);
  for (const f of frames) {
    swap64(f.start);
    swap64(f.start + 8);
    if (f.kind === 'mapping') {
      swap32(f.start + 16);
      continue;
    }
    swap64(f.start + 16);
    swap32(f.start + 24);
    swap32(f.start + 28);
    let p = f.start + 32;
    const args = f.name === 'dropped' ? [{ kind: 'integer' }] : (cat.get(f.name) as EventSpec).args;
    for (const a of args) {
      if (a.kind === 'string') {
        const n = b.readUInt32LE(p);
        swap32(p);
        p += 4 + n;
      } else {
        swap64(p);
        p += 8;
      }
    }
    expect(p, `${f.name} at ${f.start}`).toBe(f.end);
  }
  return o;
}

describe('simpletrace through full ingest: cuts anywhere, both byte orders', () => {
  const CAT10 = path.join(Q10, 'trace-events-all');
  const full = gunzipSync(readFileSync(path.join(Q10, 'dst.simple.gz')));
  const frames = v4Frames(full);
  const mappings = frames.filter((f) => f.kind === 'mapping');
  const events = frames.filter((f) => f.kind === 'event');
  const boundaries = new Set([24, ...frames.map((f) => f.end)]);
  let engine: WorkspaceEngine;

  beforeAll(async () => {
    engine = await WorkspaceEngine.open(path.join(tmp.dir, 'simple.duckdb'));
  });
  afterAll(async () => {
    if (engine !== undefined) await expectNoGluedNewlines(engine);
    engine?.close();
  });

  it('the sample has what the cuts need', () => {
    expect(mappings.length).toBeGreaterThan(1000);
    expect(events.length).toBeGreaterThan(1000);
  });

  /** A record with a string argument long enough to cut inside its bytes. */
  const withString = events.find((f) => {
    const ev = f.name === 'dropped' ? undefined : loadCat().get(f.name);
    return ev !== undefined && ev.args[0]?.kind === 'string' && full.readUInt32LE(f.start + 32) >= 6;
  }) as Frame;
  const withPayload = events.find((f, i) => i > 100 && f.end - f.start >= 8 + 24 + 16) as Frame;

  const cuts: [string, number][] = [
    ['just the file header', 24],
    ['inside a mapping header', mappings[3].start + 10],
    ['inside a mapping name', mappings[2000].start + 23],
    ['on the boundary after the last mapping', events[0].start],
    ['inside the first type word', events[0].start + 3],
    ['inside an event header', events[10].start + 20],
    ['on a record boundary mid-file', events[Math.floor(events.length / 3)].start],
    ['inside a u64 payload', withPayload.start + 32 + 5],
    ['inside a string argument', withString.start + 32 + 4 + 3],
    ['one byte short of the end', full.length - 1],
  ];

  it.each(cuts)('cut %s', async (what, at) => {
    const file = write(`cut-${at}.simple`, full.subarray(0, at));
    const r = await engine.openInputs([file], { catalogues: [CAT10] });
    expect(r.errors).toEqual([]);
    expect(r.traces).toHaveLength(1);
    const t = r.traces[0];
    expect(t.format).toBe('simpletrace');

    const complete = events.filter((f) => f.end <= at);
    const partial = boundaries.has(at) ? null : (frames.find((f) => f.start < at && f.end > at) as Frame);
    const dropped = complete.filter((f) => f.name === 'dropped').length;
    expect(t.records, what).toBe(complete.length + (partial ? 1 : 0));
    expect(t.unparsed).toBe(partial ? 1 : 0);
    expect(t.events).toBe(complete.length - dropped);
    expect(t.records).toBe(t.events + t.unparsed + dropped);

    const [error, truncatedAt, droppedRecords] = await one(
      engine,
      `SELECT error, truncated_at, dropped_records FROM traces WHERE trace_id = ${t.traceId}`,
    );
    expect(Number(droppedRecords)).toBe(dropped);
    if (partial === null) {
      expect(error).toBeNull();
      expect(truncatedAt).toBeNull();
    } else {
      expect(String(error)).toContain(file);
      expect(String(error)).toContain(`offset ${partial.start}`);
      expect(String(error).split('\n')).toHaveLength(1);
      expect(Number(truncatedAt)).toBe(partial.start);
      const un = await rows(engine, `SELECT "offset", raw FROM unparsed WHERE trace_id = ${t.traceId}`);
      expect(un).toEqual([[BigInt(partial.start), full.toString('hex', partial.start, at)]]);
    }

    const want = new Map<string, number>();
    for (const f of complete) if (f.name !== 'dropped') want.set(f.name, (want.get(f.name) ?? 0) + 1);
    const got = await rows(engine, `SELECT name, count(*) FROM events WHERE trace_id = ${t.traceId} GROUP BY name`);
    expect(new Map(got.map(([n, c]) => [String(n), Number(c)]))).toEqual(want);
  });

  it('a big-endian copy gives identical tables', async () => {
    const le = write('dst-le.simple', full);
    const be = write('dst-be.simple', toBigEndian(full, frames, loadCat()));
    const r = await engine.openInputs([le, be], { catalogues: [CAT10] });
    expect(r.errors).toEqual([]);
    const [tl, tb] = r.traces;
    expect(path.basename(tl.path)).toBe('dst-le.simple');
    expect(path.basename(tb.path)).toBe('dst-be.simple');
    expect(tl.records).toBe(events.length);
    expect(tl.unparsed).toBe(0);
    const meta = `SELECT format, prefix_style, side, pid, clock, catalogue_id, first_ts_ns, last_ts_ns, records, events, unparsed, dropped, dropped_records, error FROM traces WHERE trace_id = `;
    expect(await one(engine, meta + tb.traceId)).toEqual(await one(engine, meta + tl.traceId));
    const names = (await rows(engine, `SELECT DISTINCT name FROM events WHERE trace_id = ${tl.traceId} ORDER BY 1`)).map((x) => String(x[0]));
    expect(names.length).toBeGreaterThan(20);
    for (const n of [...names, 'dropped']) {
      const q = (id: number) => `SELECT * EXCLUDE (trace_id) FROM "${n}" WHERE trace_id = ${id} ORDER BY seq`;
      expect(await rows(engine, q(tb.traceId)), n).toEqual(await rows(engine, q(tl.traceId)));
    }
  });
});
