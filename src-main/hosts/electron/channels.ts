// IPC channel names, shared by main and the preload. Kept free of imports so the sandboxed
// preload bundles nothing but these strings.

/** renderer → main (ipcRenderer.invoke). */
export const INVOKE_CHANNELS = ['qtw:pick-files', 'qtw:pick-save-path', 'qtw:save-pasted-text'] as const;
export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];

/** main → preload: carries the engine MessagePort for this page load. */
export const ENGINE_PORT_CHANNEL = 'qtw:engine-port';
