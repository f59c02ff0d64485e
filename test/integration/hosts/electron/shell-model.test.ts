// Launch arguments, the recent-workspace list and the menu: the decisions main.ts acts on.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { classifyPaths, parseLaunchArgs } from '../../../../src-main/hosts/electron/launch-args.ts';
import { menuTemplate, type MenuActions } from '../../../../src-main/hosts/electron/menu.ts';
import { parseRecent, RECENT_LIMIT, RecentWorkspaces, withRecent } from '../../../../src-main/hosts/electron/recent.ts';
import { SAMPLES, scratch } from '../../../helpers/paths.ts';

const SRC = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/src.log.gz');
const DST = path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/dst.log.gz');

describe('launch arguments', () => {
  it('skips the executable, the dev entry and switches; .duckdb opens as workspace', () => {
    const packaged = parseLaunchArgs(['/opt/qtw/qtw', '--no-sandbox', SRC, 'ws/m.DuckDB', DST], { cwd: '/users/u', defaultApp: false });
    expect(packaged).toEqual({ workspace: '/users/u/ws/m.DuckDB', inputs: [SRC, DST] });
    const dev = parseLaunchArgs(['/x/electron', 'dist/electron/main.js', '--', '-odd-name.log', 'rel.log'], { cwd: '/w', defaultApp: true });
    expect(dev).toEqual({ workspace: null, inputs: ['/w/-odd-name.log', '/w/rel.log'] });
  });

  it('ignores second-instance noise and duplicates', () => {
    const r = parseLaunchArgs(['/opt/qtw/qtw', '--allow-file-access-from-files', '-psn_0_12345', SRC, SRC], { cwd: '/', defaultApp: false });
    expect(r).toEqual({ workspace: null, inputs: [SRC] });
    expect(classifyPaths(['', 'a\0b', 'x.duckdb', 'y.duckdb'], '/d')).toEqual({ workspace: '/d/y.duckdb', inputs: [] });
  });
});

describe('recent workspaces', () => {
  let tmp: ReturnType<typeof scratch> | null = null;
  afterEach(() => tmp?.cleanup());

  it('keeps newest first, unique, bounded, and survives a damaged file', () => {
    tmp = scratch('qtw-recent-');
    const file = path.join(tmp.dir, 'nested/recent.json');
    const r = new RecentWorkspaces(file);
    expect(r.list()).toEqual([]);
    for (let i = 0; i < RECENT_LIMIT + 3; i++) r.add(`/w/${i}.duckdb`);
    r.add('/w/5.duckdb');
    const list = r.list();
    expect(list[0]).toBe('/w/5.duckdb');
    expect(list).toHaveLength(RECENT_LIMIT);
    expect(new Set(list).size).toBe(list.length);
    expect(list).not.toContain('/w/0.duckdb');
    expect(JSON.parse(readFileSync(file, 'utf8')).workspaces).toEqual(list);
    writeFileSync(file, '{"workspaces": [');
    expect(r.list()).toEqual([]);
    expect(withRecent(['/a', '/b'], '/b')).toEqual(['/b', '/a']);
  });

  it('drops anything that is not an absolute path string', () => {
    expect(parseRecent(JSON.stringify({ workspaces: ['/ok.duckdb', 'relative.duckdb', 3, null, '/ok.duckdb', 'a\0b', { p: 1 }] }))).toEqual(['/ok.duckdb']);
    expect(parseRecent('[]')).toEqual([]);
    expect(parseRecent('{"__proto__": {"workspaces": ["/x"]}}')).toEqual([]);
  });
});

describe('menu', () => {
  const calls: string[] = [];
  const actions: MenuActions = {
    openFiles: () => calls.push('files'),
    openFolder: () => calls.push('folder'),
    openWorkspace: () => calls.push('workspace'),
    newWorkspace: () => calls.push('new'),
    openRecent: (w) => calls.push(`recent:${w}`),
    about: () => calls.push('about'),
  };
  const flat = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flat(i.submenu) : [])]);
  const click = (i: MenuItemConstructorOptions | undefined) => (i?.click as (() => void) | undefined)?.();

  it('has View › Reload/DevTools only when not packaged', () => {
    const dev = flat(menuTemplate({ isPackaged: false, platform: 'linux', recent: [], appName: 'Q' }, actions));
    const pkg = flat(menuTemplate({ isPackaged: true, platform: 'linux', recent: [], appName: 'Q' }, actions));
    expect(dev.some((i) => i.role === 'toggleDevTools')).toBe(true);
    expect(dev.some((i) => i.role === 'reload')).toBe(true);
    expect(pkg.some((i) => i.role === 'toggleDevTools' || i.role === 'reload' || i.role === 'forceReload')).toBe(false);
  });

  it('wires File items and lists recent workspaces', () => {
    calls.length = 0;
    const items = flat(menuTemplate({ isPackaged: true, platform: 'linux', recent: ['/w/a.duckdb', '/w/b.duckdb'], appName: 'Q' }, actions));
    click(items.find((i) => i.label === 'Open Files…'));
    click(items.find((i) => i.label === 'Open Folder…'));
    click(items.find((i) => i.label === 'Open Workspace…'));
    click(items.find((i) => i.label?.startsWith('b.duckdb')));
    click(items.find((i) => i.label?.startsWith('About')));
    expect(calls).toEqual(['files', 'folder', 'workspace', 'recent:/w/b.duckdb', 'about']);
    expect(items.some((i) => i.role === 'quit')).toBe(true);
    const empty = flat(menuTemplate({ isPackaged: true, platform: 'linux', recent: [], appName: 'Q' }, actions));
    expect(empty.find((i) => i.label === 'No recent workspaces')?.enabled).toBe(false);
  });
});
