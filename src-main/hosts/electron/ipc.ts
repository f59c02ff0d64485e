// The few IPC channels between the preload and main. Everything else the page needs goes to the
// engine over its MessagePort. Every invoke is checked twice before main acts on it: the sending
// frame must be the app's own top frame, and the payload must be exactly the expected shape.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS, type InvokeChannel } from './channels.ts';
import { isAppUrl } from './security.ts';

export { ENGINE_PORT_CHANNEL, INVOKE_CHANNELS, type InvokeChannel } from './channels.ts';

export interface InvokePayloads {
  /** catalogue: one file or tree to type a trace with (a trace-events file has no extension). */
  'qtw:pick-files': { readonly directories: boolean; readonly catalogue?: true };
  'qtw:pick-save-path': { readonly defaultName: string };
  'qtw:save-pasted-text': { readonly name: string; readonly text: string };
}
export interface InvokeResults {
  'qtw:pick-files': string[];
  'qtw:pick-save-path': string | null;
  'qtw:save-pasted-text': string;
}

export type ValidInvoke = { [C in InvokeChannel]: { readonly channel: C; readonly payload: InvokePayloads[C] } }[InvokeChannel];

const MAX_NAME = 255;
/** Largest paste saved (UTF-16 code units): far beyond what a text box holds comfortably. */
export const MAX_PASTE_CHARS = 256 << 20;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Own keys exactly `keys`: nothing missing, nothing extra (no __proto__ or constructor smuggling). */
function hasExactly(v: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Reflect.ownKeys(v);
  return own.length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(v, k));
}

/** A file name the save dialog may suggest: one path component, printable, bounded. */
export function isSafeFileName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= MAX_NAME &&
    !/[\\/\0]/.test(name) &&
    // Control characters would be rendered in the native dialog; nothing legitimate needs them.
    !/[\u0000-\u001f\u007f]/.test(name) &&
    name !== '.' &&
    name !== '..'
  );
}

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(channel);
}

/** Validate one invoke's channel and arguments (exactly one payload object). */
export function validateInvoke(channel: unknown, args: readonly unknown[]): ValidInvoke | { error: string } {
  if (!isInvokeChannel(channel)) return { error: `unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}` };
  if (args.length !== 1) return { error: `${channel}: expected one payload, got ${args.length}` };
  const p = args[0];
  if (!isPlainObject(p)) return { error: `${channel}: payload must be an object` };
  switch (channel) {
    case 'qtw:pick-files':
      if (hasExactly(p, ['directories', 'catalogue']) && typeof p.directories === 'boolean' && p.catalogue === true) {
        return { channel, payload: { directories: p.directories, catalogue: true } };
      }
      if (!hasExactly(p, ['directories']) || typeof p.directories !== 'boolean') return { error: `${channel}: expected { directories: boolean, catalogue?: true }` };
      return { channel, payload: { directories: p.directories } };
    case 'qtw:pick-save-path':
      if (!hasExactly(p, ['defaultName']) || typeof p.defaultName !== 'string' || !isSafeFileName(p.defaultName)) {
        return { error: `${channel}: expected { defaultName: a file name }` };
      }
      return { channel, payload: { defaultName: p.defaultName } };
    case 'qtw:save-pasted-text':
      if (!hasExactly(p, ['name', 'text']) || typeof p.name !== 'string' || !isSafeFileName(p.name) || typeof p.text !== 'string' || p.text.length > MAX_PASTE_CHARS) {
        return { error: `${channel}: expected { name: a file name, text: a string of at most ${MAX_PASTE_CHARS} characters }` };
      }
      return { channel, payload: { name: p.name, text: p.text } };
  }
}

/** The frame that sent an IPC message, reduced to what the origin check needs. */
export interface SenderFrameInfo {
  readonly url: string;
  /** Null for a top-level frame. */
  readonly parent: unknown;
}

/** Only the app's own top-level document may ask main for anything. */
export function senderAllowed(frame: SenderFrameInfo | null | undefined): boolean {
  return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url);
}

export type InvokeHandlers = { [C in InvokeChannel]: (payload: InvokePayloads[C], event: IpcMainInvokeEvent) => Promise<InvokeResults[C]> };

/** Run a validated invoke; throws (so the page's invoke rejects) for anything refused. */
export async function handleInvoke(handlers: InvokeHandlers, channel: InvokeChannel, event: IpcMainInvokeEvent, args: readonly unknown[]): Promise<unknown> {
  if (!senderAllowed(event.senderFrame)) throw new Error(`${channel}: refused: not sent by the app`);
  const v = validateInvoke(channel, args);
  if ('error' in v) throw new Error(v.error);
  switch (v.channel) {
    case 'qtw:pick-files':
      return handlers['qtw:pick-files'](v.payload, event);
    case 'qtw:pick-save-path':
      return handlers['qtw:pick-save-path'](v.payload, event);
    case 'qtw:save-pasted-text':
      return handlers['qtw:save-pasted-text'](v.payload, event);
  }
}

export function registerIpc(ipcMain: Pick<IpcMain, 'handle'>, handlers: InvokeHandlers): void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => handleInvoke(handlers, channel, event, args));
  }
}
