// `qtw serve`: the built renderer over HTTP and the engine API over a WebSocket, on loopback
// with a random token by default. Every request must prove the token (query or cookie).
// Nothing a client sends may stop the server: every handler answers or drops its own connection.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createWriteStream, lstatSync, mkdirSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { EngineEvent, ServerMessage } from '../../contract.ts';
import { isSafeName } from '../../service/export-policy.ts';
import { isDiskFull } from '../../service/host-kit.ts';
import { MAX_MESSAGE_BYTES } from '../../service/rpc-validate.ts';
import { allowedHostNames, hostAllowed, newToken, originAllowed, tokenCookie, tokenSource } from './auth.ts';
import { CSP, mimeType, resolveStaticReal, staticStream } from './static-files.ts';

/** What the server needs from the engine: one validated request → one response, plus events. */
export interface RpcEndpoint {
  /** `session` names the WebSocket the request came on (one per page). */
  handle(raw: unknown, session?: number): Promise<ServerMessage>;
  /** The WebSocket of `session` closed: stop its query (and only its). */
  sessionClosed?(session: number): void;
  onEvent(listener: (e: EngineEvent) => void): () => void;
}

export interface ServeOptions {
  readonly endpoint: RpcEndpoint;
  readonly rendererDir: string;
  /** Where browser uploads (dropped files) are written before ingest. */
  readonly uploadDir: string;
  /**
   * An upload was stored: where, and the name the browser gave it (its file name, or its path
   * in the folder the user picked), which the stored name is not (prefixed, sanitized).
   */
  readonly onUpload?: (stored: string, originalName: string) => void;
  /** Files the engine exported (reports) that the browser may download by name. */
  readonly downloadDir?: string;
  readonly host?: string;
  readonly port?: number;
  /** Fixed token (tests); default random. */
  readonly token?: string;
  /** Largest upload accepted (bytes); default DEFAULT_MAX_UPLOAD_BYTES. */
  readonly maxUploadBytes?: number;
}

export interface RunningServer {
  readonly url: string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

/** A failure with the HTTP status that answers it. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function oneLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

function refuse(res: ServerResponse, code: number, text: string, close = false): void {
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };
  // An unread request body: the connection cannot carry another request.
  if (close) headers.connection = 'close';
  res.writeHead(code, headers);
  res.end(text + '\n');
}

function rawRefuse(socket: Duplex, status: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
  else socket.destroy();
}

/** An origin-form request target ("/path?query") as a URL; null for anything else ("*", "http://x/"). */
export function requestUrl(target: string | undefined): URL | null {
  if (target === undefined || !target.startsWith('/')) return null;
  try {
    // Not new URL(target, base): "//x" would be read as a host.
    return new URL(`http://localhost${target}`);
  } catch {
    return null;
  }
}

/** The request body, refused once it passes max bytes; the request itself stays usable for the answer. */
async function* bounded(req: IncomingMessage, max: number): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new HttpError(413, `upload too large: over ${max} bytes (qtw serve --max-upload-mb)`);
    yield chunk;
  }
}

function messageId(raw: unknown): number {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : -1;
}

function field(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
}

/** What one WebSocket holds in the engine: its session id and result handles. */
interface SocketState {
  readonly session: number;
  readonly handles: Set<number>;
  closed: boolean;
}

function isFolder(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A file name for an upload: its base name only, printable, never a path. */
export function safeUploadName(name: string | null): string | null {
  if (!name) return null;
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[^\w.+-]/g, '_').replace(/^\.+/, '');
  return clean.length > 0 && clean.length <= 200 ? clean : null;
}

/** Most folders deep a folder upload's relative path may be. */
const MAX_UPLOAD_DEPTH = 32;

/**
 * A folder upload's relative path (`a-precopy/dst.log.gz`, from the browser's webkitRelativePath)
 * as safe segments; null when any segment is not a safe name (`..`, empty, too long) or too deep.
 */
export function safeUploadPath(rel: string): string[] | null {
  const parts = rel.split(/[\\/]/).filter((p) => p !== '');
  if (parts.length === 0 || parts.length > MAX_UPLOAD_DEPTH) return null;
  const safe = parts.map((p) => safeUploadName(p));
  return safe.every((p): p is string => p !== null) ? safe : null;
}

/** The name the browser gave, as kept on the trace: one line, printable, at most 1000 characters. */
export function originalUploadName(name: string): string | null {
  const clean = name.replace(/[\x00-\x1f\x7f]/g, '').trim();
  return clean.length > 0 && clean.length <= 1000 ? clean : null;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const host = opts.host ?? '127.0.0.1';
  const hosts = allowedHostNames(host);
  const maxUpload = opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  let uploads = 0;
  /** Folders made for the files of one folder pick (`<ms>-<n>`): only these are written into again. */
  const batches = new Set<string>();

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch((e: unknown) => {
      try {
        if (res.headersSent) res.destroy();
        else if (e instanceof HttpError) refuse(res, e.status, e.message, true);
        else refuse(res, 500, `error: ${oneLine(e)}`, true);
      } catch {
        res.destroy();
      }
    });
  });
  // Malformed HTTP (bad request line, header overflow, garbage): answer it and drop the connection.
  server.on('clientError', (_e: Error, socket: Duplex) => rawRefuse(socket, '400 Bad Request'));

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, hosts)) return refuse(res, 403, 'forbidden: misdirected request (unknown Host)', true);
    const url = requestUrl(req.url);
    if (url === null) return refuse(res, 400, 'bad request target', true);
    const auth = tokenSource(req, url, token);
    if (auth === null) return refuse(res, 403, 'forbidden: open the URL with the token that `qtw serve` printed');
    if (url.pathname === '/upload') {
      if (req.method !== 'POST') return refuse(res, 405, 'POST only');
      if (!originAllowed(req.headers.origin, req.headers.host)) return refuse(res, 403, 'forbidden origin');
      // `name`: the file name (its base name is used); `path` instead, for a file of a picked
      // folder: its path in that folder (`run/src.log`), kept as it is under a folder of its own.
      const rel = url.searchParams.get('path');
      const given = rel ?? url.searchParams.get('name') ?? '';
      const original = originalUploadName(rel ?? given.split(/[\\/]/).pop() ?? '');
      const name = rel === null ? safeUploadName(given) : null;
      const parts = rel === null ? null : safeUploadPath(rel);
      if (original === null || (rel === null ? name === null : parts === null)) {
        return refuse(res, 400, rel === null ? 'upload needs ?name=FILENAME' : 'upload ?path= must be a relative path of plain names');
      }
      const batchParam = url.searchParams.get('batch');
      if (batchParam !== null && !batches.has(batchParam)) return refuse(res, 400, 'unknown upload batch');
      const declared = req.headers['content-length'];
      if (declared !== undefined && Number(declared) > maxUpload) {
        return refuse(res, 413, `upload too large: ${declared} bytes, at most ${maxUpload} (qtw serve --max-upload-mb)`, true);
      }
      mkdirSync(opts.uploadDir, { recursive: true });
      // The files of one folder pick keep its layout under one folder of their own, so that the
      // folder is ingested as a folder (files that are not traces skipped, runs by sub-folder).
      let batch: string | null = null;
      let dest: string;
      if (parts !== null) {
        batch = batchParam ?? `${Date.now()}-${++uploads}`;
        batches.add(batch);
        dest = path.join(opts.uploadDir, batch, ...parts);
        try {
          mkdirSync(path.dirname(dest), { recursive: true });
        } catch {
          // A file where the path needs a folder (`run/src.log/x` after `run/src.log`): said in
          // the upload's own terms, never with the server's path.
          throw new HttpError(409, `${parts.join('/')}: a file and a folder of the same name in one upload`);
        }
      } else {
        dest = path.join(opts.uploadDir, `${Date.now()}-${++uploads}-${name}`);
      }
      const shown = parts !== null ? parts.join('/') : (name as string);
      try {
        await pipeline(bounded(req, maxUpload), createWriteStream(dest, { flags: 'wx' }));
      } catch (e) {
        // Too large, the client went away, the disk is full: no partial file is left to ingest.
        // (A file already there, two names made the same by sanitizing, is not ours to remove.)
        const code = (e as { code?: unknown } | null)?.code;
        if (code === 'EISDIR' || (code === 'EEXIST' && isFolder(dest))) throw new HttpError(409, `${shown}: a folder and a file of the same name in one upload`);
        if (code === 'EEXIST') throw new HttpError(409, `${shown}: uploaded twice (or two names that differ only in characters not kept)`);
        rmSync(dest, { force: true });
        // Named as the README's "FILE: no space left on device", without the server's own path.
        if (isDiskFull(e)) throw new HttpError(507, `${path.basename(opts.uploadDir)}/${shown}: no space left on device`);
        throw e;
      }
      opts.onUpload?.(dest, original);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      // `folder`: what to ingest for a folder pick (its top folder), in place of each file.
      const folder = parts !== null && batch !== null ? path.join(opts.uploadDir, batch, parts[0]) : null;
      res.end(JSON.stringify(batch === null ? { path: dest } : { path: dest, batch, folder }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
    if (url.pathname === '/download') {
      const name = url.searchParams.get('name') ?? '';
      // A plain file name in the export folder: never a path.
      const file = opts.downloadDir && isSafeName(name) ? await resolveStaticReal(opts.downloadDir, `/${name}`) : null;
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
    const file = await resolveStaticReal(opts.rendererDir, url.pathname);
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
  let ownIds = 0;
  let sessions = 0;

  /** A request of the host's own (cleanup after a socket): ids below zero, the reply unused. */
  function hostRequest(method: string, params: unknown): void {
    void (async () => opts.endpoint.handle({ kind: 'request', id: -1_000_000 - ++ownIds, method, params }))().catch(() => undefined);
  }

  function send(ws: WebSocket, msg: ServerMessage): void {
    if (ws.readyState !== ws.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(msg);
    } catch (e) {
      const id = msg.kind === 'response' ? msg.id : -1;
      const reply: ServerMessage = { kind: 'response', id, ok: false, error: { code: 'internal', message: `the reply could not be sent: ${oneLine(e)}`, position: null } };
      text = JSON.stringify(reply);
    }
    ws.send(text, () => undefined); // a socket that went away meanwhile is not an error of the server
  }

  async function relay(ws: WebSocket, mine: SocketState, data: RawData, isBinary: boolean): Promise<void> {
    let raw: unknown;
    try {
      raw = isBinary ? undefined : JSON.parse(String(data));
    } catch {
      raw = undefined;
    }
    const method = field(raw, 'method');
    let reply: ServerMessage;
    try {
      reply = await opts.endpoint.handle(raw, mine.session);
    } catch (e) {
      reply = { kind: 'response', id: messageId(raw), ok: false, error: { code: 'internal', message: oneLine(e), position: null } };
    }
    if (reply.kind === 'response' && reply.ok) {
      const h = field(reply.result, 'handle');
      if (method === 'runQuery' && typeof h === 'number') {
        // Its socket closed while the query ran: nobody can page or release it any more.
        if (mine.closed) hostRequest('releaseResult', { handle: h });
        else mine.handles.add(h);
      }
      if (method === 'releaseResult') mine.handles.delete(field(field(raw, 'params'), 'handle') as number);
    }
    send(ws, reply);
  }

  function onSocket(ws: WebSocket): void {
    sockets.add(ws);
    const mine: SocketState = { session: ++sessions, handles: new Set(), closed: false };
    // Bad frames (too large, bad UTF-8, reserved opcodes or bits, unmasked): ws closes this socket
    // with 1002/1007/1009 and then reports here; the server and the other sockets go on.
    ws.on('error', () => undefined);
    ws.on('close', () => {
      sockets.delete(ws);
      mine.closed = true;
      try {
        opts.endpoint.sessionClosed?.(mine.session);
      } catch {
        // the engine closed meanwhile
      }
      for (const h of mine.handles) hostRequest('releaseResult', { handle: h });
      mine.handles.clear();
    });
    ws.on('message', (data, isBinary) => void relay(ws, mine, data, isBinary));
  }

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      const url = requestUrl(req.url);
      if (!hostAllowed(req.headers.host, hosts)) return rawRefuse(socket, '403 Forbidden');
      if (url === null) return rawRefuse(socket, '400 Bad Request');
      if (url.pathname !== '/rpc' || tokenSource(req, url, token) === null || !originAllowed(req.headers.origin, req.headers.host)) {
        return rawRefuse(socket, '403 Forbidden');
      }
      wss.handleUpgrade(req, socket, head, onSocket);
    } catch {
      socket.destroy();
    }
  });

  const stopEvents = opts.endpoint.onEvent((event) => {
    for (const ws of sockets) send(ws, { kind: 'event', event });
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
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
