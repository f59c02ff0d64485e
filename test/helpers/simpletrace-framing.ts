// Test helper: an independent walk over v4 record framing (docs/qemu-trace-formats.md §2.2), used to
// know where records start and end in real files without trusting the decoder.

export interface Frame {
  readonly kind: 'mapping' | 'event';
  readonly start: number;
  readonly end: number;
  /** Event id (u64) of an event record or the id a mapping names. */
  readonly id: bigint;
}

/** Frames of a little- or big-endian v4 file with a header; stops at the first incomplete one. */
export function v4Frames(b: Uint8Array, littleEndian: boolean): Frame[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Frame[] = [];
  let p = 24;
  for (;;) {
    if (p + 8 > b.length) return out;
    const type = dv.getBigUint64(p, littleEndian);
    if (type === 0n) {
      if (p + 20 > b.length) return out;
      const end = p + 20 + dv.getUint32(p + 16, littleEndian);
      if (end > b.length) return out;
      out.push({ kind: 'mapping', start: p, end, id: dv.getBigUint64(p + 8, littleEndian) });
      p = end;
    } else if (type === 1n) {
      if (p + 32 > b.length) return out;
      const end = p + 8 + dv.getUint32(p + 24, littleEndian);
      if (end > b.length) return out;
      out.push({ kind: 'event', start: p, end, id: dv.getBigUint64(p + 8, littleEndian) });
      p = end;
    } else {
      throw new Error(`type word ${type} at ${p}`);
    }
  }
}
