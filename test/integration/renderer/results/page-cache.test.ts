// Paging a real result (every event of the a-precopy sample) through the renderer's LRU page
// cache: random windows match a direct query, memory stays bounded, re-sorting resets cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageCache, type Row } from '../../../../src-renderer/results/page-cache.ts';
import type { SortSpec, WireCell } from '../../../../src-main/contract.ts';
import { toJsonValue, type CellValue } from '../../../../src-main/workspace/query.ts';
import { prng } from '../../../helpers/prng.ts';
import { openSampleWorkspace, type SampleWorkspace } from '../../../helpers/sample-workspace.ts';

let w: SampleWorkspace;
let handle: number;
let rowCount: number;
beforeAll(async () => {
  w = await openSampleWorkspace();
  const h = await w.engine.runner.run('SELECT trace_id, seq, ts_ns, name FROM events ORDER BY trace_id, seq');
  handle = h.id;
  rowCount = h.rowCount;
});
afterAll(() => w?.close());

function fetcher(sort: SortSpec | null, log: { offset: number; count: number }[] = []) {
  return async (offset: number, count: number): Promise<Row[]> => {
    log.push({ offset, count });
    const rows = await w.engine.runner.fetchRows(handle, offset, count, sort ?? undefined);
    return rows.map((r) => r.map((v) => toJsonValue(v as CellValue) as WireCell));
  };
}

describe('PageCache', () => {
  it('serves any window of a 130k-row result exactly, in whole pages, with bounded memory', async () => {
    const [[total]] = await w.rows('SELECT count(*) FROM events');
    expect(rowCount).toBe(Number(total));
    const log: { offset: number; count: number }[] = [];
    const cache = new PageCache(fetcher(null, log), rowCount, 500, 8);
    const rnd = prng(7);
    for (let i = 0; i < 12; i++) {
      const first = Math.floor(rnd() * (rowCount - 60));
      await cache.ensure(first, first + 59);
      const expected = await w.rows(`SELECT trace_id, seq, ts_ns, name FROM events ORDER BY trace_id, seq LIMIT 60 OFFSET ${first}`);
      for (let k = 0; k < 60; k++) expect(cache.peek(first + k)?.map(String)).toEqual(expected[k].map(String));
      expect(cache.cachedPages).toBeLessThanOrEqual(8);
    }
    for (const f of log) {
      expect(f.offset % 500).toBe(0);
      expect(f.count).toBe(Math.min(500, rowCount - f.offset));
    }
    // The last, partial page.
    await cache.ensure(rowCount - 1, rowCount + 10);
    expect(cache.peek(rowCount - 1)).toBeDefined();
    expect(cache.peek(rowCount)).toBeUndefined();
  });

  it('fetches a page once even when asked twice at the same time', async () => {
    const log: { offset: number; count: number }[] = [];
    const cache = new PageCache(fetcher(null, log), rowCount);
    await Promise.all([cache.ensure(1000, 1100), cache.ensure(1050, 1200)]);
    expect(log).toEqual([{ offset: 1000, count: 500 }]);
  });

  it('after a re-sort, drops old pages and ignores answers of the old order', async () => {
    const cache = new PageCache(fetcher(null), rowCount);
    const pending = cache.ensure(0, 10);
    cache.reset(fetcher({ column: 'ts_ns', desc: true }), rowCount);
    await pending;
    expect(cache.peek(0)).toBeUndefined();
    await cache.ensure(0, 10);
    const [[maxTs]] = await w.rows('SELECT max(ts_ns) FROM events');
    expect(String(cache.peek(0)![2])).toBe(String(maxTs));
    const rows = await cache.rows(495, 505);
    expect(rows.length).toBe(11);
    for (let i = 1; i < rows.length; i++) expect(BigInt(String(rows[i - 1][2])) >= BigInt(String(rows[i][2]))).toBe(true);
  });
});
