// Fleet figures for `npm run bench`: a 100-run workspace generated from the QEMU 7.2 samples, the
// fleet query over it, and the Migration page of one run. Prints numbers; asserts nothing.
//
// Each run is a folder (the run assignment pairs a folder's source and destination) holding a
// copy of a-precopy or b-multifd4 whose timestamps are moved (so every copy is a distinct trace:
// ingest skips a file whose sha256 is already there) and stretched by a few percent (a few runs
// by far more), so that the distributions have a spread and outliers to draw. The numbers are
// the samples' own, scaled: a bench fixture, not a measurement of any QEMU.
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { once } from 'node:events';
import { EngineService } from '../../src-main/service/api.ts';
import { DEBIAN_72, SAMPLES } from '../helpers/paths.ts';

const LOG72 = path.join(SAMPLES, 'qemu-7.2.22-log');
const SAMPLE = {
  precopy: { src: path.join(LOG72, 'a-precopy/src.log.gz'), dst: path.join(LOG72, 'a-precopy/dst.log.gz') },
  multifd4: { src: path.join(LOG72, 'b-multifd4/src.log'), dst: path.join(LOG72, 'b-multifd4/dst.log.gz') },
} as const;

const STAMP = /^(\d+)@(\d+)\.(\d{6}):/;

/**
 * Copy a 7.2 log with every `TID@SEC.USEC:` stamp mapped to origin + (t − first) × stretch + shift
 * (whole microseconds). `first` is the first stamp of the source trace, shared by both sides so
 * that source and destination stay in step.
 */
async function copyShifted(from: string, to: string, firstUs: number, stretch: number, shiftUs: number): Promise<void> {
  const input = createReadStream(from);
  const lines = createInterface({ input: from.endsWith('.gz') ? input.pipe(createGunzip()) : input, crlfDelay: Infinity });
  const out = createWriteStream(to);
  for await (const line of lines) {
    const m = STAMP.exec(line);
    let text = line;
    if (m) {
      const us = Number(m[2]) * 1e6 + Number(m[3]);
      const t = firstUs + Math.round((us - firstUs) * stretch) + shiftUs;
      text = `${m[1]}@${Math.floor(t / 1e6)}.${String(t % 1e6).padStart(6, '0')}:${line.slice(m[0].length)}`;
    }
    if (!out.write(text + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function firstStampUs(file: string): Promise<number> {
  const input = createReadStream(file);
  const lines = createInterface({ input: file.endsWith('.gz') ? input.pipe(createGunzip()) : input, crlfDelay: Infinity });
  for await (const line of lines) {
    const m = STAMP.exec(line);
    if (m) {
      lines.close();
      input.destroy();
      return Number(m[2]) * 1e6 + Number(m[3]);
    }
  }
  throw new Error(`${file}: no time stamp`);
}

/** Folders of `runs` runs under `dir`: one in four a-precopy, the rest b-multifd4. */
export async function generateFleet(dir: string, runs: number): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  const first = { precopy: await firstStampUs(SAMPLE.precopy.src), multifd4: await firstStampUs(SAMPLE.multifd4.src) };
  for (let k = 0; k < runs; k++) {
    const kind = k % 4 === 0 ? 'precopy' : 'multifd4';
    // A spread of ±10 %, and a few runs three times as slow: the outliers of the box plots.
    const stretch = k % 29 === 17 ? 3 : 0.9 + ((k * 37) % 21) / 100;
    const folder = path.join(dir, `${kind}-${String(k).padStart(3, '0')}`);
    mkdirSync(folder, { recursive: true });
    const shiftUs = (k + 1) * 3_600 * 1e6;
    await copyShifted(SAMPLE[kind].src, path.join(folder, 'src.log'), first[kind], stretch, shiftUs);
    await copyShifted(SAMPLE[kind].dst, path.join(folder, 'dst.log'), first[kind], stretch, shiftUs);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Time `f` `n` times: the first (cold) and the median of the rest. */
async function timed(n: number, f: () => Promise<unknown>): Promise<{ first: number; median: number }> {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    ts.push(performance.now() - t0);
  }
  return { first: ts[0]!, median: median(ts.slice(1).length ? ts.slice(1) : ts) };
}

export async function fleetFigures(benchDir: string, line: (label: string, value: string) => void, runs = 100): Promise<void> {
  const inputs = path.join(benchDir, 'fleet-inputs');
  const ws = path.join(benchDir, 'fleet.duckdb');
  // The generated workspace is the same every time: `--fleet-again` makes it anew.
  let t0 = performance.now();
  if (!existsSync(ws) || process.argv.includes('--fleet-again')) {
    rmSync(ws, { force: true });
    rmSync(`${ws}.wal`, { force: true });
    await generateFleet(inputs, runs);
    line(`fleet: ${runs} runs generated from the 7.2 samples`, `${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const w = await EngineService.open(ws, { host: 'cli' });
    try {
      t0 = performance.now();
      const r = await w.ingest([inputs], { catalogues: [DEBIAN_72] });
      line(`fleet: ingest of ${r.traces.length} traces (run assignment, analyses)`, `${((performance.now() - t0) / 1000).toFixed(1)} s${r.errors.length ? `, ${r.errors.length} errors: ${r.errors[0]}` : ''}`);
    } finally {
      await w.close();
    }
    rmSync(inputs, { recursive: true, force: true });
  } else {
    // A writable open refreshes the views and the fleet's per-trace measures (all of them when
    // an older qtw made the workspace).
    const w = await EngineService.open(ws, { host: 'cli' });
    await w.close();
    line(`fleet: ${path.basename(ws)} reused, writable open (refresh)`, `${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  // As a served session reads it: a fresh engine on the workspace, read-only.
  const svc = await EngineService.open(ws, { host: 'server', readOnly: true });
  try {
    let rows = 0;
    const fleet = await timed(5, async () => {
      const f = await svc.call('fleet', {});
      if (f.error !== null || f.missing !== null) throw new Error(f.error ?? f.missing ?? '');
      rows = f.rows.length;
    });
    line(`fleet query, ${rows} runs (goal < 200 ms)`, `${fleet.first.toFixed(0)} ms first, ${fleet.median.toFixed(0)} ms median of 4 more`);
    const list = await svc.call('listRuns', {});
    const pick = list[Math.floor(list.length / 2)];
    if (!pick) throw new Error('no runs were assigned');
    const page = await timed(5, () => svc.call('migrationPage', { runId: pick.runId, attempt: null }));
    line(`migrationPage of run ${pick.runId} of ${list.length} (goal < 1 s)`, `${page.first.toFixed(0)} ms first, ${page.median.toFixed(0)} ms median of 4 more`);
  } finally {
    await svc.close();
  }
}
