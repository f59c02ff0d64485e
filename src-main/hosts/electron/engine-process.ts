// Entry of the engine utility process. Main sends control messages over process.parentPort
// (open a workspace, connect a renderer's port, ingest, allow an export path); each renderer
// port then carries ClientMessage → ServerMessage RPC, validated here because a renderer is
// never trusted. The wiring takes its ports and backend as parameters so tests run it in plain
// Node with fake ports and a real workspace.
import type { ClientMessage, EngineEvent, FailureCode, ServerMessage } from '../../contract.ts';
import { parseParentMessage, type EngineToParent, type ParentToEngine } from './engine-protocol.ts';

/** The parts of Electron's MessagePortMain used here. */
export interface PortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

/** The parts of Electron's process.parentPort used here. */
export interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown; ports: readonly PortLike[] }) => void): unknown;
  postMessage(message: unknown): void;
}

/** One opened workspace behind the engine API. */
export interface EngineBackend {
  handle(msg: ClientMessage): Promise<ServerMessage>;
  onEvent(listener: (e: EngineEvent) => void): () => void;
  close(): void | Promise<void>;
}

export interface BackendOptions {
  /** exportResult may write only where the user chose in a save dialog. */
  readonly allowExport: (path: string) => boolean;
}

export type BackendFactory = (workspace: string, opts: BackendOptions) => Promise<EngineBackend>;
/** A rejection says which failure code to answer with (an unknown method is `not-found`). */
export type MessageParser = (raw: unknown) => ClientMessage | { error: string; code: FailureCode };

export interface EngineProcess {
  /** Resolves when every pending open has settled (tests). */
  idle(): Promise<void>;
  connections(): number;
  close(): Promise<void>;
}

/** Failures of this relay itself (no workspace, a backend that threw): the backend's own replies already carry their code. */
function failure(id: number, code: FailureCode, message: string): ServerMessage {
  return { kind: 'response', id, ok: false, error: { code, message, position: null } };
}

/** The id to answer a rejected message with, when it carried a usable one. */
function rawId(raw: unknown): number {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : -1;
}

function oneLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0] ?? 'error';
}

/** `exit` runs after a requested shutdown has closed the workspace (the entry exits the process). */
export function runEngineProcess(parent: ParentPortLike, openBackend: BackendFactory, parseClientMessage: MessageParser, exit: () => void = () => undefined): EngineProcess {
  const ports = new Map<number, PortLike>();
  const exportPaths = new Set<string>();
  let backend: Promise<EngineBackend> | null = null;
  let stopEvents: (() => void) | null = null;
  let ingestIds = 0;

  const tell = (m: EngineToParent) => parent.postMessage(m);
  const broadcast = (event: EngineEvent) => {
    const msg: ServerMessage = { kind: 'event', event };
    for (const p of ports.values()) p.postMessage(msg);
  };
  const allowExport = (p: string) => exportPaths.delete(p);

  async function open(workspace: string): Promise<EngineBackend> {
    const previous = backend;
    if (previous) {
      stopEvents?.();
      stopEvents = null;
      await previous.then((b) => b.close()).catch(() => undefined);
    }
    const b = await openBackend(workspace, { allowExport });
    stopEvents = b.onEvent(broadcast);
    return b;
  }

  async function request(raw: unknown): Promise<ServerMessage> {
    const msg = parseClientMessage(raw);
    if ('error' in msg) return failure(rawId(raw), msg.code, `rejected message: ${msg.error}`);
    if (!backend) return failure(msg.id, 'internal', 'no workspace is open');
    let b: EngineBackend;
    try {
      b = await backend;
    } catch (e) {
      return failure(msg.id, 'internal', `the workspace could not be opened: ${oneLine(e)}`);
    }
    try {
      return await b.handle(msg);
    } catch (e) {
      return failure(msg.id, 'internal', oneLine(e));
    }
  }

  function connect(connectionId: number, port: PortLike): void {
    ports.get(connectionId)?.close();
    ports.set(connectionId, port);
    port.on('message', (e) => {
      void request(e.data).then((reply) => {
        if (ports.get(connectionId) === port) port.postMessage(reply);
      });
    });
    port.on('close', () => {
      if (ports.get(connectionId) === port) ports.delete(connectionId);
    });
    port.start();
  }

  async function ingest(paths: readonly string[]): Promise<void> {
    const id = --ingestIds; // negative ids never collide with a renderer's
    const reply = await request({ kind: 'request', id, method: 'openInputs', params: { paths: [...paths], options: {} } });
    if (reply.kind === 'response' && reply.ok) tell({ type: 'ingestStarted', jobId: (reply.result as { jobId: number }).jobId, paths });
    else tell({ type: 'ingestFailed', paths, error: reply.kind === 'response' && !reply.ok ? reply.error.message : 'unexpected reply' });
  }

  function control(m: ParentToEngine, transferred: readonly PortLike[]): void {
    switch (m.type) {
      case 'open': {
        const opening = open(m.workspace);
        backend = opening;
        opening.then(
          () => tell({ type: 'opened', workspace: m.workspace }),
          (e: unknown) => tell({ type: 'openFailed', workspace: m.workspace, error: oneLine(e) }),
        );
        return;
      }
      case 'connect': {
        const port = transferred[0];
        if (port) connect(m.connectionId, port);
        return;
      }
      case 'disconnect':
        ports.get(m.connectionId)?.close();
        ports.delete(m.connectionId);
        return;
      case 'ingest':
        void ingest(m.paths);
        return;
      case 'allowExport':
        exportPaths.add(m.path);
        return;
      case 'shutdown':
        void api.close().finally(exit);
        return;
    }
  }

  parent.on('message', (e) => {
    const m = parseParentMessage(e.data);
    if ('error' in m) {
      process.stderr.write(`qtw engine: ignoring control message: ${m.error}\n`);
      for (const p of e.ports) p.close();
      return;
    }
    control(m, e.ports);
  });

  const api: EngineProcess = {
    idle: async () => {
      await backend?.catch(() => undefined);
    },
    connections: () => ports.size,
    close: async () => {
      for (const p of ports.values()) p.close();
      ports.clear();
      stopEvents?.();
      if (backend) await backend.then((b) => b.close()).catch(() => undefined);
      backend = null;
    },
  };
  return api;
}
