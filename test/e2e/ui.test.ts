// The workbench UI end to end: `qtw serve` on the real QEMU 7.2 precopy sample (source and
// destination logs), driven in Debian's Chromium. Ground truth comes from the sample's manifest.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { DEBIAN_72, SAMPLES, scratch } from '../helpers/paths.ts';
import { scrollGridTo } from '../helpers/e2e/grid-scroll.ts';
import { chromiumAvailable, shot, type Served } from '../helpers/harness.ts';
import { openWorkbench, type Workbench } from '../helpers/e2e/workbench.ts';

const A = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');
const B = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const manifest = JSON.parse(readFileSync(path.join(A, 'manifest.json'), 'utf8'));
const srcStates: string[] = manifest.facts_from_traces.src.migrate_set_state_sequence;
const dstStates: string[] = manifest.facts_from_traces.dst.migrate_set_state_sequence;

const grid = '[data-testid="results-grid"]';
const status = '[data-testid="result-status"]';

async function setSql(page: Page, sql: string): Promise<void> {
  await page.click('[data-testid="editor"] .monaco-editor .view-lines');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(sql);
}

async function runSql(page: Page, sql: string): Promise<string> {
  await setSql(page, sql);
  await page.click('[data-testid="run-query"]');
  await page.waitForFunction(
    (sel) => /\d[\d,]* rows?/.test(document.querySelector(sel)?.textContent ?? '') && !/running/i.test(document.querySelector(sel)?.textContent ?? ''),
    status,
    { timeout: 30_000 },
  );
  return (await page.textContent(status)) ?? '';
}

/** Text of the first column of the rendered grid rows, in row order. */
async function gridColumn(page: Page, col = 0): Promise<string[]> {
  return page.$$eval(
    `${grid} [data-row-index]`,
    (rows, c) =>
      rows
        .map((r) => ({ i: Number(r.getAttribute('data-row-index')), cells: Array.from(r.querySelectorAll('[data-col]')) }))
        .sort((a, b) => a.i - b.i)
        .map((r) => (r.cells.find((x) => x.getAttribute('data-col') === String(c))?.textContent ?? '').trim()),
    col,
  );
}

const maybe = chromiumAvailable() ? describe : describe.skip;

maybe('workbench UI over qtw serve (QEMU 7.2 a-precopy)', () => {
  let wb: Workbench;
  let served: Served;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    wb = await openWorkbench([path.join(A, 'src.log.gz'), path.join(A, 'dst.log.gz')]);
    ({ served, browser, page, errors } = wb);
  }, 180_000);

  afterAll(async () => {
    await wb?.close();
  });

  it('loads with both traces listed and no console errors', async () => {
    await page.waitForSelector('[data-testid="editor"] .monaco-editor');
    await shot(page, '01-loaded');
    const cards = await page.$$eval('[data-trace-id]', (els) =>
      els.map((e) => `${e.querySelector('.side')?.textContent} ${e.querySelector('.trace-name')?.textContent}`),
    );
    expect(cards.sort()).toEqual(['dst dst.log.gz', 'src src.log.gz']);
    expect(errors).toEqual([]);
  });

  it('completes migrate_set_state after FROM mig', async () => {
    await setSql(page, '');
    await page.keyboard.type('SELECT * FROM mig');
    await page.keyboard.press('Control+Space');
    const widget = page.locator('.suggest-widget .monaco-list-row', { hasText: 'migrate_set_state' });
    await widget.first().waitFor({ timeout: 10_000 });
    await shot(page, '02-completion');
    expect(await widget.count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
  });

  it('runs a query and the grid shows the right rows', async () => {
    const text = await runSql(page, "SELECT new_state FROM migrate_set_state WHERE side = 'src' ORDER BY seq");
    expect(text).toMatch(new RegExp(`\\b${srcStates.length} rows?`));
    await page.waitForSelector(`${grid} [data-row-index]`);
    expect(await gridColumn(page)).toEqual(srcStates);
    await shot(page, '03-grid');
  });

  it('renders a chart for a time-series query', async () => {
    await runSql(page, "SELECT ts_ns, seq FROM events WHERE side = 'src' ORDER BY ts_ns");
    await page.getByRole('tab', { name: /chart/i }).click();
    const canvas = page.locator('[data-testid="chart"] canvas').first();
    await canvas.waitFor({ timeout: 15_000 });
    // Something was drawn: the canvas is not a single flat colour.
    await page.waitForFunction(
      () => {
        const c = document.querySelector('[data-testid="chart"] canvas') as HTMLCanvasElement | null;
        const ctx = c?.getContext('2d');
        if (!c || !ctx || c.width === 0) return false;
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        const seen = new Set<number>();
        for (let i = 0; i < d.length; i += 4 * 97) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        return seen.size > 3;
      },
      undefined,
      { timeout: 15_000 },
    );
    await shot(page, '04-chart');
    await page.getByRole('tab', { name: /grid/i }).click();
  });

  it('zooming a downsampled chart fetches the window at full detail', async () => {
    await runSql(page, 'SELECT range AS a, (range * 7919) % 1000 AS b FROM range(200000)');
    await page.getByRole('tab', { name: /chart/i }).click();
    await page.waitForFunction(() => /downsampled/.test(document.querySelector('.ch-status')?.textContent ?? ''), undefined, { timeout: 20_000 });
    const box = await page.locator('[data-testid="chart"]').boundingBox();
    if (box === null) throw new Error('no chart');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 12; i++) await page.mouse.wheel(0, -400);
    await page.waitForFunction(() => /points in view \(every row\)/.test(document.querySelector('.ch-status')?.textContent ?? ''), undefined, { timeout: 20_000 });
    // Large scatters render progressively: let the frame finish before the screenshot.
    await page.waitForTimeout(1000);
    await shot(page, '04b-chart-zoomed');
    await page.getByRole('tab', { name: /grid/i }).click();
  });

  it('pages a 10 M-row result: any row can be scrolled to and shows its exact values', async () => {
    const text = await runSql(page, 'SELECT range AS i, range * 1000000007 AS big FROM range(10000000)');
    expect(text.replace(/[,\u202f ]/g, '')).toMatch(/10000000rows?/);
    for (const f of [0.7654, 0.1, 1]) {
      const shown = await scrollGridTo(page, f, 10_000_000);
      expect(shown.firstIndex).toBeGreaterThan(10_000_000 * f - 100);
      // Column 0 holds the row's own index: the grid shows the row it claims to show.
      expect(shown.firstCell.replace(/[,\u202f ]/g, '')).toBe(String(shown.firstIndex));
    }
    // 64-bit products beyond 2^53 are shown exactly.
    const last = await page.$$eval('[data-testid="results-grid"] [data-row-index]', (rows) => {
      const r = rows.sort((a, b) => Number(b.getAttribute('data-row-index')) - Number(a.getAttribute('data-row-index')))[0];
      return { i: Number(r.getAttribute('data-row-index')), big: r.querySelector('[data-col="1"]')?.textContent ?? '' };
    });
    expect(last.i).toBe(9_999_999);
    expect(last.big.replace(/[,\u202f ]/g, '')).toBe((9_999_999n * 1_000_000_007n).toString());
    await shot(page, '05-ten-million-rows');
  });

  it('draws the timeline of both sides and filters lanes by event name', async () => {
    await page.getByRole('tab', { name: /timeline/i }).click();
    // Tracks is the Timeline's default view: these figures are the Events view's.
    await page.click('[data-testid="timeline"] [data-mode="events"]');
    const chips = page.locator('.tl-legend .tl-chip');
    await chips.first().waitFor({ timeout: 20_000 });
    const names = await chips.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    expect(names.length).toBeGreaterThan(3);
    await shot(page, '05-timeline');
    await page.fill('.tl-filter', 'migrate_set_state');
    await page.waitForFunction(() => {
      const n = Array.from(document.querySelectorAll('.tl-legend .tl-chip')).map((e) => e.getAttribute('data-name'));
      return n.length === 1 && n[0] === 'migrate_set_state';
    }, undefined, { timeout: 20_000 });
    await shot(page, '05-timeline-filtered');
    await page.getByRole('tab', { name: /grid/i }).click();
  });

  it('cancels a slow query', async () => {
    await setSql(page, 'SELECT sum(a.range * b.range) FROM range(300000) a, range(300000) b');
    await page.click('[data-testid="run-query"]');
    await page.waitForFunction((sel) => /running/i.test(document.querySelector(sel)?.textContent ?? ''), status, { timeout: 10_000 });
    await page.waitForTimeout(500);
    await page.click('[data-testid="cancel-query"]');
    await page.waitForFunction((sel) => /cancel|interrupt/i.test(document.querySelector(sel)?.textContent ?? ''), status, { timeout: 10_000 });
    await shot(page, '05-cancelled');
  });

  it('opens an event\'s rows from the catalogue browser', async () => {
    await page.getByRole('tab', { name: /catalogue/i }).click();
    const tree = page.locator('[data-testid="catalogue-tree"]');
    await tree.waitFor();
    const search = tree.locator('input').first();
    await search.fill('migrate_set_state');
    await tree.locator('[data-event="migrate_set_state"]').first().click();
    await page.waitForFunction(
      (args) => new RegExp(`\\b${args.n} rows?`).test(document.querySelector(args.sel)?.textContent ?? ''),
      { sel: status, n: srcStates.length + dstStates.length },
      { timeout: 20_000 },
    );
    await shot(page, '06-catalogue');
  });

  it('shows ingest progress for a new file and lists the new trace', async () => {
    await page.getByRole('tab', { name: /traces/i }).click();
    const before = await page.locator('[data-trace-id]').count();
    await page.setInputFiles('[data-testid="open-files-input"]', path.join(B, 'src.log'));
    await page.locator('[data-testid="import-progress"]').waitFor({ state: 'visible', timeout: 20_000 });
    await shot(page, '07-import');
    await page.waitForFunction((n) => document.querySelectorAll('[data-trace-id]').length > n, before, { timeout: 90_000 });
    // The upload is typed with the catalogue the server was started with: nothing left unparsed.
    const card = page.locator('[data-trace-id]').last();
    await expect(card.textContent()).resolves.toMatch(/src\.log[\s\S]*?(?<![\d,])0 unparsed/);
    await shot(page, '08-imported');
  });

  it('refuses requests and sockets without the right token', async () => {
    expect((await fetch(`${served.origin}/`)).status).toBe(403);
    expect((await fetch(`${served.origin}/?token=wrong`)).status).toBe(403);
    expect((await fetch(`${served.origin}/upload?name=x`, { method: 'POST', body: 'x' })).status).toBe(403);
    expect((await fetch(served.url)).status).toBe(200);
    const refused = await new Promise<boolean>((resolve) => {
      const ws = new WebSocket(`${served.origin.replace('http', 'ws')}/rpc?token=wrong`);
      ws.on('open', () => resolve(false));
      ws.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    const accepted = await new Promise<unknown>((resolve, reject) => {
      const ws = new WebSocket(`${served.origin.replace('http', 'ws')}/rpc?token=${served.token}`);
      ws.on('open', () => ws.send(JSON.stringify({ kind: 'request', id: 1, method: 'listTraces', params: {} })));
      ws.on('message', (d) => {
        const m = JSON.parse(String(d));
        if (m.kind === 'response') {
          ws.close();
          resolve(m);
        }
      });
      ws.on('error', reject);
    });
    expect(accepted).toMatchObject({ kind: 'response', id: 1, ok: true });
    const page2 = await browser.newPage();
    const resp = await page2.goto(`${served.origin}/?token=nope`);
    expect(resp?.status()).toBe(403);
    await shot(page2, '09-bad-token');
    await page2.close();
  });

  it('keeps SQL from reading files outside the workspace', async () => {
    const text = await (async () => {
      await setSql(page, "SELECT * FROM read_csv('/etc/passwd')");
      await page.click('[data-testid="run-query"]');
      await page.waitForFunction((sel) => /error|disabled|permission/i.test(document.querySelector(sel)?.textContent ?? ''), status, { timeout: 15_000 });
      return (await page.textContent(status)) ?? '';
    })();
    expect(text).toMatch(/disabled|permission|external/i);
  });
});
