// Truncation at every byte, arbitrary chunking and hostile input (docs/qemu-trace-formats.md §6 items
// 1, 2, 16, 18), on real QEMU bytes: record boundaries come from an independent framing walk.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { buildCatalogue } from '../../../src-main/catalogue/index.ts';
import type { Catalogue } from '../../../src-main/catalogue/types.ts';
import { SimpletraceDecoder } from '../../../src-main/formats/simpletrace.ts';
import type { SimpletraceSummary } from '../../../src-main/formats/simpletrace.ts';
import type { RecordSink } from '../../../src-main/formats/types.ts';
import { decode, rng } from '../../helpers/simpletrace-collect.ts';
import type { Chunking, Decoded } from '../../helpers/simpletrace-collect.ts';
import { v4Frames } from '../../helpers/simpletrace-framing.ts';
import type { Frame } from '../../helpers/simpletrace-framing.ts';

const SHARED = fileURLToPath(new URL('../../../../shared/', import.meta.url));
const SAMPLES = SHARED + 'samples/simpletrace/';
const PRECOPY = SHARED + 'samples/qemu-10.2.50/a-precopy/';

function catalogueAt(path: string): Catalogue {
  return buildCatalogue({ name: path, source: path, text: readFileSync(path, 'utf8'), file: path });
}

function bytesAt(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

const cat10 = catalogueAt(PRECOPY + 'trace-events-all');
const src = new Uint8Array(gunzipSync(readFileSync(PRECOPY + 'src.simple.gz')));

/**
 * The real src file shrunk for per-byte cutting: its header, the real mapping records of the
 * ids used in its first 64 KiB of event records, and those event records, all bytes verbatim.
 */
function condensedSrc(): Uint8Array {
  const frames = v4Frames(src, true);
  const events = frames.filter((f) => f.kind === 'event');
  const first = events[0].start;
  const taken = events.filter((f) => f.end <= first + 64 * 1024);
  const used = new Set(taken.map((f) => f.id));
  const maps = frames.filter((f) => f.kind === 'mapping' && used.has(f.id));
  const parts = [src.subarray(0, 24), ...maps.map((f) => src.subarray(f.start, f.end)), src.subarray(first, taken[taken.length - 1].end)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

interface CutResult {
  summary: SimpletraceSummary;
  /** Sink calls of any kind. */
  seen: number;
  lastOffset: number;
}

function decodeCounting(bytes: Uint8Array, cat: Catalogue, file: string): CutResult {
  let seen = 0;
  let lastOffset = -1;
  const sink: RecordSink = {
    event(r) {
      seen++;
      lastOffset = r.offset;
    },
    unparsed(r) {
      seen++;
      lastOffset = r.offset;
    },
    dropped(r) {
      seen++;
      lastOffset = r.offset;
    },
  };
  const d = new SimpletraceDecoder({ file, catalogue: cat });
  d.push(bytes, sink);
  return { summary: d.end(sink), seen, lastOffset };
}

const ONE_LINE_ERROR = (file: string) => new RegExp(`^${file.replace(/[.]/g, '\\.')}: offset \\d+: [^\\n]+$`);

/** Cuts `bytes` at every offset and checks what survives against the independent frames. */
function checkEveryCut(bytes: Uint8Array, frames: Frame[], cat: Catalogue, file: string): void {
  const eventEnds = frames.filter((f) => f.kind === 'event');
  let fi = 0; // first frame not complete at the cut
  let eventsDone = 0;
  let mappingsDone = 0;
  let lastEventStart = -1;
  let failures = 0;
  for (let k = 0; k <= bytes.length; k++) {
    while (fi < frames.length && frames[fi].end <= k) {
      if (frames[fi].kind === 'event') {
        eventsDone++;
        lastEventStart = frames[fi].start;
      } else mappingsDone++;
      fi++;
    }
    const r = decodeCounting(bytes.subarray(0, k), cat, file);
    const s = r.summary;
    let ok: boolean;
    if (k === 0) {
      ok = s.records === 0 && s.truncatedAt === null && s.error === `${file}: offset 0: empty file`;
    } else if (k < 24) {
      ok = s.records === 0 && s.truncatedAt === 0 && s.error !== null && s.error.startsWith(`${file}: offset 0: truncated header`);
    } else {
      const boundary = k === 24 || (fi > 0 && frames[fi - 1].end === k);
      const expectTrunc = boundary ? null : frames[fi].start;
      ok =
        s.records === eventsDone &&
        r.seen === eventsDone &&
        s.mappings === mappingsDone &&
        r.lastOffset === lastEventStart &&
        s.truncatedAt === expectTrunc &&
        (boundary ? s.error === null : s.error !== null && ONE_LINE_ERROR(file).test(s.error) && s.error.includes(`offset ${expectTrunc}: truncated record`));
    }
    if (!ok) {
      failures++;
      if (failures < 4) expect({ k, records: s.records, seen: r.seen, mappings: s.mappings, lastOffset: r.lastOffset, truncatedAt: s.truncatedAt, error: s.error }).toEqual({ k, eventsDone, mappingsDone, lastEventStart });
    }
  }
  expect(failures).toBe(0);
  expect(eventEnds.length).toBeGreaterThan(0);
}

function fingerprint(d: Decoded): string[] {
  const j = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
  const out = d.records.map((x) => {
    const r = x.r;
    if (x.kind === 'event') return j([x.kind, r.seq, r.offset, r.tsNs, r.pid, x.r.event.name, x.r.args]);
    if (x.kind === 'unparsed') return j([x.kind, r.seq, r.offset, r.tsNs, r.pid, x.r.name, x.r.reason, x.r.raw]);
    return j([x.kind, r.seq, r.offset, r.tsNs, r.pid, x.r.count]);
  });
  out.push(j(d.summary));
  return out;
}

describe('cut at every byte offset', () => {
  it('simpletrace-v4-example.bin', () => {
    const b = bytesAt(SAMPLES + 'simpletrace-v4-example.bin');
    checkEveryCut(b, v4Frames(b, true), catalogueAt(SAMPLES + 'simpletrace-v4-example.trace-events'), 'example.bin');
  });

  it('simpletrace-v4-multi.bin', () => {
    const b = bytesAt(SAMPLES + 'simpletrace-v4-multi.bin');
    checkEveryCut(b, v4Frames(b, true), catalogueAt(SAMPLES + 'simpletrace-v4-multi.trace-events'), 'multi.bin');
  });

  it('first 64 KiB of real QEMU 10.2.50 event records (with their real mappings)', () => {
    const b = condensedSrc();
    const frames = v4Frames(b, true);
    expect(frames[frames.length - 1].end).toBe(b.length);
    checkEveryCut(b, frames, cat10, 'src.simple');
  });
});

describe('arbitrary chunking gives identical results', () => {
  const cases: Array<[string, () => Uint8Array, () => Catalogue]> = [
    ['example', () => bytesAt(SAMPLES + 'simpletrace-v4-example.bin'), () => catalogueAt(SAMPLES + 'simpletrace-v4-example.trace-events')],
    ['multi', () => bytesAt(SAMPLES + 'simpletrace-v4-multi.bin'), () => catalogueAt(SAMPLES + 'simpletrace-v4-multi.trace-events')],
    ['condensed src', condensedSrc, () => cat10],
  ];
  for (const [name, bytes, cat] of cases) {
    it(name, () => {
      const b = bytes();
      const c = cat();
      const whole = fingerprint(decode(b, c));
      expect(whole.length).toBeGreaterThan(1);
      expect(fingerprint(decode(b, c, 1))).toEqual(whole);
      for (let seed = 1; seed <= 20; seed++) {
        const r = rng(seed);
        const max = seed % 2 === 0 ? 40 : 5000;
        expect(fingerprint(decode(b, c, () => 1 + Math.floor(r() * max)))).toEqual(whole);
      }
      // Cut files too: the incomplete tail must be reported the same way whatever the chunking.
      const r = rng(99);
      for (let i = 0; i < 30; i++) {
        const cut = b.subarray(0, Math.floor(r() * b.length));
        const ref = fingerprint(decode(cut, c));
        expect(fingerprint(decode(cut, c, () => 1 + Math.floor(r() * 64)))).toEqual(ref);
      }
    });
  }

  it('whole 10.2.50 src file: 1-byte chunks and random chunks', () => {
    const whole = fingerprint(decode(src, cat10, Number.MAX_SAFE_INTEGER, 'src.simple'));
    const r = rng(7);
    const chunkings: Chunking[] = [1, () => 1 + Math.floor(r() * 100_000), 65536, 7];
    for (const ch of chunkings) expect(fingerprint(decode(src, cat10, ch, 'src.simple'))).toEqual(whole);
  });
});

describe('hostile input never throws and reports one line with file and offset', () => {
  const multiCat = catalogueAt(SAMPLES + 'simpletrace-v4-multi.trace-events');
  const multi = bytesAt(SAMPLES + 'simpletrace-v4-multi.bin');

  it('empty file', () => {
    const d = decode(new Uint8Array(0), multiCat, undefined, 'empty.bin');
    expect(d.records).toEqual([]);
    expect(d.summary.error).toBe('empty.bin: offset 0: empty file');
    expect(d.summary.version).toBeNull();
  });

  it('header only is a valid, empty trace', () => {
    const d = decode(multi.subarray(0, 24), multiCat, undefined, 'h.bin');
    expect(d.records).toEqual([]);
    expect(d.summary).toMatchObject({ version: 4, littleEndian: true, error: null, truncatedAt: null, records: 0, mappings: 0 });
  });

  it('a text log given as simpletrace', () => {
    const text = new Uint8Array(gunzipSync(readFileSync(PRECOPY + 'src.log.gz')).subarray(0, 65536));
    const d = decode(text, cat10, 4096, 'src.log');
    expect(d.records).toEqual([]);
    expect(d.summary.error).toMatch(/^src\.log: offset 0: not a simpletrace file/);
    expect(d.summary.error).not.toContain('\n');
  });

  it('random bytes, random bytes after a header, and mutated real files', () => {
    const r = rng(2024);
    const header = multi.subarray(0, 24);
    const real = condensedSrc();
    for (let i = 0; i < 600; i++) {
      const n = 1 + Math.floor(r() * 3000);
      let b = new Uint8Array(n);
      for (let j = 0; j < n; j++) b[j] = Math.floor(r() * 256);
      if (i % 3 === 1) {
        const h = new Uint8Array(24 + n);
        h.set(header);
        h.set(b, 24);
        b = h;
      } else if (i % 3 === 2) {
        b = real.slice(0, 4000 + Math.floor(r() * 20000));
        for (let m = 0; m < 1 + (i % 5); m++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      }
      let d: Decoded | undefined;
      expect(() => {
        d = decode(b, i % 3 === 0 ? multiCat : cat10, () => 1 + Math.floor(r() * 700), 'fuzz.bin');
      }).not.toThrow();
      const s = (d as Decoded).summary;
      if (i % 3 !== 2) expect(s.error).not.toBeNull();
      if (s.error !== null) expect(s.error).toMatch(ONE_LINE_ERROR('fuzz.bin'));
      expect((d as Decoded).records.length).toBe(s.records);
    }
  });

  it('a real file damaged in the middle: the records after the damage are picked up again, exactly', () => {
    const frames = v4Frames(src, true).filter((f) => f.kind === 'event');
    const clean = decode(src, cat10);
    const key = (e: Decoded['events'][number]) => `${e.event.name}|${e.tsNs}|${e.pid}|${e.args.map(String).join(',')}`;
    const byOffset = new Map(clean.events.map((e) => [e.offset, key(e)]));
    const r = rng(77);
    for (let i = 0; i < 8; i++) {
      // Damage one event record: its length word, its type word, or bytes cut out or put in.
      const f = frames[Math.floor(frames.length * (0.1 + 0.8 * r()))];
      let b: Uint8Array;
      let delta = 0;
      const kind = i % 4;
      if (kind === 0) {
        b = src.slice();
        new DataView(b.buffer).setUint32(f.start + 24, 3, true);
      } else if (kind === 1) {
        b = src.slice();
        b[f.start] = 0x47;
      } else if (kind === 2) {
        const cut = 1 + Math.floor(r() * 40);
        b = Buffer.concat([src.subarray(0, f.start + 3), src.subarray(f.start + 3 + cut)]);
        delta = -cut;
      } else {
        const junk = Uint8Array.from({ length: 1 + Math.floor(r() * 200) }, () => Math.floor(r() * 256));
        b = Buffer.concat([src.subarray(0, f.start), junk, src.subarray(f.start)]);
        delta = junk.length;
      }
      const d = decode(b, cat10, 65536 + Math.floor(r() * 9), 'damaged.bin');
      expect(d.summary.error).toMatch(ONE_LINE_ERROR('damaged.bin'));
      expect(d.summary.error).toContain('corrupt');
      expect(d.summary.truncatedAt).toBeNull();
      expect(d.unparsed).toHaveLength(1);
      const u = d.unparsed[0];
      const resume = Number(/records resume at offset (\d+)/.exec(u.reason)?.[1]);
      // Nothing before the damage is lost, nothing after the resume point either (at most the
      // damaged record itself and, for a cut, the one the cut ran into, are in the unparsed row).
      expect(u.offset).toBeLessThanOrEqual(f.start + (kind === 3 ? 0 : 3));
      expect(resume - (kind === 3 ? delta : 0)).toBeLessThanOrEqual(f.end + 200);
      const before = d.events.filter((e) => e.offset < u.offset);
      const after = d.events.filter((e) => e.offset >= resume);
      expect(before.length + after.length).toBe(d.events.length);
      const differ = [...before.map((e) => [e, 0] as const), ...after.map((e) => [e, delta] as const)].filter(([e, dl]) => byOffset.get(e.offset - dl) !== key(e));
      expect(differ.map(([e]) => e.offset)).toEqual([]);
      // Every record of the clean decode is there but those in the damaged stretch.
      const lost = clean.events.filter((e) => e.offset >= u.offset && e.offset < resume - delta).length;
      expect(lost).toBeLessThanOrEqual(2);
      expect(d.events.length).toBe(clean.events.length - lost);
      expect(d.summary.records).toBe(d.records.length);
    }
  });
});
