// The Tracks view's area selection end to end on the QEMU 7.2 b-multifd4 sample (`qtw serve` in
// Debian's Chromium): a drag from the source's state lane to the destination's selects a range
// across both sides; the panel's per-event counts equal a count over the `events` view (its own
// ts_aligned_ns, not the engine's per-trace bounds) run through the engine API by a client of
// the test's own; "Open as query" puts the panel's SQL in the editor and its result has the
// panel's rows; "Add to report" adds an item; Esc clears the selection.
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ServerMessage } from '../../src-main/contract.ts';
import { REPO, SAMPLES } from '../helpers/paths.ts';
import { chromiumAvailable, shot } from '../helpers/harness.ts';
import { openWorkbench, type Workbench } from '../helpers/e2e/workbench.ts';

const DIR = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const TK = '[data-testid="tracks"]';
const PANEL = '[data-testid="area-panel"]';
const maybe = chromiumAvailable() ? describe : describe.skip;

/** One WebSocket session of the engine API: requests in turn (a result handle is the session's). */
async function session(url: string): Promise<{ call(method: string, params: unknown): Promise<unknown>; close(): void }> {
  const u = new URL(url);
  const ws = new WebSocket(`ws://${u.host}/rpc?token=${u.searchParams.get('token') ?? ''}`, { maxPayload: 64 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let id = 0;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as ServerMessage;
    if (m.kind !== 'response') return;
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) w?.resolve(m.result);
    else w?.reject(new Error(m.error.message));
  });
  return {
    call: (method, params) =>
      new Promise((resolve, reject) => {
        waiting.set(++id, { resolve, reject });
        ws.send(JSON.stringify({ kind: 'request', id, method, params }));
      }),
    close: () => ws.terminate(),
  };
}

/** Rows of a query run through the engine API (runQuery, then every row of its handle). */
async function queryRows(url: string, sql: string): Promise<unknown[][]> {
  const s = await session(url);
  try {
    const r = (await s.call('runQuery', { sql })) as { handle: number; rowCount: number };
    const page = (await s.call('fetchRows', { handle: r.handle, offset: 0, count: 10_000, sort: null })) as { rows: unknown[][] };
    return page.rows;
  } finally {
    s.close();
  }
}

async function panelRows(page: Page): Promise<Record<string, string>[]> {
  return page.$$eval(`${PANEL} tbody tr`, (trs) =>
    trs.map((tr) => Object.fromEntries(Array.from(tr.querySelectorAll('td')).map((td) => [td.getAttribute('data-col') ?? '', td.getAttribute('data-raw') ?? '']))),
  );
}

maybe('Tracks view area selection (QEMU 7.2 b-multifd4)', () => {
  let wb: Workbench;
  let page: Page;
  let from = 0n;
  let to = 0n;

  beforeAll(async () => {
    wb = await openWorkbench([path.join(DIR, 'src.log'), path.join(DIR, 'dst.log.gz')], { ingestDone: true, viewport: { width: 1440, height: 1200 } });
    page = wb.page;
  }, 180_000);

  afterAll(async () => {
    await wb?.close();
  });

  it('a drag from the source state lane to the destination one summarises both sides; the counts equal a count over the events view', async () => {
    await page.getByRole('tab', { name: /timeline/i }).click();
    await page.click('[data-testid="timeline"] [data-mode="tracks"]');
    await page.waitForFunction((sel) => ((document.querySelector(sel) as HTMLElement | null)?.dataset.lanes ?? '') !== '', TK, { timeout: 60_000 });
    const d = await page.$eval(TK, (el) => ({ ...(el as HTMLElement).dataset }));
    const layout = JSON.parse(d.layout ?? '[]') as { id: string; y: number; h: number }[];
    const labelW = Number(d.labelW);
    const src = layout.find((l) => l.id === 'states:src');
    const dst = layout.find((l) => l.id === 'states:dst');
    if (!src || !dst) throw new Error('no state lanes');
    const box = await page.locator(`${TK} canvas.tk-lanes`).boundingBox();
    if (!box) throw new Error('no lanes canvas');
    const pw = box.width - labelW;
    await page.mouse.move(box.x + labelW + pw * 0.3, box.y + src.y + src.h / 2);
    await page.mouse.down();
    for (let i = 1; i <= 5; i++) await page.mouse.move(box.x + labelW + pw * (0.3 + 0.06 * i), box.y + src.y + ((dst.y + dst.h / 2 - src.y) * i) / 5);
    await page.mouse.up();
    await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLElement | null)?.dataset.state === 'done', PANEL, { timeout: 60_000 });
    const a = await page.$eval(TK, (el) => ({ ...(el as HTMLElement).dataset }));
    from = BigInt(a.areaFromNs ?? '0');
    to = BigInt(a.areaToNs ?? '0');
    const span = BigInt(a.spanNs ?? '0');
    expect(to > from).toBe(true);
    // About 30 % of the shown span (the drag), to within a pixel's worth.
    expect(Number(to - from) / Number(span)).toBeCloseTo(0.3, 1);
    expect(await page.isVisible('[data-testid="area-band"]')).toBe(true);
    expect(await page.textContent('[data-testid="area-axis"]')).toMatch(/\d/);

    const shown = new Map((await panelRows(page)).map((r) => [`${r.side}|${r.event}`, Number(r.records)]));
    expect(shown.size).toBeGreaterThan(3);
    const runs = (await (await session(wb.served.url)).call('listRuns', {})) as { runId: number; srcTraceId: number; dstTraceId: number }[];
    const run = runs.find((r) => String(r.runId) === a.run);
    if (!run) throw new Error('no run shown');
    const want = await queryRows(wb.served.url,
      `SELECT side::VARCHAR, name, count(*) FROM events WHERE trace_id IN (${run.srcTraceId}, ${run.dstTraceId}) AND ts_aligned_ns BETWEEN ${from} AND ${to} GROUP BY ALL`);
    expect(shown).toEqual(new Map(want.map((r) => [`${String(r[0])}|${String(r[1])}`, Number(r[2])])));
    expect([...shown.keys()].some((k) => k.startsWith('src|multifd_send'))).toBe(true);
    expect([...shown.keys()].some((k) => k.startsWith('dst|multifd_recv'))).toBe(true);

    mkdirSync(path.join(REPO, '.scratch/shots'), { recursive: true });
    await page.screenshot({ path: path.join(REPO, '.scratch/shots/area-events.png') });
    await page.click(`${PANEL} [data-group="track"]`);
    await page.waitForFunction((sel) => {
      const el = document.querySelector(sel) as HTMLElement | null;
      return el?.dataset.state === 'done' && el.dataset.group === 'track';
    }, PANEL, { timeout: 60_000 });
    const tracks = await panelRows(page);
    expect(tracks.map((r) => r.track_id)).toContain('states:src');
    expect(tracks.map((r) => r.track_id)).toContain('states:dst');
    for (const r of tracks.filter((x) => x.kind === 'slice' && x.unended === '0')) expect(BigInt(r.clipped_dur_ns!) <= to - from).toBe(true);
    await page.mouse.move(box.x + 5, box.y + box.height - 5);
    await page.screenshot({ path: path.join(REPO, '.scratch/shots/area.png') });
    await shot(page, 'timeline-area');
  });

  it('"Zoom to selection" shows the selected range', async () => {
    await page.click('[data-testid="area-zoom"]');
    await page.waitForFunction(([sel, f, t]) => {
      const d = (document.querySelector(sel) as HTMLElement).dataset;
      return BigInt(d.viewFromNs ?? '0') <= BigInt(f) && BigInt(d.viewToNs ?? '0') >= BigInt(t) && BigInt(d.spanNs ?? '0') < (BigInt(t) - BigInt(f)) * 2n;
    }, [TK, from.toString(), to.toString()] as const, { timeout: 10_000 });
  });

  it('"Open as query" puts the SQL in the editor and its result has the panel\'s rows', async () => {
    const rows = await panelRows(page);
    const sql = (await page.getAttribute(PANEL, 'data-sql')) ?? '';
    expect(sql).toMatch(/^-- Area selection of run \d+/);
    await page.click('[data-testid="area-open-query"]');
    const status = '[data-testid="result-status"]';
    await page.waitForFunction(
      (sel) => /\d[\d,]* rows?/.test(document.querySelector(sel)?.textContent ?? '') && !/running/i.test(document.querySelector(sel)?.textContent ?? ''),
      status,
      { timeout: 60_000 },
    );
    const editorText = ((await page.textContent('[data-testid="editor"] .view-lines')) ?? '').replace(/\u00a0/g, ' ');
    expect(editorText).toContain('Area selection of run');
    expect(await page.textContent(status)).toMatch(new RegExp(`\\b${rows.length} rows?`));
    // The same SQL through the API gives the panel's rows, in its order.
    const again = await queryRows(wb.served.url, sql);
    expect(again.map((r) => String(r[0]))).toEqual(rows.map((r) => r.track_id));
    expect(again.map((r) => String(r[3]))).toEqual(rows.map((r) => r.items));
  });

  it('"Add to report" adds the table as a report item; Esc clears the selection', async () => {
    await page.getByRole('tab', { name: /timeline/i }).click();
    await page.waitForSelector(`${PANEL}:not([hidden])`);
    await page.click('[data-testid="area-add-report"]');
    await page.waitForFunction(() => document.querySelector('.ptab[data-page="report"]')?.textContent === 'Report (1)', undefined, { timeout: 10_000 });
    expect(await page.textContent(PANEL)).toMatch(/Added to report/);
    await page.locator(`${TK} canvas.tk-lanes`).focus();
    await page.keyboard.press('Escape');
    await page.waitForSelector(PANEL, { state: 'hidden' });
    expect(await page.isVisible('[data-testid="area-band"]')).toBe(false);
    expect(wb.errors).toEqual([]);
  });
});
