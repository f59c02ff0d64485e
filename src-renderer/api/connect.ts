// Finds the engine: a MessagePort handed over by Electron's preload, or a WebSocket back to the
// `qtw serve` process this page came from. Everything else in the renderer sees only EngineClient.
import type { EnginePortMessage, HostBridge, ServerMessage } from '../../src-main/contract.ts';
import { RpcClient } from './rpc-client.ts';

declare global {
  interface Window {
    qtwHost?: HostBridge;
  }
}

export interface Connection {
  readonly client: RpcClient;
  readonly host: 'electron' | 'server';
  /** Called when the transport is lost, with a human reason. */
  onClose(listener: (reason: string) => void): void;
}

// Listen from module evaluation on: the preload may post the port before the app is built.
const portPromise: Promise<MessagePort> = new Promise((resolve) => {
  const onMessage = (ev: MessageEvent) => {
    const data = ev.data as Partial<EnginePortMessage> | null;
    if (data && typeof data === 'object' && data.type === 'qtw-engine-port' && ev.ports[0]) {
      window.removeEventListener('message', onMessage);
      resolve(ev.ports[0]);
    }
  };
  window.addEventListener('message', onMessage);
});

function connectPort(port: MessagePort): Connection {
  const closers = new Set<(r: string) => void>();
  const client = new RpcClient((msg) => port.postMessage(msg));
  port.onmessage = (ev: MessageEvent) => client.receive(ev.data);
  port.onmessageerror = () => undefined;
  port.start();
  return { client, host: 'electron', onClose: (l) => void closers.add(l) };
}

export function rpcUrl(loc: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const token = new URLSearchParams(loc.search).get('token') ?? '';
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/rpc?token=${encodeURIComponent(token)}`;
}

function connectSocket(): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(rpcUrl(location));
    const closers = new Set<(r: string) => void>();
    const client = new RpcClient((msg) => {
      if (ws.readyState !== WebSocket.OPEN) throw new Error('not connected to the engine');
      ws.send(JSON.stringify(msg));
    });
    let opened = false;
    ws.onopen = () => {
      opened = true;
      resolve({ client, host: 'server', onClose: (l) => void closers.add(l) });
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      let msg: ServerMessage;
      try {
        msg = JSON.parse(ev.data) as ServerMessage;
      } catch {
        return;
      }
      client.receive(msg);
    };
    ws.onclose = (ev: CloseEvent) => {
      const reason = opened
        ? `Connection to the engine closed${ev.reason ? `: ${ev.reason}` : ''}. Is \`qtw serve\` still running? Reload the page to reconnect.`
        : 'Could not connect to the engine. Open the exact URL that `qtw serve` printed (it carries the access token).';
      client.close(reason);
      if (!opened) reject(new Error(reason));
      for (const l of closers) l(reason);
    };
  });
}

/** Electron when the preload exposed qtwHost (then wait for its port), otherwise the WebSocket. */
export async function connect(): Promise<Connection> {
  if (window.qtwHost) return connectPort(await portPromise);
  return connectSocket();
}
