// Export routing: Electron asks for a path and lets the engine write there; a browser lets the
// engine write into its export folder and downloads the file by name from `qtw serve`.
import { describe, expect, it } from 'vitest';
import type { EngineClient, EngineMethod, HostBridge, ParamsOf, ResultOf } from '../../../../src-main/contract.ts';
import { defaultFileName, downloadHref, exportReport, FORMATS } from '../../../../src-renderer/report/report-export.ts';

function stubClient(reply: (params: ParamsOf<'exportReport'>) => ResultOf<'exportReport'>): EngineClient & { calls: ParamsOf<'exportReport'>[] } {
  const calls: ParamsOf<'exportReport'>[] = [];
  return {
    calls,
    call<M extends EngineMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
      if (method !== 'exportReport') return Promise.reject(new Error(`unexpected ${method}`));
      const p = params as ParamsOf<'exportReport'>;
      calls.push(p);
      return Promise.resolve(reply(p) as ResultOf<M>);
    },
    onEvent: () => () => undefined,
  };
}

function host(answer: string | null): HostBridge & { asked: string[] } {
  const asked: string[] = [];
  return {
    kind: 'electron',
    asked,
    pickFiles: () => Promise.resolve([]),
    pathForFile: () => '',
    savePastedText: () => Promise.reject(new Error('not used here')),
    pickSavePath: (name) => {
      asked.push(name);
      return Promise.resolve(answer);
    },
  };
}

describe('report export', () => {
  it('browser: engine writes to its export folder, the page downloads by name with the token', async () => {
    const client = stubClient((p) => ({ path: `/ws/qtw-exports/report 1.${p.format}`, name: `report 1.${p.format}` }));
    const downloads: [string, string][] = [];
    const out = await exportReport(client, undefined, { format: 'html', redact: true, title: 'x' }, (href, name) => downloads.push([href, name]), '?token=abc-123');
    expect(client.calls).toEqual([{ format: 'html', redact: true, path: null }]);
    expect(downloads).toEqual([['/download?name=report%201.html&token=abc-123', 'report 1.html']]);
    expect(out.kind).toBe('downloaded');
    const u = new URL(downloads[0]![0], 'http://127.0.0.1:9');
    expect(u.pathname).toBe('/download');
    expect(u.searchParams.get('name')).toBe('report 1.html');
  });

  it('electron: the chosen path goes to the engine; a cancelled dialog exports nothing', async () => {
    const client = stubClient((p) => ({ path: p.path!, name: 'r.zip' }));
    const h = host('/users/me/bug-123.zip');
    const out = await exportReport(client, h, { format: 'zip', redact: false, title: 'Bug 123: downtime 3 s' }, () => expect.fail('no download under Electron'), '');
    expect(h.asked).toEqual(['bug-123-downtime-3-s.zip']);
    expect(client.calls).toEqual([{ format: 'zip', redact: false, path: '/users/me/bug-123.zip' }]);
    expect(out).toEqual({ kind: 'written', result: { path: '/users/me/bug-123.zip', name: 'r.zip' } });
    const none = await exportReport(client, host(null), { format: 'text', redact: false, title: '' }, () => undefined, '');
    expect(none.kind).toBe('cancelled');
    expect(client.calls.length).toBe(1);
  });

  it('default names carry each format\'s extension', () => {
    expect(FORMATS.map((f) => defaultFileName('', f.format))).toEqual(['qtw-report.md', 'qtw-report.html', 'qtw-report.txt', 'qtw-report.zip']);
    expect(downloadHref('a&b.md', '')).toBe('/download?name=a%26b.md');
  });
});
