import { describe, expect, it } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import { handleInvoke, INVOKE_CHANNELS, registerIpc, senderAllowed, validateInvoke, type InvokeHandlers } from '../../../../src-main/hosts/electron/ipc.ts';
import { APP_URL } from '../../../../src-main/hosts/electron/security.ts';

const hostile: unknown[] = [
  undefined,
  null,
  42,
  'directories',
  [],
  [true],
  {},
  new Date(),
  Object.create({ directories: true }),
  JSON.parse('{"__proto__": {"polluted": true}, "directories": true}'),
  { directories: true, extra: 1 },
  { directories: 'true' },
  { directories: 1 },
  { defaultName: 'a.csv', directories: true },
  { defaultName: '../../etc/passwd' },
  { defaultName: '/etc/passwd' },
  { defaultName: 'C:\\Windows\\x' },
  { defaultName: 'a\0b.csv' },
  { defaultName: 'a\nb.csv' },
  { defaultName: '' },
  { defaultName: '..' },
  { defaultName: 'x'.repeat(256) },
  { defaultName: 7 },
  { defaultName: { toString: () => 'a.csv' } },
];

describe('validateInvoke', () => {
  it('accepts exactly the expected payloads', () => {
    expect(validateInvoke('qtw:pick-files', [{ directories: true }])).toEqual({ channel: 'qtw:pick-files', payload: { directories: true } });
    expect(validateInvoke('qtw:pick-files', [{ directories: false }])).toEqual({ channel: 'qtw:pick-files', payload: { directories: false } });
    expect(validateInvoke('qtw:pick-files', [{ directories: false, catalogue: true }])).toEqual({ channel: 'qtw:pick-files', payload: { directories: false, catalogue: true } });
    for (const catalogue of [false, 'yes', 1, null]) expect('error' in validateInvoke('qtw:pick-files', [{ directories: false, catalogue }])).toBe(true);
    expect('error' in validateInvoke('qtw:pick-files', [{ catalogue: true }])).toBe(true);
    expect(validateInvoke('qtw:pick-save-path', [{ defaultName: 'migration result.csv' }])).toEqual({
      channel: 'qtw:pick-save-path',
      payload: { defaultName: 'migration result.csv' },
    });
  });

  it('rejects malformed and hostile payloads on every channel', () => {
    for (const channel of INVOKE_CHANNELS) {
      for (const p of hostile) {
        const r = validateInvoke(channel, [p]);
        // The one well-formed payload per channel is excluded from the hostile list by construction.
        expect('error' in r, `${channel} ${JSON.stringify(p)}`).toBe(true);
      }
      expect('error' in validateInvoke(channel, [])).toBe(true);
      expect('error' in validateInvoke(channel, [{ directories: true }, { directories: true }])).toBe(true);
    }
  });

  it('rejects unknown channels', () => {
    for (const c of ['qtw:engine-port', 'qtw:pick-files ', 'QTW:PICK-FILES', '__proto__', 'toString', 42, null]) {
      expect('error' in validateInvoke(c, [{ directories: true }]), String(c)).toBe(true);
    }
  });
});

describe('sender check', () => {
  it('admits only the app top frame', () => {
    expect(senderAllowed({ url: APP_URL, parent: null })).toBe(true);
    expect(senderAllowed({ url: APP_URL, parent: {} })).toBe(false);
    expect(senderAllowed({ url: 'https://example.com/', parent: null })).toBe(false);
    expect(senderAllowed({ url: 'file:///index.html', parent: null })).toBe(false);
    expect(senderAllowed({ url: 'qtw://evil/index.html', parent: null })).toBe(false);
    expect(senderAllowed(null)).toBe(false);
    expect(senderAllowed(undefined)).toBe(false);
  });
});

describe('handleInvoke / registerIpc', () => {
  function handlers(log: string[]): InvokeHandlers {
    return {
      'qtw:pick-files': async (p) => {
        log.push(`files:${p.directories}`);
        return ['/data/traces/a.log'];
      },
      'qtw:pick-save-path': async (p) => {
        log.push(`save:${p.defaultName}`);
        return `/data/exports/${p.defaultName}`;
      },
      'qtw:save-pasted-text': async (p) => {
        log.push(`paste:${p.name}:${p.text.length}`);
        return `/data/pastes/${p.name}`;
      },
    };
  }
  const event = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } }) as unknown as IpcMainInvokeEvent;

  it('runs the handler only for the app origin and a valid payload', async () => {
    const log: string[] = [];
    const registered = new Map<string, (e: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
    registerIpc({ handle: (c, fn) => void registered.set(c, fn) }, handlers(log));
    expect([...registered.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());

    await expect(registered.get('qtw:pick-files')!(event(APP_URL), { directories: false })).resolves.toEqual(['/data/traces/a.log']);
    await expect(registered.get('qtw:pick-save-path')!(event(APP_URL), { defaultName: 'r.csv' })).resolves.toBe('/data/exports/r.csv');
    await expect(registered.get('qtw:pick-files')!(event('https://example.com/'), { directories: false })).rejects.toThrow(/not sent by the app/);
    await expect(registered.get('qtw:pick-files')!(event(APP_URL, {}), { directories: false })).rejects.toThrow(/not sent by the app/);
    await expect(registered.get('qtw:pick-save-path')!(event(APP_URL), { defaultName: '../x' })).rejects.toThrow(/file name/);
    await expect(handleInvoke(handlers(log), 'qtw:pick-files', { senderFrame: null } as unknown as IpcMainInvokeEvent, [{ directories: true }])).rejects.toThrow();
    await expect(registered.get('qtw:save-pasted-text')!(event(APP_URL), { name: 'pasted-1.log', text: '> 1@2.000003:x\n' })).resolves.toBe('/data/pastes/pasted-1.log');
    await expect(registered.get('qtw:save-pasted-text')!(event(APP_URL), { name: '../pasted.log', text: 'x' })).rejects.toThrow(/file name/);
    await expect(registered.get('qtw:save-pasted-text')!(event(APP_URL), { name: 'p.log', text: 42 })).rejects.toThrow(/a string/);
    expect(log).toEqual(['files:false', 'save:r.csv', 'paste:pasted-1.log:15']);
  });
});
