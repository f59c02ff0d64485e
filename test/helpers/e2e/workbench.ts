// A workbench session for end-to-end tests: `qtw serve` on real sample logs plus a Chromium page
// (page-side code here needs DOM types: this file is only in the e2e tsconfig).
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEBIAN_72, scratch } from '../paths.ts';
import { collectErrors, launchBrowser, startServe, type Served } from '../harness.ts';

export interface Workbench {
  readonly served: Served;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console and page errors of `page`, collected from its creation on. */
  readonly errors: string[];
  close(): Promise<void>;
}

/** Wait until the running import job (if any) has ended: analysis views exist from then on. */
export async function waitForIngestDone(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const p = document.querySelector('[data-testid="import-progress"]') as HTMLElement | null;
      return !p || p.dataset.state === 'done' || (p.hidden && !p.dataset.state);
    },
    undefined,
    { timeout: 90_000 },
  );
}

/**
 * `qtw serve` on sample traces (by default with the Debian 7.2 catalogue) in a scratch workspace,
 * and a Chromium page on it with the traces listed.
 */
export async function openWorkbench(
  inputs: readonly string[],
  opts: {
    viewport?: { width: number; height: number };
    acceptDownloads?: boolean;
    clipboard?: boolean;
    ingestDone?: boolean;
    catalogues?: readonly string[];
    /** Trace cards to wait for (a folder of runs holds more than two). */
    traces?: number;
  } = {},
): Promise<Workbench> {
  const tmp = scratch('qtw-e2e-');
  const catalogues = (opts.catalogues ?? [DEBIAN_72]).flatMap((c) => ['--catalogue', c]);
  const served = await startServe(['-o', path.join(tmp.dir, 'ws.duckdb'), ...catalogues, ...inputs]);
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1440, height: 900 }, acceptDownloads: opts.acceptDownloads ?? false });
  if (opts.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.origin });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(served.url);
  await page.waitForFunction((n) => document.querySelectorAll('[data-trace-id]').length >= n, opts.traces ?? 2, { timeout: 120_000 });
  if (opts.ingestDone) await waitForIngestDone(page);
  return {
    served,
    browser,
    context,
    page,
    errors,
    close: async () => {
      await browser.close();
      await served.stop();
      tmp.cleanup();
    },
  };
}
