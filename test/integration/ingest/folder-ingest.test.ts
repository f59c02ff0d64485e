// A CI output folder ingested as one input: files that are not traces (manifest.json, QMP
// transcripts, empty stderr files, the build's trace-events-all) are said in ONE line, each
// folder of a folder of runs is announced before its files, a file named on the command line that
// is not a trace is still an error, and nothing that holds trace records is passed over.
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';
import { engineRows } from '../../helpers/ingest-one.ts';

const A_PRECOPY = path.join(SAMPLES, 'qemu-10.2.50/a-precopy');
const RUNS_72 = path.join(SAMPLES, 'qemu-7.2.22-log');
const LOG_72 = path.join(RUNS_72, 'qemu-7.2.22-log-nots-multifd-src.log');

const tmp = scratch('qtw-folder-ingest-');
afterAll(() => tmp.cleanup());

let n = 0;
async function ingestWith(inputs: string[], catalogues: string[] = [], originalName?: (p: string) => string | null) {
  const engine = await WorkspaceEngine.open(path.join(tmp.dir, `ws-${++n}.duckdb`));
  const messages: string[] = [];
  const r = await engine.openInputs(inputs, { catalogues }, { onMessage: (l) => void messages.push(l) }, originalName);
  return { engine, r, messages };
}

describe('a CI output folder (QEMU 10.2.50 a-precopy) as one input', () => {
  it('says its non-trace files in one line, with no error, and ingests every trace in it', async () => {
    const { engine, r, messages } = await ingestWith([A_PRECOPY]);
    try {
      expect(r.errors).toEqual([]);
      const summaries = messages.filter((l) => l.includes('that are not traces'));
      expect(summaries).toEqual([
        `${A_PRECOPY}: skipped 6 files that are not traces: 5 JSON, 1 trace-events catalogue (manifest.json, qmp-events.json, query-migrate-dst.json, query-migrate-timeline.jsonl, …)`,
      ]);
      // No other line names a skipped file.
      for (const s of r.skipped) expect(messages.filter((l) => l.includes(s.path)), s.path).toEqual([]);
      // Every file of the folder is either a trace or one of the skipped, never both, never neither.
      const traced = r.traces.map((t) => path.basename(t.path));
      const skipped = r.skipped.map((s) => path.basename(s.path));
      expect([...traced, ...skipped].sort()).toEqual(readdirSync(A_PRECOPY).sort());
      expect(skipped.every((f) => /\.jsonl?$/.test(f) || f === 'trace-events-all')).toBe(true);
      // simpletrace.py's output is a trace format the product reads: it stays ingested.
      const formats = Object.fromEntries(r.traces.map((t) => [path.basename(t.path), t.format]));
      expect(formats['simpletrace-py-output.txt.gz']).toBe('simpletrace-py');
      expect(formats['simpletrace-py-output-dst.txt.gz']).toBe('simpletrace-py');
      expect(r.traces.every((t) => t.records > 0 && t.unparsed === 0 && t.error === null)).toBe(true);
      // The folder named is not announced: it holds no sub-folder.
      expect(messages.filter((l) => l.startsWith('folder '))).toEqual([]);
      // Plain files: the path is the user's own, original_name stays NULL.
      expect(await engineRows(engine, 'SELECT count(*) FROM traces WHERE original_name IS NOT NULL')).toEqual([[0n]]);
    } finally {
      engine.close();
    }
  });

  it('a JSON file named on the command line is a one-line error naming it', async () => {
    const file = path.join(A_PRECOPY, 'manifest.json');
    const { engine, r, messages } = await ingestWith([file]);
    try {
      expect(r.traces).toEqual([]);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: offset 0: JSON, not a QEMU trace \\(no QEMU trace records recognised in the first \\d+ lines\\)$`));
      expect(messages.filter((l) => l.includes('that are not traces'))).toEqual([]);
    } finally {
      engine.close();
    }
  });

  it('the build’s trace-events-all named on the command line: an error that says to pass it as a catalogue', async () => {
    const file = path.join(A_PRECOPY, 'trace-events-all');
    const { engine, r } = await ingestWith([file]);
    try {
      expect(r.errors).toEqual([`${file}: offset 0: a trace-events catalogue, not a trace: pass it with --catalogue`]);
    } finally {
      engine.close();
    }
  });
});

describe('a folder of runs', () => {
  it('announces each folder before its files, and says all non-trace files in one line at the end', async () => {
    const { engine, r, messages } = await ingestWith([RUNS_72], [DEBIAN_72]);
    try {
      expect(r.errors).toEqual([]);
      const folders = messages.filter((l) => l.startsWith('folder ')).map((l) => l.slice('folder '.length, l.indexOf(': ')));
      // The folder named is announced too, since its own files come after those of its sub-folders.
      expect(folders).toEqual([path.join(RUNS_72, 'a-precopy'), path.join(RUNS_72, 'b-multifd4'), RUNS_72]);
      expect(messages.find((l) => l.startsWith(`folder ${path.join(RUNS_72, 'a-precopy')}: `))).toMatch(
        new RegExp(`: ${readdirSync(path.join(RUNS_72, 'a-precopy')).length} files, [\\d.]+ MB$`),
      );
      // Every message about a file comes after the line of its folder and before the next folder's.
      const at = (l: string) => messages.indexOf(l);
      const folderAt = folders.map((f) => at(messages.find((l) => l.startsWith(`folder ${f}: `)) as string));
      for (const t of r.traces) {
        const i = folders.indexOf(path.dirname(t.path));
        for (const l of messages.filter((m) => m.startsWith(`${t.path}: `))) {
          expect(at(l)).toBeGreaterThan(folderAt[i]);
          if (i + 1 < folderAt.length) expect(at(l)).toBeLessThan(folderAt[i + 1]);
        }
      }
      const summary = messages.filter((l) => l.includes('that are not traces'));
      expect(summary).toHaveLength(1);
      expect(summary[0]).toBe(messages[messages.length - 1]);
      expect(summary[0]).toContain(`skipped ${r.skipped.length} files that are not traces: ${r.skipped.length} JSON (a-precopy/manifest.json, `);
      expect(r.traces.map((t) => path.relative(RUNS_72, t.path)).sort()).toEqual(
        ['a-precopy/dst.log.gz', 'a-precopy/src.log.gz', 'b-multifd4/dst.log.gz', 'b-multifd4/src.log', 'qemu-7.2.22-log-nots-multifd-dst.log', 'qemu-7.2.22-log-nots-multifd-src.log'].sort(),
      );
    } finally {
      engine.close();
    }
  });
});

describe('what a folder walk passes over, and what it does not', () => {
  const dir = path.join(tmp.dir, 'ci-run');
  const log = readFileSync(LOG_72, 'utf8').split('\n').filter((l) => l.length > 0);
  // A console log in which a few lines are trace records (QEMU's stderr with -trace on).
  const consoleLines = [
    'Booting the guest',
    'qemu-system-x86_64: -accel kvm: warning: host does not support the feature',
    ...log.slice(0, 3),
    'guest: login prompt reached',
    ...log.slice(3, 5),
    'test finished',
  ];

  it('ingests a console log holding trace records, errors on damaged traces, and summarises the rest', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'console.log'), consoleLines.join('\n') + '\n');
    writeFileSync(path.join(dir, 'dst-stderr.txt'), '');
    writeFileSync(path.join(dir, 'src-stderr.txt'), '');
    writeFileSync(path.join(dir, 'README'), 'Output of the nightly migration job.\nSee manifest.json for the scenario.\n');
    copyFileSync(path.join(A_PRECOPY, 'qmp-events.json'), path.join(dir, 'qmp-events.json'));
    // A trace whose gzip stream is cut short: the records before the cut are kept, and it is said.
    const gz = gzipSync(readFileSync(LOG_72));
    writeFileSync(path.join(dir, 'src.log.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    // A simpletrace file of a version no QEMU wrote: a trace not added, never a skipped companion.
    const st = Buffer.alloc(24);
    st.writeBigUInt64LE(0xffffffffffffffffn, 0);
    st.writeBigUInt64LE(0xf2b177cb0aa429b4n, 8);
    st.writeBigUInt64LE(9n, 16);
    writeFileSync(path.join(dir, 'src.simple'), st);

    const { engine, r, messages } = await ingestWith([dir], [DEBIAN_72]);
    try {
      const byName = Object.fromEntries(r.traces.map((t) => [path.basename(t.path), t]));
      // The console log is a trace: its records typed, the other lines kept in unparsed.
      expect(byName['console.log']).toBeDefined();
      expect(byName['console.log'].events).toBe(5);
      expect(byName['console.log'].unparsed).toBe(consoleLines.length - 5);
      // The cut gzip: ingested up to the cut, its error naming the file and where.
      expect(byName['src.log.gz']?.error).toMatch(new RegExp(`^${path.join(dir, 'src.log.gz').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*(offset|bytes)`));
      expect(messages).toContain(byName['src.log.gz'].error);
      // The simpletrace of an unknown version: an error naming file and offset.
      expect(r.errors).toEqual([expect.stringMatching(new RegExp(`^${path.join(dir, 'src.simple').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: offset 0: .*simpletrace`))]);
      const summary = messages.filter((l) => l.includes('that are not traces'));
      expect(summary).toEqual([`${dir}: skipped 4 files that are not traces: 2 empty, 1 JSON, 1 text without trace events (README, dst-stderr.txt, qmp-events.json, src-stderr.txt)`]);
    } finally {
      engine.close();
    }
  });
});

describe('original names', () => {
  it('are written for the files the host names, NULL for the others', async () => {
    const dir = path.join(tmp.dir, 'uploaded');
    mkdirSync(dir, { recursive: true });
    const stored = path.join(dir, '1733000000000-1-src_run_1.log');
    copyFileSync(LOG_72, stored);
    copyFileSync(path.join(RUNS_72, 'qemu-7.2.22-log-nots-multifd-dst.log'), path.join(dir, 'dst.log'));
    const { engine, r } = await ingestWith([dir], [DEBIAN_72], (p) => (p === path.resolve(stored) ? 'src run 1.log' : null));
    try {
      expect(r.errors).toEqual([]);
      const rows = await engineRows(engine, 'SELECT path, original_name FROM traces ORDER BY path');
      expect(rows).toEqual([
        [path.join(dir, '1733000000000-1-src_run_1.log'), 'src run 1.log'],
        [path.join(dir, 'dst.log'), null],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
      const listed = await engine.listTraces();
      expect(listed.find((t) => t.path === stored)?.originalName).toBe('src run 1.log');
    } finally {
      engine.close();
    }
  });
});
