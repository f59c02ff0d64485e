// stap, ftrace, syslog, journal and babeltrace lines built from real QEMU 7.2.22 log lines: each
// real (tid, time, name, message) is written in the other backend's layout, parsed back, and
// compared with what the spec's regex A reads from the original line.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dialects } from '../../../../src-main/formats/dialects/index.ts';
import { createSyslogDialect } from '../../../../src-main/formats/dialects/syslog.ts';
import type { TextDialect, TextHeader } from '../../../../src-main/formats/text-types.ts';

const SHARED = fileURLToPath(new URL('../../../../../shared/', import.meta.url));

interface Real {
  tid: number;
  sec: number;
  usec: number;
  name: string;
  msg: string;
}

const A = /^(\d+)@(\d+)\.(\d{6}):([A-Za-z0-9_]+) (.*)$/s;

/** A few hundred real records: every event that is not bulk page traffic, plus a sprinkling of it. */
function realRecords(): Real[] {
  const text = gunzipSync(readFileSync(`${SHARED}samples/qemu-7.2.22-log/a-precopy/src.log.gz`)).toString('utf8');
  const out: Real[] = [];
  let i = 0;
  for (const line of text.split('\n')) {
    const m = A.exec(line);
    if (!m) continue;
    const bulk = m[4] === 'ram_save_page' || m[4].startsWith('vmstate_');
    if (!bulk || i++ % 500 === 0) {
      out.push({ tid: Number(m[1]), sec: Number(m[2]), usec: Number(m[3]), name: m[4], msg: m[5] });
    }
    if (out.length >= 400) break;
  }
  return out;
}

const records = realRecords();
const names = new Set(records.map((r) => r.name));
const isKnown = (n: string): boolean => names.has(n);
const nsOf = (r: Real): bigint => BigInt(r.sec) * 1_000_000_000n + BigInt(r.usec) * 1000n;

function parsed(d: TextDialect, line: string, known: (n: string) => boolean = isKnown): TextHeader {
  const h = d.parse(line, known);
  if (h === null || h === 'skip') throw new Error(`${d.format} rejected ${JSON.stringify(line)}`);
  return h;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

describe('the real records used below', () => {
  it('are a few hundred, with JSON, trailing spaces and many event names', () => {
    expect(records.length).toBeGreaterThanOrEqual(200);
    expect(records.some((r) => r.msg === '')).toBe(true);
    expect(records.some((r) => r.msg.includes('{"'))).toBe(true);
    expect(names.size).toBeGreaterThan(15);
  });
});

describe('stap dialect (qemu-trace-stap: PID@NS name msg)', () => {
  it('round-trips pid, epoch ns, name and message', () => {
    for (const r of records) {
      const ns = nsOf(r) + 123n; // stap has ns resolution
      const h = parsed(dialects.stap, `${r.tid}@${ns} ${r.name} ${r.msg}`, () => false);
      expect([h.pid, h.tid, h.tsNs, h.name, h.msg, h.prefixStyle]).toEqual([r.tid, null, ns, r.name, r.msg, 'pid@ns']);
    }
  });

  it('rejects the log backend prefix and other shapes', () => {
    expect(dialects.stap.parse('16503@1795634605.253801:migrate_set_state x', () => true)).toBeNull();
    expect(dialects.stap.parse('16503@1795634605253801000:migrate_set_state x', () => true)).toBeNull();
    expect(dialects.stap.parse('migrate_set_state x', () => true)).toBeNull();
    expect(dialects.stap.parse('16503@ migrate_set_state x', () => true)).toBeNull();
  });

  it('keeps nanosecond values beyond 2^53 exact, up to what ts_ns (BIGINT) holds', () => {
    expect(parsed(dialects.stap, '1@9007199254740993 e x').tsNs).toBe(9007199254740993n);
    expect(parsed(dialects.stap, '1@9223372036854775807 e x').tsNs).toBe(9223372036854775807n);
    // A u64 past that would wrap in the table: not read as a timestamp (see timestamp-range.test.ts).
    expect(dialects.stap.parse('1@18446744073709551615 e x', () => true)).toBeNull();
  });
});

describe('ftrace dialect (kernel trace file, trace_marker)', () => {
  // Kernel-clock seconds: small numbers, like a `local` clock since boot.
  const kernelSec = (r: Real): number => r.sec % 100_000;
  const layouts: Array<{ label: string; make: (r: Real, comm: string, cpu: number) => string }> = [
    {
      label: 'current kernel, 5 flag characters',
      make: (r, comm, cpu) =>
        `${`${comm}-${r.tid}`.padStart(22)} [${String(cpu).padStart(3, '0')}] .....  ${kernelSec(r)}.${String(r.usec).padStart(6, '0')}: tracing_mark_write: ${r.name} ${r.msg}`,
    },
    {
      label: 'older kernel, 4 flag characters',
      make: (r, comm, cpu) =>
        `${`${comm}-${r.tid}`.padStart(16)} [${String(cpu).padStart(3, '0')}] d..2 ${kernelSec(r)}.${String(r.usec).padStart(6, '0')}: tracing_mark_write: ${r.name} ${r.msg}`,
    },
    {
      label: 'no flags column',
      make: (r, comm, cpu) =>
        `${comm}-${r.tid} [${String(cpu).padStart(3, '0')}] ${kernelSec(r)}.${String(r.usec).padStart(6, '0')}: tracing_mark_write: ${r.name} ${r.msg}`,
    },
    {
      label: 'trace-cmd report',
      make: (r, comm, cpu) =>
        `${`${comm}-${r.tid}`.padStart(16)} [${String(cpu).padStart(3, '0')}] ${kernelSec(r)}.${String(r.usec).padStart(6, '0')}: print:                tracing_mark_write: ${r.name} ${r.msg}`,
    },
  ];
  const comms = ['qemu-system-x86', 'live_migration', 'mig/src/main', 'CPU 0/TCG', 'a-b-c', '<...>'];

  for (const layout of layouts) {
    it(`reads tid, cpu, comm, kernel time and the message: ${layout.label}`, () => {
      records.forEach((r, i) => {
        const comm = comms[i % comms.length];
        const cpu = i % 12;
        const h = parsed(dialects.ftrace, layout.make(r, comm, cpu), () => false);
        const ts = BigInt(kernelSec(r)) * 1_000_000_000n + BigInt(r.usec) * 1000n;
        expect([h.tid, h.cpu, h.comm, h.tsNs, h.name, h.msg, h.pid]).toEqual([r.tid, cpu, comm, ts, r.name, r.msg, null]);
      });
    });
  }

  it('reads the TGID column and nanosecond timestamps', () => {
    const h = parsed(
      dialects.ftrace,
      '  live_migration-16511   (  16503) [005] d..1.  5412.150001234: tracing_mark_write: migration_bitmap_sync_end dirty_pages 4',
    );
    expect([h.tid, h.pid, h.cpu, h.comm, h.tsNs]).toEqual([16511, 16503, 5, 'live_migration', 5412150001234n]);
    const u = parsed(dialects.ftrace, '  live_migration-16511   (-------) [005] .....  1.5: tracing_mark_write: x ');
    expect([u.pid, u.tsNs, u.msg]).toEqual([null, 1_500_000_000n, '']);
  });

  it('skips header lines and leaves other kernel events and foreign markers to the caller', () => {
    expect(dialects.ftrace.parse('# tracer: nop', isKnown)).toBe('skip');
    expect(dialects.ftrace.parse('#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION', isKnown)).toBe('skip');
    expect(
      dialects.ftrace.parse(
        '          <idle>-0       [001] d..2.  5412.123400: sched_switch: prev_comm=swapper/1 prev_pid=0',
        isKnown,
      ),
    ).toBeNull();
    expect(dialects.ftrace.parse('  app-1 [000] .....  1.000001: tracing_mark_write: B|1|frame', isKnown)).toBeNull();
    expect(dialects.ftrace.parse('', isKnown)).toBeNull();
  });
});

describe('syslog dialect', () => {
  const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const year = new Date(records[0].sec * 1000).getUTCFullYear();
  const sys = createSyslogDialect({ year });

  it('reads rsyslog traditional lines (second resolution, pid from the tag)', () => {
    for (const r of records) {
      const d = new Date(r.sec * 1000);
      const stamp = `${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad2(d.getUTCHours())}:${pad2(
        d.getUTCMinutes(),
      )}:${pad2(d.getUTCSeconds())}`;
      const h = parsed(sys, `${stamp} myhost qemu-system-x86_64[${r.tid}]: ${r.name} ${r.msg}`, () => false);
      expect([h.pid, h.tid, h.tsNs, h.name, h.msg, h.prefixStyle]).toEqual([
        r.tid,
        null,
        BigInt(r.sec) * 1_000_000_000n,
        r.name,
        r.msg,
        'syslog',
      ]);
    }
  });

  it('reads RFC 3339 lines in any zone offset', () => {
    for (const [i, r] of records.entries()) {
      const offMin = [0, 120, -330][i % 3];
      const d = new Date(r.sec * 1000 + offMin * 60_000);
      const zone =
        offMin === 0 ? '+00:00' : `${offMin < 0 ? '-' : '+'}${pad2(Math.floor(Math.abs(offMin) / 60))}:${pad2(Math.abs(offMin) % 60)}`;
      const stamp = `${d.toISOString().slice(0, 19)}.${String(r.usec).padStart(6, '0')}${zone}`;
      const h = parsed(dialects.syslog, `${stamp} myhost qemu-system-x86_64[${r.tid}]: ${r.name} ${r.msg}`, () => false);
      expect([h.pid, h.tsNs, h.name, h.msg]).toEqual([r.tid, nsOf(r), r.name, r.msg]);
    }
  });

  it('reads RFC 5424 lines and lines that keep the <PRI>, with or without a host', () => {
    for (const [i, r] of records.entries()) {
      const iso = `${new Date(r.sec * 1000).toISOString().slice(0, 19)}.${String(r.usec).padStart(6, '0')}Z`;
      const sd = ['-', '[timeQuality tzKnown="1" isSynced="0"]', '[a x="q\\"]"][b@1 y="2"]'][i % 3];
      const msg = `${r.name} ${r.msg}`;
      const h = parsed(dialects.syslog, `<30>1 ${iso} myhost qemu-system-x86_64 ${r.tid} - ${sd} ${i % 2 ? '\uFEFF' : ''}${msg}`, () => false);
      expect([h.pid, h.tid, h.tsNs, h.name, h.msg, h.prefixStyle]).toEqual([r.tid, null, nsOf(r), r.name, r.msg, 'syslog']);
      const viaSocket = parsed(sys, `<30>Nov 25 19:23:05 qemu-system-x86_64[${r.tid}]: ${msg}`, () => false);
      expect([viaSocket.pid, viaSocket.name, viaSocket.msg]).toEqual([r.tid, r.name, r.msg]);
      const rfc3164 = parsed(sys, `<30>Nov 25 19:23:05 myhost qemu-system-x86_64[${r.tid}]: ${msg}`, () => false);
      expect([rfc3164.pid, rfc3164.tsNs, rfc3164.name, rfc3164.msg]).toEqual([r.tid, viaSocket.tsNs, r.name, r.msg]);
    }
    // Nil time, host and procid; another application's line; a malformed priority.
    const nil = parsed(dialects.syslog, '<30>1 - - qemu-system-x86_64 - - - savevm_state_header ', () => false);
    expect([nil.tsNs, nil.pid, nil.name, nil.msg]).toEqual([null, null, 'savevm_state_header', '']);
    expect(dialects.syslog.parse('<38>1 2025-11-25T19:23:05Z myhost sshd 811 - - Accepted publickey', () => false)).toBeNull();
    // Without the <PRI> a host is required: a QEMU 10.1+ error_report line is not a syslog record.
    expect(dialects.syslog.parse('2025-11-25T19:23:05.123456Z qemu-system-x86_64: terminating on signal 15', () => false)).toBeNull();
    expect(dialects.syslog.parse('Nov 25 19:23:05 qemu-system-x86_64[1]: savevm_state_header ', () => true)).toBeNull();
    expect(dialects.syslog.parse('<3x>Nov 25 19:23:05 myhost qemu-system-x86_64[1]: savevm_state_header ', () => true)).toBeNull();
    expect(dialects.syslog.parse('<30>1 2025-11-25T19:23:05Z myhost qemu-system-x86_64 1 - [unclosed savevm_state_header ', () => true)).toBeNull();
  });

  it('leaves duplicate summaries and other daemons to the caller', () => {
    expect(
      dialects.syslog.parse('Nov 25 19:23:05 myhost qemu-system-x86_64[16503]: message repeated 3 times: [ savevm_state_iterate ]', () => true),
    ).toBeNull();
    const sshd = 'Nov 25 19:23:05 myhost sshd[811]: Accepted publickey for root';
    expect(dialects.syslog.parse(sshd, () => false)).toBeNull();
    // An unknown name from QEMU is still a record (filed as unparsed by the caller).
    expect(parsed(dialects.syslog, 'Nov  5 19:23:05 h qemu-kvm[7]: brand_new_event 1', () => false).name).toBe('brand_new_event');
    // A known name from a renamed binary is a record too.
    expect(parsed(dialects.syslog, 'Nov  5 19:23:05 h vm42[7]: savevm_state_header ', isKnown).msg).toBe('');
  });

  it('defaults the traditional year to the current one, or the previous one for future dates', () => {
    const nowMs = Date.UTC(2026, 0, 10, 12);
    const d = createSyslogDialect({ nowMs });
    const jan = parsed(d, 'Jan 10 11:00:00 h qemu[1]: e x');
    const dec = parsed(d, 'Dec 31 23:59:59 h qemu[1]: e x');
    expect(jan.tsNs).toBe(BigInt(Date.UTC(2026, 0, 10, 11)) * 1_000_000n);
    expect(dec.tsNs).toBe(BigInt(Date.UTC(2025, 11, 31, 23, 59, 59)) * 1_000_000n);
  });
});

describe('journal dialect (journalctl -o json)', () => {
  it('round-trips MESSAGE, _PID, TID and __REALTIME_TIMESTAMP', () => {
    for (const [i, r] of records.entries()) {
      const entry: Record<string, unknown> = {
        __CURSOR: 's=abc;i=1',
        __REALTIME_TIMESTAMP: String(r.sec * 1_000_000 + r.usec),
        __MONOTONIC_TIMESTAMP: '123',
        PRIORITY: '6',
        SYSLOG_FACILITY: '3',
        SYSLOG_IDENTIFIER: 'qemu-system-x86_64',
        _PID: String(r.tid),
        MESSAGE: `${r.name} ${r.msg}`,
      };
      if (i % 2 === 0) entry.TID = String(r.tid + 1);
      const h = parsed(dialects.journal, JSON.stringify(entry), () => false);
      expect([h.pid, h.tid, h.tsNs, h.name, h.msg, h.prefixStyle]).toEqual([
        r.tid,
        i % 2 === 0 ? r.tid + 1 : null,
        nsOf(r),
        r.name,
        r.msg,
        'journal',
      ]);
    }
  });

  it('decodes a byte-array MESSAGE lossily', () => {
    const bytes = [...Buffer.from('migrate_set_state new state '), 0xff];
    const h = parsed(dialects.journal, JSON.stringify({ MESSAGE: bytes, _PID: '5', SYSLOG_IDENTIFIER: 'qemu' }));
    expect([h.name, h.msg, h.tsNs, h.pid]).toEqual(['migrate_set_state', 'new state \uFFFD', null, 5]);
    // The exact bytes come along, for the lossy table; a byte array that is valid UTF-8 needs none.
    expect(h.raw).toEqual(Uint8Array.from(bytes));
    const ok = parsed(dialects.journal, JSON.stringify({ MESSAGE: [...Buffer.from('migrate_set_state new state caf\u00e9')], SYSLOG_IDENTIFIER: 'qemu' }));
    expect([ok.msg, ok.raw]).toEqual(['new state caf\u00e9', undefined]);
  });

  it('rejects non-JSON, other programs and entries without a message', () => {
    expect(dialects.journal.parse('not json', isKnown)).toBeNull();
    expect(dialects.journal.parse('{"MESSAGE": "x', isKnown)).toBeNull();
    expect(dialects.journal.parse(JSON.stringify({ MESSAGE: 'Started foo', SYSLOG_IDENTIFIER: 'systemd' }), isKnown)).toBeNull();
    expect(dialects.journal.parse(JSON.stringify({ MESSAGE: null, SYSLOG_IDENTIFIER: 'qemu' }), isKnown)).toBeNull();
    expect(dialects.journal.parse('[1,2]', isKnown)).toBeNull();
  });
});

describe('babeltrace dialect (LTTng UST text)', () => {
  /** Writes a message as babeltrace would write a string field. */
  const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
  const tod = (r: Real): string => {
    const d = new Date(r.sec * 1000);
    return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  };
  const nsSinceMidnight = (r: Real): bigint => BigInt(r.sec % 86400) * 1_000_000_000n + BigInt(r.usec) * 1000n + 7n;
  const frac = (r: Real): string => `${String(r.usec).padStart(6, '0')}007`;

  it('reads the time of day, contexts and a quoted payload with JSON inside', () => {
    for (const [i, r] of records.entries()) {
      const line =
        `[${tod(r)}.${frac(r)}] (+0.000038123) myhost qemu:${r.name}: { cpu_id = ${i % 4} }, ` +
        `{ vpid = 27495, vtid = ${r.tid}, procname = "qemu-system-x86" }, { text = ${quote(r.msg)}, n = 0x5640C38BC400 }`;
      const h = parsed(dialects.babeltrace, line, () => false);
      expect([h.tsNs, h.tid, h.pid, h.cpu, h.comm, h.name, h.prefixStyle]).toEqual([
        nsSinceMidnight(r),
        r.tid,
        27495,
        i % 4,
        'qemu-system-x86',
        r.name,
        'babeltrace',
      ]);
      expect(h.fields).toEqual([
        ['text', r.msg],
        ['n', '0x5640C38BC400'],
      ]);
      expect(h.msg).toBe(`{ text = ${quote(r.msg)}, n = 0x5640C38BC400 }`);
    }
  });

  it('reads --clock-seconds and --clock-date stamps as epoch time, with or without delta and host', () => {
    for (const r of records.slice(0, 50)) {
      const ns = `${r.sec}.${frac(r)}`;
      const epoch = nsOf(r) + 7n;
      const a = parsed(dialects.babeltrace, `[${ns}] (+?.?????????) h qemu:${r.name}: { cpu_id = 1 }, { }`);
      expect([a.tsNs, a.fields, a.msg, a.tid]).toEqual([epoch, [], '{ }', null]);
      const d = new Date(r.sec * 1000).toISOString().slice(0, 10);
      const b = parsed(dialects.babeltrace, `[${d} ${tod(r)}.${frac(r)}] qemu:${r.name}: { x = -1 }`);
      expect([b.tsNs, b.fields, b.cpu]).toEqual([epoch, [['x', '-1']], undefined]);
    }
  });

  it('a trace of time-of-day stamps has the daytime clock and counts the midnights it passes', () => {
    const per = dialects.babeltrace.forTrace!();
    const line = (t: string) => `[${t}] (+0.000000001) h qemu:savevm_state_header: { cpu_id = 0 }, { }`;
    const ts = ['23:59:59.999999998', '23:59:59.999999999', '00:00:00.000000001', '11:00:00.000000000', '23:59:59.000000000', '00:00:00.5'].map(
      (t) => parsed(per, line(t)).tsNs,
    );
    const day = 86_400_000_000_000n;
    expect(ts).toEqual([day - 2n, day - 1n, day + 1n, day + 39_600_000_000_000n, 2n * day - 1_000_000_000n, 2n * day + 500_000_000n]);
    expect(per.clock).toBe('daytime');
    // The shared dialect keeps no state (the sniffer uses it); a trace with dates stays epoch.
    expect(parsed(dialects.babeltrace, line('00:00:00.000000001')).tsNs).toBe(1n);
    const dated = dialects.babeltrace.forTrace!();
    expect(parsed(dated, line('2026-11-25 23:59:59.000000000')).tsNs).toBe(BigInt(Date.UTC(2026, 10, 25, 23, 59, 59)) * 1_000_000n);
    expect(dated.clock).toBe('epoch');
    // A step back of less than half a day is out-of-order output, not a new day.
    const back = dialects.babeltrace.forTrace!();
    expect([parsed(back, line('12:00:00.000000000')).tsNs, parsed(back, line('11:00:00.000000000')).tsNs]).toEqual([43_200_000_000_000n, 39_600_000_000_000n]);
  });

  it('keeps commas, braces and escapes inside strings and nested values raw', () => {
    const h = parsed(
      dialects.babeltrace,
      '[00:00:01.000000000] h qemu:e: { cpu_id = 0 }, { s = "a, b } {\\"c\\"\\\\", arr = [ [0] = 1, [1] = 2 ], t = "" }',
    );
    expect(h.fields).toEqual([
      ['s', 'a, b } {"c"\\'],
      ['arr', '[ [0] = 1, [1] = 2 ]'],
      ['t', ''],
    ]);
    expect(h.tsNs).toBe(1_000_000_000n);
  });

  it('rejects other providers and malformed lines', () => {
    expect(dialects.babeltrace.parse('[19:23:25.253839012] (+0.1) h lttng_ust_statedump:start: { cpu_id = 0 }, { }', isKnown)).toBeNull();
    expect(dialects.babeltrace.parse('[19:23:25.253839012] h qemu:e: { cpu_id = 0 }, { s = "open }', isKnown)).toBeNull();
    expect(dialects.babeltrace.parse('[not a time] h qemu:e: { }', isKnown)).toBeNull();
    expect(dialects.babeltrace.parse('[19:23:25.253839012] h qemu:e: { } trailing', isKnown)).toBeNull();
  });
});

describe('dialect table', () => {
  it('maps each format id to a dialect of that format with the documented clock', () => {
    const clocks = { log: 'epoch', stap: 'epoch', ftrace: 'kernel', syslog: 'epoch', journal: 'epoch', babeltrace: 'epoch' };
    for (const [id, clock] of Object.entries(clocks)) {
      const d = dialects[id as keyof typeof dialects];
      expect([d.format, d.clock]).toEqual([id, clock]);
    }
  });
});

describe('robustness', () => {
  const samples = [
    '16503@1795634605.253801:qmp_enter_migrate {"uri": "tcp:127.0.0.1:45461"}',
    '2025-07-21T18:43:28.089797Z migrate_set_state new state active',
    '16503@1795634605253801000 migrate_set_state new state setup',
    '  qemu-system-x86-16503   (  16503) [002] .....  5412.123456: print:  tracing_mark_write: migrate_set_state new state setup',
    'Nov 25 19:23:05 host qemu-system-x86_64[16503]: migrate_set_state new state setup',
    '2025-11-25T19:23:05.253839+00:00 host qemu-system-x86_64[16503]: migrate_set_state new state setup',
    '{"MESSAGE":[109,105,103,32,120],"_PID":"1","TID":["2","3"],"__REALTIME_TIMESTAMP":"1"}',
    '[2025-11-25 19:23:25.253839012] (+0.000038123) h qemu:e: { cpu_id = 3 }, { vtid = 1 }, { s = "a\\"}", n = [ [0] = ( "x" : container = 1 ) ] }',
  ];

  it('never throws on any prefix, suffix or byte-mutation of real-shaped lines', () => {
    let x = 99;
    const rand = (n: number): number => {
      x = (x * 1103515245 + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    const inputs: string[] = [];
    for (const s of samples) {
      for (let i = 0; i <= s.length; i++) inputs.push(s.slice(0, i), s.slice(i));
      for (let k = 0; k < 300; k++) {
        const chars = [...s];
        chars[rand(chars.length)] = String.fromCharCode(rand(128));
        inputs.push(chars.join(''));
      }
    }
    inputs.push('['.repeat(5000), `{"MESSAGE":${'['.repeat(3000)}"a"${']'.repeat(3000)}}`, '\u0000\uFFFD');
    for (const d of Object.values(dialects)) {
      for (const line of inputs) {
        const h = d.parse(line, (n) => n.length % 2 === 0);
        if (h !== null && h !== 'skip') {
          expect(typeof h.name).toBe('string');
          expect(h.name).toMatch(/^[A-Za-z0-9_]+$/);
        }
      }
    }
  });
});
