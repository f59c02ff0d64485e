// Reports and charts as a bug-tracker user meets them (issue 18), end to end: `qtw serve` on the
// QEMU 7.2 multifd sample (four channels) in Chromium. A query with a channel column is charted
// split by it; the pinned result gets a readable title; a Markdown export downloaded from the
// browser arrives whole (its charts inlined, or as a zip with every file it links); the HTML
// report's migration summary fits a 1280-px page.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import yauzl from 'yauzl';
import { SAMPLES, scratch } from '../helpers/paths.ts';
import { ARTIFACTS, chromiumAvailable, shot } from '../helpers/harness.ts';
import { openWorkbench, type Workbench } from '../helpers/e2e/workbench.ts';

const B = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const manifest = JSON.parse(readFileSync(path.join(B, 'manifest.json'), 'utf8'));
const CHANNELS = new Set(Object.values(manifest.facts_from_traces.src.multifd_channel_ids as Record<string, number[]>).flat()).size;
const SQL = 'SELECT ts_ns, id AS channel, next_packet_size AS bytes FROM multifd_send';
const TITLE = 'Issue 18: multifd report';
const status = '[data-testid="result-status"]';
const tmp = scratch('qtw-e2e-tracker-');

function unzip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const out = new Map<string, Buffer>();
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (er, s) => {
          if (er || !s) return reject(er ?? new Error('no stream'));
          const parts: Buffer[] = [];
          s.on('data', (d: Buffer) => parts.push(d));
          s.on('error', reject);
          s.on('end', () => {
            out.set(e.fileName, Buffer.concat(parts));
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

const PNG = '89504e470d0a1a0a';
/** Image targets of a Markdown text: `![alt](target)`. */
const images = (md: string) => [...md.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
/** Link targets that are not images: `[text](target)`. */
const links = (md: string) => [...md.matchAll(/(?<!!)\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);

async function runSql(page: Page, sql: string): Promise<void> {
  await page.click('[data-testid="editor"] .monaco-editor .view-lines');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(sql);
  await page.click('[data-testid="run-query"]');
  await page.waitForFunction(
    (sel) => /\d[\d,]* rows?/.test(document.querySelector(sel)?.textContent ?? '') && !/running/i.test(document.querySelector(sel)?.textContent ?? ''),
    status,
    { timeout: 30_000 },
  );
}

async function exportAs(page: Page, format: string): Promise<{ name: string; file: string }> {
  await page.selectOption('[data-testid="report-format"]', format);
  const downloading = page.waitForEvent('download', { timeout: 90_000 });
  await page.click('[data-testid="report-export"]');
  const d = await downloading;
  await page.waitForFunction(() => document.querySelector('[data-testid="report-export-status"]')?.getAttribute('data-state') === 'downloaded', undefined, { timeout: 30_000 });
  const file = path.join(tmp.dir, d.suggestedFilename());
  await d.saveAs(file);
  return { name: d.suggestedFilename(), file };
}

const maybe = chromiumAvailable() ? describe : describe.skip;

maybe('reports and charts for bug trackers over qtw serve (QEMU 7.2 b-multifd4)', () => {
  let wb: Workbench;
  let page: Page;

  beforeAll(async () => {
    wb = await openWorkbench([path.join(B, 'src.log'), path.join(B, 'dst.log.gz')], { viewport: { width: 1440, height: 1000 }, acceptDownloads: true, ingestDone: true });
    page = wb.page;
  }, 180_000);

  afterAll(async () => {
    await wb?.close();
    tmp.cleanup();
  });

  it('charts a query with a channel column split by it, not with the channel as a y', async () => {
    expect(CHANNELS).toBe(4);
    await page.waitForSelector('[data-testid="editor"] .monaco-editor');
    await runSql(page, SQL);
    await page.getByRole('tab', { name: /chart/i }).click();
    await page.waitForFunction(() => !!document.querySelector('[data-testid="chart"] canvas') && /\d+ points?/.test(document.querySelector('.ch-status')?.textContent ?? ''), undefined, { timeout: 30_000 });
    // ECharts animates the first draw: let it finish before the screenshot.
    await page.waitForTimeout(1500);
    await shot(page, 'tracker-00-chart-suggested');
    expect(await page.inputValue('.ch-series')).toBe('channel');
    expect(await page.textContent('.ch-y-summary')).toBe('y: bytes');
    expect(await page.textContent('.ch-status')).toContain(`${CHANNELS} series`);
    // One click: the chip turns the split off, and on again.
    const chip = page.locator('.ch-split[data-column="channel"]');
    expect(await chip.getAttribute('aria-pressed')).toBe('true');
    await chip.click();
    await page.waitForFunction(() => !/series/.test(document.querySelector('.ch-status')?.textContent ?? '') && /points?/.test(document.querySelector('.ch-status')?.textContent ?? ''));
    expect(await page.inputValue('.ch-series')).toBe('');
    await page.locator('.ch-split[data-column="channel"]').click();
    await page.waitForFunction((n) => (document.querySelector('.ch-status')?.textContent ?? '').includes(`${n} series`), CHANNELS);
    await page.waitForTimeout(1500);
    await shot(page, 'tracker-01-chart-split-by-channel');
  });

  it('pins the result under a readable title', async () => {
    await page.click('[data-testid="add-to-report"]');
    await page.click('.rp-add-choice[data-show="both"]');
    await page.waitForFunction(() => /Added to report/.test(document.querySelector('.results-note')?.textContent ?? ''));
    await page.click('.ptab[data-page="report"]');
    await page.waitForSelector('[data-testid="report-page"]:not([hidden])');
    expect(await page.inputValue('[data-testid="report-item-title"]')).toBe('multifd_send: bytes over ts_ns, split by channel');
    await page.click('[data-testid="report-add-summary"]');
    await page.fill('[data-testid="report-title"]', TITLE);
  });

  it('a Markdown download arrives whole: every image inlined, named by the title', async () => {
    const md = await exportAs(page, 'markdown');
    expect(md.name).toBe('issue-18-multifd-report.md');
    const text = readFileSync(md.file, 'utf8');
    const imgs = images(text);
    expect(imgs.length).toBe(1);
    for (const src of imgs) {
      expect(src.startsWith('data:image/png;base64,'), src.slice(0, 60)).toBe(true);
      expect(Buffer.from(src.slice(src.indexOf(',') + 1), 'base64').subarray(0, 8).toString('hex')).toBe(PNG);
    }
    // Opened on its own (as an issue renders it), every image loads.
    const viewer = await wb.context.newPage();
    const html = `<!DOCTYPE html><body>${imgs.map((s) => `<img src="${s}">`).join('')}</body>`;
    await viewer.setContent(html, { waitUntil: 'load' });
    const sizes = await viewer.$$eval('img', (els) => els.map((e) => [(e as HTMLImageElement).complete, (e as HTMLImageElement).naturalWidth]));
    expect(sizes).toEqual(imgs.map(() => [true, 800]));
    await viewer.close();
  });

  it('the zip holds the Markdown with every file it links', async () => {
    const z = await exportAs(page, 'zip');
    expect(z.name).toBe('issue-18-multifd-report.zip');
    const files = await unzip(z.file);
    const md = files.get('report.md')!.toString('utf8');
    const targets = [...images(md), ...links(md)];
    expect(images(md).length).toBe(1);
    expect(targets.length).toBeGreaterThan(3);
    for (const t of targets) expect(files.has(t), t).toBe(true);
    for (const t of images(md)) expect(files.get(t)!.subarray(0, 8).toString('hex')).toBe(PNG);
  });

  it("the HTML report's migration summary fits a 1280-px page, times from the run's start", async () => {
    const h = await exportAs(page, 'html');
    const html = readFileSync(h.file, 'utf8');
    const viewer = await wb.context.newPage();
    await viewer.setViewportSize({ width: 1280, height: 900 });
    await viewer.setContent(html, { waitUntil: 'load' });
    const summary = viewer.locator('section.item').filter({ has: viewer.locator('h2', { hasText: 'Migration summary' }) });
    await summary.scrollIntoViewIfNeeded();
    const fit = await summary.evaluate((s) => {
      const box = s.querySelector('div.table')!;
      return { page: document.documentElement.scrollWidth, view: window.innerWidth, scroll: box.scrollWidth, client: box.clientWidth, right: box.querySelector('table')!.getBoundingClientRect().right };
    });
    expect(fit.page).toBeLessThanOrEqual(fit.view);
    expect(fit.scroll).toBeLessThanOrEqual(fit.client);
    expect(fit.right).toBeLessThanOrEqual(1280);
    // Start of the source's attempt: 0 ms from the run's start, the absolute start said once.
    const text = await summary.textContent();
    expect(text).toMatch(/Times \(\+ms\) are milliseconds from run \d+'s migration start, \d{4}-\d\d-\d\d [\d:.]+ UTC \(\d{19} ns\)/);
    const startRow = await summary.locator('tr', { has: viewer.locator('th', { hasText: /^start_ts \(\+ms\)$/ }) }).locator('td').allTextContents();
    expect(startRow[0]).toBe('0.000');
    expect(text).not.toMatch(/\d{19}(?! ns)/);
    await viewer.screenshot({ path: path.join(ARTIFACTS, 'tracker-02-html-summary-1280.png') });
    writeFileSync(path.join(ARTIFACTS, 'tracker-02-report.html'), html);
    await viewer.close();
    expect(wb.errors).toEqual([]);
  });
});
