// The report .zip read back by yauzl (a reader independent of the writer): every file under the
// folder with its bytes, in a stable order, the skipped ones left out; and the ZIP64 records that
// a report over 4 GiB gets, forced on a small archive so the test does not write 4 GiB.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import { afterAll, describe, expect, it } from 'vitest';
import { zipDirectory } from '../../../src-main/report/zip.ts';
import { scratch } from '../../helpers/paths.ts';
import { prng } from '../../helpers/prng.ts';

const tmp = scratch('qtw-zip-');
afterAll(() => tmp.cleanup());

type Read = { name: string; data: Buffer; uncompressedSize: number };

function readZip(file: string): Promise<Read[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const out: Read[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (er, s) => {
          if (er || !s) return reject(er ?? new Error('no stream'));
          const parts: Buffer[] = [];
          s.on('data', (d: Buffer) => parts.push(d));
          s.on('error', reject);
          s.on('end', () => {
            out.push({ name: e.fileName, data: Buffer.concat(parts), uncompressedSize: e.uncompressedSize });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** A report-like folder: text, nested charts and data, a non-ASCII name, an empty file, noise. */
function reportFolder(name: string): { dir: string; files: Map<string, Buffer> } {
  const dir = path.join(tmp.dir, name);
  const rand = prng(7);
  const files = new Map<string, Buffer>([
    ['report.md', Buffer.from('# r\n\nmigrate_set_state 1 -> 4\n'.repeat(200))],
    ['report.html', Buffer.from('<!DOCTYPE html><p>é ü 漢</p>')],
    ['charts/item-2.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['data/item-1.parquet', Buffer.from(Array.from({ length: 70_000 }, () => Math.floor(rand() * 256)))],
    ['data/größe.csv', Buffer.from('a,b\n1,2\n')],
    ['data/empty.json', Buffer.alloc(0)],
  ]);
  for (const [n, d] of files) {
    mkdirSync(path.dirname(path.join(dir, n)), { recursive: true });
    writeFileSync(path.join(dir, n), d);
  }
  writeFileSync(path.join(dir, 'report.zip'), 'an older bundle, not to be zipped into the new one');
  return { dir, files };
}

describe('report zip', () => {
  it('holds every file of the folder with its bytes, in name order, without the skipped ones', async () => {
    const { dir, files } = reportFolder('plain');
    const names = await zipDirectory(dir, path.join(dir, 'report.zip'), ['report.zip']);
    expect([...names].sort()).toEqual([...files.keys()].sort());
    const read = await readZip(path.join(dir, 'report.zip'));
    expect(read.map((e) => e.name)).toEqual(names);
    for (const e of read) expect(e.data.equals(files.get(e.name)!), e.name).toBe(true);
    // The same folder zipped again lists the same entries in the same order.
    expect(await zipDirectory(dir, path.join(tmp.dir, 'again.zip'), ['report.zip'])).toEqual(names);
  });

  it('writes ZIP64 records that a reader follows (what an archive past 4 GiB gets)', async () => {
    const { dir, files } = reportFolder('zip64');
    const file = path.join(tmp.dir, 'zip64.zip');
    await zipDirectory(dir, file, ['report.zip'], { forceZip64: true });
    const raw = readFileSync(file);
    // End of central directory (22 bytes, no comment), preceded by the ZIP64 locator that points
    // at the ZIP64 end of central directory record.
    const eocd = raw.length - 22;
    expect(raw.readUInt32LE(eocd)).toBe(0x06054b50);
    expect(raw.readUInt32LE(eocd - 20)).toBe(0x07064b50);
    const rec = Number(raw.readBigUInt64LE(eocd - 20 + 8));
    expect(raw.readUInt32LE(rec)).toBe(0x06064b50);
    expect(raw.readBigUInt64LE(rec + 32)).toBe(BigInt(files.size)); // entries in the central directory
    const read = await readZip(file);
    expect(read.map((e) => e.name).sort()).toEqual([...files.keys()].sort());
    for (const e of read) {
      expect(e.data.equals(files.get(e.name)!), e.name).toBe(true);
      expect(e.uncompressedSize).toBe(files.get(e.name)!.length);
    }
  });

  it('fails naming the cause when the target cannot be written, and does not hang', async () => {
    const { dir } = reportFolder('nowhere');
    await expect(zipDirectory(dir, path.join(tmp.dir, 'missing-folder', 'r.zip'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
