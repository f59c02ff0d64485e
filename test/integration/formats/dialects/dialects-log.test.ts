import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { log } from '../../../../src-main/formats/dialects/log.ts';
import { dialects } from '../../../../src-main/formats/dialects/index.ts';
import type { TextHeader } from '../../../../src-main/formats/text-types.ts';

const SHARED = fileURLToPath(new URL('../../../../../shared/', import.meta.url));

/** Event names of a trace-events file, read with a plain regex (independent of src-main/catalogue). */
function catalogueNames(file: string): Set<string> {
  const names = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*#/.test(line)) continue;
    const m = /^\s*(?:[a-z]+\s+)*([A-Za-z0-9_]+)\(/.exec(line);
    if (m) names.add(m[1]);
  }
  return names;
}

function textLines(file: string): string[] {
  const buf = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function header(line: string, isKnown: (n: string) => boolean = () => false): TextHeader {
  const h = log.parse(line, isKnown);
  if (h === null || h === 'skip') throw new Error(`not accepted: ${JSON.stringify(line)}`);
  return h;
}

const known72 = catalogueNames(`${SHARED}catalogues/qemu-7.2.22-debian/trace-events-all`);
const isKnown72 = (n: string): boolean => known72.has(n);

describe('log dialect, TID@SEC.USEC: prefix (real QEMU 7.2.22 logs)', () => {
  // The spec's regex A, used as the independent reading of each line.
  const A = /^(\d+)@(\d+)\.(\d{6}):([A-Za-z0-9_]+) (.*)$/s;
  for (const side of ['src', 'dst']) {
    it(`parses every line of a-precopy/${side}.log with tid and time matching the text`, () => {
      const lines = textLines(`${SHARED}samples/qemu-7.2.22-log/a-precopy/${side}.log.gz`);
      expect(lines.length).toBeGreaterThan(1000);
      let mismatches = 0;
      for (const line of lines) {
        const m = A.exec(line);
        expect(m, line).not.toBeNull();
        const h = header(line);
        const want = {
          tid: Number(m![1]),
          tsNs: BigInt(m![2]) * 1_000_000_000n + BigInt(m![3]) * 1000n,
          name: m![4],
          msg: m![5],
        };
        if (
          h.prefixStyle !== 'tid@sec.usec' ||
          h.tid !== want.tid ||
          h.pid !== null ||
          h.tsNs !== want.tsNs ||
          h.name !== want.name ||
          h.msg !== want.msg
        ) {
          mismatches++;
        }
      }
      expect(mismatches).toBe(0);
    });
  }

  it('keeps the trailing space of argument-less events as an empty message', () => {
    const lines = textLines(`${SHARED}samples/qemu-7.2.22-log/a-precopy/src.log.gz`);
    const hdr = lines.find((l) => l.endsWith(':savevm_state_header '));
    expect(hdr).toBeDefined();
    expect(header(hdr!).msg).toBe('');
    expect(header(hdr!).name).toBe('savevm_state_header');
  });

  it('reports the emitting thread: the QMP (main) and bitmap-sync (migration) threads differ', () => {
    // From §3.3: the QMP command runs on the main thread, the bitmap sync on the migration thread.
    const lines = textLines(`${SHARED}samples/qemu-7.2.22-log/a-precopy/src.log.gz`);
    const qmp = header(lines.find((l) => l.includes(':qmp_enter_migrate '))!);
    const sync = header(lines.find((l) => l.includes(':migration_bitmap_sync_start'))!);
    expect(qmp.tid).not.toBe(sync.tid);
  });
});

describe('log dialect, ISO 8601 prefix (real QEMU 10.2.50 logs)', () => {
  const B = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z ([A-Za-z0-9_]+) (.*)$/s;
  for (const side of ['src', 'dst']) {
    it(`parses every line of a-precopy/${side}.log, including those without a fraction`, () => {
      const lines = textLines(`${SHARED}samples/qemu-10.2.50/a-precopy/${side}.log.gz`);
      let noFraction = 0;
      let mismatches = 0;
      for (const line of lines) {
        const m = B.exec(line);
        expect(m, line).not.toBeNull();
        if (m![2] === undefined) noFraction++;
        const ms = Date.parse(`${m![1]}Z`);
        const fracNs = BigInt((m![2] ?? '').padEnd(9, '0'));
        const tsNs = BigInt(ms) * 1_000_000n + fracNs;
        const h = header(line);
        if (
          h.prefixStyle !== 'iso8601' ||
          h.tsNs !== tsNs ||
          h.tid !== null ||
          h.pid !== null ||
          h.name !== m![3] ||
          h.msg !== m![4]
        ) {
          mismatches++;
        }
      }
      expect(noFraction).toBeGreaterThan(0);
      expect(mismatches).toBe(0);
    });
  }

  it('reads a short fraction as a decimal fraction of a second', () => {
    expect(header('2025-07-21T18:43:28.5Z migrate_set_state new state active').tsNs).toBe(
      BigInt(Date.UTC(2025, 6, 21, 18, 43, 28, 500)) * 1_000_000n,
    );
    expect(header('2025-07-21T18:43:29Z vmstate_downtime_checkpoint src-downtime-start').tsNs).toBe(
      BigInt(Date.UTC(2025, 6, 21, 18, 43, 29)) * 1_000_000n,
    );
  });

  it('does not take error_report lines for records', () => {
    expect(log.parse('2025-07-21T18:43:28.089819Z qemu-system-x86_64: Unable to write', () => true)).toBeNull();
    expect(log.parse('2025-07-21T18:43:28.089819Z qemu-img: error', () => true)).toBeNull();
  });

  it('rejects impossible dates and malformed prefixes', () => {
    expect(log.parse('2025-02-30T18:43:28.089819Z migrate_set_state x', () => false)).toBeNull();
    expect(log.parse('2025-07-21T18:43:28.089819 migrate_set_state x', () => false)).toBeNull();
    expect(log.parse('2025-07-21T18:43:28.Z migrate_set_state x', () => false)).toBeNull();
  });
});

describe('log dialect, no prefix (real QEMU 7.2.22 logs without timestamps)', () => {
  for (const side of ['src', 'dst']) {
    const file = `${SHARED}samples/qemu-7.2.22-log/qemu-7.2.22-log-nots-multifd-${side}.log`;
    it(`accepts every line of nots-multifd-${side}.log with the 7.2.22 catalogue`, () => {
      const lines = textLines(file);
      expect(lines.length).toBeGreaterThan(100);
      for (const line of lines) {
        const sp = line.indexOf(' ');
        const h = header(line, isKnown72);
        expect(h.prefixStyle).toBe('none');
        expect([h.tsNs, h.tid, h.pid]).toEqual([null, null, null]);
        expect(h.name).toBe(line.slice(0, sp));
        expect(h.msg).toBe(line.slice(sp + 1));
      }
    });

    it(`accepts none of nots-multifd-${side}.log without a catalogue`, () => {
      expect(textLines(file).filter((l) => log.parse(l, () => false) !== null)).toEqual([]);
    });
  }

  it('preserves messages that end in a space', () => {
    const lines = textLines(`${SHARED}samples/qemu-7.2.22-log/qemu-7.2.22-log-nots-multifd-src.log`);
    const trailing = lines.filter((l) => l.endsWith(' '));
    expect(trailing.length).toBeGreaterThan(0);
    for (const line of trailing) {
      const h = header(line, isKnown72);
      expect(`${h.name} ${h.msg}`).toBe(line);
    }
    expect(header('savevm_state_header ', isKnown72).msg).toBe('');
  });
});

describe('log dialect, constructed edge cases', () => {
  it('never trims and keeps leading and double spaces', () => {
    expect(header('1@2.000003:foo  x  ').msg).toBe(' x  ');
    expect(header('1@2.000003:foo \tx').msg).toBe('\tx');
  });

  it('takes a name with nothing after it as an empty message', () => {
    const h = header('16511@1795634605.254566:savevm_state_header');
    expect([h.name, h.msg]).toEqual(['savevm_state_header', '']);
    expect(header('savevm_state_header', isKnown72).msg).toBe('');
  });

  it('accepts unknown names only when prefixed', () => {
    expect(header('7@1.000000:not_an_event hello').name).toBe('not_an_event');
    expect(log.parse('not_an_event hello', isKnown72)).toBeNull();
  });

  it('requires exactly six microsecond digits and a name right after the colon', () => {
    expect(log.parse('1@1795634605.25380:migrate_set_state x', () => false)).toBeNull();
    expect(log.parse('1@1795634605.2538011:migrate_set_state x', () => false)).toBeNull();
    expect(log.parse('1@1795634605.253801: migrate_set_state x', () => false)).toBeNull();
    expect(log.parse('1@1795634605.253801:migrate-set x', () => false)).toBeNull();
  });

  it('rejects foreign lines', () => {
    for (const l of ['', ' ', 'char device redirected to /dev/pts/3 (label charserial0)', '{"a": 1}', '# hi']) {
      expect(log.parse(l, isKnown72), l).toBeNull();
    }
  });

  it('is exported under its format id', () => {
    expect(dialects.log).toBe(log);
    expect([log.format, log.clock]).toEqual(['log', 'epoch']);
  });
});
