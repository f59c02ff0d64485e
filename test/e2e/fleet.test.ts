// The Fleet page end to end: `qtw serve` on the QEMU 7.2 sample folder (three runs, put together
// by the run assignment from the folder's layout), driven in Debian's Chromium: one row per run
// with QEMU's query-migrate figures, sorted by downtime as query-migrate.json orders the runs,
// filtered, box plots drawn, and a click on a row opens that run on the Migration page.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SAMPLES } from '../helpers/paths.ts';
import { chromiumAvailable, shot } from '../helpers/harness.ts';
import { openWorkbench, type Workbench } from '../helpers/e2e/workbench.ts';

const LOG72 = path.join(SAMPLES, 'qemu-7.2.22-log');
const FOLDERS = ['a-precopy', 'b-multifd4'] as const;
const qm = Object.fromEntries(FOLDERS.map((f) => [f, JSON.parse(readFileSync(path.join(LOG72, f, 'query-migrate.json'), 'utf8'))])) as Record<
  (typeof FOLDERS)[number],
  { downtime: number; 'total-time': number; status: string; ram: { 'dirty-sync-count': number } }
>;

const grid = '[data-testid="fleet-grid"]';

/** The grid's rows as column → cell text, in the order shown. */
async function gridRows(page: Page): Promise<Record<string, string>[]> {
  return page.$$eval(`${grid} tbody tr`, (trs) =>
    trs.map((tr) => Object.fromEntries(Array.from(tr.querySelectorAll('td')).map((td) => [td.getAttribute('data-col') ?? '', td.textContent ?? '']))),
  );
}

const number = (text: string | undefined) => (text === undefined || text === '—' ? null : Number(text.replaceAll(',', '')));

const maybe = chromiumAvailable() ? describe : describe.skip;

maybe('Fleet page over qtw serve (QEMU 7.2 sample folder, three runs)', () => {
  let wb: Workbench;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    wb = await openWorkbench([LOG72], { viewport: { width: 1500, height: 1000 }, traces: 6, ingestDone: true });
    ({ page, errors } = wb);
  }, 240_000);

  afterAll(async () => {
    await wb?.close();
  });

  it('lists one row per run with the figures of query-migrate.json', async () => {
    await page.click('.ptab[data-page="fleet"]');
    await page.waitForSelector('[data-testid="fleet-page"]:not([hidden])');
    await page.waitForFunction((sel) => document.querySelectorAll(`${sel} tbody tr`).length === 3, grid, { timeout: 60_000 });
    const rows = await gridRows(page);
    expect(rows).toHaveLength(3);
    for (const f of FOLDERS) {
      const r = rows.find((x) => x.label?.includes(f));
      expect(r, f).toBeDefined();
      expect(r!.final_state).toBe(qm[f].status);
      expect(Math.abs(number(r!.downtime_ms)! - qm[f].downtime)).toBeLessThanOrEqual(3);
      expect(Math.abs(number(r!.total_ms)! - qm[f]['total-time'])).toBeLessThanOrEqual(5);
      expect(number(r!.dirty_syncs)).toBe(qm[f].ram['dirty-sync-count']);
    }
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid="fleet-box"]')).every((b) => (b as HTMLElement).dataset.state === 'drawn'));
    const groups = await page.$$eval('[data-testid="fleet-box"]', (els) => els.map((e) => (e as HTMLElement).dataset.groups));
    expect(groups).toEqual(['7.2.22', '7.2.22']);
    await shot(page, 'fleet-page');
  });

  it('sorts by downtime (both ways, runs without one last) as query-migrate.json orders them', async () => {
    const byQemu = [...FOLDERS].sort((a, b) => qm[b].downtime - qm[a].downtime);
    await page.click(`${grid} th[data-col="downtime_ms"]`);
    let rows = await gridRows(page);
    expect(await page.getAttribute(`${grid} th[data-col="downtime_ms"]`, 'aria-sort')).toBe('ascending');
    expect(rows.slice(0, 2).map((r) => FOLDERS.find((f) => r.label?.includes(f)))).toEqual([...byQemu].reverse());
    expect(rows[2]!.downtime_ms).toBe('—');
    await page.click(`${grid} th[data-col="downtime_ms"]`);
    rows = await gridRows(page);
    expect(await page.getAttribute(`${grid} th[data-col="downtime_ms"]`, 'aria-sort')).toBe('descending');
    expect(rows.slice(0, 2).map((r) => FOLDERS.find((f) => r.label?.includes(f)))).toEqual(byQemu);
    expect(rows[2]!.downtime_ms).toBe('—');
    const shown = rows.slice(0, 2).map((r) => number(r.downtime_ms)!);
    expect(shown[0]).toBeGreaterThan(shown[1]!);
    await shot(page, 'fleet-sorted-downtime');
  });

  it('filters by a comparison and by text', async () => {
    await page.fill('[data-testid="fleet-filter"]', 'multifd_channels>0');
    await page.waitForFunction((sel) => document.querySelectorAll(`${sel} tbody tr`).length === 1, grid);
    expect((await gridRows(page))[0]!.label).toContain('b-multifd4');
    expect(await page.textContent('[data-testid="fleet-status"]')).toBe('1 of 3 runs');
    await page.fill('[data-testid="fleet-filter"]', 'precopy');
    await page.waitForFunction((sel) => document.querySelectorAll(`${sel} tbody tr`).length === 1, grid);
    expect((await gridRows(page))[0]!.label).toContain('a-precopy');
    await page.fill('[data-testid="fleet-filter"]', '');
    await page.waitForFunction((sel) => document.querySelectorAll(`${sel} tbody tr`).length === 3, grid);
  });

  it('groups the box plots by a label pattern', async () => {
    await page.selectOption('[data-testid="fleet-group"]', 'label');
    await page.fill('[data-testid="fleet-pattern"]', 'multifd');
    await page.waitForFunction(() => (document.querySelector('[data-testid="fleet-box"]') as HTMLElement).dataset.groups?.includes('(no match)'));
    // Downtime: a-precopy has no match, b-multifd4 matches; the timestamp-less run has no downtime.
    const groups = await page.$eval('[data-testid="fleet-box"][data-measure="downtime_ms"]', (e) => (e as HTMLElement).dataset.groups);
    expect(groups?.split('|').sort()).toEqual(['(no match)', 'multifd']);
    await shot(page, 'fleet-by-label');
    await page.selectOption('[data-testid="fleet-group"]', 'qemu_version');
  });

  it('a click on a run opens it on the Migration page', async () => {
    const first = await page.$eval(`${grid} tbody tr`, (tr) => ({ runId: tr.getAttribute('data-run-id'), label: tr.querySelector('td[data-col="label"]')?.textContent }));
    expect(first.label).toContain('a-precopy');
    await page.click(`${grid} tbody tr[data-run-id="${first.runId}"] td[data-col="label"]`);
    await page.waitForSelector('[data-testid="migration-page"]:not([hidden])');
    await page.waitForFunction((id) => (document.querySelector('[data-testid="migration-page"]') as HTMLElement).dataset.runId === id, first.runId, { timeout: 60_000 });
    expect(await page.getAttribute('.ptab[data-page="migration"]', 'aria-selected')).toBe('true');
    await page.waitForFunction(() => document.querySelector('[data-testid="migration-page"]')?.getAttribute('data-state') === 'ready', undefined, { timeout: 60_000 });
    await page.waitForSelector('[data-testid="migration-card"]');
    const downtime = await page.$eval('[data-testid="migration-card"][data-side="src"] [data-field="downtime_ms"]', (e) => e.getAttribute('data-value'));
    expect(Math.abs(Number(downtime) - qm['a-precopy'].downtime)).toBeLessThanOrEqual(3);
    await shot(page, 'fleet-opened-run');
    expect(errors).toEqual([]);
  });
});
