// A QEMU 10.2.50 trace decoded with the 7.2 catalogue (docs/qemu-trace-formats.md §6 items 5 and 6):
// records of changed or missing events are kept raw, every record is accounted for, nothing
// throws. Event names per record come from simpletrace.py's output, not from the decoder.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { buildCatalogue } from '../../../src-main/catalogue/index.ts';
import type { Catalogue, EventSpec } from '../../../src-main/catalogue/types.ts';
import { decode } from '../../helpers/simpletrace-collect.ts';

const SHARED = fileURLToPath(new URL('../../../../shared/', import.meta.url));
const PRECOPY = SHARED + 'samples/qemu-10.2.50/a-precopy/';

function catalogueAt(path: string): Catalogue {
  return buildCatalogue({ name: path, source: path, text: readFileSync(path, 'utf8'), file: path });
}

function signature(e: EventSpec): string {
  return e.args.map((a) => a.ctype).join(', ');
}

describe('10.2.50 traces against the 7.2.22 catalogue', () => {
  const cat10 = catalogueAt(PRECOPY + 'trace-events-all');
  const cat72 = catalogueAt(SHARED + 'catalogues/qemu-7.2.22-debian/trace-events-all');

  for (const [file, pyFile] of [
    ['src.simple.gz', 'simpletrace-py-output.txt.gz'],
    ['dst.simple.gz', 'simpletrace-py-output-dst.txt.gz'],
  ] as const) {
    it(file, () => {
      const bytes = new Uint8Array(gunzipSync(readFileSync(PRECOPY + file)));
      const pyNames = gunzipSync(readFileSync(PRECOPY + pyFile))
        .toString('latin1')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.slice(0, l.indexOf(' ')));
      const right = decode(bytes, cat10, 65536, file);
      let d: ReturnType<typeof decode> | undefined;
      expect(() => {
        d = decode(bytes, cat72, 65536, file);
      }).not.toThrow();
      const old = d as ReturnType<typeof decode>;
      expect(old.summary.error).toBeNull();
      expect(old.records.length).toBe(pyNames.length);
      expect(old.summary.records).toBe(pyNames.length);

      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const counts = { same: 0, missing: 0, changed: 0 };
      for (let i = 0; i < pyNames.length; i++) {
        const name = pyNames[i];
        const rec = old.records[i];
        const newer = cat10.get(name) as EventSpec;
        const older = cat72.get(name);
        expect(rec.r.seq).toBe(i);
        expect(rec.r.offset).toBe(right.records[i].r.offset);
        if (older !== undefined && signature(older) === signature(newer)) {
          counts.same++;
          if (rec.kind !== 'event') throw new Error(`record ${i} (${name}) is ${rec.kind}, expected an event`);
          expect(rec.r.args).toEqual((right.records[i].r as { args: unknown }).args);
          continue;
        }
        if (rec.kind !== 'unparsed') throw new Error(`record ${i} (${name}) should be unparsed, is ${rec.kind}`);
        expect(rec.r.name).toBe(name);
        // The raw bytes are exactly the record's payload: from byte 32 to 8 + length.
        const len = dv.getUint32(rec.r.offset + 24, true);
        expect(rec.r.raw).toBe(Buffer.from(bytes.subarray(rec.r.offset + 32, rec.r.offset + 8 + len)).toString('hex'));
        if (older === undefined) {
          counts.missing++;
          expect(rec.r.reason).toMatch(/not in catalogue/);
        } else {
          // Every signature change between 7.2 and 10.2.50 that occurs in these files adds,
          // removes or retypes a u64/string, so none can decode by accident.
          counts.changed++;
          expect(rec.r.reason).toMatch(/^signature mismatch/);
        }
      }
      expect(counts.same).toBeGreaterThan(0);
      expect(counts.missing).toBeGreaterThan(0);
      expect(counts.changed).toBeGreaterThan(0);
      expect(old.unparsed.length).toBe(counts.missing + counts.changed);
    });
  }
});
