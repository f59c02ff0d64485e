// The one place BrowserWindow options are decided. Pure, so every security setting is asserted
// by a test rather than trusted to stay as written.
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsInput {
  /** Absolute path of the built preload (CommonJS: sandboxed preloads cannot be ES modules). */
  readonly preload: string;
  readonly title?: string;
  readonly icon?: string;
}

export function windowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 800,
    minHeight: 500,
    title: input.title ?? 'QEMU Trace Workbench',
    ...(input.icon ? { icon: input.icon } : {}),
    // Shown on ready-to-show: no white flash before the app's own background paints.
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: input.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      experimentalFeatures: false,
    },
  };
}
