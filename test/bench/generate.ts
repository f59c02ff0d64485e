// Realistic large inputs for `npm run bench`, made from the real samples: log lines replicated
// with shifted timestamps and varied pointer values, simpletrace event records replicated with
// shifted timestamps. Generated once into .bench/ (git-ignored) and reused.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { SAMPLES } from '../helpers/paths.ts';
import { writeZstdFile } from '../helpers/zstd.ts';

const LOG_SOURCES = ['qemu-7.2.22-log/a-precopy/src.log.gz', 'qemu-7.2.22-log/b-multifd4/src.log'];

function readSample(rel: string): Buffer {
  const buf = readFileSync(path.join(SAMPLES, rel));
  return rel.endsWith('.gz') ? gunzipSync(buf) : buf;
}

/**
 * A log of at least `bytes` bytes: `TID@SEC.USEC:` prefixes (QEMU ≤ 10.0), or with `iso` the
 * `YYYY-MM-DDTHH:MM:SS.ffffffZ ` prefixes of 10.1+.
 */
export function generateLog(file: string, bytes: number, iso = false): string {
  if (existsSync(file) && statSync(file).size >= bytes) return file;
  mkdirSync(path.dirname(file), { recursive: true });
  const lines = LOG_SOURCES.flatMap((s) => readSample(s).toString('latin1').split('\n').filter(Boolean));
  const parsed = lines.map((l) => {
    const m = /^(\d+)@(\d+)\.(\d{6}):(.*)$/.exec(l)!;
    return { tid: Number(m[1]), us: BigInt(m[2]) * 1_000_000n + BigInt(m[3]), rest: m[4] };
  });
  const t0 = parsed[0].us;
  const span = parsed.reduce((a, p) => (p.us > a ? p.us : a), 0n) - t0 + 1000n;
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  let written = 0;
  for (let rep = 0; written < bytes; rep++) {
    const shift = span * BigInt(rep);
    const xor = (rep & 0xfff) << 12;
    const out: string[] = [];
    for (const p of parsed) {
      const us = p.us + shift;
      const sec = us / 1_000_000n;
      const frac = String(us % 1_000_000n).padStart(6, '0');
      // Vary pointers/addresses so that values are not a handful of repeated strings.
      const rest = xor === 0 ? p.rest : p.rest.replace(/0x([0-9a-f]{8,16})\b/g, (_m, h: string) => {
        const v = (BigInt('0x' + h) ^ BigInt(xor)).toString(16).padStart(h.length, '0');
        return '0x' + v;
      });
      if (iso) out.push(`${new Date(Number(sec) * 1000).toISOString().slice(0, 19)}.${frac}Z ${rest}\n`);
      else out.push(`${p.tid + (rep % 7)}@${sec}.${frac}:${rest}\n`);
    }
    const chunk = Buffer.from(out.join(''), 'latin1');
    writeSync(fd, chunk);
    written += chunk.length;
  }
  closeSync(fd);
  renameSync(tmp, file);
  return file;
}

/** A simpletrace v4 file with at least `records` event records (real records, shifted in time). */
export function generateSimple(file: string, records: number): string {
  const src = readSample('qemu-10.2.50/a-precopy/src.simple.gz');
  // Walk the real file: header, mapping records, then event records.
  let off = 24;
  while (src.readBigUInt64LE(off) === 0n) off += 20 + src.readUInt32LE(off + 16);
  const head = src.subarray(0, off);
  const body = src.subarray(off);
  const starts: number[] = [];
  for (let p = 0; p < body.length; ) {
    starts.push(p);
    p += 8 + body.readUInt32LE(p + 24);
  }
  const perCopy = starts.length;
  const copies = Math.ceil(records / perCopy);
  const want = head.length + body.length * copies;
  if (existsSync(file) && statSync(file).size === want) return file;
  mkdirSync(path.dirname(file), { recursive: true });
  const first = body.readBigUInt64LE(16);
  let last = first;
  for (const s of starts) {
    const t = body.readBigUInt64LE(s + 16);
    if (t > last) last = t;
  }
  const span = last - first + 1000n;
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  writeSync(fd, head);
  const copy = Buffer.from(body);
  for (let c = 0; c < copies; c++) {
    if (c > 0) for (const s of starts) copy.writeBigUInt64LE(copy.readBigUInt64LE(s + 16) + span, s + 16);
    writeSync(fd, copy);
  }
  closeSync(fd);
  renameSync(tmp, file);
  return file;
}

export const SIMPLE_CATALOGUE = path.join(SAMPLES, 'qemu-10.2.50/a-precopy/trace-events-all');

/** Real lines of the damaged log: before the NUL run, and after it. */
export const DAMAGED_LINES = { before: 3000, after: 100 } as const;

/**
 * A .zst log as a host crash leaves it: real lines, `nulBytes` NUL bytes without a newline (glued
 * to the next line), more real lines. Written a block at a time: the run is never in memory.
 */
export function generateDamagedLog(file: string, nulBytes: number): string {
  if (existsSync(file)) return file;
  mkdirSync(path.dirname(file), { recursive: true });
  const lines = readSample(LOG_SOURCES[0]).toString('latin1').split('\n').filter(Boolean);
  const { before, after } = DAMAGED_LINES;
  const text = (from: number, n: number) => Buffer.from(lines.slice(from, from + n).join('\n') + '\n', 'latin1');
  const tmp = `${file}.tmp`;
  writeZstdFile(tmp, [text(0, before), { byte: 0, count: nulBytes }, text(before, after)]);
  renameSync(tmp, file);
  return file;
}

/** `bytes` zero bytes as one zstd frame (4 GB in 128 KiB), written a block at a time. */
export function generateZeroBomb(file: string, bytes: number): string {
  if (existsSync(file)) return file;
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeZstdFile(tmp, [{ byte: 0, count: bytes }]);
  renameSync(tmp, file);
  return file;
}
