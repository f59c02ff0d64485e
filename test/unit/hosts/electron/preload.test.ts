// The preload with a mocked `electron`: what it exposes, what it sends main, and how it hands
// the engine port to the page.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import { SAMPLES } from '../../../helpers/paths.ts';

const h = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invokes: [] as [string, unknown][],
  listeners: new Map<string, (e: { ports: unknown[] }) => void>(),
  paths: new Map<unknown, string>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => h.exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (channel: string, payload: unknown) => {
      h.invokes.push([channel, payload]);
      return channel === 'qtw:pick-files' ? ['/picked.log'] : '/saved.csv';
    },
    on: (channel: string, fn: (e: { ports: unknown[] }) => void) => h.listeners.set(channel, fn),
  },
  webUtils: { getPathForFile: (f: unknown) => h.paths.get(f) ?? '' },
}));

const posted: [unknown, string, unknown[]][] = [];
const domListeners: (() => void)[] = [];
const fakeDocument = { readyState: 'loading' };

beforeAll(async () => {
  vi.stubGlobal('postMessage', (m: unknown, origin: string, transfer: unknown[]) => posted.push([m, origin, transfer]));
  vi.stubGlobal('addEventListener', (type: string, fn: () => void) => {
    if (type === 'DOMContentLoaded') domListeners.push(fn);
  });
  vi.stubGlobal('document', fakeDocument);
  await import('../../../../src-main/hosts/electron/preload.ts');
});
afterAll(() => vi.unstubAllGlobals());

describe('preload', () => {
  it('exposes exactly qtwHost with the HostBridge methods', async () => {
    expect([...h.exposed.keys()]).toEqual(['qtwHost']);
    const host = h.exposed.get('qtwHost') as {
      kind: string;
      pickFiles(o: { directories: boolean; catalogue?: boolean }): Promise<string[]>;
      pathForFile(f: unknown): string;
      pickSavePath(n: string): Promise<string | null>;
    };
    expect(host.kind).toBe('electron');
    await expect(host.pickFiles({ directories: true })).resolves.toEqual(['/picked.log']);
    await expect(host.pickSavePath('result.csv')).resolves.toBe('/saved.csv');
    // Extra properties a page might smuggle in do not reach main.
    await host.pickFiles({ directories: 'yes', extra: 1 } as unknown as { directories: boolean });
    // A catalogue pick says so (one file of any name); anything but true is not passed on.
    await host.pickFiles({ directories: false, catalogue: true });
    await host.pickFiles({ directories: false, catalogue: 'yes' } as unknown as { directories: boolean });
    expect(h.invokes).toEqual([
      ['qtw:pick-files', { directories: true }],
      ['qtw:pick-save-path', { defaultName: 'result.csv' }],
      ['qtw:pick-files', { directories: false }],
      ['qtw:pick-files', { directories: false, catalogue: true }],
      ['qtw:pick-files', { directories: false }],
    ]);
    const file = { name: 'src.log.gz' };
    const real = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/src.log.gz');
    h.paths.set(file, real);
    expect(host.pathForFile(file)).toBe(real);
  });

  it('forwards the engine port to the page once the DOM exists', () => {
    const onPort = h.listeners.get('qtw:engine-port');
    expect(onPort).toBeDefined();
    const port = { id: 'port-1' };
    onPort!({ ports: [port] });
    expect(posted).toEqual([]);
    fakeDocument.readyState = 'interactive';
    for (const fn of domListeners) fn();
    expect(posted).toEqual([[{ type: 'qtw-engine-port' }, '*', [port]]]);
    const port2 = { id: 'port-2' };
    onPort!({ ports: [port2] });
    expect(posted[1]).toEqual([{ type: 'qtw-engine-port' }, '*', [port2]]);
    onPort!({ ports: [] });
    expect(posted).toHaveLength(2);
  });
});
