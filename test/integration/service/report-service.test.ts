// The engine's report methods on a real workspace: the model is saved in the workspace and comes
// back after reopening; exports land in the export folder or a chosen path; a locked-down session
// may export only into the export folder; the RPC boundary rejects malformed report models.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ReportModel } from '../../../src-main/contract.ts';
import { WorkspaceEngine } from '../../../src-main/service/workspace-engine.ts';
import { EngineService } from '../../../src-main/service/api.ts';
import { parseClientMessage } from '../../../src-main/service/rpc-validate.ts';
import { DEBIAN_72, SAMPLES, scratch } from '../../helpers/paths.ts';

const SAMPLE = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy');

const MODEL: ReportModel = {
  title: 'Precopy <check>',
  items: [
    { kind: 'note', id: 'n1', markdown: '# Finding\n\nThe **downtime** was `short`. <script>alert(1)</script>\n\n- one\n- two' },
    { kind: 'analysis', id: 'a1', name: 'migration_overview', title: '' },
    {
      kind: 'query',
      id: 'q1',
      title: 'State changes',
      sql: 'SELECT ts_ns, trace_id, new_state FROM migrate_set_state ORDER BY trace_id, ts_ns',
      show: 'both',
      chart: { kind: 'scatter', x: 'ts_ns', y: ['trace_id'], series: null, maxPoints: 1000 },
      maxRows: 3,
    },
  ],
};

describe('report service', () => {
  const tmp = scratch('qtw-report-svc-');
  const ws = path.join(tmp.dir, 'ws.duckdb');

  beforeAll(async () => {
    const e = await WorkspaceEngine.open(ws);
    const r = await e.openInputs([path.join(SAMPLE, 'src.log.gz'), path.join(SAMPLE, 'dst.log.gz')], { catalogues: [DEBIAN_72] });
    expect(r.errors).toEqual([]);
    e.close();
  }, 120_000);
  afterAll(() => tmp.cleanup());

  it('saves the report in the workspace and reopens it', async () => {
    let s = await EngineService.open(ws, { host: 'server' });
    expect(await s.call('getReport', {})).toEqual({ title: '', items: [] });
    await s.call('saveReport', { report: MODEL });
    await s.close();
    s = await EngineService.open(ws, { host: 'server', readOnly: true });
    try {
      expect(await s.call('getReport', {})).toEqual(MODEL);
      await expect(s.call('saveReport', { report: MODEL })).rejects.toMatchObject({ message: expect.stringContaining('read-only') });
    } finally {
      await s.close();
    }
  });

  it('exports each format into the export folder with unique names', async () => {
    const s = await EngineService.open(ws, { host: 'server' });
    try {
      await s.call('saveReport', { report: MODEL });
      const html = await s.call('exportReport', { format: 'html', redact: false, path: null });
      const html2 = await s.call('exportReport', { format: 'html', redact: false, path: null });
      expect(path.dirname(html.path)).toBe(path.join(tmp.dir, 'qtw-exports'));
      // Named by the report's title, as the desktop's save dialog names it.
      expect([html.name, html2.name]).toEqual(['precopy-check.html', 'precopy-check-2.html']);
      expect(path.basename(html.path)).toBe(html.name);
      const page = readFileSync(html.path, 'utf8');
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page).not.toContain('<script');
      expect(page).toContain('<strong>downtime</strong>');
      expect(page).toContain('<li>one</li>');
      expect(page).toMatch(/<svg[^>]*>/);
      expect(page).toContain('Precopy &lt;check&gt;');
      // maxRows 3 of the state changes, and how many more there are.
      const n = await s.call('runQuery', { sql: MODEL.items[2].kind === 'query' ? MODEL.items[2].sql : '' });
      expect(n.rowCount).toBeGreaterThan(4);
      expect(page).toContain(`${n.rowCount - 3} more rows`);

      const md = await s.call('exportReport', { format: 'markdown', redact: false, path: null });
      const text = readFileSync(md.path, 'utf8');
      // Into the export folder (what a browser downloads): one file, its charts inlined as PNGs.
      const images = [...text.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!);
      expect(images.length).toBeGreaterThan(0);
      for (const l of images) {
        expect(l.startsWith('data:image/png;base64,'), l.slice(0, 40)).toBe(true);
        expect(Buffer.from(l.slice(l.indexOf(',') + 1), 'base64').subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      }
      expect(readdirSync(path.dirname(md.path)).filter((n) => n.endsWith('-charts'))).toEqual([]);
      expect(md.name).toMatch(/\.md$/);

      const txt = await s.call('exportReport', { format: 'text', redact: true, path: null });
      const lines = readFileSync(txt.path, 'utf8').split('\n');
      expect(lines.filter((l) => l.length > 72)).toEqual([]);
      expect(lines.join('\n')).not.toContain(SAMPLE);

      const zip = await s.call('exportReport', { format: 'zip', redact: false, path: path.join(tmp.dir, 'picked', 'r.zip') });
      expect(zip.path).toBe(path.join(tmp.dir, 'picked', 'r.zip'));
      const names = readFileSync(zip.path).toString('latin1');
      for (const f of ['report.md', 'report.html', 'report.txt', 'charts/item-3.png', 'data/item-2.parquet']) expect(names).toContain(f);
    } finally {
      await s.close();
    }
  }, 60_000);

  it('in a locked-down session exports only into the export folder', async () => {
    const s = await EngineService.open(ws, { host: 'server', lockDown: true });
    try {
      await expect(s.call('exportReport', { format: 'html', redact: false, path: path.join(tmp.dir, 'x.html') })).rejects.toMatchObject({
        message: expect.stringContaining('not allowed'),
      });
      const z = await s.call('exportReport', { format: 'zip', redact: false, path: null });
      expect(readdirSync(path.dirname(z.path))).toContain(z.name);
      expect(readFileSync(z.path).subarray(0, 4).toString('hex')).toBe('504b0304');
    } finally {
      await s.close();
    }
  }, 60_000);

  it('validates report models at the RPC boundary', () => {
    const ok = parseClientMessage({ kind: 'request', id: 1, method: 'saveReport', params: { report: MODEL } });
    expect(ok).toMatchObject({ method: 'saveReport', params: { report: MODEL } });
    const bad = (report: unknown) => parseClientMessage({ kind: 'request', id: 1, method: 'saveReport', params: { report } });
    const q = MODEL.items[2];
    for (const r of [
      { title: 't', items: [{ kind: 'chart', id: 'x' }] },
      { title: 't', items: [{ kind: 'note', id: 'x'.repeat(65), markdown: '' }] },
      { title: 't', items: [{ kind: 'note', id: 'x', markdown: 'm'.repeat(200 * 1024 + 1) }] },
      { title: 't', items: [{ ...q, maxRows: 0 }] },
      { title: 't', items: [{ ...q, maxRows: 10_001 }] },
      { title: 't', items: [{ ...q, chart: { kind: 'pie', x: 'a', y: [], series: null, maxPoints: 10 } }] },
      { title: 't', items: [{ ...q, extra: 1 }] },
      { title: 't', items: [MODEL.items[0], MODEL.items[0]] },
      { title: 't', items: [{ kind: 'analysis', id: 'a', name: 'x; DROP TABLE traces', title: '' }] },
    ]) expect('error' in bad(r), JSON.stringify(r).slice(0, 120)).toBe(true);
    expect('error' in parseClientMessage({ kind: 'request', id: 1, method: 'exportReport', params: { format: 'pdf', redact: false, path: null } })).toBe(true);
  });
});
