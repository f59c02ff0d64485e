// Archives built in memory for tests, with the libraries that write them (tar-stream, yazl):
// the readers under test are our own, so these are independent of them.
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

