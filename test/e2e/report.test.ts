// The report builder end to end: `qtw serve` on the real QEMU 7.2 precopy sample (source and
// destination logs, Debian's 7.2 catalogue) in Debian's Chromium. Pins a query (table + chart)
// and the migration summary, writes a note, reorders, reloads (the report lives in the
// workspace) and exports self-contained HTML through the browser download path.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { DEBIAN_72, SAMPLES, scratch } from '../helpers/paths.ts';
import { ARTIFACTS, chromiumAvailable, shot, type Served } from '../helpers/harness.ts';
import { openWorkbench, type Workbench } from '../helpers/e2e/workbench.ts';

const A = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');
const manifest = JSON.parse(readFileSync(path.join(A, 'manifest.json'), 'utf8'));
const srcStates: string[] = manifest.facts_from_traces.src.migrate_set_state_sequence;
const dstStates: string[] = manifest.facts_from_traces.dst.migrate_set_state_sequence;

const status = '[data-testid="result-status"]';
const item = '[data-testid="report-item"]';
const SQL = 'SELECT side, count(*) AS n FROM migrate_set_state GROUP BY side ORDER BY side::VARCHAR';
// Unique, so finding it in the export proves the note came from this run.
const NOTE_WORD = `precopy-note-${process.pid}-${Date.now().toString(36)}`;
const NOTE = `Source went through **${srcStates.length} states** (${NOTE_WORD}).\n\n- ends in \`${srcStates[srcStates.length - 1]}\``;

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

/** Kinds of the report's items, top to bottom. */
const kinds = (page: Page) => page.$$eval(item, (els) => els.map((e) => e.getAttribute('data-kind')));

async function settledSave(page: Page): Promise<string> {
  await page.waitForFunction(() => ['saved', 'error'].includes(document.querySelector('[data-testid="report-status"]')?.getAttribute('data-state') ?? ''), undefined, { timeout: 20_000 });
  return (await page.getAttribute('[data-testid="report-status"]', 'data-state')) ?? '';
}

const maybe = chromiumAvailable() ? describe : describe.skip;

maybe('report builder over qtw serve (QEMU 7.2 a-precopy)', () => {
  let wb: Workbench;
  let served: Served;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    // The analysis views (migration_overview) exist once the whole ingest job has ended.
    wb = await openWorkbench([path.join(A, 'src.log.gz'), path.join(A, 'dst.log.gz')], {
      viewport: { width: 1440, height: 1000 },
      acceptDownloads: true,
      clipboard: true,
      ingestDone: true,
    });
    ({ served, context, page, errors } = wb);
  }, 180_000);

  afterAll(async () => {
    await wb?.close();
  });

  it('"Copy Markdown" copies the grid selection as a Markdown table', async () => {
    await page.waitForSelector('[data-testid="editor"] .monaco-editor');
    await runSql(page, SQL);
    const cell = (r: number, c: number) => `[data-testid="results-grid"] [data-row-index="${r}"] [data-col="${c}"]`;
    await page.click(cell(0, 0));
    await page.click(cell(1, 1), { modifiers: ['Shift'] });
    await page.click('button:has-text("Copy Markdown")');
    await page.waitForFunction(() => /copied 2 rows as Markdown/.test(document.querySelector('.results-note')?.textContent ?? ''));
    const md = await page.evaluate(() => navigator.clipboard.readText());
    expect(md.split('\n')).toEqual(['| side | n |', '| --- | ---: |', `| dst | ${dstStates.length} |`, `| src | ${srcStates.length} |`]);
  });

  it('pins the result (table and chart as shown) from the results bar', async () => {
    await page.getByRole('tab', { name: /chart/i }).click();
    await page.waitForFunction(() => !!document.querySelector('[data-testid="chart"] canvas') && /\d+ points?/.test(document.querySelector('.ch-status')?.textContent ?? ''), undefined, { timeout: 20_000 });
    await page.click('[data-testid="add-to-report"]');
    await page.click('.rp-add-choice[data-show="both"]');
    await page.waitForFunction(() => /Added to report/.test(document.querySelector('.results-note')?.textContent ?? ''));
    expect(await page.textContent('.ptab[data-page="report"]')).toBe('Report (1)');
  });

  it('adds the migration summary and a note, previews the note and reorders', async () => {
    await page.click('.ptab[data-page="report"]');
    await page.waitForSelector('[data-testid="report-page"]:not([hidden])');
    expect(await kinds(page)).toEqual(['query']);
    const q = page.locator(`${item}[data-kind="query"]`);
    expect(await q.locator('select[data-testid="report-item-show"]').inputValue()).toBe('both');
    expect(await q.locator('.rp-sql').textContent()).toBe(SQL);
    expect(await q.locator('.rp-chart-desc').textContent()).toMatch(/^bar of n over side/);

    await page.click('[data-testid="report-add-summary"]');
    await page.click('[data-testid="report-add-note"]');
    expect(await kinds(page)).toEqual(['query', 'analysis', 'note']);
    await page.fill('[data-testid="report-title"]', 'a-precopy report');
    await page.fill('[data-testid="report-note-input"]', NOTE);
    const preview = page.locator('[data-testid="report-note-preview"]');
    expect(await preview.locator('strong').textContent()).toBe(`${srcStates.length} states`);
    expect(await preview.locator('li code').textContent()).toBe(srcStates[srcStates.length - 1]);

    // Up twice: the note leads. Then drag the summary above the note.
    await page.click(`${item}[data-kind="note"] [data-action="up"]`);
    await page.click(`${item}[data-kind="note"] [data-action="up"]`);
    expect(await kinds(page)).toEqual(['note', 'query', 'analysis']);
    await page.dragAndDrop(`${item}[data-kind="analysis"] .rp-handle`, `${item}[data-kind="note"]`, { targetPosition: { x: 40, y: 4 } });
    expect(await kinds(page)).toEqual(['analysis', 'note', 'query']);
    // Remove and re-add the summary at the end: order note, query, analysis.
    await page.click(`${item}[data-kind="analysis"] [data-action="remove"]`);
    await page.click('[data-testid="report-add-summary"]');
    expect(await kinds(page)).toEqual(['note', 'query', 'analysis']);
    // Previews run the item now: the pinned table's rows and the chart as pinned.
    await page.click(`${item}[data-kind="query"] [data-testid="report-item-preview"] summary`);
    const qp = `${item}[data-kind="query"] [data-testid="report-item-preview"]`;
    await page.waitForSelector(`${qp} table`, { timeout: 20_000 });
    const rows = await page.$$eval(`${qp} tbody tr`, (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)));
    expect(rows).toEqual([['dst', String(dstStates.length)], ['src', String(srcStates.length)]]);
    await page.waitForSelector(`${qp} .rp-preview-chart canvas`);
    await page.click(`${item}[data-kind="analysis"] [data-testid="report-item-preview"] summary`);
    const ap = `${item}[data-kind="analysis"] [data-testid="report-item-preview"]`;
    await page.waitForSelector(`${ap} table, ${ap} .rp-preview-err`, { timeout: 20_000 });
    expect(await page.$$eval(`${ap} .rp-preview-err`, (e) => e.map((x) => x.textContent))).toEqual([]);
    // One row per migration attempt: the source and the destination side of this one.
    expect(await page.$$eval(`${ap} tbody tr`, (trs) => trs.length)).toBe(2);
    // Times read as the export writes them: ms from the migration start, raw ns on hover.
    const heads = await page.$$eval(`${ap} thead th`, (ths) => ths.map((th) => th.textContent ?? ''));
    const tsCol = heads.findIndex((n) => /(^|_)(ts|start|end|first|last)_ns$/.test(n));
    expect(tsCol, heads.join(',')).toBeGreaterThanOrEqual(0);
    const cell = await page.$eval(`${ap} tbody tr td:nth-child(${tsCol + 1})`, (td) => ({ text: td.textContent ?? '', title: td.getAttribute('title') ?? '' }));
    expect(cell.text).toMatch(/^-?[\d,.]+ ms$/);
    expect(cell.title).toMatch(/^\d+ ns\n/);
    await shot(page, 'report-01-builder');
  });

  it('saves to the workspace: a reload shows the same report', async () => {
    const state = await settledSave(page);
    const why = await page.textContent('[data-testid="report-status"]');
    expect(state, why ?? '').toBe('saved');
    await page.reload();
    await page.click('.ptab[data-page="report"]');
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 3, item, { timeout: 30_000 });
    expect(await kinds(page)).toEqual(['note', 'query', 'analysis']);
    expect(await page.inputValue('[data-testid="report-note-input"]')).toBe(NOTE);
    expect(await page.inputValue('[data-testid="report-title"]')).toBe('a-precopy report');
    expect(await page.textContent('.ptab[data-page="report"]')).toBe('Report (3)');
  });

  it('exports self-contained HTML as a browser download', async () => {
    await page.selectOption('[data-testid="report-format"]', 'html');
    const downloading = page.waitForEvent('download', { timeout: 60_000 }).catch(() => null);
    await page.click('[data-testid="report-export"]');
    await page.waitForFunction(() => ['downloaded', 'error'].includes(document.querySelector('[data-testid="report-export-status"]')?.getAttribute('data-state') ?? ''), undefined, { timeout: 60_000 });
    const note = (await page.textContent('[data-testid="report-export-status"]')) ?? '';
    expect(note).toMatch(/^Exported .*\.html \(downloading\)$/);
    const download = await downloading;
    expect(download).not.toBeNull();
    expect(download!.suggestedFilename()).toMatch(/\.html$/);
    const html = readFileSync((await download!.path())!, 'utf8');
    expect(html).toContain(NOTE_WORD);
    expect(html).toMatch(/<svg[\s>]/);
    // No resource may come from elsewhere: no src/href/url()/@import to a scheme or `//`.
    expect(html).not.toMatch(/\b(?:src|href|xlink:href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|\/\/)/i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(?:https?:|\/\/)/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/<(?:script|link|iframe|object|embed)\b/i);
    await shot(page, 'report-02-exported');
    // Rendered on its own, the file asks the network for nothing.
    const viewer = await context.newPage();
    const requests: string[] = [];
    viewer.on('request', (r) => requests.push(r.url()));
    await viewer.setContent(html, { waitUntil: 'load' });
    expect(await viewer.locator('svg').count()).toBeGreaterThan(0);
    expect(await viewer.textContent('body')).toContain(NOTE_WORD);
    await viewer.screenshot({ path: path.join(ARTIFACTS, 'report-03-exported-html.png'), fullPage: true });
    await viewer.close();
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('exports redacted text and a zip of everything', async () => {
    async function exportAs(format: string, redact: boolean): Promise<{ name: string; bytes: Buffer }> {
      await page.selectOption('[data-testid="report-format"]', format);
      await page.setChecked('[data-testid="report-redact"]', redact);
      const downloading = page.waitForEvent('download', { timeout: 60_000 });
      await page.click('[data-testid="report-export"]');
      const d = await downloading;
      await page.waitForFunction(() => document.querySelector('[data-testid="report-export-status"]')?.getAttribute('data-state') === 'downloaded');
      return { name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) };
    }
    const plain = await exportAs('text', false);
    const redacted = await exportAs('text', true);
    expect(plain.name).toMatch(/\.txt$/);
    // The provenance names the inputs by path; redaction must replace every one of them. The
    // text report wraps at 72 columns and breaks a long path (a deep checkout) across lines, so
    // both checks compare with all whitespace removed: else the redaction check passes vacuously.
    const flat = (s: string) => s.replace(/\s+/g, '');
    expect(flat(plain.bytes.toString('utf8'))).toContain(flat(path.join(A, 'src.log.gz')));
    const text = redacted.bytes.toString('utf8');
    expect(text).toContain(NOTE_WORD);
    expect(flat(text)).not.toContain(flat(A));
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(72);
    const zip = await exportAs('zip', false);
    expect(zip.name).toMatch(/\.zip$/);
    expect(zip.bytes.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    expect(errors).toEqual([]);
  });
});
