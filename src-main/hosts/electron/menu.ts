// The application menu as data. Pure: which items exist (View only in development, the recent
// list) is decided here and asserted by tests; main.ts only builds it with Menu.
import type { MenuItemConstructorOptions } from 'electron';
import path from 'node:path';

export interface MenuActions {
  openFiles(): void;
  openFolder(): void;
  openWorkspace(): void;
  newWorkspace(): void;
  openRecent(workspace: string): void;
  about(): void;
}

export interface MenuInput {
  readonly isPackaged: boolean;
  readonly platform: NodeJS.Platform;
  readonly recent: readonly string[];
  readonly appName: string;
}

export function menuTemplate(input: MenuInput, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = input.platform === 'darwin';
  const recent: MenuItemConstructorOptions[] = input.recent.length
    ? input.recent.map((w) => ({ label: `${path.basename(w)} — ${path.dirname(w)}`, click: () => actions.openRecent(w) }))
    : [{ label: 'No recent workspaces', enabled: false }];
  const template: MenuItemConstructorOptions[] = [];
  if (mac) template.push({ label: input.appName, submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { type: 'separator' }, { role: 'quit' }] });
  template.push({
    label: 'File',
    submenu: [
      { label: 'Open Files…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFiles() },
      { label: 'Open Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.openFolder() },
      { type: 'separator' },
      { label: 'Open Workspace…', click: () => actions.openWorkspace() },
      { label: 'New Workspace…', click: () => actions.newWorkspace() },
      { label: 'Recent Workspaces', submenu: recent },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  });
  // Edit roles make copy/paste shortcuts work in the editor and grid on macOS.
  template.push({ label: 'Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] });
  // Reload would drop the engine connection's state and DevTools exposes internals: development only.
  const devItems: MenuItemConstructorOptions[] = input.isPackaged ? [] : [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }];
  template.push({ label: 'View', submenu: [...devItems, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] });
  template.push({ role: 'windowMenu' });
  template.push({ role: 'help', submenu: [{ label: `About ${input.appName}`, click: () => actions.about() }] });
  return template;
}
