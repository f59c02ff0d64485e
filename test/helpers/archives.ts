// Archives built in memory for tests, with the libraries that write them (tar-stream, yazl):
// the readers under test are our own, so these are independent of them.
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import tarStream from 'tar-stream';
import yazl from 'yazl';

export type TarEntry = { name: string; data?: Buffer; type?: 'file' | 'directory' | 'symlink'; linkname?: string };

export async function tar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const parts: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (b: unknown) => {
      parts.push(b as Buffer);
    });
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    const data = type === 'file' ? (e.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: e.name, type, linkname: e.linkname, size: data.byteLength }, data, (err) => (err ? reject(err) : resolve())),
    );
  }
  pack.finalize();
  await done;
  return Buffer.concat(parts);
}

export type ZipEntry = { name: string; data?: Buffer; compress?: boolean; dir?: boolean };

export function zip(entries: ZipEntry[]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const e of entries) {
    if (e.dir === true) z.addEmptyDirectory(e.name);
    else z.addBuffer(e.data ?? Buffer.alloc(0), e.name, { compress: e.compress ?? true });
  }
  z.end();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    z.outputStream.on('data', (b: Buffer) => parts.push(b));
    z.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    z.outputStream.on('error', reject);
  });
}


interface LzmaNative {
  createCompressor(opts?: { preset?: number }): Duplex;
}

/** .xz of `data`, written by liblzma (lzma-native), at preset 1. */
export function xz(data: Buffer): Promise<Buffer> {
  const lzma = createRequire(import.meta.url)('lzma-native') as LzmaNative;
  return new Promise((resolve, reject) => {
    const c = lzma.createCompressor({ preset: 1 });
    const parts: Buffer[] = [];
    c.on('data', (b: Buffer) => parts.push(b));
    c.on('end', () => resolve(Buffer.concat(parts)));
    c.on('error', reject);
    c.end(data);
  });
}
