// UI figures for `npm run bench`: page load → first result on the bundled sample, and the time to
// show an arbitrary page of a 10 M-row result. Needs Debian's Chromium; skipped without it.
import path from 'node:path';
import { rmSync } from 'node:fs';
import { REPO } from '../helpers/paths.ts';
import { chromiumAvailable, launchBrowser, startQtw } from '../helpers/harness.ts';
import { scrollGridTo } from '../helpers/e2e/grid-scroll.ts';

type Line = (label: string, value: string) => void;

export async function benchUi(line: Line, dir: string): Promise<void> {
  if (!chromiumAvailable()) {
    line('UI figures', 'skipped (no /usr/bin/chromium)');
    return;
  }
  const ws = path.join(dir, 'ui.duckdb');
  rmSync(ws, { force: true });
  rmSync(`${ws}.wal`, { force: true });
  const served = await startQtw('start', ['-o', ws], { CI: '1' });
  const browser = await launchBrowser();
  try {
    const warm = await browser.newPage();
    await warm.goto(served.url);
    await warm.waitForFunction(() => document.querySelectorAll('[data-trace-id]').length >= 2, undefined, { timeout: 120_000 });
    await warm.close();

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const t0 = performance.now();
    await page.goto(served.url);
    await page.waitForSelector('[data-testid="editor"] .monaco-editor .view-lines');
    await page.click('[data-testid="editor"] .monaco-editor .view-lines');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('SELECT side, ts_ns, new_state FROM migrate_set_state ORDER BY ts_ns');
    await page.click('[data-testid="run-query"]');
    await page.waitForSelector('[data-testid="results-grid"] [data-row-index] [data-col="0"]:not(.loading)');
    line('UI: page load → first result (bundled sample, warm server)', `${(performance.now() - t0).toFixed(0)} ms`);

    await page.click('[data-testid="editor"] .monaco-editor .view-lines');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('SELECT range AS i, range * 3 AS j, range % 97 AS k FROM range(10000000)');
    const q0 = performance.now();
    await page.click('[data-testid="run-query"]');
    await page.waitForFunction(() => /10,?000,?000 rows/.test(document.querySelector('[data-testid="result-status"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    line('UI: run a 10 M-row query until its first page shows', `${(performance.now() - q0).toFixed(0)} ms`);
    const times: number[] = [];
    for (const f of [0.7654, 0.1234, 0.5, 0.9999]) {
      const shown = await scrollGridTo(page, f, 10_000_000);
      if (shown.firstCell.replace(/\D/g, '') !== String(shown.firstIndex)) throw new Error(`grid shows row ${shown.firstIndex} with value ${shown.firstCell}`);
      times.push(shown.ms);
    }
    line('UI: show an arbitrary page of a 10 M-row result (4 jumps)', `${times.map((t) => t.toFixed(0)).join(' / ')} ms`);
  } finally {
    await browser.close();
    await served.stop();
  }
}

// Run alone: `npx tsx test/bench/ui-bench.ts`
if (process.argv[1] && path.resolve(process.argv[1]) === path.join(REPO, 'test/bench/ui-bench.ts')) {
  benchUi((l, v) => process.stdout.write(`${l.padEnd(58)} ${v}\n`), path.join(REPO, '.bench')).catch((e) => {
    process.stderr.write(`ui bench: ${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}
