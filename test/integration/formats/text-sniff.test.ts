import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { sniffText, SNIFF_BYTES, SNIFF_LINES, SNIFF_SCAN_BYTES } from '../../../src-main/formats/text-sniff.ts';
import type { SniffResult, TypesRecord } from '../../../src-main/formats/text-sniff.ts';
import type { Catalogue } from '../../../src-main/catalogue/types.ts';
import { compileFormatCached, loadCatalogueFile } from '../../../src-main/catalogue/index.ts';
import { planFor } from '../../../src-main/ingest/pipeline/decoders.ts';
import { DEBIAN_72 } from '../../helpers/paths.ts';

const SHARED = fileURLToPath(new URL('../../../../shared/', import.meta.url));

function catalogueNames(file: string): Set<string> {
  const names = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*#/.test(line)) continue;
    const m = /^\s*(?:[a-z]+\s+)*([A-Za-z0-9_]+)\(/.exec(line);
    if (m) names.add(m[1]);
  }
  return names;
}

const known = catalogueNames(`${SHARED}catalogues/qemu-7.2.22-debian/trace-events-all`);
const isKnown = (n: string): boolean => known.has(n);
const none = (): boolean => false;
const cat72 = loadCatalogueFile(DEBIAN_72);
/** What planFor passes: the name is an event and the message fits its format. */
const types72: TypesRecord = (h) => {
  const e = cat72.get(h.name);
  return e !== undefined && compileFormatCached(e).decode(h.msg) !== null;
};

const gz = (rel: string): Buffer => gunzipSync(readFileSync(`${SHARED}${rel}`));

function formatOf(r: SniffResult): string {
  if ('error' in r) throw new Error(r.error);
  return r.dialect.format;
}

function errorOf(r: SniffResult): string {
  if (!('error' in r)) throw new Error(`accepted as ${r.dialect.format}`);
  expect(r.error).not.toContain('\n');
  return r.error;
}

/** Real 7.2 lines rewritten in another backend's layout, as a file head would hold them. */
function converted(layout: (tid: number, sec: string, usec: string, rest: string) => string): Buffer {
  const lines = gz('samples/qemu-7.2.22-log/a-precopy/src.log.gz').toString('utf8').split('\n', 300);
  const out: string[] = [];
  for (const line of lines) {
    const m = /^(\d+)@(\d+)\.(\d{6}):(.*)$/s.exec(line);
    if (m) out.push(layout(Number(m[1]), m[2], m[3], m[4]));
  }
  return Buffer.from(`${out.join('\n')}\n`);
}

describe('sniffText picks the dialect from content', () => {
  it('recognises real log-backend traces of every prefix era', () => {
    expect(formatOf(sniffText(gz('samples/qemu-7.2.22-log/a-precopy/src.log.gz'), none))).toBe('log');
    expect(formatOf(sniffText(gz('samples/qemu-10.2.50/a-precopy/dst.log.gz'), none))).toBe('log');
    const nots = readFileSync(`${SHARED}samples/qemu-7.2.22-log/qemu-7.2.22-log-nots-multifd-src.log`);
    // Some of its lines are names alone, of events whose format is empty: they type.
    const r = sniffText(nots, isKnown, types72);
    expect(formatOf(r)).toBe('log');
    expect('accepted' in r && r.accepted === r.examined).toBe(true);
  });

  it('looks only at the head it is given (or the first 64 KiB of it)', () => {
    const big = gz('samples/qemu-7.2.22-log/a-precopy/src.log.gz');
    expect(big.length).toBeGreaterThan(SNIFF_BYTES);
    const r = sniffText(big, none);
    expect('examined' in r && r.examined).toBe(200);
  });

  it('recognises stap, ftrace, syslog, journal and babeltrace text', () => {
    const stap = converted((tid, sec, usec, rest) => `${tid}@${sec}${usec}000 ${rest}`);
    expect(formatOf(sniffText(stap, isKnown))).toBe('stap');

    const header = '# tracer: nop\n#\n#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n#              | |         |   |||||     |         |\n';
    const ftrace = converted(
      (tid, sec, usec, rest) => `${`qemu-system-x86-${tid}`.padStart(22)} [001] .....  ${Number(sec) % 10000}.${usec}: tracing_mark_write: ${rest}`,
    );
    expect(formatOf(sniffText(Buffer.concat([Buffer.from(header), ftrace]), isKnown))).toBe('ftrace');

    const syslog = converted((tid, _s, usec, rest) => `2025-11-25T19:23:05.${usec}+00:00 host qemu-system-x86_64[${tid}]: ${rest}`);
    expect(formatOf(sniffText(syslog, isKnown))).toBe('syslog');
    const trad = converted((tid, _s, _u, rest) => `Nov 25 19:23:05 host qemu-system-x86_64[${tid}]: ${rest}`);
    expect(formatOf(sniffText(trad, isKnown))).toBe('syslog');

    const journal = converted((tid, sec, usec, rest) =>
      JSON.stringify({ __REALTIME_TIMESTAMP: `${sec}${usec}`, _PID: String(tid), SYSLOG_IDENTIFIER: 'qemu-system-x86_64', MESSAGE: rest }),
    );
    expect(formatOf(sniffText(journal, isKnown))).toBe('journal');

    const bt = converted((tid, _s, usec, rest) => {
      const name = /^\w+/.exec(rest)![0];
      return `[19:23:25.${usec}000] (+0.000001000) myhost qemu:${name}: { cpu_id = 0 }, { vtid = ${tid} }, { }`;
    });
    expect(formatOf(sniffText(bt, isKnown))).toBe('babeltrace');
  });

  it('prefers the log dialect for mixed input where it accepts most lines', () => {
    const lines = gz('samples/qemu-7.2.22-log/a-precopy/src.log.gz').toString('utf8').split('\n', 50);
    const mixed = ['char device redirected to /dev/pts/3 (label charserial0)', ...lines, 'qemu-system-x86_64: terminating on signal 15'];
    expect(formatOf(sniffText(Buffer.from(mixed.join('\n')), none))).toBe('log');
  });
});

describe('sniffText refuses what is not a text trace, in one line', () => {
  it('rejects simpletrace binaries', () => {
    const dir = `${SHARED}samples/simpletrace/`;
    const bins = readdirSync(dir).filter((f) => f.endsWith('.bin'));
    expect(bins.length).toBeGreaterThan(0);
    for (const f of bins) {
      expect(errorOf(sniffText(readFileSync(dir + f), isKnown))).toBe('binary data where a text trace was expected');
    }
    const real = gz('samples/qemu-10.2.50/a-precopy/src.simple.gz');
    expect(errorOf(sniffText(real, isKnown))).toBe('binary data where a text trace was expected');
  });

  it('rejects compressed bytes and random bytes', () => {
    const raw = readFileSync(`${SHARED}samples/qemu-7.2.22-log/a-precopy/src.log.gz`);
    expect(errorOf(sniffText(raw, isKnown))).toBe('binary data where a text trace was expected');
    let x = 12345;
    const rnd = Buffer.alloc(4096, 0).map(() => {
      x = (x * 1103515245 + 12345) >>> 0;
      return x >>> 24;
    });
    expect(errorOf(sniffText(rnd, isKnown))).toBe('binary data where a text trace was expected');
  });

  it('rejects text without QEMU records, naming how many lines it looked at', () => {
    const catalogue = readFileSync(`${SHARED}catalogues/qemu-7.2.22-debian/trace-events-all`);
    // A catalogue is text all the way: every line of its first 2 MiB is looked at.
    const catLines = catalogue.toString('utf8').split('\n').filter((l) => l !== '').length;
    expect(catalogue.length).toBeLessThan(SNIFF_SCAN_BYTES);
    expect(errorOf(sniffText(catalogue, isKnown))).toBe(`no QEMU trace records recognised in the first ${catLines} lines`);
    const nots = readFileSync(`${SHARED}samples/qemu-7.2.22-log/qemu-7.2.22-log-nots-multifd-dst.log`);
    const notsLines = nots.toString('utf8').split('\n').filter((l) => l !== '').length;
    expect(notsLines).toBeGreaterThan(200);
    expect(errorOf(sniffText(nots, none))).toBe(`no QEMU trace records recognised in the first ${notsLines} lines`);
    expect(errorOf(sniffText(Buffer.from('hello\nworld\n'), isKnown))).toBe('no QEMU trace records recognised in the first 2 lines');
    expect(errorOf(sniffText(Buffer.alloc(0), isKnown))).toMatch(/^empty input/);
  });

  it('looks past a long foreign preamble (a libvirt log of many guest starts) for the first record', () => {
    const start = (k: number) =>
      `2026-11-20 20:23:${String(k % 60).padStart(2, '0')}.123+0000: starting up libvirt version: 9.0.0, qemu version: 7.2.0\n` +
      `LC_ALL=C \\\n/usr/bin/qemu-system-x86_64 \\\n-name guest=vm1,debug-threads=on \\\n-object '${'x'.repeat(900)}' \\\n-msg timestamp=on\n` +
      'char device redirected to /dev/pts/3 (label charserial0)\n';
    const preamble = Array.from({ length: 100 }, (_, k) => start(k)).join('');
    expect(preamble.length).toBeGreaterThan(SNIFF_BYTES);
    const log = gz('samples/qemu-7.2.22-log/a-precopy/src.log.gz').subarray(0, 100_000);
    const r = sniffText(Buffer.concat([Buffer.from(preamble), log]), none);
    expect(formatOf(r)).toBe('log');
    expect('examined' in r && r.examined).toBe(200);
    expect('accepted' in r && r.accepted).toBe(200);
    // Not beyond SNIFF_SCAN_BYTES.
    const far = Buffer.concat([Buffer.from(preamble.repeat(Math.ceil(SNIFF_SCAN_BYTES / preamble.length))), log]);
    expect(errorOf(sniffText(far, none))).toMatch(/^no QEMU trace records recognised in the first \d+ lines$/);
  });

  it('says what it saw when the lines look like records of events no catalogue knows, and what to do', () => {
    // A real no-prefix log read with a catalogue that has none of its events (another build's).
    const nots = readFileSync(`${SHARED}samples/qemu-7.2.22-log/qemu-7.2.22-log-nots-multifd-dst.log`);
    const r = sniffText(nots, none);
    expect('unknownEvents' in r && r.unknownEvents?.lines).toBe(SNIFF_LINES);
    // A catalogue with none of its events (of another build; QAPI events left out too), as given
    // by the user and as if built in.
    const without = (source: string): Catalogue => ({ id: 'other@0', name: 'other', source, sha256: '0', events: [], errors: [], holes: [], get: () => undefined });
    expect(planFor(nots, [without('other/trace-events-all')])).toMatchObject({ kind: 'none', reason: expect.stringMatching(/ but no catalogue given has these events: pass --catalogue /) });
    const other = without('builtin:qemu-0.0');
    const plan = planFor(nots, [other]);
    expect(plan.kind).toBe('none');
    expect(plan.kind === 'none' && plan.reason).toMatch(
      /^200 lines look like QEMU trace records \(`\w+`, `\w+`, `\w+`, …\) but no built-in release has these events: pass --catalogue with the trace-events-all of the QEMU build that wrote them$/,
    );
    // Text that is no such record keeps the plain message.
    expect(planFor(Buffer.from('hello world\nThis is a README, not a trace.\n'), [other])).toEqual({ kind: 'none', reason: 'no QEMU trace records recognised in the first 2 lines' });
  });

  it('tolerates a stray NUL from a %c argument in a text log', () => {
    const text = gz('samples/qemu-7.2.22-log/a-precopy/src.log.gz').subarray(0, 8000);
    const withNul = Buffer.from(text);
    withNul[withNul.indexOf(10) - 1] = 0;
    expect(formatOf(sniffText(withNul, none))).toBe('log');
  });
});
