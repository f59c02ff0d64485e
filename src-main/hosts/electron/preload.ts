// Preload (sandboxed, bundled to CommonJS): exposes window.qtwHost and hands the engine port to
// the page. It runs in an isolated world; the page sees only what contextBridge exposes and the
// transferred port, never ipcRenderer itself.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { EnginePortMessage, HostBridge } from '../../contract.ts';
import { ENGINE_PORT_CHANNEL, type InvokeChannel } from './channels.ts';

// The preload's own DOM surface, declared locally: the project's Node tsconfig has no DOM lib.
interface PreloadWindow {
  postMessage(message: EnginePortMessage, targetOrigin: string, transfer: unknown[]): void;
  addEventListener(type: 'DOMContentLoaded', listener: () => void, options: { once: boolean }): void;
  document: { readyState: string };
}
const page = globalThis as unknown as PreloadWindow;

const PICK_FILES: InvokeChannel = 'qtw:pick-files';
const PICK_SAVE_PATH: InvokeChannel = 'qtw:pick-save-path';
const SAVE_PASTED_TEXT: InvokeChannel = 'qtw:save-pasted-text';

const bridge: HostBridge = {
  kind: 'electron',
  pickFiles: (options) =>
    ipcRenderer.invoke(PICK_FILES, options.catalogue === true ? { directories: options.directories === true, catalogue: true } : { directories: options.directories === true }) as Promise<string[]>,
  pathForFile: (file) => webUtils.getPathForFile(file),
  pickSavePath: (defaultName) => ipcRenderer.invoke(PICK_SAVE_PATH, { defaultName: String(defaultName) }) as Promise<string | null>,
  savePastedText: (name, text) => ipcRenderer.invoke(SAVE_PASTED_TEXT, { name: String(name), text: String(text) }) as Promise<string>,
};
contextBridge.exposeInMainWorld('qtwHost', bridge);

// The page starts listening while its modules evaluate, which is before DOMContentLoaded; main
// sends the port at dom-ready, but wait for the DOM anyway so an early port is never lost.
ipcRenderer.on(ENGINE_PORT_CHANNEL, (event) => {
  const port = event.ports[0];
  if (!port) return;
  const post = () => page.postMessage({ type: 'qtw-engine-port' }, '*', [port]);
  if (page.document.readyState === 'loading') page.addEventListener('DOMContentLoaded', post, { once: true });
  else post();
});
