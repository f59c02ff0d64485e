// The Traces panel of a workspace of several migrations: cards grouped by run under a header that
// names it (label, QEMU version, how its sides were paired), a run renamed in place (and the name
// kept by the engine), and an alternate trace (the 10.2 simpletrace of the QEMU whose log is
// analysed) switched in as the analysed one, the other side following.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES } from '../helpers/paths.ts';
import { chromiumAvailable, shot } from '../helpers/harness.ts';
import { openWorkbench, type Workbench } from '../helpers/e2e/workbench.ts';

const A = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');
const Q10 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const maybe = chromiumAvailable() ? describe : describe.skip;

maybe('Traces panel grouped by run', () => {
  let wb: Workbench;

  beforeAll(async () => {
    wb = await openWorkbench(
      [path.join(A, 'src.log.gz'), path.join(A, 'dst.log.gz'), ...['src.log.gz', 'dst.log.gz', 'src.simple.gz', 'dst.simple.gz'].map((f) => path.join(Q10, f))],
      { ingestDone: true, catalogues: [] },
    );
  }, 240_000);
  afterAll(async () => {
    await wb?.close();
  });

  const groups = () =>
    wb.page.$$eval('[data-testid="run-group"]', (els) =>
      els.map((g) => ({
        title: g.querySelector('[data-testid="run-title"]')?.textContent ?? '',
        cards: [...g.querySelectorAll('[data-trace-id]')].map((c) => ({
          name: c.querySelector('.trace-name')?.textContent ?? '',
          alternate: c.querySelector('[data-testid="trace-alternate"]') !== null,
        })),
      })),
    );

  it('one group per migration, the analysed traces first and each alternate marked', async () => {
    await wb.page.waitForFunction(() => document.querySelectorAll('[data-testid="run-group"]').length === 2, undefined, { timeout: 60_000 });
    const g = await groups();
    expect(g.map((x) => x.title)).toEqual(['Run 1 · qemu-7.2.22-log/a-precopy · QEMU 7.2.22', 'Run 2 · qemu-10.2.50/a-precopy · QEMU 10.2.50']);
    expect(g[0].cards.map((c) => c.alternate)).toEqual([false, false]);
    expect(g[1].cards.map((c) => [path.basename(c.name), c.alternate])).toEqual([
      ['src.log.gz', false],
      ['dst.log.gz', false],
      ['src.simple.gz', true],
      ['dst.simple.gz', true],
    ]);
    await shot(wb.page, 'traces-runs-01-groups');
  });

  it('a run is renamed in place and the engine keeps the name', async () => {
    const { page } = wb;
    await page.click('[data-run-id="1"] [data-testid="rename-run"]');
    await page.fill('[data-testid="run-label-input"]', 'precopy 64 MiB/s');
    await page.press('[data-testid="run-label-input"]', 'Enter');
    await page.waitForFunction(() => document.querySelector('[data-run-id="1"] [data-testid="run-title"]')?.textContent?.includes('precopy 64 MiB/s'), undefined, { timeout: 30_000 });
    expect((await groups())[0].title).toBe('Run 1 · precopy 64 MiB/s · QEMU 7.2.22');
  });

  it('"Analyse this one" on the simpletrace destination makes both simpletraces the analysed pair', async () => {
    const { page } = wb;
    const alt = await page.$$('[data-run-id="2"] [data-testid="analyse-trace"]');
    expect(alt).toHaveLength(2);
    await alt[1].click();
    await page.waitForFunction(
      () => {
        const g = document.querySelectorAll('[data-testid="run-group"]')[1];
        const first = [...(g?.querySelectorAll('[data-trace-id]') ?? [])].slice(0, 2).map((c) => c.querySelector('.trace-name')?.textContent ?? '');
        return first.length === 2 && first.every((n) => n.endsWith('.simple.gz'));
      },
      undefined,
      { timeout: 60_000 },
    );
    const g = (await groups())[1];
    expect(g.cards.map((c) => [path.basename(c.name), c.alternate])).toEqual([
      ['src.simple.gz', false],
      ['dst.simple.gz', false],
      ['src.log.gz', true],
      ['dst.log.gz', true],
    ]);
    await shot(wb.page, 'traces-runs-02-switched');
    expect(wb.errors).toEqual([]);
  });
});
