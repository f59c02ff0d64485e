// Text trace inputs for `npm run bench`, replayed from the real sample logs: every record of the
// chosen samples in order, repeated until the wanted size with timestamps shifted forward each
// round and numbers in the messages varied (same digit count, never above the real value, so each
// still fits the argument's type and format); text between numbers is kept. Deterministic (seeded).
// Written once into .bench/ (git-ignored) and reused.
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzipSync } from 'node:zlib';
import { SAMPLES } from '../helpers/paths.ts';
import { prng } from '../helpers/prng.ts';

/** Bump when the replay changes, so that a cached input of an older kind is not reused. */
const VERSION = 1;

export type TextPrefix = 'tid' | 'iso';

/** One real record: when (µs, relative to its sample's first record), which thread, its message in pieces. */
interface Line {
  readonly us: number;
  readonly tid: number;
  /** Even indexes: kept text (event name and all); odd: a number token to vary (`0x…` hex or plain digits). */
  readonly parts: readonly string[];
}

const TID_PREFIX = /^(\d+)@(\d+)\.(\d{6}):(.*)$/;
// QEMU leaves the fraction out when it is zero (GLib's ISO-8601 format): so does the replay.
const ISO_PREFIX = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{6}))?Z (.*)$/;
// A standalone number: 0x-hex, or a run of decimal digits not glued to a word (so not `x86`, `pc.ram`'s
// neighbours stay as they are). Digits are valid in decimal and hex fields alike.
const NUMBER = /\b(0x[0-9a-fA-F]+|\d+)\b/g;

function readSample(rel: string): string {
  const buf = readFileSync(path.join(SAMPLES, rel));
  return (rel.endsWith('.gz') ? gunzipSync(buf) : buf).toString('latin1');
}

function split(msg: string): string[] {
  const parts: string[] = [];
  let last = 0;
  // The event name is never varied: numbers start after the first space.
  const from = msg.indexOf(' ');
  if (from < 0) return [msg];
  NUMBER.lastIndex = from;
  for (let m = NUMBER.exec(msg); m !== null; m = NUMBER.exec(msg)) {
    // Single digits are mostly states, booleans and enum values: varying them gains nothing.
    if (m[0].length < 2) continue;
    parts.push(msg.slice(last, m.index), m[0]);
    last = m.index + m[0].length;
  }
  parts.push(msg.slice(last));
  return parts;
}

/**
 * The records of one sample. A log without timestamps (`…-nots-…`) gets its records spread
 * evenly over `spanUs` (the span of the sample it is interleaved with) and the thread id 1.
 */
function readLines(rel: string, spanUs: number): Line[] {
  const text = readSample(rel).split('\n').filter((l) => l !== '');
  const raw: { us: number; tid: number; msg: string }[] = [];
  for (const l of text) {
    let m = TID_PREFIX.exec(l);
    if (m !== null) {
      raw.push({ us: Number(m[2]) * 1e6 + Number(m[3]), tid: Number(m[1]), msg: m[4] });
      continue;
    }
    m = ISO_PREFIX.exec(l);
    if (m !== null) {
      raw.push({ us: Date.parse(`${m[1]}Z`) * 1000 + Number(m[2] ?? 0), tid: 1, msg: m[3] });
      continue;
    }
    // A line without a prefix after a record continues its message (kept as it is).
    if (raw.length > 0 && !Number.isNaN(raw[raw.length - 1].us)) raw[raw.length - 1].msg += `\n${l}`;
    else raw.push({ us: NaN, tid: 1, msg: l });
  }
  const stamped = raw.every((r) => !Number.isNaN(r.us));
  if (!stamped) raw.forEach((r, i) => (r.us = Math.floor((i * spanUs) / raw.length)));
  const t0 = raw.length > 0 && stamped ? raw[0].us : 0;
  return raw.map((r) => ({ us: r.us - t0, tid: r.tid, parts: split(r.msg) }));
}

/**
 * A number of the same digit count and case, at most the real one (so it fits wherever the real one
 * did). Past 12 digits only the low 12 vary (at most the real low part), which keeps the maths in
 * doubles; zero-padded numbers stay padded.
 */
export function varyNumber(s: string, rnd: () => number): string {
  const hex = s.startsWith('0x');
  const body = hex ? s.slice(2) : s;
  const base = hex ? 16 : 10;
  const keep = Math.max(0, body.length - 12);
  const low = body.slice(keep);
  const orig = parseInt(low, base);
  // The smallest value of the same width: the leading digit stays non-zero unless high digits are kept or it was zero.
  const min = keep > 0 || low[0] === '0' ? 0 : base ** (low.length - 1);
  let v = (min + Math.floor(rnd() * (orig - min + 1))).toString(base).padStart(low.length, '0');
  if (hex && /[A-F]/.test(body)) v = v.toUpperCase();
  return (hex ? '0x' : '') + body.slice(0, keep) + v;
}

export interface TextReplay {
  /** Sample paths under ../shared/samples; more than one: interleaved by time from a common start. */
  readonly samples: readonly string[];
  /** `TID@SEC.USEC:` (QEMU ≤ 10.0) or `YYYY-MM-DDTHH:MM:SS.ffffffZ ` (10.1+). */
  readonly prefix: TextPrefix;
  readonly seed: number;
}

/** The real records of `samples`, interleaved by their time from each sample's first record. */
function records(samples: readonly string[]): Line[] {
  const stamped = samples.map((s) => readLines(s, 1));
  const span = Math.max(1, ...stamped.map((ls) => (ls.length > 0 ? ls[ls.length - 1].us : 0)));
  const all = samples.map((s, i) => (stamped[i].length > 0 && stamped[i].every((l) => l.us === 0) ? readLines(s, span) : stamped[i]));
  // Stable merge by time (a sample's own order kept when stamps tie).
  return all
    .flatMap((ls, k) => ls.map((l, i) => ({ l, k, i })))
    .sort((a, b) => a.l.us - b.l.us || a.k - b.k || a.i - b.i)
    .map((x) => x.l);
}

/** Distinct event names in `samples` (the first word of each record's message). */
export function eventNames(samples: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const l of records(samples)) names.add(/^[A-Za-z0-9_]+/.exec(l.parts[0])?.[0] ?? '');
  names.delete('');
  return names;
}

/**
 * Write the replay of at least `bytes` bytes to `dir` (reused when already there) and return its
 * path. The first round starts at the first sample's real time.
 */
export function replayText(dir: string, label: string, spec: TextReplay, bytes: number): string {
  const file = path.join(dir, `replay-v${VERSION}-${label}-${Math.round(bytes / 1e6)}MB.log`);
  if (existsSync(file) && statSync(file).size >= bytes) return file;
  mkdirSync(dir, { recursive: true });
  const lines = records(spec.samples);
  const startUs = (() => {
    const l = readSample(spec.samples[0]).split('\n', 1)[0];
    const t = TID_PREFIX.exec(l);
    if (t !== null) return Number(t[2]) * 1e6 + Number(t[3]);
    const i = ISO_PREFIX.exec(l);
    return i !== null ? Date.parse(`${i[1]}Z`) * 1000 + Number(i[2] ?? 0) : 1.7e15;
  })();
  const spanUs = lines[lines.length - 1].us + 1000;
  const rnd = prng(spec.seed);
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  let written = 0;
  let isoSec = -1;
  let isoText = '';
  for (let round = 0; written < bytes; round++) {
    const shift = startUs + round * spanUs;
    let out = '';
    for (const l of lines) {
      const us = l.us + shift;
      const sec = Math.floor(us / 1e6);
      const frac = String(us - sec * 1e6).padStart(6, '0');
      if (spec.prefix === 'tid') out += `${l.tid}@${sec}.${frac}:`;
      else {
        if (sec !== isoSec) {
          isoSec = sec;
          isoText = new Date(sec * 1000).toISOString().slice(0, 19);
        }
        out += us === sec * 1e6 ? `${isoText}Z ` : `${isoText}.${frac}Z `;
      }
      const p = l.parts;
      // Round 0 is the real trace as it was; later rounds vary every number.
      if (round === 0 || p.length === 1) out += p.join('');
      else {
        out += p[0];
        for (let i = 1; i < p.length; i += 2) out += varyNumber(p[i], rnd) + p[i + 1];
      }
      out += '\n';
      if (out.length >= 1 << 22) {
        written += writeSync(fd, Buffer.from(out, 'latin1'));
        out = '';
      }
    }
    written += writeSync(fd, Buffer.from(out, 'latin1'));
  }
  closeSync(fd);
  renameSync(tmp, file);
  return file;
}

/** `file` gzipped beside it (level 6, as `gzip` does by default; reused when there): the samples come as .gz. */
export async function gzipped(file: string): Promise<string> {
  const out = `${file}.gz`;
  if (existsSync(out)) return out;
  await pipeline(createReadStream(file), createGzip({ level: 6 }), createWriteStream(`${out}.tmp`));
  renameSync(`${out}.tmp`, out);
  return out;
}
