// Several migrations (runs) in one workspace, end to end: `qtw serve` on the QEMU 7.2 log sample
// folder (a-precopy/, b-multifd4/ and two loose no-timestamp logs: three runs), driven in
// Debian's Chromium. The Migration page shows one run at a time and switches on selection (and
// on openRun from another page); Compare compares two runs side for side. Expected figures come
// from each migration's manifest, query-migrate.json and log files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SAMPLES } from '../helpers/paths.ts';
import { chromiumAvailable, shot } from '../helpers/harness.ts';
import { openWorkbench, type Workbench } from '../helpers/e2e/workbench.ts';

const DIR = path.join(SAMPLES, 'qemu-7.2.22-log');
function sample(name: string, srcFile: string) {
  const dir = path.join(DIR, name);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const src = readFileSync(path.join(dir, srcFile));
  const text = (srcFile.endsWith('.gz') ? gunzipSync(src) : src).toString('utf8');
  // The migrate command: the source's first state change, `PID@SEC.USEC:migrate_set_state`.
  const m = /^\d+@(\d+)\.(\d{6}):migrate_set_state /m.exec(text)!;
  return {
    name,
    qm: JSON.parse(readFileSync(path.join(dir, 'query-migrate.json'), 'utf8')),
    srcStates: manifest.facts_from_traces.src.migrate_set_state_sequence as string[],
    dstStates: manifest.facts_from_traces.dst.migrate_set_state_sequence as string[],
    dirty: manifest.facts_from_traces.src.migration_bitmap_sync_end_dirty_pages as number[],
    channels: new Set(Object.values(manifest.facts_from_traces.src.multifd_channel_ids as Record<string, number[]>).flat()).size,
    startNs: BigInt(m[1]!) * 1_000_000_000n + BigInt(m[2]!) * 1000n,
  };
}
const A = sample('a-precopy', 'src.log.gz');
const B = sample('b-multifd4', 'src.log');
// The loose logs carry no time stamps: of the two others, the run that started last is the default.
const NEWEST = A.startNs > B.startNs ? A : B;
const OTHER = NEWEST === A ? B : A;

const card = '[data-testid="migration-card"]';
const ready = (page: Page, testid: string) =>
  page.waitForFunction((id) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-state') === 'ready', testid, { timeout: 60_000 });

async function cardValues(page: Page, side: string): Promise<Record<string, string>> {
  return page.$eval(`${card}[data-side="${side}"]`, (el) =>
    Object.fromEntries(Array.from(el.querySelectorAll('[data-field]')).map((f) => [f.getAttribute('data-field') ?? '', f.getAttribute('data-value') ?? ''])),
  );
}

/** The run label in each card header, the selected run option's text, the shown run id. */
async function shown(page: Page): Promise<{ cardRuns: string[]; option: string; runId: string }> {
  return page.evaluate(() => {
    const sel = document.querySelector('[data-testid="run-select"]') as HTMLSelectElement;
    return {
      cardRuns: Array.from(document.querySelectorAll('[data-testid="card-run"]')).map((e) => e.textContent ?? ''),
      option: sel.selectedOptions[0]?.textContent ?? '',
      runId: document.querySelector('[data-testid="migration-page"]')?.getAttribute('data-run-id') ?? '',
    };
  });
}

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

/** A row of a compare table as its cells' text, by the first column's value. */
async function tableRow(page: Page, testid: string, key: string, first: string): Promise<Record<string, string>> {
  return page.$eval(
    `[data-testid="${testid}"]`,
    (t, [k, v]) => {
      const row = Array.from(t.querySelectorAll('tbody tr')).find((r) => r.querySelector(`[data-col="${k}"]`)?.textContent === v);
      return row ? Object.fromEntries(Array.from(row.querySelectorAll('td')).map((c) => [c.getAttribute('data-col') ?? '', c.textContent ?? ''])) : {};
    },
    [key, first] as const,
  );
}
// Negative figures are printed with a minus sign (U+2212), as a reader expects.
const n = (s: string | undefined) => Number((s ?? '').replace(/,/g, '').replace(/\u2212/g, '-'));

const maybe = chromiumAvailable() ? describe : describe.skip;

maybe('three migrations in one workspace (QEMU 7.2 log samples folder)', () => {
  let wb: Workbench;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    wb = await openWorkbench([DIR], { viewport: { width: 1440, height: 1000 }, traces: 6, ingestDone: true });
    ({ page, errors } = wb);
  }, 240_000);

  afterAll(async () => {
    await wb?.close();
  });

  it('the Migration page shows the newest run only, its label on every card', async () => {
    await page.click('.ptab[data-page="migration"]');
    await ready(page, 'migration-page');
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length >= 2, card, { timeout: 30_000 });
    const options = await page.$$eval('[data-testid="run-select"] option', (os) => os.map((o) => o.textContent ?? ''));
    expect(options.length).toBe(3);
    for (const label of ['a-precopy', 'b-multifd4', 'qemu-7.2.22-log-nots-multifd']) expect(options.some((o) => o.startsWith(`${label} · QEMU 7.2.22`))).toBe(true);
    const s = await shown(page);
    expect(s.option.startsWith(`${NEWEST.name} · QEMU 7.2.22 · ${NEWEST.qm.status}`)).toBe(true);
    expect(s.cardRuns).toEqual([NEWEST.name, NEWEST.name]);
    expect(await page.$$eval(card, (els) => els.map((e) => e.getAttribute('data-side')))).toEqual(['src', 'dst']);
    const src = await cardValues(page, 'src');
    expect(src.final_state).toBe(NEWEST.qm.status);
    expect(Math.abs(Number(src.total_ms) - NEWEST.qm['total-time'])).toBeLessThanOrEqual(5);
    expect(Number(src.multifd_channels)).toBe(NEWEST.channels);
    // One lane per trace of this run: the states of its two logs, no other run's.
    await chartDrawn(page, 'states');
    expect(await page.textContent('[data-chart="states"] .mg-chart-note')).toBe(`${NEWEST.srcStates.length + NEWEST.dstStates.length} rows`);
    expect(await page.textContent('[data-chart="dirty"] .mg-chart-note')).toBe(`${NEWEST.dirty.length} rows`);
    await chartDrawn(page, 'multifd');
    await shot(page, 'runs-01-migration-newest');
    expect(errors).toEqual([]);
  });

  it('switches every card and chart to the run picked in the selector', async () => {
    const before = (await shown(page)).runId;
    const value = await page.$eval('[data-testid="run-select"]', (sel, name) =>
      Array.from((sel as HTMLSelectElement).options).find((o) => o.textContent?.startsWith(`${name} ·`))?.value ?? '', OTHER.name);
    await page.selectOption('[data-testid="run-select"]', value);
    await page.waitForFunction(([v]) => document.querySelector('[data-testid="migration-page"]')?.getAttribute('data-run-id') === v, [value] as const, { timeout: 30_000 });
    await ready(page, 'migration-page');
    const s = await shown(page);
    expect(s.runId).not.toBe(before);
    expect(s.cardRuns).toEqual([OTHER.name, OTHER.name]);
    const src = await cardValues(page, 'src');
    expect(Math.abs(Number(src.total_ms) - OTHER.qm['total-time'])).toBeLessThanOrEqual(5);
    expect(await page.textContent('[data-testid="run-label"]')).toBe(OTHER.name);
    expect(await page.textContent('[data-chart="states"] .mg-chart-note')).toBe(`${OTHER.srcStates.length + OTHER.dstStates.length} rows`);
    expect(await page.textContent('[data-chart="dirty"] .mg-chart-note')).toBe(`${OTHER.dirty.length} rows`);
    // Multifd lanes of the other run only: none when it did not use multifd.
    expect(await page.getAttribute('[data-chart="multifd"]', 'data-state')).toBe(OTHER.channels ? 'drawn' : 'empty');
    await chartDrawn(page, 'states');
    await shot(page, 'runs-02-migration-switched');
    expect(errors).toEqual([]);
  });

  it('opens a run asked for by another page (openRun)', async () => {
    await page.click('.ptab[data-page="workbench"]');
    const id = await page.$eval('[data-testid="run-select"]', (sel, name) =>
      Array.from((sel as HTMLSelectElement).options).find((o) => o.textContent?.startsWith(`${name} ·`))?.value ?? '', NEWEST.name);
    await page.evaluate((runId) => window.dispatchEvent(new CustomEvent('qtw:open-run', { detail: { runId, attempt: null } })), Number(id));
    await page.waitForSelector('[data-testid="migration-page"]:not([hidden])');
    await page.waitForFunction(([v]) => document.querySelector('[data-testid="migration-page"]')?.getAttribute('data-run-id') === v, [id] as const, { timeout: 30_000 });
    await ready(page, 'migration-page');
    expect((await shown(page)).cardRuns).toEqual([NEWEST.name, NEWEST.name]);
  });

  it('Compare puts two runs side by side, source with source and destination with destination', async () => {
    await page.click('.ptab[data-page="compare"]');
    await page.waitForSelector('[data-testid="compare-page"]:not([hidden]) [data-testid="compare-dst-events"]', { timeout: 30_000 });
    const pick = async (which: 'a' | 'b', name: string) => {
      const v = await page.$eval(`[data-testid="compare-${which}"]`, (sel, nm) =>
        Array.from((sel as HTMLSelectElement).options).find((o) => o.textContent?.startsWith(`${nm} ·`))?.value ?? '', name);
      await page.selectOption(`[data-testid="compare-${which}"]`, v);
      await ready(page, 'compare-page');
    };
    await pick('a', A.name);
    await pick('b', B.name);
    await page.waitForFunction(() => /a-precopy/.test(document.querySelector('[data-testid="compare-legend-a"]')?.textContent ?? '')
      && /b-multifd4/.test(document.querySelector('[data-testid="compare-legend-b"]')?.textContent ?? ''), undefined, { timeout: 30_000 });
    const total = await tableRow(page, 'compare-src-phases', 'metric', 'total_ms');
    expect(Math.abs(n(total.a) - A.qm['total-time'])).toBeLessThanOrEqual(5);
    expect(Math.abs(n(total.b) - B.qm['total-time'])).toBeLessThanOrEqual(5);
    expect(n(total.delta)).toBeCloseTo(n(total.b) - n(total.a), 2);
    for (const [side, key] of [['src', 'srcStates'], ['dst', 'dstStates']] as const) {
      const mss = await tableRow(page, `compare-${side}-events`, 'event', 'migrate_set_state');
      expect([n(mss.a_count), n(mss.b_count)]).toEqual([A[key].length, B[key].length]);
    }
    const channels = await tableRow(page, 'compare-dst-phases', 'metric', 'multifd_channels');
    expect([n(channels.a), n(channels.b)]).toEqual([A.channels, B.channels]);
    await shot(page, 'runs-03-compare');
    await page.locator('[data-testid="compare-dst-phases"]').scrollIntoViewIfNeeded();
    await shot(page, 'runs-04-compare-dst');
    expect(errors).toEqual([]);
  });
});
