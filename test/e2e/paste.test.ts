// "Paste trace" in the browser UI: a trace quoted in a mail reply, pasted into the dialog (typed,
// and read from the clipboard), is uploaded as a file and ingested like any other: its card
// appears, marked as pasted with what was removed, and its records are typed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES } from '../helpers/paths.ts';
import { chromiumAvailable, shot } from '../helpers/harness.ts';
import { openWorkbench, waitForIngestDone, type Workbench } from '../helpers/e2e/workbench.ts';

const A = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');
const maybe = chromiumAvailable() ? describe : describe.skip;
const REAL = gunzipSync(readFileSync(path.join(A, 'src.log.gz')))
  .toString('utf8')
  .split('\n')
  .filter((l) => l.length > 0);

maybe('pasting a trace in the browser UI', () => {
  let wb: Workbench;

  beforeAll(async () => {
    wb = await openWorkbench([path.join(A, 'src.log.gz'), path.join(A, 'dst.log.gz')], { ingestDone: true, clipboard: true });
  }, 180_000);
  afterAll(async () => {
    await wb?.close();
  });

  async function pastedCards(): Promise<{ name: string; pasted: string | null; records: string }[]> {
    return wb.page.$$eval('[data-trace-id]', (cards) =>
      cards
        .filter((c) => /pasted-/.test(c.querySelector('.trace-name')?.textContent ?? ''))
        .map((c) => ({
          name: c.querySelector('.trace-name')?.textContent ?? '',
          pasted: c.querySelector('[data-testid="trace-pasted"]')?.getAttribute('title') ?? null,
          records: c.querySelector('.trace-counts')?.textContent ?? '',
        })),
    );
  }

  it('imports a trace quoted at depth 2, typed into the dialog, with a reply line in it', async () => {
    const { page } = wb;
    const quoted = ['On Tue, Someone wrote:', ...REAL.slice(0, 60).map((l) => `>> ${l}`), 'Looks fine to me.', ...REAL.slice(60, 120).map((l) => `> > ${l}`)].join('\n');
    await page.click('[data-testid="paste-trace"]');
    await page.waitForSelector('[data-testid="paste-dialog"][open]');
    await page.fill('[data-testid="paste-text"]', quoted);
    await shot(page, 'paste-01-dialog');
    await page.click('[data-testid="paste-import"]');
    await page.waitForSelector('[data-testid="paste-dialog"]:not([open])', { state: 'attached', timeout: 30_000 });
    await page.waitForFunction(() => [...document.querySelectorAll('[data-trace-id] .trace-name')].some((n) => /pasted-/.test(n.textContent ?? '')), undefined, { timeout: 60_000 });
    await waitForIngestDone(page);
    await shot(page, 'paste-02-card');
    const cards = await pastedCards();
    expect(cards).toHaveLength(1);
    expect(cards[0].name).toMatch(/pasted-\d{4}-\d\d-\d\dT[\d-]+Z\.log$/);
    expect(cards[0].pasted).toBe('removed from every line before reading: quote ">" depth 2');
    // 120 records and the two lines of prose around them, kept as unparsed.
    expect(cards[0].records).toMatch(/122 records.*2 unparsed/);
    expect(wb.errors).toEqual([]);
  });

  it('reads the clipboard into the dialog and imports an indented trace', async () => {
    const { page } = wb;
    const indented = REAL.slice(200, 260).map((l) => `    ${l}`).join('\n');
    await page.evaluate((t) => navigator.clipboard.writeText(t), indented);
    await page.click('[data-testid="paste-trace"]');
    await page.waitForSelector('[data-testid="paste-dialog"][open]');
    await page.click('[data-testid="paste-dialog"] >> text=From clipboard');
    await page.waitForFunction(() => ((document.querySelector('[data-testid="paste-text"]') as HTMLTextAreaElement | null)?.value.length ?? 0) > 0, undefined, { timeout: 10_000 });
    expect(await page.inputValue('[data-testid="paste-text"]')).toBe(indented);
    await page.click('[data-testid="paste-import"]');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-trace-id] .trace-name')].filter((n) => /pasted-/.test(n.textContent ?? '')).length === 2, undefined, { timeout: 60_000 });
    await waitForIngestDone(page);
    const cards = await pastedCards();
    expect(cards.map((c) => c.pasted)).toContain('removed from every line before reading: indent 4');
    expect(cards.find((c) => c.pasted?.endsWith('indent 4'))?.records).toMatch(/60 records.*0 unparsed/);
    expect(wb.errors).toEqual([]);
  });
});
