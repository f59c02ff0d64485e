// Control messages between Electron main and the engine utility process (over parentPort).
// Renderer traffic never uses this channel: each renderer talks over its own MessagePort.

export type ParentToEngine =
  /** Open (or switch to) a workspace; requests arriving meanwhile wait for it. */
  | { readonly type: 'open'; readonly workspace: string }
  /** A renderer's port arrives with this message (ports[0]). */
  | { readonly type: 'connect'; readonly connectionId: number }
  | { readonly type: 'disconnect'; readonly connectionId: number }
  /** Traces from the command line, file associations or the File menu. */
  | { readonly type: 'ingest'; readonly paths: readonly string[] }
  /** A path the user chose in a save dialog: exportResult may write there (once). */
  | { readonly type: 'allowExport'; readonly path: string }
  /** Close the workspace (DuckDB checkpoints) and exit. */
  | { readonly type: 'shutdown' };

export type EngineToParent =
  | { readonly type: 'opened'; readonly workspace: string }
  | { readonly type: 'openFailed'; readonly workspace: string; readonly error: string }
  | { readonly type: 'ingestStarted'; readonly jobId: number; readonly paths: readonly string[] }
  | { readonly type: 'ingestFailed'; readonly error: string; readonly paths: readonly string[] };

const MAX_PATH = 4096;
const MAX_PATHS = 10_000;

function isPath(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_PATH && !v.includes('\0');
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Main is trusted, but a typo there should fail loudly here rather than half-work. */
export function parseParentMessage(raw: unknown): ParentToEngine | { error: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { error: 'control message must be an object' };
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'open':
      return isPath(m.workspace) ? { type: 'open', workspace: m.workspace } : { error: 'open: bad workspace path' };
    case 'connect':
    case 'disconnect':
      return isId(m.connectionId) ? { type: m.type, connectionId: m.connectionId } : { error: `${m.type}: bad connectionId` };
    case 'ingest':
      return Array.isArray(m.paths) && m.paths.length > 0 && m.paths.length <= MAX_PATHS && m.paths.every(isPath)
        ? { type: 'ingest', paths: [...(m.paths as string[])] }
        : { error: 'ingest: bad paths' };
    case 'shutdown':
      return { type: 'shutdown' };
    case 'allowExport':
      return isPath(m.path) ? { type: 'allowExport', path: m.path } : { error: 'allowExport: bad path' };
    default:
      return { error: `unknown control message type ${JSON.stringify(String(m.type)).slice(0, 60)}` };
  }
}
