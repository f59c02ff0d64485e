// Uploads in the browser UI keep the user's names: a picked file's card shows the name it had on
// the user's disk (not `qtw-uploads/<ms>-<n>-<safe name>`), and a picked folder is ingested as a
// folder: its traces named by their path in it, its other files (manifest, QMP transcripts)
// skipped without an error.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES, scratch } from '../helpers/paths.ts';
import { chromiumAvailable, shot } from '../helpers/harness.ts';
import { openWorkbench, waitForIngestDone, type Workbench } from '../helpers/e2e/workbench.ts';

const A = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');
const B = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const LOOSE = path.join(SAMPLES, 'qemu-7.2.22-log/qemu-7.2.22-log-nots-multifd-src.log');
const maybe = chromiumAvailable() ? describe : describe.skip;

maybe('uploads keep their original names in the browser UI', () => {
  let wb: Workbench;
  const tmp = scratch('qtw-e2e-names-');

  beforeAll(async () => {
    wb = await openWorkbench([path.join(A, 'src.log.gz'), path.join(A, 'dst.log.gz')], { ingestDone: true });
  }, 180_000);
  afterAll(async () => {
    await wb?.close();
    tmp.cleanup();
  });

  const cards = () =>
    wb.page.$$eval('[data-trace-id]', (els) => els.map((c) => ({ name: c.querySelector('.trace-name')?.textContent ?? '', title: c.getAttribute('title') ?? '' })));

  it('a picked file: its card shows the name it had, the stored path only in the tooltip', async () => {
    const { page } = wb;
    const given = 'src run #1 (nightly).log';
    const file = path.join(tmp.dir, given);
    copyFileSync(LOOSE, file);
    await page.setInputFiles('[data-testid="open-files-input"]', file);
    await page.waitForFunction((n) => [...document.querySelectorAll('[data-trace-id] .trace-name')].some((e) => e.textContent === n), given, { timeout: 60_000 });
    await waitForIngestDone(page);
    const card = (await cards()).find((c) => c.name === given);
    expect(card?.title).toMatch(new RegExp(`^src run #1 \\(nightly\\)\\.log\\nstored as .*qtw-uploads[\\\\/]\\d+-\\d+-src_run__1__nightly_\\.log$`));
    expect(wb.errors).toEqual([]);
  });

  it('a picked folder: ingested as a folder, traces named by their path in it, its other files skipped without an error', async () => {
    const { page } = wb;
    const dir = path.join(tmp.dir, 'b-multifd4');
    mkdirSync(dir);
    for (const f of readdirSync(B)) copyFileSync(path.join(B, f), path.join(dir, f));
    await page.setInputFiles('[data-testid="open-folder-input"]', dir);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-trace-id] .trace-name')].filter((e) => e.textContent?.startsWith('b-multifd4/')).length === 2, undefined, {
      timeout: 90_000,
    });
    await waitForIngestDone(page);
    await shot(page, 'upload-names-01-folder');
    const names = (await cards()).map((c) => c.name).filter((n) => n.startsWith('b-multifd4/'));
    expect(names.sort()).toEqual(['b-multifd4/dst.log.gz', 'b-multifd4/src.log']);
    const panel = await page.$eval('[data-testid="import-progress"]', (p) => ({ state: (p as HTMLElement).dataset.state, text: p.textContent ?? '' }));
    const others = readdirSync(B).filter((f) => f.endsWith('.json')).length;
    expect(panel.state).toBe('done');
    expect(panel.text).toContain(`Imported 2 traces`);
    expect(panel.text).toContain(`${others} other files skipped`);
    expect(panel.text).not.toContain('error');
    expect(wb.errors).toEqual([]);
  });
});
