// Rows of a result, fetched from the engine in pages and kept in a small LRU, so a 10M-row result
// never lives in the page. Pure (the fetcher is injected): unit-tested without DOM or engine.
import type { WireCell } from '../../src-main/contract.ts';

export type Row = readonly WireCell[];
export type PageFetcher = (offset: number, count: number) => Promise<readonly Row[]>;

export class PageCache {
  private readonly pages = new Map<number, readonly Row[]>();
  private readonly inflight = new Map<number, Promise<readonly Row[]>>();
  /** Bumped by reset(); answers for an older generation are dropped. */
  private generation = 0;

  constructor(
    private fetcher: PageFetcher,
    private rowCount: number,
    readonly pageSize = 500,
    private readonly maxPages = 40,
  ) {}

  /** New data source (re-sorted result): forget every page, ignore answers still on the way. */
  reset(fetcher: PageFetcher, rowCount: number): void {
    this.fetcher = fetcher;
    this.rowCount = rowCount;
    this.pages.clear();
    this.inflight.clear();
    this.generation++;
  }

  get cachedPages(): number {
    return this.pages.size;
  }

  /** The row if its page is here (and marks the page recently used), else undefined. */
  peek(index: number): Row | undefined {
    const p = Math.floor(index / this.pageSize);
    const page = this.pages.get(p);
    if (!page) return undefined;
    this.pages.delete(p);
    this.pages.set(p, page);
    return page[index - p * this.pageSize];
  }

  /** Load the pages covering [first, last]; resolves true when anything new arrived. */
  async ensure(first: number, last: number): Promise<boolean> {
    if (this.rowCount === 0) return false;
    const lo = Math.max(0, Math.floor(first / this.pageSize));
    const hi = Math.min(Math.floor((this.rowCount - 1) / this.pageSize), Math.floor(Math.max(first, last) / this.pageSize));
    const waits: Promise<readonly Row[]>[] = [];
    for (let p = lo; p <= hi; p++) if (!this.pages.has(p)) waits.push(this.load(p));
    if (waits.length === 0) return false;
    await Promise.all(waits);
    return true;
  }

  /** All rows of [first, last] (inclusive), fetching what is missing; for copy/export of a selection. */
  async rows(first: number, last: number): Promise<Row[]> {
    const out: Row[] = [];
    for (let p = Math.floor(first / this.pageSize); p <= Math.floor(last / this.pageSize); p++) {
      const page = this.pages.get(p) ?? (await this.load(p));
      const base = p * this.pageSize;
      for (let i = Math.max(first, base); i <= Math.min(last, base + page.length - 1); i++) out.push(page[i - base]);
    }
    return out;
  }

  private load(p: number): Promise<readonly Row[]> {
    const pending = this.inflight.get(p);
    if (pending) return pending;
    const gen = this.generation;
    const offset = p * this.pageSize;
    const count = Math.min(this.pageSize, this.rowCount - offset);
    const promise = this.fetcher(offset, count).then(
      (rows) => {
        if (gen === this.generation) {
          this.inflight.delete(p);
          this.pages.set(p, rows);
          while (this.pages.size > this.maxPages) this.pages.delete(this.pages.keys().next().value as number);
        }
        return rows;
      },
      (e: unknown) => {
        if (gen === this.generation) this.inflight.delete(p);
        throw e;
      },
    );
    this.inflight.set(p, promise);
    return promise;
  }
}
