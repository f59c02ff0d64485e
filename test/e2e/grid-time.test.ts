// Time columns and header types in the results grid, and select-list column completion, over
// `qtw serve` on the QEMU 7.2 a-precopy sample. Expected texts come from DuckDB in the same
// result (the run start from the runs table), never from the renderer's own formatter.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SAMPLES } from '../helpers/paths.ts';
import { chromiumAvailable, shot } from '../helpers/harness.ts';
import { openWorkbench, type Workbench } from '../helpers/e2e/workbench.ts';

const A = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');
const grid = '[data-testid="results-grid"]';
const status = '[data-testid="result-status"]';
const timeBtn = '[data-testid="time-mode"]';

async function setSql(page: Page, sql: string): Promise<void> {
  await page.click('[data-testid="editor"] .monaco-editor .view-lines');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(sql);
}

async function runSql(page: Page, sql: string): Promise<void> {
  // One line: Monaco auto-closes a `(` typed at a line's end.
  await setSql(page, sql.replace(/\s+/g, ' '));
  await page.click('[data-testid="run-query"]');
  await page.waitForFunction(
    (sel) => {
      const t = document.querySelector(sel)?.textContent ?? '';
      return !/running/i.test(t) && (/\d[\d,]* rows?/.test(t) || document.querySelector('[data-testid="results-grid"] .grid-message.error:not([hidden])') !== null);
    },
    status,
    { timeout: 30_000 },
  );
  const error = await page.$eval(`${grid} .grid-message`, (e) => (e.classList.contains('error') && !(e as HTMLElement).hidden ? e.textContent : null));
  if (error) {
    await shot(page, "grid-time-query-error");
    throw new Error(`query failed: ${error}`);
  }
  await page.waitForSelector(`${grid} [data-row-index]`);
}

/** Cell texts of the rendered rows, in row order. */
async function gridRows(page: Page): Promise<string[][]> {
  return page.$$eval(`${grid} [data-row-index]`, (rows) =>
    rows
      .map((r) => ({ i: Number(r.getAttribute('data-row-index')), cells: Array.from(r.querySelectorAll('.grid-cell[data-col]')) }))
      .sort((a, b) => a.i - b.i)
      .map((r) => r.cells.sort((x, y) => Number(x.getAttribute('data-col')) - Number(y.getAttribute('data-col'))).map((c) => (c.textContent ?? '').trim())),
  );
}

const maybe = chromiumAvailable() ? describe : describe.skip;

maybe('grid times, header types and column completion (QEMU 7.2 a-precopy)', () => {
  let wb: Workbench;
  let page: Page;

  beforeAll(async () => {
    wb = await openWorkbench([path.join(A, 'src.log.gz'), path.join(A, 'dst.log.gz')], { ingestDone: true });
    page = wb.page;
  }, 180_000);

  afterAll(async () => {
    await wb?.close();
  });

  it('shows ts_ns as ms from the migration start, then as date-time, then as raw ns', async () => {
    await page.waitForFunction(() => (document.querySelector('[data-testid="time-mode"]') as HTMLElement | null)?.dataset.mode !== undefined);
    expect(await page.getAttribute(timeBtn, 'data-mode')).toBe('relative');
    // The sample is one run: rows naming no trace count from its start.
    await runSql(
      page,
      `SELECT ts_ns, new_state,
              printf('%.3f ms', (ts_ns - (SELECT start_ts_ns FROM runs)) / 1e6) AS exp_rel,
              strftime(make_timestamp_ns(ts_ns), '%Y-%m-%d %H:%M:%S.%n') || ' UTC' AS exp_abs,
              ts_ns::VARCHAR AS exp_raw
         FROM migrate_set_state ORDER BY side, seq`,
    );
    expect(await page.evaluate(() => document.querySelectorAll('[data-testid="results-grid"] .grid-htype').length)).toBe(5);
    const rel = await gridRows(page);
    expect(rel.length).toBeGreaterThan(3);
    for (const r of rel) expect(r[0]).toBe(r[2]);
    // Some row is the start itself.
    expect(rel.map((r) => r[0])).toContain('0.000 ms');
    await shot(page, 'grid-time-1-relative');

    await page.click(timeBtn);
    await page.waitForFunction(() => /UTC$/.test(document.querySelector('[data-testid="results-grid"] [data-row-index] [data-col="0"]')?.textContent ?? ''));
    const abs = await gridRows(page);
    for (const r of abs) expect(r[0]).toBe(r[3]);
    await shot(page, 'grid-time-2-absolute');

    await page.click(timeBtn);
    await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-testid="results-grid"] [data-row-index] [data-col="0"]')?.textContent ?? ''));
    const raw = await gridRows(page);
    for (const r of raw) expect(r[0]).toBe(r[4]);
    expect(raw[0][0]).toMatch(/^\d{19}$/);
    await shot(page, 'grid-time-3-raw');
    // The choice lasts the session: back to relative for the next tests.
    await page.click(timeBtn);
    expect(await page.evaluate(() => sessionStorage.getItem('qtw.grid.timeMode'))).toBe('relative');
  });

  it('measures rows naming a trace from their run\'s start on the source clock (clock offset applied)', async () => {
    // Ground truth from the events view: ts_aligned_ns is ts_ns + the trace's clock offset.
    // Rounded to µs half away from zero with integer SQL, printed as the grid prints ms.
    await runSql(
      page,
      `WITH d AS (
         SELECT e.ts_ns, e.trace_id, e.side, e.seq, e.ts_aligned_ns - (r.start_ts_ns + h.clock_offset_ns) AS dn
           FROM events e JOIN traces t USING (trace_id) JOIN runs r ON r.run_id = t.run_id
           JOIN traces h ON h.trace_id = r.src_trace_id
          WHERE e.name = 'migrate_set_state'),
       u AS (SELECT *, (abs(dn) + 500) // 1000 AS units FROM d)
       SELECT ts_ns, trace_id,
              CASE WHEN dn < 0 AND units > 0 THEN '-' ELSE '' END || (units // 1000)::VARCHAR || '.' || lpad((units % 1000)::VARCHAR, 3, '0') || ' ms' AS exp_rel,
              side
         FROM u ORDER BY side, seq`,
    );
    const rows = await gridRows(page);
    expect(rows.some((r) => r[3] === 'dst')).toBe(true);
    for (const r of rows) expect(r[0]).toBe(r[2]);
    await shot(page, 'grid-time-1b-relative-by-trace');
  });

  it('shows whole type names in the header, with the type as title', async () => {
    await runSql(page, `SELECT 1::UTINYINT AS x, TIMESTAMPTZ '2026-11-25 20:01:24+00' AS t, ts_ns AS y FROM migrate_set_state LIMIT 1`);
    const types = await page.$$eval(`${grid} .grid-htype`, (els) =>
      els.map((e) => ({ text: e.textContent, title: e.getAttribute('title'), clipped: e.scrollWidth > e.clientWidth })),
    );
    expect(types).toEqual([
      { text: 'UTINYINT', title: 'UTINYINT', clipped: false },
      { text: 'TIMESTAMP WITH TIME ZONE', title: 'TIMESTAMP WITH TIME ZONE', clipped: false },
      { text: 'BIGINT', title: 'BIGINT', clipped: false },
    ]);
    await shot(page, 'grid-time-4-header-types');
  });

  it('completes columns of every event table in a select list without FROM; running closes the list', async () => {
    await setSql(page, '');
    await page.keyboard.type('SELECT new_st');
    const suggest = page.locator('.monaco-editor .suggest-widget.visible');
    await suggest.waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => /new_state/.test(document.querySelector('.monaco-editor .suggest-widget.visible')?.textContent ?? ''), undefined, { timeout: 10_000 });
    await shot(page, 'grid-time-5-completion');
    await page.keyboard.press('ControlOrMeta+Enter');
    await suggest.waitFor({ state: 'hidden', timeout: 10_000 });
    expect(await page.locator('.monaco-editor .suggest-widget.visible').count()).toBe(0);
  });
});
