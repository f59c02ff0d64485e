// Catalogues in the browser UI (issue 13): a QEMU 10.2 trace uploaded into a workspace of the
// bundled QEMU 7.2 sample (served with Debian's 7.2 catalogue) is typed with a 10.2 release and
// nothing unparsed; its card and the import panel say which catalogue and how well it fit, and
// its picker re-types it with an older release (events 10.2 added become unparsed), back, and
// with a trace-events file uploaded from the page; once the trace's own file is gone, a re-type
// is refused in the error banner and the trace left as it was. `qtw serve` in Chromium.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { REPO, SAMPLES } from '../helpers/paths.ts';
import { chromiumAvailable, shot } from '../helpers/harness.ts';
import { openWorkbench, waitForIngestDone, type Workbench } from '../helpers/e2e/workbench.ts';

const BUNDLED = path.join(REPO, 'resources/samples/qemu-7.2.22-precopy');
const Q102 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const maybe = chromiumAvailable() ? describe : describe.skip;

/** The unparsed count a card shows. */
async function unparsed(card: Locator): Promise<number> {
  const text = (await card.locator('.trace-counts').textContent()) ?? '';
  const m = /([\d,]+) unparsed/.exec(text);
  if (!m) throw new Error(`no unparsed count in ${JSON.stringify(text)}`);
  return Number(m[1].replace(/,/g, ''));
}

maybe('choosing a trace’s catalogue in the browser UI', () => {
  let wb: Workbench;
  let traceId = 0;
  const card = () => wb.page.locator(`[data-trace-id="${traceId}"]`);
  const catalogueName = () => card().locator('[data-testid="trace-catalogue-name"]');

  /** Waits until the card's catalogue line matches `name` (the card is rebuilt on tracesChanged). */
  async function cardCatalogue(name: RegExp): Promise<string> {
    await wb.page.waitForFunction(
      ([id, re]) => new RegExp(re).test(document.querySelector(`[data-trace-id="${id}"] [data-testid="trace-catalogue-name"]`)?.textContent ?? ''),
      [traceId, name.source] as const,
      { timeout: 90_000 },
    );
    await waitForIngestDone(wb.page);
    return (await catalogueName().textContent()) ?? '';
  }

  beforeAll(async () => {
    wb = await openWorkbench([path.join(BUNDLED, 'src.log.gz'), path.join(BUNDLED, 'dst.log.gz')], { ingestDone: true });
  }, 180_000);
  afterAll(async () => {
    await wb?.close();
  });

  it('types a 10.2 trace uploaded into the 7.2 workspace with a 10.2 release, 0 unparsed', async () => {
    const { page } = wb;
    const before = await page.$$eval('[data-trace-id]', (els) => els.map((e) => Number(e.getAttribute('data-trace-id'))));
    expect(before).toHaveLength(2);
    // The bundled 7.2 traces: typed with a 7.2 catalogue, each with its picker.
    for (const id of before) expect(await page.locator(`[data-trace-id="${id}"] [data-testid="trace-catalogue-name"]`).textContent()).toMatch(/7\.2\.22.*\(fit [\d.]+%\)/);

    await page.setInputFiles('[data-testid="open-files-input"]', path.join(Q102, 'src.log.gz'));
    await page.waitForFunction((n) => document.querySelectorAll('[data-trace-id]').length > n, before.length, { timeout: 90_000 });
    await waitForIngestDone(page);
    const ids = await page.$$eval('[data-trace-id]', (els) => els.map((e) => Number(e.getAttribute('data-trace-id'))));
    traceId = ids.find((id) => !before.includes(id))!;
    expect(await catalogueName().textContent()).toMatch(/^qemu-10\.2\.\d+\S* \(fit 100%\)$/);
    expect(await unparsed(card())).toBe(0);
    // The import panel lists the file with the catalogue chosen for it, and a picker.
    const listed = page.locator(`[data-testid="import-files"] [data-trace-ref="${traceId}"]`);
    expect(await listed.textContent()).toMatch(/src\.log\.gz[\s\S]*Catalogue: qemu-10\.2\.\d+\S* \(fit 100%\)/);
    expect(await listed.locator('[data-testid="catalogue-picker"]').count()).toBe(1);
    await shot(page, 'retype-01-imported-10.2');
  });

  it('re-types the trace with an older release through its card, and back', async () => {
    const { page } = wb;
    const picker = card().locator('[data-testid="catalogue-picker"]');
    // The current catalogue is marked among the built-in releases.
    expect(await picker.locator('option', { hasText: '(current)' }).getAttribute('value')).toMatch(/^release:qemu-10\.2\./);
    await picker.selectOption('release:qemu-7.2.0');
    expect(await cardCatalogue(/^qemu-7\.2\.0 /)).toMatch(/\(fit [\d.]+%\)/);
    // 7.2 lacks events 10.2 traces: they are counted as unparsed, the trace keeps its id.
    const older = await unparsed(card());
    expect(older).toBeGreaterThan(0);
    expect(await page.locator('[data-trace-id]').count()).toBe(3);
    await shot(page, 'retype-02-as-7.2');

    await card().locator('[data-testid="catalogue-picker"]').selectOption('release:qemu-10.2.50');
    expect(await cardCatalogue(/^qemu-10\.2\.50 /)).toMatch(/\(fit 100%\)/);
    expect(await unparsed(card())).toBe(0);
    expect(await page.locator('.error-banner').isHidden()).toBe(true);
  });

  it('re-types the trace with a trace-events file uploaded from the page', async () => {
    const { page } = wb;
    await card().locator('[data-testid="catalogue-picker"]').selectOption('action:upload');
    const input = card().locator('[data-testid="catalogue-file-input"]');
    await input.waitFor({ state: 'visible' });
    await input.setInputFiles(path.join(Q102, 'trace-events-all'));
    expect(await cardCatalogue(/^trace-events-all \(uploaded\)/)).toMatch(/QEMU 10\.2\.50 \(fit 100%\)/);
    expect(await unparsed(card())).toBe(0);
    // Stored in the workspace now: offered again under its name, in use by this trace.
    const again = card().locator('[data-testid="catalogue-picker"] optgroup[label="In this workspace"] option', { hasText: 'trace-events-all (uploaded)' });
    expect(await again.textContent()).toMatch(/1 trace \(current\)/);
    await shot(page, 'retype-03-uploaded-catalogue');
    expect(await page.locator('.error-banner').isHidden()).toBe(true);
  });

  it('says in one line of the error banner why a trace whose file is gone cannot be re-typed', async () => {
    const { page } = wb;
    // The upload the trace was read from (the card's title ends with where it is stored), gone as if swept.
    const file = ((await card().getAttribute('title')) ?? '').split('\nstored as ').pop() ?? '';
    expect(existsSync(file)).toBe(true);
    rmSync(file);
    const shown = (await catalogueName().textContent()) ?? '';
    const before = await unparsed(card());
    await card().locator('[data-testid="catalogue-picker"]').selectOption('release:qemu-8.2.0');
    const banner = page.locator('.error-banner');
    await banner.waitFor({ state: 'visible', timeout: 60_000 });
    const text = (await banner.locator('.banner-text').textContent()) ?? '';
    expect(text).toMatch(new RegExp(`^Re-typing trace #${traceId} with qemu-8\\.2\\.0 failed: .*re-typing needs the file it was read from`));
    expect(text).not.toContain('\n');
    expect(await page.locator('[data-testid="import-progress"] .imp-title').textContent()).toMatch(/Re-typing failed/);
    // Nothing changed.
    expect(await catalogueName().textContent()).toBe(shown);
    expect(await unparsed(card())).toBe(before);
    await shot(page, 'retype-04-file-gone');
    await banner.locator('button', { hasText: 'Dismiss' }).click();
    expect(wb.errors).toEqual([]);
  });
});
