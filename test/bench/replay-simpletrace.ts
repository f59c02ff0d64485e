// Simpletrace v4 inputs for `npm run bench`, replayed from the real samples: the header and the
// mapping records as written, then every event record in order, repeated with timestamps shifted
// forward each round and integer arguments varied (same bit length, never above the real value;
// strings and small values kept), with a dropped-events record now and then in place of a run of
// lost records, as QEMU's writer thread leaves when it falls behind. Several samples (the
// all-events replay) are interleaved by time from a common start, their ids mapped by event name.
// Deterministic (seeded); written once into .bench/ (git-ignored) and reused.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SAMPLES } from '../helpers/paths.ts';
import { prng } from '../helpers/prng.ts';
import { SimpletraceWriter } from '../helpers/simpletrace-writer.ts';

const VERSION = 1;
const HEADER = 24;

interface Sample {
  readonly head: Buffer;
  /** Event name by id (the file's mapping records). */
  readonly names: Map<bigint, string>;
  /** Event records (type word included), each a view of the file. */
  readonly events: Buffer[];
}

function readSample(rel: string): Sample {
  const buf = gunzipSync(readFileSync(path.join(SAMPLES, rel)));
  const names = new Map<bigint, string>();
  const events: Buffer[] = [];
  let headEnd = HEADER;
  for (let p = HEADER; p < buf.length; ) {
    const type = buf.readBigUInt64LE(p);
    if (type === 0n) {
      const n = buf.readUInt32LE(p + 16);
      names.set(buf.readBigUInt64LE(p + 8), buf.toString('latin1', p + 20, p + 20 + n));
      p += 20 + n;
      if (events.length === 0) headEnd = p;
    } else if (type === 1n) {
      const len = 8 + buf.readUInt32LE(p + 24);
      events.push(buf.subarray(p, p + len));
      p += len;
    } else throw new Error(`${rel}: record type ${type} at ${p}: not a v4 stream this replay knows`);
  }
  return { head: buf.subarray(0, headEnd), names, events };
}

/** Which arguments of each event are strings, from a trace-events-all (`name(type a, …) "fmt"`). */
function stringArgs(catalogue: string): Map<string, boolean[]> {
  const out = new Map<string, boolean[]>();
  for (const l of readFileSync(catalogue, 'latin1').split('\n')) {
    const m = /^(?:[a-z]+\s+)*([A-Za-z_][A-Za-z0-9_]*)\((.*)\)\s*"/.exec(l);
    if (m === null) continue;
    const args = m[2].trim() === '' || m[2].trim() === 'void' ? [] : m[2].split(',');
    out.set(m[1], args.map((a) => /char\s*\*/.test(a)));
  }
  return out;
}

/**
 * Vary the integer arguments of one event record in place: a value keeps its bit length and stays
 * at most what it was; values below 16 (states, flags, booleans) and negative ones are kept. A
 * record whose payload does not walk exactly as the catalogue says is left as it is.
 */
function varyArgs(rec: Buffer, strings: boolean[] | undefined, rnd: () => number): void {
  if (strings === undefined) return;
  const end = rec.length;
  let p = 32;
  const ints: number[] = [];
  for (const isString of strings) {
    if (p + (isString ? 4 : 8) > end) return;
    if (isString) p += 4 + rec.readUInt32LE(p);
    else {
      ints.push(p);
      p += 8;
    }
  }
  if (p !== end) return;
  for (const q of ints) {
    const lo = rec.readUInt32LE(q);
    const hi = rec.readUInt32LE(q + 4);
    if (hi >= 0x80000000 || (hi === 0 && lo < 16)) continue;
    if (hi > 0) {
      const top = 2 ** Math.floor(Math.log2(hi));
      const nh = top + Math.floor(rnd() * (hi - top + 1));
      rec.writeUInt32LE(nh, q + 4);
      rec.writeUInt32LE(nh < hi ? Math.floor(rnd() * 2 ** 32) : Math.floor(rnd() * (lo + 1)), q);
    } else {
      const top = 2 ** Math.floor(Math.log2(lo));
      rec.writeUInt32LE(top + Math.floor(rnd() * (lo - top + 1)), q);
    }
  }
}

export interface SimpleReplay {
  /** `.simple.gz` sample paths under ../shared/samples (the first one's header and mappings lead). */
  readonly samples: readonly string[];
  /** The trace-events-all that the samples were written with. */
  readonly catalogue: string;
  readonly seed: number;
  /** Mean event records between two dropped-events records (0: none). */
  readonly dropEvery: number;
}

/** Distinct event names of the records in `samples`. */
export function simpleEventNames(samples: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const s of samples.map(readSample)) for (const e of s.events) names.add(s.names.get(e.readBigUInt64LE(8)) ?? '');
  names.delete('');
  return names;
}

/** Write the replay of at least `records` event records into `dir` (reused when there) and return its path. */
export function replaySimpletrace(dir: string, label: string, spec: SimpleReplay, records: number): string {
  const file = path.join(dir, `replay-v${VERSION}-${label}-${(records / 1e6).toFixed(1)}M.simple`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const samples = spec.samples.map(readSample);
  const lead = samples[0];
  const idOf = new Map([...lead.names].map(([id, n]) => [n, id]));
  const extra: [bigint, string][] = [];
  let nextId = [...lead.names.keys()].reduce((a, b) => (b > a ? b : a), 0n) + 1n;
  // Every sample's records on the lead's ids; a name the lead has not mapped gets a new id.
  const merged: { ts: bigint; rec: Buffer; k: number; i: number }[] = [];
  samples.forEach((s, k) => {
    const t0 = s.events[0].readBigUInt64LE(16);
    s.events.forEach((e, i) => {
      const name = s.names.get(e.readBigUInt64LE(8));
      const rec = Buffer.from(e);
      if (name !== undefined) {
        let id = idOf.get(name);
        if (id === undefined) {
          id = nextId++;
          idOf.set(name, id);
          extra.push([id, name]);
        }
        rec.writeBigUInt64LE(id, 8);
      }
      merged.push({ ts: e.readBigUInt64LE(16) - t0, rec, k, i });
    });
  });
  merged.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.k - b.k || a.i - b.i));
  const nameById = new Map([...idOf].map(([n, id]) => [id, n]));
  const strings = stringArgs(spec.catalogue);
  const layout = merged.map((m) => strings.get(nameById.get(m.rec.readBigUInt64LE(8)) ?? ''));
  const start = lead.events[0].readBigUInt64LE(16);
  const span = merged[merged.length - 1].ts + 1_000_000n;
  const pid = lead.events[0].readUInt32LE(28);
  const rnd = prng(spec.seed);
  const head = new SimpletraceWriter({ littleEndian: true, version: 4, headerless: true });
  for (const [id, name] of extra) head.mapping(id, name);
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  writeSync(fd, lead.head);
  writeSync(fd, head.bytes());
  let written = 0;
  let lost = 0;
  let skip = 0;
  const parts: Uint8Array[] = [];
  let size = 0;
  const put = (b: Uint8Array) => {
    parts.push(b);
    size += b.length;
    if (size >= 1 << 22) {
      writeSync(fd, Buffer.concat(parts));
      parts.length = 0;
      size = 0;
    }
  };
  for (let round = 0; written < records; round++) {
    const shift = start + span * BigInt(round);
    for (let i = 0; i < merged.length && written < records; i++) {
      const ts = merged[i].ts + shift;
      // Lost records: QEMU's writer thread counts what it had no room for and writes one
      // dropped-events record, stamped when it writes again, before the next record it keeps.
      if (spec.dropEvery > 0 && round > 0 && skip === 0 && lost === 0 && rnd() * spec.dropEvery < 1) skip = 1 + Math.floor(rnd() * 200);
      if (skip > 0) {
        skip--;
        lost++;
        continue;
      }
      if (lost > 0) {
        put(new SimpletraceWriter({ littleEndian: true, version: 4, headerless: true }).dropped(ts, pid, BigInt(lost)).bytes());
        lost = 0;
      }
      const rec = Buffer.from(merged[i].rec);
      rec.writeBigUInt64LE(ts, 16);
      if (round > 0) varyArgs(rec, layout[i], rnd);
      put(rec);
      written++;
    }
  }
  if (size > 0) writeSync(fd, Buffer.concat(parts));
  closeSync(fd);
  renameSync(tmp, file);
  return file;
}
