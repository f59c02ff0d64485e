// Workspace data in the browser: the editor's SQL cannot delete anything, and a trace is removed
// only through its card, after a confirmation that names it. `qtw serve` on the real QEMU 7.2
// multifd sample in Chromium.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SAMPLES } from '../helpers/paths.ts';
import { chromiumAvailable, shot } from '../helpers/harness.ts';
import { openWorkbench, waitForIngestDone, type Workbench } from '../helpers/e2e/workbench.ts';

const B = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const status = '[data-testid="result-status"]';

async function run(page: Page, sql: string, done: RegExp): Promise<string> {
  await page.click('[data-testid="editor"] .monaco-editor .view-lines');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(sql);
  await page.click('[data-testid="run-query"]');
  await page.waitForFunction(([sel, re]) => new RegExp(re).test(document.querySelector(sel)?.textContent ?? ''), [status, done.source] as const, { timeout: 30_000 });
  return (await page.textContent(status)) ?? '';
}

async function firstCell(page: Page): Promise<string> {
  return ((await page.textContent('[data-testid="results-grid"] [data-row-index="0"] [data-col="0"]')) ?? '').trim();
}

const maybe = chromiumAvailable() ? describe : describe.skip;

maybe('removing traces in the browser', () => {
  let wb: Workbench;
  beforeAll(async () => {
    wb = await openWorkbench([path.join(B, 'src.log'), path.join(B, 'dst.log.gz')], { ingestDone: true });
    await waitForIngestDone(wb.page);
  }, 180_000);
  afterAll(async () => {
    await wb?.close();
  });

  it('refuses DELETE from the editor, saying how to remove a trace', async () => {
    const text = await run(wb.page, 'DELETE FROM traces', /error|Permission/i);
    expect(text).toMatch(/SQL cannot change the workspace/);
    await run(wb.page, 'SELECT count(*) FROM traces', /1 row/);
    expect(await firstCell(wb.page)).toBe('2');
  });

  it('removes the destination trace after a confirmation, and only it', async () => {
    const { page } = wb;
    await run(page, "SELECT count(*) FROM events WHERE side = 'src'", /1 row/);
    const srcEvents = await firstCell(page);
    const dstCard = page.locator('[data-trace-id]', { has: page.locator('.side-dst') });
    await dstCard.locator('[data-testid="remove-trace"]').click();
    const confirm = dstCard.locator('[data-testid="remove-trace-confirm"]');
    await confirm.waitFor({ state: 'visible' });
    expect(await confirm.textContent()).toMatch(/Remove trace #\d+ \(dst\.log\.gz\) and its [\d,]+ records/);
    await shot(page, 'remove-trace-confirm');
    // "Keep" changes nothing.
    await confirm.locator('button', { hasText: 'Keep' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await page.locator('[data-trace-id]').count()).toBe(2);

    await dstCard.locator('[data-testid="remove-trace"]').click();
    await confirm.locator('[data-testid="remove-trace-yes"]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-trace-id]').length === 1, undefined, { timeout: 30_000 });
    expect(await page.$$eval('[data-trace-id] .side', (els) => els.map((e) => e.textContent))).toEqual(['src']);
    await run(page, 'SELECT count(*) FROM events', /1 row/);
    expect(await firstCell(page)).toBe(srcEvents);
    expect(wb.errors).toEqual([]);
  });
});
