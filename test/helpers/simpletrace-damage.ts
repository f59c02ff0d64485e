// Test helper: a copy of a real simpletrace v4 file as a slow reader would have left it, a run
// of event records lost and one dropped-events record written in their place (QEMU writes it
// when the writer thread next finds room; docs/qemu-trace-formats.md §2.2). Mapping records in
// the run stay: QEMU writes each mapping once, and later records need it.
import { v4Frames } from './simpletrace-framing.ts';

const DROPPED_ID = 0xfffffffffffffffen;

/**
 * `count` event records from the `first`-th event record on replaced by one dropped record,
 * stamped with the time of the first record after the run and the pid of the run's last one.
 */
export function dropEventRun(buf: Buffer, first: number, count: number): Buffer {
  const frames = v4Frames(buf, true);
  const events = frames.filter((f) => f.kind === 'event');
  if (first < 0 || count < 1 || first + count >= events.length) throw new Error(`run ${first}+${count} outside ${events.length} event records`);
  const run = new Set(events.slice(first, first + count));
  const after = events[first + count];
  const last = events[first + count - 1];
  const rec = Buffer.alloc(40);
  rec.writeBigUInt64LE(1n, 0);
  rec.writeBigUInt64LE(DROPPED_ID, 8);
  rec.writeBigUInt64LE(buf.readBigUInt64LE(after.start + 16), 16);
  rec.writeUInt32LE(32, 24);
  rec.writeUInt32LE(buf.readUInt32LE(last.start + 28), 28);
  rec.writeBigUInt64LE(BigInt(count), 32);
  const parts: Buffer[] = [buf.subarray(0, frames[0]?.start ?? buf.length)];
  for (const f of frames) {
    if (!run.has(f)) parts.push(buf.subarray(f.start, f.end));
    if (f === last) parts.push(rec);
  }
  const tail = frames.length ? frames[frames.length - 1].end : buf.length;
  parts.push(buf.subarray(tail));
  return Buffer.concat(parts);
}
