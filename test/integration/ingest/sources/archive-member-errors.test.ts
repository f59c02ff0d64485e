// An archive member that cannot be read, even from its first byte, is that member's error: the
// archive's other members are still ingested, and a member that fails after some bytes keeps
// every record decoded before the failure.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import path from 'node:path';
import { WorkspaceEngine } from '../../../../src-main/service/workspace-engine.ts';
import { tar, zip } from '../../../helpers/archives.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../../helpers/paths.ts';

const tmp = scratch('qtw-member-errors-');
afterAll(tmp.cleanup);

const A = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');
const srcLog = gunzipSync(readFileSync(path.join(A, 'src.log.gz')));
const dstLog = gunzipSync(readFileSync(path.join(A, 'dst.log.gz')));
const lineCount = (b: Buffer) => b.toString('utf8').split('\n').filter((l) => l !== '').length;

/** Marks the zip's first entry as compressed with `method` (12 is bzip2), in both its headers. */
function withMethod(z: Buffer, method: number): Buffer {
  const b = Buffer.from(z);
  expect(b.readUInt32LE(0)).toBe(0x04034b50);
  b.writeUInt16LE(method, 8);
  const cd = b.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  expect(cd).toBeGreaterThan(0);
  b.writeUInt16LE(method, cd + 10);
  return b;
}

async function ingest(name: string, file: string) {
  const engine = await WorkspaceEngine.open(path.join(tmp.dir, `${name}.duckdb`));
  const summary = await engine.openInputs([file], { catalogues: [DEBIAN_72] });
  return { engine, summary };
}

describe('archive members that fail early', () => {
  it('zip: an entry of an unsupported method is reported; the next entry is ingested', async () => {
    const file = path.join(tmp.dir, 'bzip2-first.zip');
    writeFileSync(file, withMethod(await zip([{ name: 'a-bz2.log', data: srcLog, compress: false }, { name: 'b-ok.log', data: dstLog, compress: false }]), 12));
    const { engine, summary } = await ingest('zip', file);
    try {
      expect(summary.traces.map((t) => [t.member, t.records])).toEqual([['b-ok.log', lineCount(dstLog)]]);
      expect(summary.errors).toEqual([`${file} (member a-bz2.log): zip compression method 12 is not supported (only stored and deflate)`]);
    } finally {
      engine.close();
    }
  });

  it('tar: a .gz member truncated within its first 2 MiB keeps its complete records; the next member is ingested', async () => {
    const gz = gzipSync(srcLog);
    const cut = gz.subarray(0, Math.floor(gz.byteLength * 0.2));
    const decodable = gunzipSync(cut, { finishFlush: 2 /* Z_SYNC_FLUSH */ });
    expect(decodable.byteLength).toBeLessThan(2 << 20);
    const file = path.join(tmp.dir, 'cut-first.tar');
    writeFileSync(file, await tar([{ name: 'a-cut.log.gz', data: cut }, { name: 'b-ok.log', data: dstLog }]));
    const { engine, summary } = await ingest('tar', file);
    try {
      expect(summary.traces.map((t) => t.member)).toEqual(['a-cut.log.gz', 'b-ok.log']);
      const [a, b] = summary.traces;
      // Every line completed before the cut is a record; the partial last line is at most one more.
      const complete = decodable.subarray(0, decodable.lastIndexOf(10) + 1);
      expect(a.records - lineCount(complete)).toBeGreaterThanOrEqual(0);
      expect(a.records - lineCount(complete)).toBeLessThanOrEqual(1);
      expect(a.events).toBeGreaterThanOrEqual(lineCount(complete) - 1);
      expect(b.records).toBe(lineCount(dstLog));
      const rows: unknown[][] = [];
      await engine.streamQuery(`SELECT error FROM traces WHERE member = 'a-cut.log.gz'`, { columns() {}, rows: (r) => void rows.push(...r) });
      expect(String(rows[0][0])).toMatch(/^.*cut-first\.tar \(member a-cut\.log\.gz\): gzip data truncated/);
    } finally {
      engine.close();
    }
  });
});
