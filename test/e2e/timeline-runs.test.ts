// The Timeline of a workspace holding one migration traced by two backends (QEMU 10.2.50
// a-precopy: wall-clock logs and monotonic simpletrace files, 10^5 hours apart). It shows one run
// on one clock with a window of seconds, and the simpletrace pair on an axis of its own when
// picked. `qtw serve` in Debian's Chromium; screenshots in test-artifacts/e2e.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SAMPLES, scratch } from '../helpers/paths.ts';
import { chromiumAvailable, collectErrors, launchBrowser, shot, startServe, type Served } from '../helpers/harness.ts';
import { waitForIngestDone } from '../helpers/e2e/workbench.ts';

const D10 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const FILES = ['src.log.gz', 'dst.log.gz', 'src.simple.gz', 'dst.simple.gz'];
const TL = '[data-testid="timeline"]';

interface Shown {
  clock: string;
  traces: string;
  run: string;
  spanNs: bigint;
  events: number;
  status: string;
}

async function shown(page: Page): Promise<Shown> {
  const d = await page.$eval(TL, (el) => ({ ...(el as HTMLElement).dataset, status: el.querySelector('.tl-status')?.textContent ?? '' }));
  return { clock: d.clock ?? '', traces: d.traces ?? '', run: d.run ?? '', spanNs: BigInt(d.spanNs ?? '0'), events: Number(d.events ?? '0'), status: d.status };
}

/** Wait until the panel shows exactly these traces. */
async function waitForTraces(page: Page, ids: string): Promise<Shown> {
  await page.waitForFunction(([sel, want]) => (document.querySelector(sel) as HTMLElement | null)?.dataset.traces === want, [TL, ids] as const, { timeout: 30_000 });
  return shown(page);
}

/** Page side: more than 3 distinct colours drawn right of the lane labels (event ticks, not just lane stripes). */
function tickColoursAbove3(sel: string): boolean {
  const canvas = document.querySelector(`${sel} canvas.tl-events`) as HTMLCanvasElement | null;
  const ctx = canvas?.getContext('2d');
  if (!canvas || !ctx || canvas.width === 0) return false;
  const x0 = Math.round(240 * (window.devicePixelRatio || 1));
  const px = ctx.getImageData(x0, 0, canvas.width - x0, canvas.height).data;
  const seen = new Set<number>();
  for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 200) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
  return seen.size > 3;
}

const S = 1_000_000_000n;
const maybe = chromiumAvailable() ? describe : describe.skip;

maybe('Timeline over a run traced with two clocks (QEMU 10.2.50 a-precopy)', () => {
  const tmp = scratch('qtw-e2e-tl-');
  let served: Served;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    served = await startServe(['-o', path.join(tmp.dir, 'ws.duckdb'), '--catalogue', path.join(D10, 'trace-events-all'), ...FILES.map((f) => path.join(D10, f))]);
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    errors = collectErrors(page);
    await page.goto(served.url);
    await page.waitForFunction(() => document.querySelectorAll('[data-trace-id]').length >= 4, undefined, { timeout: 90_000 });
    await waitForIngestDone(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    tmp.cleanup();
  });

  it('shows the run on its primary clock: a window of seconds with events drawn', async () => {
    await page.getByRole('tab', { name: /timeline/i }).click();
    // Tracks is the Timeline's default view: these figures are the Events view's.
    await page.click('[data-testid="timeline"] [data-mode="events"]');
    const s = await waitForTraces(page, '1,2');
    expect(s.clock).toBe('epoch');
    expect(s.run).not.toBe('');
    expect(await page.$eval(`${TL} select.tl-run`, (el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent ?? '')).toMatch(/a-precopy/);
    // The migration ran for seconds: the whole span is seconds, not hundreds of thousands of hours.
    expect(s.spanNs).toBeGreaterThan(1n * S);
    expect(s.spanNs).toBeLessThan(120n * S);
    expect(s.status).toMatch(/window [\d.]+ s\b/);
    expect(s.events).toBeGreaterThan(1000);
    await page.waitForFunction(tickColoursAbove3, TL, { timeout: 10_000 });
    await shot(page, 'timeline-runs-1-epoch');
  });

  it('zooming into the migration shows its events, refetched for the window', async () => {
    const before = await shown(page);
    // Shift+drag over the first second and a half after the migration's start (the axis's zero).
    const box = (await page.locator(`${TL} canvas.tl-events`).boundingBox())!;
    const d = await page.$eval(TL, (el) => ({ ...(el as HTMLElement).dataset }));
    const pw = box.width - 240;
    const xAt = (ns: bigint) => box.x + 240 + (Number(ns - BigInt(d.viewFromNs!)) / Number(BigInt(d.spanNs!))) * pw;
    const zero = BigInt(d.zeroNs!);
    const y = box.y + 10;
    await page.keyboard.down('Shift');
    await page.mouse.move(xAt(zero - S / 10n), y);
    await page.mouse.down();
    await page.mouse.move(xAt(zero + (3n * S) / 2n), y, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.waitForFunction(
      (sel) => {
        const ds = (document.querySelector(sel) as HTMLElement | null)?.dataset;
        return !!ds && ds.view === ds.fetched;
      },
      TL,
      { timeout: 20_000 },
    );
    const s = await shown(page);
    expect(s.spanNs).toBeLessThan(before.spanNs / 4n);
    expect(s.spanNs).toBeGreaterThan(S);
    expect(s.status).toMatch(/window [\d.]+ s from -0\.\d+ s/);
    expect(s.events).toBeGreaterThan(100);
    await page.waitForFunction(tickColoursAbove3, TL, { timeout: 10_000 });
    await shot(page, 'timeline-runs-2-zoomed');
    await page.click(`${TL} .tl-toolbar button:has-text("Reset zoom")`);
  });

  it('offers the run\'s traces, alternates included, and shows the simpletrace pair on its own axis', async () => {
    await page.click('[data-testid="timeline-pick"]');
    const boxes = await page.$$eval('[data-testid="timeline-picker"] input[data-pick-trace]', (els) =>
      els.map((e) => `${e.getAttribute('data-pick-trace')}:${(e as HTMLInputElement).checked}`),
    );
    expect(boxes.sort()).toEqual(['1:true', '2:true', '3:false', '4:false']);
    await shot(page, 'timeline-runs-3-picker');
    await page.click('[data-testid="timeline-picker"] button[data-clock="monotonic"]');
    const s = await waitForTraces(page, '3,4');
    expect(s.clock).toBe('monotonic');
    expect(s.spanNs).toBeGreaterThan(1n * S);
    expect(s.spanNs).toBeLessThan(120n * S);
    expect(s.status).toMatch(/window [\d.]+ s\b/);
    expect(await page.$eval(`${TL} select.tl-run`, (el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent ?? '')).toMatch(/#3, #4 \(monotonic\)/);
    expect(s.events).toBeGreaterThan(1000);
    await page.waitForFunction(tickColoursAbove3, TL, { timeout: 10_000 });
    await shot(page, 'timeline-runs-4-simpletrace');
  });

  it('checking a trace of another clock replaces the pick instead of mixing clocks', async () => {
    await page.check('[data-testid="timeline-picker"] input[data-pick-trace="1"]');
    const s = await waitForTraces(page, '1');
    expect(s.clock).toBe('epoch');
    expect(s.spanNs).toBeLessThan(120n * S);
    await page.check('[data-testid="timeline-picker"] input[data-pick-trace="2"]');
    expect((await waitForTraces(page, '1,2')).clock).toBe('epoch');
    await shot(page, 'timeline-runs-5-picked-epoch');
  });

  it('goes back to the run from the run picker, with no console errors', async () => {
    await page.check('[data-testid="timeline-picker"] input[data-pick-trace="4"]');
    await waitForTraces(page, '4');
    const run = await page.$eval(`${TL} select.tl-run`, (el) => Array.from((el as HTMLSelectElement).options).find((o) => /a-precopy/.test(o.textContent ?? ''))?.value ?? '');
    await page.selectOption(`${TL} select.tl-run`, run);
    expect((await waitForTraces(page, '1,2')).clock).toBe('epoch');
    expect(errors).toEqual([]);
  });
});
