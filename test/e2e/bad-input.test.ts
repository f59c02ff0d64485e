// Bad input through the UI: a file that is no trace gets a readable one-line error naming it,
// the page keeps working, and the traces already there stay.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES, scratch } from '../helpers/paths.ts';
import { prng } from '../helpers/prng.ts';
import { chromiumAvailable, shot } from '../helpers/harness.ts';
import { openWorkbench, type Workbench } from '../helpers/e2e/workbench.ts';

const A = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');
const maybe = chromiumAvailable() ? describe : describe.skip;

maybe('bad input in the browser UI', () => {
  let wb: Workbench;
  const tmp = scratch('qtw-e2e-bad-');

  beforeAll(async () => {
    wb = await openWorkbench([path.join(A, 'src.log.gz'), path.join(A, 'dst.log.gz')], { ingestDone: true });
  }, 180_000);
  afterAll(async () => {
    await wb?.close();
    tmp.cleanup();
  });

  it('reports random bytes as not a trace, by name, and keeps the workspace usable', async () => {
    const rnd = prng(7);
    const bytes = Buffer.alloc(20_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
    const file = path.join(tmp.dir, 'random-bytes.bin');
    writeFileSync(file, bytes);
    const { page } = wb;
    await page.setInputFiles('[data-testid="open-files-input"]', file);
    const progress = page.locator('[data-testid="import-progress"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="import-progress"]')?.getAttribute('data-state') === 'error', undefined, { timeout: 30_000 });
    const text = (await progress.textContent()) ?? '';
    // One readable line naming the file; no stack trace.
    expect(text).toMatch(/random-bytes\.bin: offset 0: [^\n]*trace/);
    expect(text).not.toMatch(/\s+at \S+ \(|node:internal|\.ts:\d+/);
    await shot(page, 'bad-input-01');
    expect(await page.locator('[data-trace-id]').count()).toBe(2);
    // The page was opened before the first import ended; its hint caught up with the traces.
    await expect(page.locator('[data-testid="results-grid"]').textContent()).resolves.not.toMatch(/No traces in this workspace/);
    expect(wb.errors).toEqual([]);
  });
});
