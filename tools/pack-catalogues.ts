// Regenerates resources/catalogues/releases.{json,br} from ../shared/catalogues: every release's
// trace-events-all, concatenated into one brotli stream (the releases share most of their text,
// so one stream is ~110 KB where one file each would be ~950 KB), with an index of where each
// release starts. Run: npx tsx tools/pack-catalogues.ts [SHARED_CATALOGUES_DIR]
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = path.resolve(process.argv[2] ?? path.join(repo, '../shared/catalogues'));
const out = path.join(repo, 'resources/catalogues');

/** `qemu-7.2.22-debian` → `7.2.22`, `qemu-10.2.50-build` → `10.2.50`. */
function versionOfDir(dir: string): string {
  const m = /^qemu-(\d+\.\d+\.\d+)/.exec(dir);
  if (m === null) throw new Error(`${dir}: not a qemu-X.Y.Z folder`);
  return m[1];
}

const dirs = readdirSync(shared, { withFileTypes: true })
  .filter((e) => e.isDirectory() && /^qemu-\d/.test(e.name))
  .map((e) => e.name)
  .sort();
const chunks: Buffer[] = [];
const releases = [];
let offset = 0;
for (const dir of dirs) {
  const bytes = readFileSync(path.join(shared, dir, 'trace-events-all'));
  releases.push({ dir, version: versionOfDir(dir), offset, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  chunks.push(bytes);
  offset += bytes.length;
}
const all = Buffer.concat(chunks);
const packed = brotliCompressSync(all, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: all.length },
});
writeFileSync(path.join(out, 'releases.br'), packed);
writeFileSync(path.join(out, 'releases.json'), JSON.stringify({ from: 'shared/catalogues', releases }, null, 1) + '\n');
process.stderr.write(`${releases.length} releases, ${all.length} bytes → ${packed.length} bytes\n`);
