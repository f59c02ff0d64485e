// The Migration and Compare pages end to end: `qtw serve` on the real QEMU 7.2 precopy sample
// (source and destination logs, Debian's 7.2 catalogue), driven in Debian's Chromium. Expected
// figures come from QEMU's own query-migrate.json and the sample's manifest, within the issue's
// tolerances.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SAMPLES } from '../helpers/paths.ts';
import { chromiumAvailable, shot } from '../helpers/harness.ts';
import { openWorkbench, type Workbench } from '../helpers/e2e/workbench.ts';

const A = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');
const qm = JSON.parse(readFileSync(path.join(A, 'query-migrate.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(path.join(A, 'manifest.json'), 'utf8'));
const srcStates: string[] = manifest.facts_from_traces.src.migrate_set_state_sequence;
const dstStates: string[] = manifest.facts_from_traces.dst.migrate_set_state_sequence;
const srcSyncDirty: number[] = manifest.facts_from_traces.src.migration_bitmap_sync_end_dirty_pages;

const card = '[data-testid="migration-card"]';
const status = '[data-testid="result-status"]';

/** data-value of every metric of the card of `side`. */
async function cardValues(page: Page, side: string): Promise<Record<string, string>> {
  return page.$eval(`${card}[data-side="${side}"]`, (el) =>
    Object.fromEntries(Array.from(el.querySelectorAll('[data-field]')).map((f) => [f.getAttribute('data-field') ?? '', f.getAttribute('data-value') ?? ''])),
  );
}

/** True once the chart's canvas shows more than a few colours (something was drawn). */
async function chartDrawn(page: Page, id: string): Promise<void> {
  await page.waitForFunction(
    (sel) => {
      const c = document.querySelector(sel) as HTMLCanvasElement | null;
      const ctx = c?.getContext('2d');
      if (!c || !ctx || c.width === 0) return false;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < d.length; i += 4 * 53) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return seen.size > 3;
    },
    `[data-chart="${id}"] canvas`,
    { timeout: 20_000 },
  );
}

const maybe = chromiumAvailable() ? describe : describe.skip;

maybe('Migration and Compare pages over qtw serve (QEMU 7.2 a-precopy)', () => {
  let wb: Workbench;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    // Traces are listed as soon as they are written; the analysis views are rebuilt when the
    // whole ingest job ends (then tracesChanged refreshes the page). Compare figures after that.
    wb = await openWorkbench([path.join(A, 'src.log.gz'), path.join(A, 'dst.log.gz')], { viewport: { width: 1440, height: 1000 }, ingestDone: true });
    ({ page, errors } = wb);
  }, 180_000);

  afterAll(async () => {
    await wb?.close();
  });

  it('shows one card per attempt with QEMU query-migrate figures', async () => {
    await page.click('.ptab[data-page="migration"]');
    await page.waitForSelector('[data-testid="migration-page"]:not([hidden])');
    await page.waitForFunction(() => document.querySelector('[data-testid="migration-page"]')?.getAttribute('data-state') === 'ready', undefined, { timeout: 60_000 });
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length >= 2, card, { timeout: 30_000 });
    const sides = await page.$$eval(card, (els) => els.map((e) => e.getAttribute('data-side')));
    expect(sides).toEqual(['src', 'dst']);
    const src = await cardValues(page, 'src');
    expect(src.final_state).toBe(qm.status);
    expect(Number(src.dirty_syncs)).toBe(qm.ram['dirty-sync-count']);
    expect(Number(src.normal_pages)).toBe(qm.ram.normal);
    expect(Math.abs(Number(src.total_ms) - qm['total-time'])).toBeLessThanOrEqual(5);
    expect(Math.abs(Number(src.downtime_ms) - qm.downtime)).toBeLessThanOrEqual(3);
    expect(Math.abs(Number(src.setup_ms) - qm['setup-time'])).toBeLessThanOrEqual(2);
    // The visible text carries the same numbers.
    const text = await page.textContent(`${card}[data-side="src"]`);
    expect(text).toContain(qm.ram.normal.toLocaleString('en-US'));
    expect((await cardValues(page, 'dst')).final_state).toBe(dstStates[dstStates.length - 1]);
    expect(await page.textContent('[data-testid="clock-alignment"]')).toMatch(/Clock alignment/);
  });

  it('draws the state timeline and dirty pages; empty charts say why', async () => {
    await page.waitForFunction(() => document.querySelector('[data-testid="migration-page"]')?.getAttribute('data-state') === 'ready', undefined, { timeout: 60_000 });
    await chartDrawn(page, 'states');
    await chartDrawn(page, 'dirty');
    expect(await page.getAttribute('[data-chart="dirty"]', 'data-state')).toBe('drawn');
    expect(await page.textContent('[data-chart="dirty"] .mg-chart-note')).toBe(`${srcSyncDirty.length} rows`);
    // a-precopy used neither multifd nor postcopy.
    for (const id of ['multifd', 'postcopy']) {
      expect(await page.getAttribute(`[data-chart="${id}"]`, 'data-state')).toBe('empty');
      expect(await page.textContent(`[data-chart="${id}"] .mg-chart-message`)).toMatch(/\w{4}/);
    }
    const chartStates = await page.$$eval('[data-testid="migration-chart"]', (els) => els.map((e) => e.getAttribute('data-state')));
    expect(chartStates).not.toContain('error');
    await shot(page, 'migration-01-page');
    expect(errors).toEqual([]);
  });

  it('overrides the destination clock offset and returns to the estimate', async () => {
    const text = '[data-testid="clock-alignment"] .mg-align-text';
    const estimate = await page.getAttribute(text, 'data-offset-ns');
    await page.fill('[data-testid="clock-offset-input"]', '-2 s');
    await page.press('[data-testid="clock-offset-input"]', 'Enter');
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-offset-ns') === '-2000000000', text, { timeout: 20_000 });
    expect(await page.textContent(text)).toMatch(/−2\.00 s .*set by you/);
    await page.click('[data-testid="clock-alignment"] button:has-text("Use estimate")');
    await page.waitForFunction(([sel, est]) => document.querySelector(sel)?.getAttribute('data-offset-ns') === est, [text, estimate ?? ''] as const, { timeout: 20_000 });
    expect(await page.textContent(text)).not.toMatch(/set by you/);
    // Every analysis of the library is listed with its SQL one click away.
    expect(await page.$$eval('[data-analysis]', (els) => els.map((e) => e.getAttribute('data-analysis')))).toContain('migration_overview');
  });

  it('"Open query" puts the chart SQL in the editor and runs it', async () => {
    await page.click('[data-chart="states"] [data-testid="open-query"]');
    await page.waitForSelector('.workbench:not([hidden]) [data-testid="editor"] .monaco-editor');
    await page.waitForFunction(
      (sel) => /\d[\d,]* rows?/.test(document.querySelector(sel)?.textContent ?? '') && !/running/i.test(document.querySelector(sel)?.textContent ?? ''),
      status,
      { timeout: 30_000 },
    );
    const editorText = ((await page.textContent('[data-testid="editor"] .view-lines')) ?? '').replace(/\u00a0/g, ' ');
    expect(editorText).toContain('FROM migrate_set_state m JOIN traces t USING (trace_id)');
    expect(await page.textContent(status)).toMatch(new RegExp(`\\b${srcStates.length + dstStates.length} rows?`));
    await shot(page, 'migration-02-open-query');
  });

  it('compares the run with itself: source with source, destination with destination', async () => {
    await page.click('.ptab[data-page="compare"]');
    await page.waitForSelector('[data-testid="compare-page"]:not([hidden]) [data-testid="compare-dst-events"]', { timeout: 30_000 });
    const totals = await page.$eval('[data-testid="compare-src-phases"]', (t) => {
      const row = Array.from(t.querySelectorAll('tbody tr')).find((r) => r.querySelector('[data-col="metric"]')?.textContent === 'total_ms');
      return row ? Array.from(row.querySelectorAll('td')).map((c) => c.textContent ?? '') : [];
    });
    expect(totals.length).toBe(5);
    expect(Math.abs(Number(totals[1]!.replace(/,/g, '')) - qm['total-time'])).toBeLessThanOrEqual(5);
    expect(totals[2]).toBe(totals[1]);
    // migrate_set_state changes inside each attempt's window: all of them, per side.
    for (const [side, want] of [['src', srcStates.length], ['dst', dstStates.length]] as const) {
      const mss = await page.$eval(`[data-testid="compare-${side}-events"]`, (t) => {
        const row = Array.from(t.querySelectorAll('tbody tr')).find((r) => r.querySelector('[data-col="event"]')?.textContent === 'migrate_set_state');
        return row ? [row.querySelector('[data-col="a_count"]')?.textContent, row.querySelector('[data-col="b_count"]')?.textContent] : [];
      });
      expect(mss).toEqual([String(want), String(want)]);
    }
    await shot(page, 'migration-03-compare');
    expect(errors).toEqual([]);
  });

  it('returns to the workbench with its panels intact', async () => {
    await page.click('.ptab[data-page="workbench"]');
    await page.waitForSelector('.workbench:not([hidden]) [data-testid="results-grid"]');
    expect(await page.isHidden('[data-testid="migration-page"]')).toBe(true);
    expect(await page.isHidden('[data-testid="compare-page"]')).toBe(true);
  });
});

const B = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const qmB = JSON.parse(readFileSync(path.join(B, 'query-migrate.json'), 'utf8'));
const manifestB = JSON.parse(readFileSync(path.join(B, 'manifest.json'), 'utf8'));

maybe('Migration page on a multifd migration (QEMU 7.2 b-multifd4)', () => {
  let wb: Workbench;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    wb = await openWorkbench([path.join(B, 'src.log'), path.join(B, 'dst.log.gz')], { viewport: { width: 1440, height: 1000 }, ingestDone: true });
    ({ page, errors } = wb);
  }, 180_000);

  afterAll(async () => {
    await wb?.close();
  });

  it('shows four multifd channels on both sides and draws their lanes', async () => {
    await page.click('.ptab[data-page="migration"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="migration-page"]')?.getAttribute('data-state') === 'ready', undefined, { timeout: 60_000 });
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length >= 2, card, { timeout: 30_000 });
    const channels = new Set(Object.values(manifestB.facts_from_traces.src.multifd_channel_ids as Record<string, number[]>).flat()).size;
    expect(channels).toBe(4);
    for (const side of ['src', 'dst']) expect(Number((await cardValues(page, side)).multifd_channels)).toBe(channels);
    const src = await cardValues(page, 'src');
    expect(src.final_state).toBe(qmB.status);
    expect(Number(src.dirty_syncs)).toBe(qmB.ram['dirty-sync-count']);
    expect(Math.abs(Number(src.total_ms) - qmB['total-time'])).toBeLessThanOrEqual(5);
    await chartDrawn(page, 'multifd');
    await chartDrawn(page, 'throughput');
    await page.locator('[data-chart="multifd"]').scrollIntoViewIfNeeded();
    await shot(page, 'migration-04-multifd');
    expect(errors).toEqual([]);
  });
});
