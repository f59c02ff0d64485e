// The Timeline's Tracks mode on the QEMU 7.2 b-multifd4 sample (a source and a destination log,
// four multifd channels): the run's lanes (migration states, a lane per multifd thread), a hover
// over the source's `active` state (found from the log's own migrate_set_state lines) naming it,
// and W zooming in, after which the engine is asked for the new window. `qtw serve` in Debian's
// Chromium; screenshots in test-artifacts/e2e.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SAMPLES } from '../helpers/paths.ts';
import { chromiumAvailable, shot } from '../helpers/harness.ts';
import { openWorkbench, type Workbench } from '../helpers/e2e/workbench.ts';

const DIR = path.join(SAMPLES, 'qemu-7.2.22-log/b-multifd4');
const TK = '[data-testid="tracks"]';
const maybe = chromiumAvailable() ? describe : describe.skip;

interface Shown {
  lanes: string[];
  layout: { id: string; y: number; h: number }[];
  from: bigint;
  to: bigint;
  span: bigint;
  fetched: string;
  labelW: number;
}

async function shown(page: Page): Promise<Shown> {
  const d = await page.$eval(TK, (el) => ({ ...(el as HTMLElement).dataset }));
  return {
    lanes: (d.lanes ?? '').split('\n').filter(Boolean),
    layout: JSON.parse(d.layout ?? '[]') as Shown['layout'],
    from: BigInt(d.viewFromNs ?? '0'),
    to: BigInt(d.viewToNs ?? '0'),
    span: BigInt(d.spanNs ?? '0'),
    fetched: d.fetched ?? '',
    labelW: Number(d.labelW ?? '0'),
  };
}

/** The source log's `active` state: from its migrate_set_state line to the next one (ns, the log's clock). */
function activeSpan(): { from: bigint; to: bigint } {
  const text = readFileSync(path.join(DIR, 'src.log'), 'utf8');
  const states = [...text.matchAll(/^\d+@(\d+)\.(\d{6}):migrate_set_state new state (\S+)$/gm)].map((m) => ({
    ts: BigInt(m[1]) * 1_000_000_000n + BigInt(m[2]) * 1000n,
    name: m[3],
  }));
  const i = states.findIndex((s) => s.name === 'active');
  if (i < 0 || i + 1 >= states.length) throw new Error('the sample has no ended active state');
  return { from: states[i]!.ts, to: states[i + 1]!.ts };
}

/** The source log's first migrate_set_state (ns, the log's clock). */
function firstStateTs(): bigint {
  const m = /^\d+@(\d+)\.(\d{6}):migrate_set_state new state \S+$/m.exec(readFileSync(path.join(DIR, 'src.log'), 'utf8'));
  if (!m) throw new Error('the sample has no migrate_set_state line');
  return BigInt(m[1]) * 1_000_000_000n + BigInt(m[2]) * 1000n;
}

maybe('Timeline Tracks mode (QEMU 7.2 b-multifd4)', () => {
  let wb: Workbench;
  let page: Page;

  beforeAll(async () => {
    wb = await openWorkbench([path.join(DIR, 'src.log'), path.join(DIR, 'dst.log.gz')], { ingestDone: true });
    page = wb.page;
  }, 180_000);

  afterAll(async () => {
    await wb?.close();
  });

  it("draws the run's lanes: the migration states and one lane per multifd thread on each side", async () => {
    await page.getByRole('tab', { name: /timeline/i }).click();
    // Tracks is the Timeline's default view.
    expect(await page.$eval('[data-testid="timeline"]', (el) => (el as HTMLElement).dataset.mode)).toBe('tracks');
    await page.waitForFunction((sel) => ((document.querySelector(sel) as HTMLElement | null)?.dataset.lanes ?? '') !== '', TK, { timeout: 60_000 });
    const s = await shown(page);
    expect(s.lanes).toContain('Source migration state');
    // The relative axis: 0 is the migration start, the source's first migrate_set_state (the
    // source is the run's clock), read from the log itself.
    const zero = await page.$eval(TK, (el) => ({ ns: (el as HTMLElement).dataset.zeroNs ?? '', caption: (el as HTMLElement).dataset.zeroCaption ?? '' }));
    expect(zero.caption).toBe('0 = migration start');
    expect(BigInt(zero.ns)).toBe(firstStateTs());
    expect(s.lanes).toContain('Destination migration state');
    expect(s.lanes.filter((t) => /^Source multifd (thread|channel) \d+/.test(t))).toHaveLength(4);
    expect(s.lanes.filter((t) => /^Destination multifd (thread|channel) \d+/.test(t))).toHaveLength(4);
    // The whole run is shown: it holds the source's active state.
    const active = activeSpan();
    expect(s.from <= active.from && s.to >= active.to).toBe(true);
    expect(await page.isVisible('[data-testid="timeline"] .tl-legend')).toBe(false);
    await shot(page, 'timeline-tracks');
  });

  it("hovering the source state lane inside `active` shows that state's name and duration", async () => {
    const s = await shown(page);
    const active = activeSpan();
    const lane = s.layout.find((l) => l.id === 'states:src');
    if (!lane) throw new Error('no states:src lane');
    const box = await page.locator(`${TK} canvas.tk-lanes`).boundingBox();
    if (!box) throw new Error('no lanes canvas');
    const mid = (active.from + active.to) / 2n;
    const x = box.x + s.labelW + (Number(mid - s.from) / Number(s.span)) * (box.width - s.labelW);
    await page.mouse.move(x, box.y + lane.y + lane.h / 2);
    const hover = page.locator('[data-testid="tracks-hover"]');
    await hover.waitFor({ state: 'visible', timeout: 10_000 });
    const text = (await hover.textContent()) ?? '';
    expect(text).toContain('active');
    expect(text).toContain('Source migration state');
    expect(text).toMatch(/duration \d/);
    await shot(page, 'timeline-tracks-hover');
  });

  it('W zooms in around the middle and the window is fetched again', async () => {
    const before = await shown(page);
    await page.locator(`${TK} canvas.tk-lanes`).focus();
    await page.keyboard.press('w');
    await page.keyboard.press('w');
    await page.waitForFunction(([sel, span]) => BigInt((document.querySelector(sel) as HTMLElement).dataset.spanNs ?? '0') < BigInt(span), [TK, before.span.toString()] as const);
    await page.waitForFunction((sel) => {
      const d = (document.querySelector(sel) as HTMLElement).dataset;
      return d.fetched === `${d.viewFromNs}-${d.viewToNs}`;
    }, TK, { timeout: 30_000 });
    const after = await shown(page);
    expect(after.span < before.span).toBe(true);
    expect(after.from > before.from && after.to < before.to).toBe(true);
    // The lanes stay the run's while zoomed.
    expect(after.lanes).toEqual(before.lanes);
    await page.mouse.move(10, 10);
    await shot(page, 'timeline-tracks-zoomed');
  });

  it('zooming back to a window shown a moment ago draws it again from the kept reply, the same as fetched', async () => {
    const lanes = page.locator(`${TK} canvas.tk-lanes`);
    const whole = async () => page.waitForFunction((sel) => (document.querySelector(sel) as HTMLElement).dataset.fetched === 'all', TK, { timeout: 30_000 });
    // The zoomed window fetched and drawn, and its phases marked.
    const zoomed = async () => page.waitForFunction((sel) => {
      const d = (document.querySelector(sel) as HTMLElement).dataset;
      return d.fetched === `${d.viewFromNs}-${d.viewToNs}` && d.fetchDrawn === d.fetchSeq && (JSON.parse(d.fetchPhases ?? '{}') as { seq?: number }).seq === Number(d.fetchSeq);
    }, TK, { timeout: 30_000 });
    const phases = async () => page.evaluate((sel) => {
      const d = (document.querySelector(sel) as HTMLElement).dataset;
      return { seq: d.fetchSeq ?? '', phases: JSON.parse(d.fetchPhases ?? '{}') as { seq?: number; cached?: number }, layout: d.layout ?? '', fetched: d.fetched ?? '' };
    }, TK);
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    await whole();
    await lanes.focus();
    await page.keyboard.press('w');
    await zoomed();
    const first = await phases();
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    await whole();
    await lanes.focus();
    await page.keyboard.press('w');
    await zoomed();
    const again = await phases();
    expect(again.fetched).toBe(first.fetched);
    expect(Number(again.seq)).toBeGreaterThan(Number(first.seq));
    expect(again.phases.cached).toBe(1);
    expect(again.layout).toBe(first.layout);
  });

  it("hovering a source multifd thread's lane at a packet the log sent names a packet of that lane", async () => {
    const m = /^(\d+)@(\d+)\.(\d{6}):multifd_send channel \d+ packet_num \d+/m.exec(readFileSync(path.join(DIR, 'src.log'), 'utf8'));
    if (!m) throw new Error('no multifd_send line');
    const ts = BigInt(m[2]) * 1_000_000_000n + BigInt(m[3]) * 1000n;
    await page.getByRole('button', { name: 'Reset zoom' }).and(page.locator(`${TK} button`)).click();
    await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLElement).dataset.fetched === 'all', TK);
    const s = await shown(page);
    expect(ts >= s.from && ts <= s.to).toBe(true);
    const lane = s.layout.find((l) => l.id === `multifd:src:tid:${m[1]}`);
    if (!lane) throw new Error(`no lane for thread ${m[1]}`);
    const scroller = page.locator(`${TK} .tl-scroller`);
    await scroller.evaluate((el, y) => el.scrollTo(0, Math.max(0, y - 40)), lane.y);
    const box = await page.locator(`${TK} canvas.tk-lanes`).boundingBox();
    if (!box) throw new Error('no lanes canvas');
    const x = box.x + s.labelW + (Number(ts - s.from) / Number(s.span)) * (box.width - s.labelW);
    await page.mouse.move(x, box.y + lane.y + lane.h / 2);
    const hover = page.locator('[data-testid="tracks-hover"]');
    await hover.waitFor({ state: 'visible', timeout: 10_000 });
    const text = (await hover.textContent()) ?? '';
    expect(text).toMatch(/packet \d+/);
    expect(text).toContain(`Source multifd thread ${m[1]}`);
    await shot(page, 'timeline-tracks-packet');
    expect(wb.errors).toEqual([]);
  });

  it('lanes sit in groups (Migration, Source, Destination); a click on a group header folds it and a second unfolds it', async () => {
    await page.locator(`${TK} .tl-scroller`).evaluate((el) => el.scrollTo(0, 0));
    const groups = async () => JSON.parse((await page.$eval(TK, (el) => (el as HTMLElement).dataset.groups)) ?? '[]') as { key: string; title: string; y: number; collapsed: boolean; count: number }[];
    const g = await groups();
    expect(g.map((x) => x.title)).toEqual(['Migration', 'Source', 'Destination']);
    const before = await shown(page);
    // Source channel N and destination channel N at the same rank within their group.
    const chans = (side: string) => before.layout.filter((l) => l.id.startsWith(`multifd:${side}:`)).map((l) => before.lanes[before.layout.indexOf(l)]);
    expect(chans('src')).toHaveLength(4);
    const dst = g.find((x) => x.key === 'dst')!;
    await page.locator(`${TK} .tl-scroller`).evaluate((el, y) => el.scrollTo(0, Math.max(0, y - 20)), dst.y);
    const box = await page.locator(`${TK} canvas.tk-lanes`).boundingBox();
    if (!box) throw new Error('no lanes canvas');
    await page.mouse.click(box.x + 40, box.y + dst.y + 5);
    await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLElement).dataset.groups?.includes('"collapsed":true'), TK);
    const folded = await shown(page);
    expect(folded.lanes.filter((t) => t.startsWith('Destination') && !/migration state|downtime/.test(t))).toEqual([]);
    expect(folded.lanes.length).toBe(before.lanes.length - dst.count);
    expect((await groups()).find((x) => x.key === 'dst')).toMatchObject({ collapsed: true, count: dst.count });
    await shot(page, 'timeline-tracks-folded');
    // The lanes got shorter: the scroller may have moved, so the header is found again.
    await page.locator(`${TK} .tl-scroller`).evaluate((el, y) => el.scrollTo(0, Math.max(0, y - 20)), dst.y);
    const box2 = await page.locator(`${TK} canvas.tk-lanes`).boundingBox();
    if (!box2) throw new Error('no lanes canvas');
    await page.mouse.click(box2.x + 40, box2.y + dst.y + 5);
    await page.waitForFunction((sel) => !(document.querySelector(sel) as HTMLElement).dataset.groups?.includes('"collapsed":true'), TK);
    expect((await shown(page)).lanes).toEqual(before.lanes);
  });

  it('a lane title too long for the label column is cut with an ellipsis and shown whole as the tooltip', async () => {
    await page.setViewportSize({ width: 700, height: 800 });
    const s = await shown(page);
    const lane = s.layout.find((l) => l.id.startsWith('multifd:dst:'))!;
    const title = s.lanes[s.layout.indexOf(lane)]!;
    await page.locator(`${TK} .tl-scroller`).evaluate((el, y) => el.scrollTo(0, Math.max(0, y - 40)), lane.y);
    const box = await page.locator(`${TK} canvas.tk-lanes`).boundingBox();
    if (!box) throw new Error('no lanes canvas');
    await page.mouse.move(box.x + 30, box.y + lane.y + lane.h / 2);
    await page.waitForFunction(([sel, t]) => (document.querySelector(sel) as HTMLCanvasElement).title.startsWith(t), [`${TK} canvas.tk-lanes`, title] as const);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('with few items per track, thinned lanes draw their buckets and a hover over one counts what it holds', async () => {
    // 8 items per track: the multifd lanes (hundreds of packets) are thinned.
    await page.evaluate(() => localStorage.setItem('qtw.tracks.maxItems', '8'));
    await page.reload();
    await page.getByRole('tab', { name: /timeline/i }).click();
    await page.waitForFunction((sel) => ((document.querySelector(sel) as HTMLElement | null)?.dataset.layout ?? '').includes('"buckets":'), TK, { timeout: 60_000 });
    await page.waitForFunction((sel) => Number((document.querySelector(sel) as HTMLElement).dataset.drawn ?? '0') > 0, TK);
    const s = await shown(page);
    const layout = JSON.parse((await page.$eval(TK, (el) => (el as HTMLElement).dataset.layout)) ?? '[]') as { id: string; y: number; h: number; buckets: number }[];
    const lane = layout.find((l) => l.id.startsWith('multifd:src:') && l.buckets > 0);
    if (!lane) throw new Error(`no thinned multifd lane: ${JSON.stringify(layout)}`);
    const m = /^(\d+)@(\d+)\.(\d{6}):multifd_send channel \d+ packet_num \d+/m.exec(readFileSync(path.join(DIR, 'src.log'), 'utf8'));
    const lanes = page.locator(`${TK} canvas.tk-lanes`);
    await page.locator(`${TK} .tl-scroller`).evaluate((el, y) => el.scrollTo(0, Math.max(0, y - 40)), lane.y);
    const box = await lanes.boundingBox();
    if (!box || !m) throw new Error('no lanes canvas or multifd_send line');
    // Somewhere along the lane a bucket is shaded: pixels other than the background.
    const shaded = await lanes.evaluate((c, y) => {
      const el = c as HTMLCanvasElement;
      const k = el.width / el.clientWidth;
      const px = el.getContext('2d')!.getImageData(0, Math.round(y * k), el.width, 1).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i + 3]! > 0 && i / 4 > 240 * k) n++;
      return n;
    }, lane.y + 2);
    expect(shaded).toBeGreaterThan(0);
    await page.mouse.move(10, 10);
    let found = '';
    for (let f = 0.02; f < 1 && !found; f += 0.02) {
      await page.mouse.move(box.x + s.labelW + f * (box.width - s.labelW), box.y + lane.y + lane.h - 2);
      const text = (await page.locator('[data-testid="tracks-hover"]').textContent()) ?? '';
      if (/in this span \(thinned: zoom in\)/.test(text) && (await page.isVisible('[data-testid="tracks-hover"]'))) found = text;
    }
    expect(found).toMatch(/[\d,]+ slices? in this span \(thinned: zoom in\)/);
    expect(found).toMatch(/duration min .* max /);
    await shot(page, 'timeline-tracks-thinned');
    await page.evaluate(() => localStorage.removeItem('qtw.tracks.maxItems'));
    expect(wb.errors).toEqual([]);
  });
});
