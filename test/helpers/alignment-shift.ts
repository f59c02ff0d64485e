// Test helpers: copies of real traces with every timestamp moved by a fixed delta, as if the
// host's clock had been off by that much. Written independently of the engine's decoders.
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export function readMaybeGz(file: string): Buffer {
  const buf = readFileSync(file);
  return file.endsWith('.gz') ? gunzipSync(buf) : buf;
}

const TID_PREFIX = /^(\d+)@(\d+)\.(\d{6}):/;
const ISO_PREFIX = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?Z /;
const pad = (n: bigint | number, w: number) => n.toString().padStart(w, '0');

function shiftTid(m: RegExpExecArray, deltaUs: bigint): string {
  const us = BigInt(m[2]) * 1_000_000n + BigInt(m[3]) + deltaUs;
  return `${m[1]}@${us / 1_000_000n}.${pad(us % 1_000_000n, 6)}:`;
}

function shiftIso(m: RegExpExecArray, deltaUs: bigint): string {
  const secMs = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const frac = m[7] === undefined ? 0n : BigInt(m[7].padEnd(6, '0'));
  const us = BigInt(secMs) * 1000n + frac + deltaUs;
  const d = new Date(Number(us / 1_000_000n) * 1000);
  const rest = us % 1_000_000n;
  const base =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  // glib leaves the fraction out when it is zero.
  return `${base}${rest === 0n ? '' : `.${pad(rest, 6)}`}Z `;
}

/**
 * Every line's prefix moved by deltaNs (a whole number of µs: the log prefixes print µs):
 * `ID@SEC.USEC:` (2.3–10.0) and ISO-8601 with or without fraction (10.1+). Lines without a
 * prefix carry no time and stay as they are. Returns how many lines were shifted.
 */
export function shiftLogText(text: string, deltaNs: bigint): { text: string; shifted: number } {
  if (deltaNs % 1000n !== 0n) throw new Error('log prefixes hold whole microseconds');
  const deltaUs = deltaNs / 1000n;
  let shifted = 0;
  const out = text.split('\n').map((line) => {
    const a = TID_PREFIX.exec(line);
    if (a) {
      shifted++;
      return shiftTid(a, deltaUs) + line.slice(a[0].length);
    }
    const b = ISO_PREFIX.exec(line);
    if (b) {
      shifted++;
      return shiftIso(b, deltaUs) + line.slice(b[0].length);
    }
    return line;
  });
  return { text: out.join('\n'), shifted };
}

const MAGIC = 0xf2b177cb0aa429b4n;

/**
 * A simpletrace v4 file (little-endian, as QEMU writes it on x86) with every event record's
 * timestamp moved by deltaNs, dropped-event records included. Returns how many were shifted.
 */
export function shiftSimpletrace(buf: Buffer, deltaNs: bigint): { buf: Buffer; shifted: number } {
  const b = Buffer.from(buf);
  if (b.readBigUInt64LE(8) !== MAGIC || b.readBigUInt64LE(16) !== 4n) throw new Error('not a little-endian simpletrace v4 file');
  let off = 24;
  let shifted = 0;
  while (off + 8 <= b.length) {
    const type = b.readBigUInt64LE(off);
    if (type === 0n) {
      off += 20 + b.readUInt32LE(off + 16);
    } else if (type === 1n) {
      if (off + 32 > b.length) break;
      b.writeBigUInt64LE(b.readBigUInt64LE(off + 16) + deltaNs, off + 16);
      shifted++;
      off += 8 + b.readUInt32LE(off + 24);
    } else {
      throw new Error(`unknown simpletrace record type ${type} at ${off}`);
    }
  }
  return { buf: b, shifted };
}

/** Write a shifted copy of a log or simpletrace file (gzip or not) to `out`. */
export function writeShifted(file: string, out: string, deltaNs: bigint): number {
  const data = readMaybeGz(file);
  if (data.length >= 16 && data.readBigUInt64LE(8) === MAGIC) {
    const r = shiftSimpletrace(data, deltaNs);
    writeFileSync(out, r.buf);
    return r.shifted;
  }
  // latin1 keeps every byte as it was (trace strings need not be UTF-8).
  const r = shiftLogText(data.toString('latin1'), deltaNs);
  writeFileSync(out, Buffer.from(r.text, 'latin1'));
  return r.shifted;
}
