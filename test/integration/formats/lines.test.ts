import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { LineSplitter } from '../../../src-main/formats/lines.ts';

const SHARED = fileURLToPath(new URL('../../../../shared/', import.meta.url));

interface Got {
  text: string;
  lineNo: number;
  offset: number;
  bad: boolean;
  long: number;
}

function split(chunks: Uint8Array[], opts?: ConstructorParameters<typeof LineSplitter>[0]): Got[] {
  const out: Got[] = [];
  const sp = new LineSplitter(opts);
  const cb = (text: string, lineNo: number, offset: number, bad: boolean, long: number): void => {
    out.push({ text, lineNo, offset, bad, long });
  };
  for (const c of chunks) sp.push(c, cb);
  sp.end(cb);
  return out;
}

/** Reference splitting, written the slow obvious way over the whole buffer. */
function reference(buf: Buffer): Array<{ text: string; offset: number }> {
  const out: Array<{ text: string; offset: number }> = [];
  let start = 0;
  while (start < buf.length) {
    let nl = start;
    while (nl < buf.length && buf[nl] !== 10) nl++;
    let end = nl;
    if (nl < buf.length && end > start && buf[end - 1] === 13) end--;
    out.push({ text: buf.subarray(start, end).toString('utf8'), offset: start });
    start = nl + 1;
  }
  return out;
}

/** Deterministic pseudo-random chunk sizes (xorshift), so a failure can be replayed. */
function chunksOf(buf: Buffer, maxSize: number, seed: number): Buffer[] {
  const out: Buffer[] = [];
  let x = seed >>> 0 || 1;
  for (let i = 0; i < buf.length; ) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const n = 1 + (x % maxSize);
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('LineSplitter on a real QEMU 7.2 log', () => {
  const log = gunzipSync(readFileSync(`${SHARED}samples/qemu-7.2.22-log/a-precopy/src.log.gz`));
  const expected = reference(log);

  it('has the line count wc -l would give (file ends with a newline)', () => {
    let newlines = 0;
    for (let i = log.indexOf(10); i >= 0; i = log.indexOf(10, i + 1)) newlines++;
    expect(log[log.length - 1]).toBe(10);
    expect(expected.length).toBe(newlines);
  });

  it('gives identical lines and offsets for one chunk and for random chunkings', () => {
    const whole = split([log]);
    expect(whole.map((g) => g.text)).toEqual(expected.map((e) => e.text));
    expect(whole.map((g) => g.offset)).toEqual(expected.map((e) => e.offset));
    expect(whole.map((g) => g.lineNo)).toEqual(expected.map((_, i) => i + 1));
    for (const [max, seed] of [
      [65536, 1],
      [4096, 7],
      [97, 42],
    ] as const) {
      const got = split(chunksOf(log, max, seed));
      expect(got.length).toBe(expected.length);
      for (let i = 0; i < got.length; i++) {
        if (got[i].text !== expected[i].text || got[i].offset !== expected[i].offset || got[i].lineNo !== i + 1) {
          throw new Error(`chunking ${max}/${seed}: line ${i + 1} differs`);
        }
      }
    }
  });

  it('handles one-byte chunks', () => {
    const part = log.subarray(0, 20000);
    const got = split(chunksOf(part, 1, 3));
    const ref = reference(part);
    expect(got.map((g) => [g.text, g.offset])).toEqual(ref.map((r) => [r.text, r.offset]));
  });

  it('accepts plain Uint8Array chunks that are views into a larger buffer', () => {
    const ab = new Uint8Array(log.length + 10);
    ab.set(log, 5);
    const view = new Uint8Array(ab.buffer, 5, log.length);
    const got = split([view]);
    expect(got.length).toBe(expected.length);
    expect(got[got.length - 1].text).toBe(expected[expected.length - 1].text);
  });
});

describe('LineSplitter edge cases', () => {
  it('emits nothing for empty input and one empty line for "\\n"', () => {
    expect(split([])).toEqual([]);
    expect(split([Buffer.alloc(0)])).toEqual([]);
    expect(split([enc('\n')]).map((g) => g.text)).toEqual(['']);
    expect(split([enc('\n\n')]).map((g) => [g.text, g.lineNo, g.offset])).toEqual([
      ['', 1, 0],
      ['', 2, 1],
    ]);
  });

  it('emits a final line that has no newline', () => {
    const got = split([enc('a\nbc')]);
    expect(got.map((g) => [g.text, g.lineNo, g.offset])).toEqual([
      ['a', 1, 0],
      ['bc', 2, 2],
    ]);
    expect(split([enc('ab'), enc('c')]).map((g) => g.text)).toEqual(['abc']);
  });

  it('skips a UTF-8 byte order mark at the start of the stream only', () => {
    const bom = '\uFEFF';
    expect(split([enc(`${bom}1@2.000003:a x\r\nb\n`)]).map((g) => [g.text, g.lineNo, g.offset])).toEqual([
      ['1@2.000003:a x', 1, 3],
      ['b', 2, 19],
    ]);
    expect(split([enc('a\n'), enc(`${bom}b\n`)]).map((g) => g.text)).toEqual(['a', `${bom}b`]);
    expect(split([enc(`${bom}b\n`)], { startOffset: 4096 }).map((g) => g.text)).toEqual([`${bom}b`]);
  });

  it('strips the \\r of CRLF, also across chunks, but keeps other \\r', () => {
    expect(split([enc('a\r\nb\r\n')]).map((g) => [g.text, g.offset])).toEqual([
      ['a', 0],
      ['b', 3],
    ]);
    expect(split([enc('x\ra\r'), enc('\nb')]).map((g) => [g.text, g.offset])).toEqual([
      ['x\ra', 0],
      ['b', 5],
    ]);
    expect(split([enc('a\r')]).map((g) => g.text)).toEqual(['a\r']);
    expect(split([enc('a\r\n')], { keepCr: true }).map((g) => g.text)).toEqual(['a\r']);
  });

  it('decodes UTF-8 lossily and flags only real invalid bytes', () => {
    const bad = Buffer.from([0x61, 0xff, 0x62, 0x0a, 0x63, 0x0a]);
    const got = split([bad]);
    expect(got.map((g) => [g.text, g.bad])).toEqual([
      ['a\uFFFDb', true],
      ['c', false],
    ]);
    // A genuine U+FFFD in the input is not an invalid byte.
    expect(split([enc('x\uFFFDy\n')]).map((g) => [g.text, g.bad])).toEqual([['x\uFFFDy', false]]);
    // A character split between chunks is reassembled.
    const e = enc('caf\u00e9 ok\nnext\n');
    const cut = e.indexOf(0xa9);
    expect(split([e.subarray(0, cut), e.subarray(cut)]).map((g) => [g.text, g.bad])).toEqual([
      ['caf\u00e9 ok', false],
      ['next', false],
    ]);
    // Offsets stay byte offsets after multi-byte characters.
    expect(split([enc('\u00e9\u00e9\nz\n')]).map((g) => g.offset)).toEqual([0, 5]);
  });

  it('keeps NUL bytes', () => {
    const got = split([Buffer.from([0x61, 0x00, 0x62, 0x0a])]);
    expect(got.map((g) => [g.text, g.bad])).toEqual([['a\u0000b', false]]);
  });

  it('keeps only the head of an over-long line, with its length, and goes on with the next line', () => {
    const line = 'x'.repeat(25);
    const want = [
      ['xxxx', 1, 0, 25],
      ['short', 2, 26, 0],
    ];
    const got = split([enc(`${line}\nshort\n`)], { maxLineBytes: 10, headBytes: 4 });
    expect(got.map((g) => [g.text, g.lineNo, g.offset, g.long])).toEqual(want);
    // Fed byte by byte (the line is counted, not carried), with CRLF, and as the final line.
    for (const chunk of [1, 3, 11]) {
      expect(split(chunksOf(enc(`${line}\nshort\n`), chunk, 9), { maxLineBytes: 10, headBytes: 4 }).map((g) => [g.text, g.lineNo, g.offset, g.long])).toEqual(want);
      expect(split(chunksOf(enc(`${line}\r\nshort\n`), chunk, 9), { maxLineBytes: 10, headBytes: 4 }).map((g) => [g.lineNo, g.offset, g.long])).toEqual([
        [1, 0, 25],
        [2, 27, 0],
      ]);
      expect(split(chunksOf(enc(`a\n${line}`), chunk, 9), { maxLineBytes: 10, headBytes: 4 }).map((g) => [g.text, g.long])).toEqual([
        ['a', 0],
        ['xxxx', 25],
      ]);
    }
    // A line of exactly the cap is whole, with or without the CR of CRLF.
    expect(split([enc(`${'y'.repeat(10)}\r\n`)], { maxLineBytes: 10 }).map((g) => [g.text, g.long])).toEqual([['y'.repeat(10), 0]]);
    expect(split(chunksOf(enc(`${'y'.repeat(10)}\r\n`), 1, 2), { maxLineBytes: 10 }).map((g) => [g.text, g.long])).toEqual([['y'.repeat(10), 0]]);
  });

  it('skips a 5 MiB run of NUL bytes under a 1 MiB cap, reading the record glued to its end', () => {
    const before = '1@2.000003:a x';
    const glued = '4@5.000006:b y';
    const input = Buffer.concat([enc(`${before}\n`), Buffer.alloc(5 << 20), enc(`${glued}\nnext\n`)]);
    const want = [
      [before, 1, 0, 0, before.length],
      ['\0'.repeat(4096), 2, 15, 5 << 20, 4096],
      [glued, 2, 15 + (5 << 20), 0, glued.length],
      ['next', 3, 15 + (5 << 20) + glued.length + 1, 0, 4],
    ];
    for (const chunk of [64 << 10, 1 << 20, 16 << 20]) {
      const got = split(chunksOf(input, chunk, 5));
      expect(got.map((g) => [g.text.slice(0, 4096), g.lineNo, g.offset, g.long, g.text.length])).toEqual(want);
    }
    // Text after the NUL run that is itself over the cap is not a line of its own.
    const tooLong = split([Buffer.concat([Buffer.alloc(30), enc('z'.repeat(20)), enc('\n')])], { maxLineBytes: 10, headBytes: 4 });
    expect(tooLong.map((g) => [g.lineNo, g.long])).toEqual([[1, 50]]);
  });

  it('never cuts the head of an over-long line inside a UTF-8 character', () => {
    const text = 'ab\u00e9\u20ac\u{1f600}'.repeat(20);
    for (const chunk of [1, 7, 1000]) {
      for (const head of [4, 5, 6, 7, 9]) {
        const [g] = split(chunksOf(enc(`${text}\n`), chunk, 5), { maxLineBytes: 9, headBytes: head });
        expect(g.bad).toBe(false);
        expect(g.long).toBe(Buffer.byteLength(text));
        expect(text.startsWith(g.text)).toBe(true);
        expect(Buffer.byteLength(g.text)).toBeLessThanOrEqual(head);
      }
    }
  });

  it('tracks bytes and complete lines', () => {
    const sp = new LineSplitter();
    const noop = (): void => {};
    sp.push(enc('a\nb'), noop);
    expect([sp.bytes, sp.lines]).toEqual([3, 1]);
    sp.end(noop);
    expect(sp.lines).toBe(2);
  });
});
