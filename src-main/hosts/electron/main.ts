// Electron main: windows, menus, dialogs, file associations and single-instance handling. No
// engine work happens here; the engine runs in a utility process (engine-entry.ts) and talks to
// each page over its own MessagePort.
import { existsSync, mkdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, MessageChannelMain, protocol, session, shell, utilityProcess } from 'electron';
import { registerAppScheme, serveAppProtocol } from './app-protocol.ts';
import { EngineHost } from './engine-host.ts';
import { registerIpc } from './ipc.ts';
import { classifyPaths, parseLaunchArgs, type LaunchRequest } from './launch-args.ts';
import { menuTemplate } from './menu.ts';
import { RecentWorkspaces } from './recent.ts';
import { APP_URL, hardenSession, hardenWebContents } from './security.ts';
import { windowOptions } from './window-options.ts';

const APP_NAME = 'QEMU Trace Workbench';
// Bundled layout (electron.vite.config.ts): dist/electron/{main.js,preload.cjs,engine.js} beside dist/renderer.
const HERE = path.dirname(fileURLToPath(import.meta.url));
const PRELOAD = path.join(HERE, 'preload.cjs');
const ENGINE_ENTRY = path.join(HERE, 'engine.js');
const RENDERER_DIR = path.resolve(HERE, '../renderer');
const TRACE_FILTERS = [
  { name: 'QEMU traces and archives', extensions: ['log', 'txt', 'trace', 'out', 'gz', 'zst', 'xz', 'tar', 'tgz', 'zip'] },
  { name: 'All files', extensions: ['*'] },
];

registerAppScheme(protocol);
// Every renderer sandboxed, whatever options a future window forgets to pass.
app.enableSandbox();
app.setName(APP_NAME);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start();
}

function start(): void {
  const devtools = !app.isPackaged;
  const recent = new RecentWorkspaces(path.join(app.getPath('userData'), 'recent-workspaces.json'));
  const windows = new Set<BrowserWindow>();
  let ready = false;
  // Opens that arrive before the engine is up (argv, macOS open-file at launch).
  const queued: LaunchRequest[] = [parseLaunchArgs(process.argv, { cwd: process.cwd(), defaultApp: Boolean(process.defaultApp) })];

  const engine = new EngineHost(ENGINE_ENTRY, {
    fork: (entry) => utilityProcess.fork(entry, [], { serviceName: `${APP_NAME} engine`, stdio: 'inherit' }),
    channel: () => new MessageChannelMain(),
    onProblem: (message) => void dialog.showMessageBox({ type: 'error', title: APP_NAME, message }),
    onRestarted: () => {
      for (const w of windows) w.webContents.reload();
    },
  });

  const focused = () => BrowserWindow.getFocusedWindow() ?? [...windows][0] ?? null;

  const openExternal = (url: string) => void shell.openExternal(url);
  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents, openExternal));

  function defaultWorkspace(): string {
    const dir = path.join(app.getPath('userData'), 'workspaces');
    mkdirSync(dir, { recursive: true });
    return path.join(dir, 'default.duckdb');
  }

  function refreshMenu(): void {
    const template = menuTemplate(
      { isPackaged: app.isPackaged, platform: process.platform, recent: recent.list(), appName: APP_NAME },
      {
        openFiles: () => void pickAndIngest(false),
        openFolder: () => void pickAndIngest(true),
        openWorkspace: () => void pickWorkspace(false),
        newWorkspace: () => void pickWorkspace(true),
        openRecent: (w) => void switchWorkspace(w),
        about: () => void about(),
      },
    );
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }

  async function switchWorkspace(workspace: string): Promise<void> {
    const previous = engine.currentWorkspace;
    try {
      await engine.open(workspace);
    } catch (e) {
      dialog.showErrorBox(APP_NAME, `Could not open the workspace.\n\n${(e as Error).message}`);
      if (previous && previous !== workspace) await engine.open(previous).catch(() => undefined);
      return;
    }
    app.addRecentDocument(workspace);
    recent.add(workspace);
    refreshMenu();
    for (const w of windows) {
      w.setTitle(`${path.basename(workspace)} — ${APP_NAME}`);
      // The old workspace's results and schema are gone: a fresh page load reconnects cleanly.
      if (previous && previous !== workspace) w.webContents.reload();
    }
  }

  async function handleOpen(req: LaunchRequest): Promise<void> {
    if (req.workspace && req.workspace !== engine.currentWorkspace) await switchWorkspace(req.workspace);
    engine.ingest(req.inputs);
    const w = focused();
    if (w) {
      if (w.isMinimized()) w.restore();
      w.focus();
    }
  }

  async function pickAndIngest(directories: boolean): Promise<void> {
    const w = focused();
    const opts: Electron.OpenDialogOptions = directories
      ? { title: 'Open trace folder', properties: ['openDirectory', 'multiSelections'] }
      : { title: 'Open traces', properties: ['openFile', 'multiSelections'], filters: TRACE_FILTERS };
    const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts);
    if (!r.canceled) await handleOpen(classifyPaths(r.filePaths, process.cwd()));
  }

  async function pickWorkspace(create: boolean): Promise<void> {
    const w = focused();
    const filters = [{ name: 'Workbench workspace', extensions: ['duckdb'] }];
    let chosen: string | null = null;
    if (create) {
      const opts: Electron.SaveDialogOptions = { title: 'New workspace', defaultPath: path.join(app.getPath('documents'), 'migration.duckdb'), filters };
      const r = w ? await dialog.showSaveDialog(w, opts) : await dialog.showSaveDialog(opts);
      chosen = r.canceled || !r.filePath ? null : r.filePath.toLowerCase().endsWith('.duckdb') ? r.filePath : `${r.filePath}.duckdb`;
    } else {
      const opts: Electron.OpenDialogOptions = { title: 'Open workspace', properties: ['openFile'], filters };
      const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts);
      chosen = r.canceled ? null : (r.filePaths[0] ?? null);
    }
    if (chosen) await switchWorkspace(chosen);
  }

  async function about(): Promise<void> {
    const w = focused();
    const opts: Electron.MessageBoxOptions = {
      type: 'info',
      title: `About ${APP_NAME}`,
      message: `${APP_NAME} ${app.getVersion()}`,
      detail: `Workspace: ${engine.currentWorkspace ?? '(none)'}\nElectron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}`,
    };
    if (w) await dialog.showMessageBox(w, opts);
    else await dialog.showMessageBox(opts);
  }

  function createWindow(): BrowserWindow {
    const win = new BrowserWindow(windowOptions({ preload: PRELOAD }));
    windows.add(win);
    const contents = win.webContents;
    const connectionId = contents.id;
    // A port per page load: the page's listener exists by DOMContentLoaded (see preload.ts).
    contents.on('dom-ready', () => engine.connect(contents));
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      windows.delete(win);
      engine.disconnect(connectionId);
    });
    if (engine.currentWorkspace) win.setTitle(`${path.basename(engine.currentWorkspace)} — ${APP_NAME}`);
    void win.loadURL(APP_URL);
    return win;
  }

  app.on('open-file', (e, file) => {
    e.preventDefault();
    const req = classifyPaths([file], process.cwd());
    if (ready) void handleOpen(req);
    else queued.push(req);
  });

  app.on('second-instance', (_e, argv, workingDirectory) => {
    void handleOpen(parseLaunchArgs(argv, { cwd: workingDirectory, defaultApp: Boolean(process.defaultApp) }));
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (ready && windows.size === 0) createWindow();
  });

  let quitting = false;
  app.on('before-quit', (e) => {
    if (quitting) return;
    // Hold the quit until the engine has closed its workspace cleanly (bounded wait).
    e.preventDefault();
    quitting = true;
    void engine.stop().finally(() => app.quit());
  });

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession, { devtools });
    serveAppProtocol(protocol, RENDERER_DIR);
    registerIpc(ipcMain, {
      'qtw:pick-files': async ({ directories, catalogue }, event) => {
        const w = BrowserWindow.fromWebContents(event.sender);
        const opts: Electron.OpenDialogOptions = catalogue
          ? directories
            ? { title: 'QEMU source tree to type the trace with', properties: ['openDirectory'] }
            : { title: 'trace-events file to type the trace with', properties: ['openFile'] }
          : directories
            ? { properties: ['openDirectory', 'multiSelections'] }
            : { properties: ['openFile', 'multiSelections'], filters: TRACE_FILTERS };
        const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts);
        return r.canceled ? [] : r.filePaths;
      },
      'qtw:pick-save-path': async ({ defaultName }, event) => {
        const w = BrowserWindow.fromWebContents(event.sender);
        const opts: Electron.SaveDialogOptions = { defaultPath: path.join(app.getPath('documents'), defaultName) };
        const r = w ? await dialog.showSaveDialog(w, opts) : await dialog.showSaveDialog(opts);
        if (r.canceled || !r.filePath) return null;
        engine.allowExport(r.filePath);
        return r.filePath;
      },
      // A paste becomes a file like any other input, kept so that its trace keeps a source.
      'qtw:save-pasted-text': async ({ name, text }) => {
        const dir = path.join(app.getPath('userData'), 'pastes');
        await mkdir(dir, { recursive: true });
        const file = path.join(dir, name);
        await writeFile(file, text, { flag: 'wx' });
        return file;
      },
    });

    if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) {
      dialog.showErrorBox(APP_NAME, `The user interface is not built (${RENDERER_DIR} has no index.html).\nRun: npm run build:renderer`);
    }

    const launch = queued.find((q) => q.workspace)?.workspace ?? recent.list().find((w) => existsSync(w)) ?? defaultWorkspace();
    await switchWorkspace(launch);
    if (!engine.currentWorkspace && launch !== defaultWorkspace()) await switchWorkspace(defaultWorkspace());
    refreshMenu();
    createWindow();
    ready = true;
    for (const q of queued.splice(0)) engine.ingest(q.inputs);
  });
}
