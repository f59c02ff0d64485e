// `qtw serve`: the built renderer over HTTP and the engine API over a WebSocket, on loopback
// with a random token by default. Every request must prove the token (query or cookie).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createWriteStream, mkdirSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EngineEvent, ServerMessage } from '../../contract.ts';
import { newToken, originAllowed, tokenCookie, tokenSource } from './auth.ts';
import { CSP, mimeType, resolveStatic, staticStream } from './static-files.ts';

/** What the server needs from the engine: one validated request → one response, plus events. */
export interface RpcEndpoint {
  handle(raw: unknown): Promise<ServerMessage>;
  onEvent(listener: (e: EngineEvent) => void): () => void;
}

export interface ServeOptions {
  readonly endpoint: RpcEndpoint;
  readonly rendererDir: string;
  /** Where browser uploads (dropped files) are written before ingest. */
  readonly uploadDir: string;
  /** Files the engine exported (reports) that the browser may download by name. */
  readonly downloadDir?: string;
  readonly host?: string;
  readonly port?: number;
  /** Fixed token (tests); default random. */
  readonly token?: string;
}

export interface RunningServer {
  readonly url: string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

function refuse(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text + '\n');
}

/** A file name for an upload: its base name only, printable, never a path. */
export function safeUploadName(name: string | null): string | null {
  if (!name) return null;
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[^\w.+-]/g, '_').replace(/^\.+/, '');
  return clean.length > 0 && clean.length <= 200 ? clean : null;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const host = opts.host ?? '127.0.0.1';
  let uploads = 0;

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch((e: unknown) => {
      if (!res.headersSent) refuse(res, 500, `error: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
      else res.destroy();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const auth = tokenSource(req, url, token);
    if (auth === null) return refuse(res, 403, 'forbidden: open the URL with the token that `qtw serve` printed');
    if (url.pathname === '/upload') {
      if (req.method !== 'POST') return refuse(res, 405, 'POST only');
      if (!originAllowed(req.headers.origin, req.headers.host)) return refuse(res, 403, 'forbidden origin');
      const name = safeUploadName(url.searchParams.get('name'));
      if (!name) return refuse(res, 400, 'upload needs ?name=FILENAME');
      mkdirSync(opts.uploadDir, { recursive: true });
      const dest = path.join(opts.uploadDir, `${Date.now()}-${++uploads}-${name}`);
      await pipeline(req, createWriteStream(dest, { flags: 'wx' }));
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ path: dest }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
    if (url.pathname === '/download') {
      const name = url.searchParams.get('name') ?? '';
      // A plain file name in the export folder: never a path.
      const file = opts.downloadDir && safeUploadName(name) === name ? resolveStatic(opts.downloadDir, `/${name}`) : null;
      if (!file) return refuse(res, 404, 'no such export');
      res.writeHead(200, {
        'content-type': mimeType(file),
        'content-disposition': `attachment; filename="${name}"`,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') return void res.end();
      await pipeline(staticStream(file), res);
      return;
    }
    const file = resolveStatic(opts.rendererDir, url.pathname);
    if (!file) return refuse(res, 404, 'not found');
    const headers: Record<string, string> = {
      'content-type': mimeType(file),
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    if (auth === 'query') headers['set-cookie'] = tokenCookie(token);
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    await pipeline(staticStream(file), res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/rpc' || tokenSource(req, url, token) === null || !originAllowed(req.headers.origin, req.headers.host)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        void (async () => {
          let raw: unknown;
          try {
            raw = isBinary ? undefined : JSON.parse(String(data));
          } catch {
            raw = undefined;
          }
          const reply = await opts.endpoint.handle(raw);
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
        })();
      });
    });
  });

  const stopEvents = opts.endpoint.onEvent((event) => {
    const text = JSON.stringify({ kind: 'event', event } satisfies ServerMessage);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    close: async () => {
      stopEvents();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
