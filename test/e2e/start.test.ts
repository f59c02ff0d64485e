// `npm start` without an Electron runtime (never downloadable here): it says why, serves the UI
// in the browser instead, and the first screen already shows the bundled real sample.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { scratch } from '../helpers/paths.ts';
import { chromiumAvailable, collectErrors, launchBrowser, shot, startQtw, type Served } from '../helpers/harness.ts';

const maybe = chromiumAvailable() ? describe : describe.skip;

maybe('npm start falls back to the browser UI on the bundled sample', () => {
  let served: Served;
  let browser: Browser;
  const tmp = scratch('qtw-start-');

  beforeAll(async () => {
    served = await startQtw('start', ['-o', path.join(tmp.dir, 'ws.duckdb')]);
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    tmp.cleanup();
  });

  it('explains that Electron is missing and serves instead', () => {
    expect(served.stderr()).toMatch(/Electron runtime is not installed.*serving the UI in your browser/);
  });

  it('opens on the bundled sample: a source and a destination trace with migration states', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(served.url);
    await page.waitForFunction(() => document.querySelectorAll('[data-trace-id]').length >= 2, undefined, { timeout: 90_000 });
    const cards = await page.$$eval('[data-trace-id]', (els) =>
      els.map((e) => `${e.querySelector('.side')?.textContent} ${e.querySelector('.trace-name')?.textContent}`),
    );
    expect(cards.sort()).toEqual(['dst dst.log.gz', 'src src.log.gz']);
    await shot(page, '10-npm-start');
    expect(errors).toEqual([]);
    await page.close();
  });
});
