// The report bundle as one .zip. yazl writes it: it streams each file from disk (a data file may be
// larger than memory) and switches to ZIP64 by itself when an entry or the archive passes 4 GiB or
// 65,534 entries, so no report is refused for its size.
import { createWriteStream, readdirSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';

function filesUnder(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

export interface ZipOptions {
  /** ZIP64 records even where the sizes do not need them: lets a test read ZIP64 back without 4 GiB of data. */
  readonly forceZip64?: boolean;
}

/** Every file under `dir` (except `skip`) into the .zip at `file`, names relative to `dir`. */
export async function zipDirectory(dir: string, file: string, skip: readonly string[] = [], opts: ZipOptions = {}): Promise<string[]> {
  const names = filesUnder(dir).filter((n) => !skip.includes(n));
  const forceZip64Format = opts.forceZip64 ?? false;
  const zip = new yazl.ZipFile();
  const out = createWriteStream(file);
  // A file that cannot be read is reported by the ZipFile, not by its output stream; the pipeline
  // would then wait for an end that never comes, so the write stream is closed here.
  const failed = new Promise<never>((_resolve, reject) => {
    zip.on('error', (e: unknown) => {
      out.destroy();
      reject(e);
    });
  });
  const written = pipeline(zip.outputStream, out);
  for (const name of names) zip.addFile(path.join(dir, name), name, { forceZip64Format });
  zip.end({ forceZip64Format, comment: '' });
  await Promise.race([written, failed]);
  return names;
}
