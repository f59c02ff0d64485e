// Scrolling the results grid to a fraction of a huge result and reading what it then shows.
// Shared by the end-to-end test and the UI bench.
import type { Page } from 'playwright-core';

export interface ShownRows {
  /** data-row-index of the first fully loaded row in view. */
  readonly firstIndex: number;
  /** Text of column 0 of that row. */
  readonly firstCell: string;
  readonly ms: number;
}

/**
 * Scroll the grid to `fraction` of its height; resolve once the rows there (within `slack` rows
 * of fraction × rowCount, so not the rows still shown from before) are loaded.
 */
export async function scrollGridTo(page: Page, fraction: number, rowCount: number, slack = 200): Promise<ShownRows> {
  const t0 = Date.now();
  await page.$eval(
    '[data-testid="results-grid"] .grid-scroller',
    (el, f) => {
      el.scrollTop = Math.floor((el.scrollHeight - el.clientHeight) * f);
      el.dispatchEvent(new Event('scroll'));
    },
    fraction,
  );
  const handle = await page.waitForFunction(
    ({ target, slack }) => {
      const rows = Array.from(document.querySelectorAll('[data-testid="results-grid"] [data-row-index]'));
      if (rows.length === 0 || rows.some((r) => r.querySelector('.loading'))) return null;
      const first = rows
        .map((r) => ({ i: Number(r.getAttribute('data-row-index')), cell: r.querySelector('[data-col="0"]')?.textContent ?? '' }))
        .sort((a, b) => a.i - b.i)[0];
      return Math.abs(first.i - target) <= slack ? first : null;
    },
    { target: Math.min(rowCount - 1, Math.floor(rowCount * fraction)), slack },
    { timeout: 20_000, polling: 16 },
  );
  const first = (await handle.jsonValue()) as { i: number; cell: string };
  return { firstIndex: first.i, firstCell: first.cell.trim(), ms: Date.now() - t0 };
}
