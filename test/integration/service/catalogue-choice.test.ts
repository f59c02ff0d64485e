// The catalogue chosen per trace when none is given: every QEMU release is built in, and each
// trace is typed with the one that types most of its head. Real traces (the bundled sample and
// ../shared/samples) must type as completely, with the same migration_overview, as with the
// catalogue of the build that wrote them; a file that types nothing says why and what to do.
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { detectTraceCatalogues } from '../../../src-main/service/catalogues.ts';
import { loadRelease } from '../../../src-main/catalogue/index.ts';
import { SimpletraceWriter } from '../../helpers/simpletrace-writer.ts';
import { DEBIAN_72, REPO, SAMPLES, scratch } from '../../helpers/paths.ts';

const tmp = scratch('qtw-catalogue-choice-');
afterAll(() => tmp.cleanup());

type Row = unknown[];

async function rows(engine: WorkspaceEngine, sql: string): Promise<Row[]> {
  const out: Row[] = [];
  await engine.streamQuery(sql, { columns() {}, rows: (r) => void out.push(...r) });
  return out;
}

const BUNDLED = path.join(REPO, 'resources/samples/qemu-7.2.22-precopy');
const Q10 = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const Q72 = path.join(SAMPLES, 'qemu-7.2.22-log');

let n = 0;
/** Ingests into a fresh workspace; returns per-trace facts and the migration overview. */
async function ingestAll(inputs: string[], catalogues: string[]) {
  const engine = await WorkspaceEngine.open(path.join(tmp.dir, `ws${n++}.duckdb`));
  try {
    const summary = await engine.openInputs(inputs, { catalogues });
    expect(summary.errors).toEqual([]);
    expect(summary.traces).toHaveLength(inputs.length);
    const traces = await rows(
      engine,
      `SELECT path, unparsed, catalogue_misfits, events, catalogue_id, catalogue_version, catalogue_fit FROM traces ORDER BY path`,
    );
    const overview = await rows(engine, `SELECT * EXCLUDE (run_id, trace_id) FROM migration_overview ORDER BY side, attempt`);
    return { traces, overview };
  } finally {
    engine.close();
  }
}

/** Every trace of a migration, with no catalogue given and with the one of the build that wrote it. */
async function sameAsRightCatalogue(inputs: string[], right: string) {
  const auto = await ingestAll(inputs, []);
  const given = await ingestAll(inputs, [right]);
  for (const t of auto.traces) {
    expect(t[1], `${t[0]} unparsed`).toBe(0n);
    expect(Number(t[2]), `${t[0]} misfits`).toBe(0);
    expect(t[5], `${t[0]} version`).not.toBeNull();
    expect(t[6], `${t[0]} fit`).toBe(1);
  }
  // Same records typed, whichever catalogue of those that fit was used.
  expect(auto.traces.map((t) => [t[0], t[1], t[3]])).toEqual(given.traces.map((t) => [t[0], t[1], t[3]]));
  expect(auto.overview).toEqual(given.overview);
  return auto;
}

describe('no --catalogue: the release that types the trace', () => {
  it('the bundled 7.2 sample types completely, with its downtime (it was NULL with the migration catalogue alone)', async () => {
    const auto = await sameAsRightCatalogue([path.join(BUNDLED, 'src.log.gz'), path.join(BUNDLED, 'dst.log.gz')], path.join(BUNDLED, 'trace-events-all'));
    const src = auto.overview.find((r) => r[0] === 'src') as Row;
    expect(src[8]).toBe(26.915);
    for (const t of auto.traces) expect(String(t[4])).toMatch(/^qemu-(7\.2\.22-debian|[5-8]\.2\.0)\/trace-events-all@/);
  }, 300_000);

  it('the QEMU 7.2.22 samples of shared/samples (precopy, multifd, no timestamps)', async () => {
    await sameAsRightCatalogue([path.join(Q72, 'a-precopy/src.log.gz'), path.join(Q72, 'a-precopy/dst.log.gz')], DEBIAN_72);
    await sameAsRightCatalogue([path.join(Q72, 'b-multifd4/src.log'), path.join(Q72, 'b-multifd4/dst.log.gz')], DEBIAN_72);
    await sameAsRightCatalogue(
      [path.join(Q72, 'qemu-7.2.22-log-nots-multifd-src.log'), path.join(Q72, 'qemu-7.2.22-log-nots-multifd-dst.log')],
      DEBIAN_72,
    );
  }, 600_000);

  it('the QEMU 10.2.50 samples (log and simpletrace) are typed with that release', async () => {
    const cat = path.join(Q10, 'trace-events-all');
    for (const pair of [
      ['src.log.gz', 'dst.log.gz'],
      ['src.simple.gz', 'dst.simple.gz'],
    ]) {
      const auto = await sameAsRightCatalogue(
        pair.map((f) => path.join(Q10, f)),
        cat,
      );
      for (const t of auto.traces) expect(t[5]).toBe('10.2.50');
    }
  }, 600_000);

  it('the simpletrace examples type with 0 unparsed', async () => {
    for (const name of ['simpletrace-v4-example', 'simpletrace-v4-multi']) {
      const file = path.join(SAMPLES, 'simpletrace', `${name}.bin`);
      const auto = await ingestAll([file], []);
      const given = await ingestAll([file], [path.join(SAMPLES, 'simpletrace', `${name}.trace-events`)]);
      expect(auto.traces[0][1]).toBe(0n);
      expect(auto.traces[0][3]).toBe(given.traces[0][3]);
    }
  }, 120_000);
});

describe('a browser upload names no catalogue', () => {
  it('a 10.2 trace added to a workspace holding a 7.2 trace types with 0 unparsed', async () => {
    // As `qtw serve --catalogue <7.2>` does: its catalogues are the defaults of every upload.
    const svc = await EngineService.open(path.join(tmp.dir, 'served.duckdb'), { host: 'server', defaultCatalogues: [DEBIAN_72] });
    try {
      await svc.call('openInputs', { paths: [path.join(BUNDLED, 'src.log.gz')], options: {} });
      await svc.jobsIdle();
      await svc.call('openInputs', { paths: [path.join(Q10, 'src.log.gz')], options: {} });
      await svc.jobsIdle();
      const traces = await svc.call('listTraces', {});
      expect(traces.map((t) => [t.unparsed, t.catalogueMisfits, t.catalogueVersion, t.catalogueFit])).toEqual([
        [0, 0, '7.2.22', 1],
        [0, 0, '10.2.50', 1],
      ]);
      expect(traces[0].catalogueId).toMatch(/^qemu-7\.2\.22-debian\/trace-events-all@/);
    } finally {
      await svc.close();
    }
  }, 300_000);
});

describe('--catalogue', () => {
  it('names a release', async () => {
    const engine = await WorkspaceEngine.open(path.join(tmp.dir, 'release.duckdb'));
    try {
      const s = await engine.openInputs([path.join(Q72, 'qemu-7.2.22-log-nots-multifd-dst.log')], { catalogues: ['qemu-7.2.0'] });
      expect(s.errors).toEqual([]);
      const [[id, version, source]] = await rows(engine, `SELECT t.catalogue_id, t.catalogue_version, c.source FROM traces t JOIN catalogues c USING (catalogue_id)`);
      expect(String(id)).toMatch(/^qemu-7\.2\.0\/trace-events-all@/);
      expect(version).toBe('7.2.0');
      expect(source).toBe('builtin:qemu-7.2.0');
    } finally {
      engine.close();
    }
  }, 120_000);

  it('a given catalogue is a candidate: one that types less loses to the release that types all', async () => {
    const engine = await WorkspaceEngine.open(path.join(tmp.dir, 'given-loses.duckdb'));
    try {
      const s = await engine.openInputs([path.join(Q10, 'dst.log.gz')], { catalogues: [DEBIAN_72] });
      expect(s.errors).toEqual([]);
      expect(s.traces[0].unparsed).toBe(0);
      expect(s.traces[0].catalogueVersion).toBe('10.2.50');
    } finally {
      engine.close();
    }
  }, 120_000);
});

describe('detect', () => {
  it('ranks every candidate by records typed in the head, ties in order of preference', async () => {
    const [d] = await detectTraceCatalogues([path.join(Q10, 'src.log.gz')]);
    expect(d.error).toBeNull();
    expect(d.ranking[0]).toMatchObject({ catalogue: 'qemu-10.2.50-build', version: '10.2.50' });
    expect(d.ties).toEqual(['qemu-10.2.50']);
    const top = d.ranking[0];
    expect(top.typed).toBe(top.records);
    for (let i = 1; i < d.ranking.length; i++) {
      const [a, b] = [d.ranking[i - 1], d.ranking[i]];
      expect(a.typed - (a.records - a.typed)).toBeGreaterThanOrEqual(b.typed - (b.records - b.typed));
    }
    // A 7.2 build lacks events this 10.2.50 trace has.
    const old = d.ranking.find((f) => f.catalogue === 'qemu-7.2.22-debian');
    expect(old !== undefined && old.typed < old.records).toBe(true);
  }, 120_000);
});

describe('a file that types nothing', () => {
  it('says what was seen and what to do, in one line naming the file', async () => {
    const names = ['frobnicate_open_out', 'frobnicate_close', 'widget_spin'];
    const lines = Array.from({ length: 42 }, (_, i) => `4242@1700000000.${String(i).padStart(6, '0')}:${names[i % 3]} dev=${i} len=${i * 2}`);
    const file = path.join(tmp.dir, 'unknown.log');
    writeFileSync(file, lines.join('\n') + '\n');
    const engine = await WorkspaceEngine.open(path.join(tmp.dir, 'nothing.duckdb'));
    try {
      const s = await engine.openInputs([file], {});
      expect(s.traces).toEqual([]);
      expect(s.errors).toEqual([
        `${file}: 42 lines look like QEMU trace records (\`frobnicate_open_out\`, \`frobnicate_close\`, \`widget_spin\`) but no built-in release has these events: pass --catalogue with the trace-events-all of the QEMU build that wrote them`,
      ]);
      expect(await rows(engine, 'SELECT count(*) FROM traces')).toEqual([[0n]]);
      // With the catalogue of the build that wrote them it types.
      const cat = path.join(tmp.dir, 'trace-events');
      writeFileSync(cat, names.map((n) => `${n}(int dev, int len) "dev=%d len=%d"`).join('\n') + '\n');
      const ok = await engine.openInputs([file], { catalogues: [cat] });
      expect(ok.errors).toEqual([]);
      expect(ok.traces[0]).toMatchObject({ events: 42, unparsed: 0, catalogueVersion: null, catalogueFit: 1 });
    } finally {
      engine.close();
    }
  }, 120_000);

  it('is an error, not a skipped companion, when found in a folder beside a trace (no-prefix log)', async () => {
    const dir = path.join(tmp.dir, 'folder-with-unknown');
    mkdirSync(dir);
    const names = ['frobnicate_open_out', 'frobnicate_close', 'widget_spin'];
    writeFileSync(path.join(dir, 'unknown.log'), Array.from({ length: 60 }, (_, i) => `${names[i % 3]} dev=${i} len=${i * 2}`).join('\n') + '\n');
    writeFileSync(path.join(dir, 'NOTES.txt'), 'how this run was made: see the bug report\n');
    copyFileSync(path.join(BUNDLED, 'dst.log.gz'), path.join(dir, 'dst.log.gz'));
    const engine = await WorkspaceEngine.open(path.join(tmp.dir, 'folder.duckdb'));
    try {
      const s = await engine.openInputs([dir], {});
      expect(s.traces.map((t) => path.basename(t.path))).toEqual(['dst.log.gz']);
      expect(s.errors).toEqual([
        `${path.join(dir, 'unknown.log')}: 60 lines look like QEMU trace records (\`frobnicate_open_out\`, \`frobnicate_close\`, \`widget_spin\`) but no built-in release has these events: pass --catalogue with the trace-events-all of the QEMU build that wrote them`,
      ]);
      expect(s.skipped.map((k) => path.basename(k.path))).toEqual(['NOTES.txt']);
    } finally {
      engine.close();
    }
  }, 120_000);

  it('says when the events are known but no release declares them with this format', async () => {
    const lines = Array.from({ length: 5 }, (_, i) => `4242@1700000000.${String(i).padStart(6, '0')}:migrate_set_state not a state at all ${i}`);
    const file = path.join(tmp.dir, 'misfit.log');
    writeFileSync(file, lines.join('\n') + '\n');
    const engine = await WorkspaceEngine.open(path.join(tmp.dir, 'misfit.duckdb'));
    try {
      const s = await engine.openInputs([file], {});
      expect(s.errors).toHaveLength(1);
      expect(s.errors[0]).toMatch(/misfit\.log: 5 lines look like QEMU trace records \(`migrate_set_state`\) but none fits the format of its event in any built-in release: pass --catalogue/);
    } finally {
      engine.close();
    }
  }, 120_000);
});

describe('positional simpletrace streams (v3: ids are catalogue positions)', () => {
  const build = loadRelease('qemu-10.2.50-build');
  const names = ['migrate_set_state', 'runstate_set', 'vm_state_notify', 'savevm_section_start'];
  const values: Record<string, (i: number) => (string | number | bigint | boolean)[]> = {
    migrate_set_state: (i) => [['setup', 'active', 'completed'][i % 3]],
    runstate_set: (i) => [i % 9, `state${i}`, 7, 'running'],
    vm_state_notify: (i) => [i % 2, i % 9, `reason${i}`],
    savevm_section_start: (i) => [`ram${i}`, i],
  };

  function stream(extra?: (w: SimpletraceWriter) => void): Uint8Array {
    const w = new SimpletraceWriter({ littleEndian: true, version: 3 });
    for (let i = 0; i < 40; i++) {
      const e = build.get(names[i % names.length])!;
      const v = values[e.name](i);
      expect(v, e.name).toHaveLength(e.args.length);
      w.event(e.position, 1_000_000n + BigInt(i), 77, e.args, v);
    }
    extra?.(w);
    return w.bytes();
  }

  it('are typed with the build whose positions decode them without overruns', async () => {
    const file = path.join(tmp.dir, 'v3.bin');
    writeFileSync(file, stream());
    const engine = await WorkspaceEngine.open(path.join(tmp.dir, 'v3.duckdb'));
    try {
      const s = await engine.openInputs([file], {});
      expect(s.errors).toEqual([]);
      expect(s.traces[0]).toMatchObject({ events: 40, unparsed: 0, catalogueVersion: '10.2.50', catalogueFit: 1 });
      expect(s.traces[0].catalogueId).toMatch(/^qemu-10\.2\.50-build\//);
      const states = await rows(engine, 'SELECT new_state FROM migrate_set_state ORDER BY seq');
      expect(states.map((r) => r[0])).toEqual(Array.from({ length: 10 }, (_, k) => ['setup', 'active', 'completed'][(4 * k) % 3]));
    } finally {
      engine.close();
    }
  }, 120_000);

  it('are refused, naming the candidates, when none decodes them cleanly; a given catalogue is used as asked', async () => {
    const file = path.join(tmp.dir, 'v3-bad.bin');
    // A record whose id is past the end of every catalogue.
    writeFileSync(file, stream((w) => w.rawEvent(60_000, 2_000_000n, 77, new Uint8Array(8))));
    const engine = await WorkspaceEngine.open(path.join(tmp.dir, 'v3-bad.duckdb'));
    try {
      const s = await engine.openInputs([file], {});
      expect(s.traces).toEqual([]);
      expect(s.errors).toHaveLength(1);
      expect(s.errors[0]).toMatch(
        /^\S+v3-bad\.bin: a v3 simpletrace stream numbers its events by their position in the catalogue, and no candidate decodes its first 41 records without overruns; at best 40 with qemu-10\.2\.50-build \(tried qemu-10\.2\.50-build, qemu-10\.2\.50, .*, qemu-5\.2\.0, embedded:migration\): pass --catalogue with the trace-events-all of the QEMU build that wrote it$/,
      );
      const given = await engine.openInputs([file], { catalogues: [path.join(Q10, 'trace-events-all')] });
      expect(given.errors).toEqual([]);
      expect(given.traces[0]).toMatchObject({ events: 40, unparsed: 1 });
    } finally {
      engine.close();
    }
  }, 120_000);
});

describe('catalogue tie-breaks by what the head says of its QEMU', () => {
  /** A `-msg timestamp=on` log of 7.2 (TID@SEC.USEC prefix): every release from 5.2 types it alike. */
  const OLD_PREFIX = [
    '27495@1795635788.367529:migrate_set_state new state setup',
    '27968@1795635788.370275:migrate_set_state new state active',
    '27968@1795635788.370302:savevm_section_start ram, section_id 2',
    '27968@1795635790.100000:migrate_set_state new state completed',
  ];
  const write = (name: string, lines: string[]): string => {
    const f = path.join(tmp.dir, name);
    writeFileSync(f, lines.join('\n') + '\n');
    return f;
  };
  const minor = (v: string | null): number => {
    const m = /^(\d+)\.(\d+)/.exec(v ?? '');
    return m === null ? NaN : Number(m[1]) * 100 + Number(m[2]);
  };

  it('prefers a release before 10.1 for TID@SEC.USEC prefixes, and still names the ties', async () => {
    const [d] = await detectTraceCatalogues([write('old-prefix.log', OLD_PREFIX)]);
    expect(d.error).toBeNull();
    expect(minor(d.ranking[0].version)).toBeLessThan(1001);
    expect(d.ranking[0].typed).toBe(OLD_PREFIX.length);
    // Releases of 10.1 on type it as well: a tie, said as such.
    expect(d.ties.some((t) => minor(t.replace(/^qemu-/, '')) >= 1001)).toBe(true);
    // Ingest says why an older release than the newest tied one is used.
    const engine = await WorkspaceEngine.open(path.join(tmp.dir, 'old-prefix.duckdb'));
    try {
      const said: string[] = [];
      const s = await engine.openInputs([path.join(tmp.dir, 'old-prefix.log')], {}, { onMessage: (l) => said.push(l) });
      expect(s.traces[0].catalogueVersion).toBe(d.ranking[0].version);
      expect(said.filter((l) => l.includes('tie with'))).toEqual([expect.stringMatching(/: the newest release before 10\.1, the era of the log's prefix, is used \(pass --catalogue to choose\)$/)]);
    } finally {
      engine.close();
    }
  }, 120_000);

  it('prefers a release from 10.1 on for ISO-8601 prefixes', async () => {
    const iso = OLD_PREFIX.map((l) => l.replace(/^\d+@(\d+)\.(\d+):/, (_, s: string, us: string) => `${new Date(Number(s) * 1000).toISOString().slice(0, 19)}.${us}Z `));
    const [d] = await detectTraceCatalogues([write('iso-prefix.log', iso)]);
    expect(d.error).toBeNull();
    expect(minor(d.ranking[0].version)).toBeGreaterThanOrEqual(1001);
  });

  it('ranks a catalogue that knows an event name above one that does not, even when the line misfits', async () => {
    // 7.2's migrate_pending (gone from 10.2.50), its message wrapped by a mailer: no release types
    // that line, but only those that have the event are the build that wrote it.
    const lines = [
      '27968@1795635788.370296:migration_thread_setup_complete',
      '27968@1795635788.370299:migrate_pending pending size 268967936 max 0',
      '(pre = 268967936 compat=0 post=0)',
      '27968@1795635788.370301:savevm_state_iterate',
      '27968@1795635788.370302:savevm_section_start ram, section_id 2',
    ];
    const [d] = await detectTraceCatalogues([write('wrapped-pending.log', lines)]);
    expect(d.error).toBeNull();
    const top = loadRelease(d.ranking[0].catalogue);
    expect(top?.get('migrate_pending')).toBeDefined();
  });
});
