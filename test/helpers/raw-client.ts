// Raw HTTP and WebSocket over net.Socket, for requests and frames no well-behaved client sends.
import net from 'node:net';
import WebSocket from 'ws';
import type { ServerMessage } from '../../src-main/contract.ts';

/**
 * Write data, then collect what comes back until the server closes or waitMs passes (or, with
 * headOnly, until a response head is complete).
 */
export function exchange(port: number, data: string | Buffer, waitMs = 3000, headOnly = false): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(Buffer.concat(got).toString('latin1'));
    };
    timer = setTimeout(done, waitMs);
    sock.on('data', (c: Buffer) => {
      got.push(c);
      if (headOnly && Buffer.concat(got).includes('\r\n\r\n')) done();
    });
    sock.on('close', done);
    sock.on('error', done);
    sock.write(data);
  });
}

/** The status code of the first response in a raw answer, or 0 when there is none. */
export function status(answer: string): number {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
  return m ? Number(m[1]) : 0;
}

export function upgradeRequest(port: number, target: string, headers: Record<string, string> = {}): string {
  const all: Record<string, string> = {
    host: `127.0.0.1:${port}`,
    upgrade: 'websocket',
    connection: 'Upgrade',
    'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'sec-websocket-version': '13',
    ...headers,
  };
  return `GET ${target} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

export interface FrameSpec {
  readonly opcode: number;
  readonly payload: Buffer;
  readonly fin?: boolean;
  /** RSV1..3 as the three bits 0b100 .. 0b001. */
  readonly rsv?: number;
  readonly masked?: boolean;
  /** A length to declare other than the payload's (a frame announced over the limit). */
  readonly declaredLength?: number;
}

/** One WebSocket frame as a client would put it on the wire (masked unless told otherwise). */
export function frame(f: FrameSpec): Buffer {
  const len = f.declaredLength ?? f.payload.length;
  const masked = f.masked !== false;
  const head: number[] = [((f.fin === false ? 0 : 1) << 7) | ((f.rsv ?? 0) << 4) | (f.opcode & 0xf)];
  const maskBit = masked ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (len < 126) head.push(maskBit | len);
  else if (len < 65536) {
    head.push(maskBit | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(len);
  } else {
    head.push(maskBit | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(len));
  }
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const body = Buffer.from(f.payload);
  if (masked) for (let i = 0; i < body.length; i++) body[i] ^= key[i % 4];
  return Buffer.concat([Buffer.from(head), ext, masked ? key : Buffer.alloc(0), body]);
}

/** A raw WebSocket after a good handshake: write frames, read what the server sends back. */
export function rawSocket(port: number, token: string): Promise<{ sock: net.Socket; received: () => Buffer; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let open = false;
    const closed = new Promise<void>((r) => sock.on('close', () => r()));
    const timer = setTimeout(() => reject(new Error('no handshake')), 5000);
    sock.on('error', () => undefined);
    sock.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (open) return;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      if (!buf.subarray(0, end).toString('latin1').startsWith('HTTP/1.1 101')) return reject(new Error(buf.toString('latin1')));
      open = true;
      buf = buf.subarray(end + 4);
      resolve({ sock, received: () => buf, closed });
    });
    sock.write(upgradeRequest(port, `/rpc?token=${token}`));
  });
}

/** The close code of the server's close frame in what it sent, or null. */
export function closeCode(data: Buffer): number | null {
  let at = 0;
  while (at + 2 <= data.length) {
    const opcode = data[at] & 0xf;
    let len = data[at + 1] & 0x7f;
    let start = at + 2;
    if (len === 126) {
      len = data.readUInt16BE(start);
      start += 2;
    } else if (len === 127) {
      len = Number(data.readBigUInt64BE(start));
      start += 8;
    }
    if (opcode === 8) return len >= 2 ? data.readUInt16BE(start) : 1005;
    at = start + len;
  }
  return null;
}

/** A fresh, well-behaved client: its one request's response, or the reason it got none. */
export async function rpc(port: number, token: string, msg: unknown, waitMs = 10_000): Promise<ServerMessage> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc?token=${token}`, { maxPayload: 64 * 1024 * 1024 });
  try {
    return await new Promise<ServerMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no response')), waitMs);
      const id = (msg as { id?: unknown }).id;
      ws.on('error', (e) => reject(e));
      ws.on('close', (code) => reject(new Error(`closed ${code}`)));
      ws.on('open', () => ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg)));
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as ServerMessage;
        if (m.kind === 'response' && (m.id === id || m.id === -1)) {
          clearTimeout(timer);
          resolve(m);
        }
      });
    });
  } finally {
    ws.terminate();
  }
}
