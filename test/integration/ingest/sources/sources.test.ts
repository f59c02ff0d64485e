import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, readdir, rm, symlink, writeFile, copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import yazl from 'yazl';
import { tar, xz, zip, type TarEntry } from '../../../helpers/archives.ts';
import { InputError, openInputs } from '../../../../src-main/ingest/sources/inputs.ts';
import type { InputMember } from '../../../../src-main/ingest/sources/inputs.ts';

const SHARED = fileURLToPath(new URL('../../../../../shared/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../fixtures/ingest/', import.meta.url));
const LOG72 = path.join(SHARED, 'samples/qemu-7.2.22-log');
const PRECOPY_GZ = path.join(LOG72, 'a-precopy/src.log.gz');
const MULTIFD_LOG = path.join(LOG72, 'b-multifd4/src.log');
const NOTS_SRC = path.join(LOG72, 'qemu-7.2.22-log-nots-multifd-src.log');
const NOTS_DST = path.join(LOG72, 'qemu-7.2.22-log-nots-multifd-dst.log');

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

interface Read {
  readonly path: string;
  readonly member: string | null;
  readonly encodings: readonly string[];
  readonly size: number | null;
  readonly bytes: Buffer;
  readonly error: InputError | null;
}

async function drain(m: InputMember): Promise<{ bytes: Buffer; error: InputError | null }> {
  const parts: Uint8Array[] = [];
  try {
    for await (const c of m.chunks) parts.push(c);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { bytes: Buffer.concat(parts), error: e };
  }
  return { bytes: Buffer.concat(parts), error: null };
}

async function readAll(paths: string[], signal?: AbortSignal): Promise<Read[]> {
  const out: Read[] = [];
  for await (const m of openInputs(paths, { signal })) {
    const { bytes, error } = await drain(m);
    out.push({ path: m.path, member: m.member, encodings: m.encodings, size: m.size, bytes, error });
  }
  return out;
}

async function outerError(paths: string[], signal?: AbortSignal): Promise<{ reads: Read[]; error: unknown }> {
  const reads: Read[] = [];
  try {
    for await (const m of openInputs(paths, { signal })) {
      const { bytes, error } = await drain(m);
      reads.push({ path: m.path, member: m.member, encodings: m.encodings, size: m.size, bytes, error });
    }
  } catch (e) {
    return { reads, error: e };
  }
  return { reads, error: null };
}

/** A tar header block written from the POSIX/GNU layout, independent of any tar library. */
function rawHeader(name: string, size: number, type: string, style: 'v7' | 'gnu'): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  h.write('00000000000\0', 136, 'ascii');
  h.write(type, 156, 'latin1');
  if (style === 'gnu') h.write('ustar  \0', 257, 'ascii');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.byteLength % 512)) % 512)]);
}

let tmp: string;
let precopy: Buffer; // decoded a-precopy/src.log
let multifd: Buffer; // b-multifd4/src.log
let notsSrc: Buffer;
let notsDst: Buffer;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'qtw-sources-'));
  precopy = zlib.gunzipSync(await readFile(PRECOPY_GZ));
  multifd = await readFile(MULTIFD_LOG);
  notsSrc = await readFile(NOTS_SRC);
  notsDst = await readFile(NOTS_DST);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function put(name: string, data: Uint8Array): Promise<string> {
  const p = path.join(tmp, name);
  await mkdir(path.dirname(p), { recursive: true });
  await writeFile(p, data);
  return p;
}

describe('openInputs: single files', () => {
  it('passes a simpletrace binary through as plain data', async () => {
    const bin = path.join(SHARED, 'samples/simpletrace/simpletrace-v4-multi.bin');
    const [r] = await readAll([bin]);
    expect(r.encodings).toEqual([]);
    expect(r.member).toBeNull();
    expect(sha(r.bytes)).toBe(sha(await readFile(bin)));
  });

  it('streams a plain file unchanged, with its size', async () => {
    const reads = await readAll([MULTIFD_LOG]);
    expect(reads).toHaveLength(1);
    const [r] = reads;
    expect(r.path).toBe(MULTIFD_LOG);
    expect(r.member).toBeNull();
    expect(r.encodings).toEqual([]);
    expect(r.size).toBe(multifd.byteLength);
    expect(sha(r.bytes)).toBe(sha(multifd));
  });

  it('decompresses a real .gz sample', async () => {
    const [r] = await readAll([PRECOPY_GZ]);
    expect(r.encodings).toEqual(['gzip']);
    expect(r.size).toBeNull();
    expect(r.error).toBeNull();
    expect(sha(r.bytes)).toBe(sha(precopy));
  });

  it('detects gzip by content when the name says .log', async () => {
    const liar = path.join(tmp, 'liar', 'src.log');
    await mkdir(path.dirname(liar), { recursive: true });
    await copyFile(PRECOPY_GZ, liar);
    const [r] = await readAll([liar]);
    expect(r.encodings).toEqual(['gzip']);
    expect(sha(r.bytes)).toBe(sha(precopy));
  });

  it('decompresses every member of a multi-member gzip', async () => {
    const p = await put('multi.gz', Buffer.concat([zlib.gzipSync(precopy), zlib.gzipSync(multifd), zlib.gzipSync(notsSrc)]));
    const [r] = await readAll([p]);
    expect(r.error).toBeNull();
    expect(sha(r.bytes)).toBe(sha(Buffer.concat([precopy, multifd, notsSrc])));
  });

  it('reads gzip headers with every optional field, and accepts zero padding after the last member', async () => {
    const body = zlib.gzipSync(multifd).subarray(10); // deflate data + trailer
    const extra = Buffer.from([4, 0, 0x41, 0x42, 2, 0]);
    const header = Buffer.concat([
      Buffer.from([0x1f, 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3]),
      extra,
      Buffer.from('src.log\0comment\0', 'latin1'),
      Buffer.from([0x12, 0x34]), // header CRC-16 (not checked by gzip readers that skip it)
    ]);
    const p = await put('fields.gz', Buffer.concat([header, body, zlib.gzipSync(notsSrc), Buffer.alloc(4096)]));
    const [r] = await readAll([p]);
    expect(r.error).toBeNull();
    expect(sha(r.bytes)).toBe(sha(Buffer.concat([multifd, notsSrc])));
  });

  it('delivers every member before reporting trailing garbage or a bad trailer', async () => {
    const p = await put('garbage.gz', Buffer.concat([zlib.gzipSync(precopy), Buffer.from('not gzip at all\n')]));
    const [r] = await readAll([p]);
    expect(sha(r.bytes)).toBe(sha(precopy));
    expect(r.error?.kind).toBe('corrupt');
    expect(r.error?.message).toContain(p);
    expect(r.error?.message).toContain('trailing garbage');

    const gz = Buffer.from(zlib.gzipSync(notsDst));
    gz[gz.byteLength - 4] ^= 0xff; // ISIZE field of the trailer (checked on every Node version)
    const q = await put('badcrc.gz', gz);
    const [c] = await readAll([q]);
    expect(c.error?.kind).toBe('corrupt');
    expect(c.bytes.byteLength).toBe(notsDst.byteLength);
  });

  it('decompresses .zst (one frame, and two concatenated frames)', async () => {
    const fixture = path.join(FIXTURES, 'b-multifd4-src.log.zst');
    const [one] = await readAll([fixture]);
    expect(one.encodings).toEqual(['zstd']);
    expect(sha(one.bytes)).toBe(sha(multifd));
    const zst = await readFile(fixture);
    const p = await put('two-frames.bin', Buffer.concat([zst, zst]));
    const [two] = await readAll([p]);
    expect(two.error).toBeNull();
    expect(sha(two.bytes)).toBe(sha(Buffer.concat([multifd, multifd])));
    // Skippable frames (magic 0x184D2A50..5F, a u32 size, that many bytes) before, between and
    // after data frames, as pzstd and the seekable format write them.
    const skippable = (nibble: number, payload: Buffer) => {
      const h = Buffer.alloc(8);
      h.writeUInt32LE(0x184d2a50 + nibble, 0);
      h.writeUInt32LE(payload.byteLength, 4);
      return Buffer.concat([h, payload]);
    };
    const q = await put('skippable.bin', Buffer.concat([skippable(0, Buffer.alloc(12, 7)), zst, skippable(0xe, Buffer.from('seek table')), zst, skippable(15, Buffer.alloc(0))]));
    const [three] = await readAll([q]);
    expect([three.encodings, three.error]).toEqual([['zstd'], null]);
    expect(sha(three.bytes)).toBe(sha(Buffer.concat([multifd, multifd])));
  });

  it('decompresses .xz, including concatenated streams', async () => {
    const p = await put('a.xz', await xz(precopy));
    const [r] = await readAll([p]);
    expect(r.encodings).toEqual(['xz']);
    expect(sha(r.bytes)).toBe(sha(precopy));
    const q = await put('two.xz', Buffer.concat([await xz(multifd), await xz(notsDst)]));
    const [r2] = await readAll([q]);
    expect(r2.error).toBeNull();
    expect(sha(r2.bytes)).toBe(sha(Buffer.concat([multifd, notsDst])));
  });

  it('reports progress over the compressed file', async () => {
    let seen = 0;
    let sourceBytes = 0;
    for await (const m of openInputs([PRECOPY_GZ])) {
      sourceBytes = m.sourceBytes;
      let last = 0;
      for await (const _ of m.chunks) {
        const now = m.sourceBytesRead();
        expect(now).toBeGreaterThanOrEqual(last);
        last = now;
      }
      seen = m.sourceBytesRead();
    }
    const onDisk = (await readFile(PRECOPY_GZ)).byteLength;
    expect(sourceBytes).toBe(onDisk);
    expect(seen).toBe(onDisk);
  });
});

describe('openInputs: archives', () => {
  const members = (): TarEntry[] => [
    { name: 'logs', type: 'directory' },
    { name: 'logs/src.log', data: precopy },
    { name: 'logs/link.log', type: 'symlink', linkname: 'src.log' },
    { name: 'logs/multifd.log', data: multifd },
  ];

  function expectTarMembers(reads: Read[], file: string, encodings: string[]): void {
    expect(reads.map((r) => r.member)).toEqual(['logs/src.log', 'logs/multifd.log']);
    for (const r of reads) {
      expect(r.path).toBe(file);
      expect(r.encodings).toEqual(encodings);
      expect(r.error).toBeNull();
    }
    expect(reads[0].size).toBe(precopy.byteLength);
    expect(sha(reads[0].bytes)).toBe(sha(precopy));
    expect(reads[1].size).toBe(multifd.byteLength);
    expect(sha(reads[1].bytes)).toBe(sha(multifd));
  }

  it('reads regular members of a .tar, skipping directories and symlinks', async () => {
    const p = await put('a.tar', await tar(members()));
    expectTarMembers(await readAll([p]), p, ['tar']);
  });

  it('reads .tar.gz', async () => {
    const p = await put('a.tar.gz', zlib.gzipSync(await tar(members())));
    expectTarMembers(await readAll([p]), p, ['tar', 'gzip']);
  });

  it('reads .tar.xz', async () => {
    const p = await put('a.txz', await xz(await tar(members())));
    expectTarMembers(await readAll([p]), p, ['tar', 'xz']);
  });

  it('reads .tar.zst made by GNU tar and zstd', async () => {
    const p = path.join(FIXTURES, 'nots-multifd.tar.zst');
    const reads = await readAll([p]);
    expect(reads.map((r) => [r.member, r.encodings])).toEqual([
      ['qemu-7.2.22-log-nots-multifd-dst.log', ['tar', 'zstd']],
      ['qemu-7.2.22-log-nots-multifd-src.log', ['tar', 'zstd']],
    ]);
    expect(sha(reads[0].bytes)).toBe(sha(notsDst));
    expect(sha(reads[1].bytes)).toBe(sha(notsSrc));
  });

  it('decompresses a gzip member inside a tar and names long members', async () => {
    const long = `${'d'.repeat(120)}/trace.log`;
    const p = await put('inner.tar', await tar([
      { name: 'src.log.gz', data: await readFile(PRECOPY_GZ) },
      { name: long, data: notsSrc },
    ]));
    const reads = await readAll([p]);
    expect(reads.map((r) => r.member)).toEqual(['src.log.gz', long]);
    expect(reads[0].encodings).toEqual(['gzip', 'tar']);
    expect(reads[0].size).toBeNull();
    expect(sha(reads[0].bytes)).toBe(sha(precopy));
    expect(sha(reads[1].bytes)).toBe(sha(notsSrc));
  });

  it('reads .zip members, deflated and stored, skipping directories', async () => {
    const p = await put('a.zip', await zip([
      { name: 'run', dir: true },
      { name: 'run/src.log', data: precopy, compress: true },
      { name: 'run/dst.log', data: multifd, compress: false },
    ]));
    const reads = await readAll([p]);
    expect(reads.map((r) => [r.member, r.encodings, r.size])).toEqual([
      ['run/src.log', ['zip'], precopy.byteLength],
      ['run/dst.log', ['zip'], multifd.byteLength],
    ]);
    expect(sha(reads[0].bytes)).toBe(sha(precopy));
    expect(sha(reads[1].bytes)).toBe(sha(multifd));
  });

  it('reads a zip entry stored from a pipe (`zip - -` marks it a FIFO), skips symbolic links', async () => {
    const z = new yazl.ZipFile();
    z.addBuffer(multifd, '-', { compress: true, mode: 0o010600 });
    z.addBuffer(Buffer.from('run/dst.log'), 'link.log', { compress: false, mode: 0o120777 });
    z.end();
    const data = await new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = [];
      z.outputStream.on('data', (b: Buffer) => parts.push(b));
      z.outputStream.on('end', () => resolve(Buffer.concat(parts)));
      z.outputStream.on('error', reject);
    });
    const reads = await readAll([await put('piped.zip', data)]);
    expect(reads.map((r) => [r.member, r.error])).toEqual([['-', null]]);
    expect(sha(reads[0].bytes)).toBe(sha(multifd));
  });

  it('yields nothing for an empty zip', async () => {
    const data = await zip([]);
    expect([...data.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x05, 0x06]);
    const p = await put('empty.zip', data);
    expect(await readAll([p])).toEqual([]);
  });

  it('reports ../ and absolute member names without writing anything', async () => {
    const dir = path.join(tmp, 'evil-case');
    await mkdir(dir);
    const p = path.join(dir, 'evil.tar');
    const absName = path.join(tmp, 'abs-evil');
    await writeFile(p, await tar([
      { name: '../evil', data: Buffer.from('EVIL') },
      { name: absName, data: Buffer.from('ABS') },
      { name: './a//b', data: Buffer.from('AB') },
    ]));
    const before = (await readdir(tmp)).sort();
    const reads = await readAll([p]);
    expect(reads.map((r) => [r.member, r.bytes.toString()])).toEqual([
      ['../evil', 'EVIL'],
      [absName, 'ABS'],
      ['a/b', 'AB'],
    ]);
    expect((await readdir(tmp)).sort()).toEqual(before);
    expect(await readdir(dir)).toEqual(['evil.tar']);
    expect(existsSync(path.join(tmp, 'evil'))).toBe(false);
    expect(existsSync(absName)).toBe(false);
  });

  it('reads pax long names, GNU long names and old-style (pre-ustar) headers', async () => {
    const paxName = `${'é'.repeat(70)}-${'x'.repeat(60)}.log`; // one segment > 100 bytes: needs pax
    const pax = await put('pax.tar', await tar([{ name: paxName, data: notsDst }]));
    const [r] = await readAll([pax]);
    expect(r.member).toBe(paxName);
    expect(sha(r.bytes)).toBe(sha(notsDst));

    const gnuName = `${'g'.repeat(150)}.log`;
    const nameBytes = Buffer.from(`${gnuName}\0`);
    const gnu = await put('gnu.tar', Buffer.concat([
      rawHeader('././@LongLink', nameBytes.byteLength, 'L', 'gnu'), padded(nameBytes),
      rawHeader(gnuName.slice(0, 100), notsSrc.byteLength, '0', 'gnu'), padded(notsSrc),
      Buffer.alloc(1024),
    ]));
    const [g] = await readAll([gnu]);
    expect(g.member).toBe(gnuName);
    expect(sha(g.bytes)).toBe(sha(notsSrc));

    const v7 = await put('v7.bin', Buffer.concat([
      rawHeader('old/one.log', notsDst.byteLength, '\0', 'v7'), padded(notsDst),
      rawHeader('old/two.log', multifd.byteLength, '0', 'v7'), padded(multifd),
      Buffer.alloc(1024),
    ]));
    const old = await readAll([v7]);
    expect(old.map((o) => [o.member, o.encodings])).toEqual([['old/one.log', ['tar']], ['old/two.log', ['tar']]]);
    expect(sha(old[0].bytes)).toBe(sha(notsDst));
    expect(sha(old[1].bytes)).toBe(sha(multifd));
  });

  it('reports a GNU sparse member in pax format (GNU.sparse.* records) as unsupported, under its real name', async () => {
    const rec = (k: string, v: string) => {
      // "<len> key=value\n", the length counting itself.
      const body = ` ${k}=${v}\n`;
      let len = body.length + 1;
      while (String(len).length + body.length !== len) len++;
      return `${len}${body}`;
    };
    const paxBody = Buffer.from(rec('GNU.sparse.major', '1') + rec('GNU.sparse.minor', '0') + rec('GNU.sparse.name', 'run/sp.log') + rec('GNU.sparse.realsize', '9000'));
    // Format 1.0: the member's data starts with the sparse map (here: one region of 4 bytes).
    const data = padded(Buffer.from('1\n0\n4\n')).subarray(0, 512);
    const p = await put('sparse-pax.tar', Buffer.concat([
      rawHeader('./PaxHeaders/sp.log', paxBody.byteLength, 'x', 'gnu'), padded(paxBody),
      rawHeader('GNUSparseFile.0/sp.log', 516, '0', 'gnu'), padded(Buffer.concat([data, Buffer.from('abcd')])),
      rawHeader('next.log', notsSrc.byteLength, '0', 'gnu'), padded(notsSrc),
      Buffer.alloc(1024),
    ]));
    const reads = await readAll([p]);
    expect(reads.map((r) => [r.member, r.error?.kind ?? null])).toEqual([['run/sp.log', 'unsupported'], ['next.log', null]]);
    expect(reads[0].error?.message).toContain('GNU sparse tar members are not supported');
    expect(sha(reads[1].bytes)).toBe(sha(notsSrc));
  });

  it('rejects a nested archive as that member only', async () => {
    const inner = await zip([{ name: 'x.log', data: notsSrc }]);
    const p = await put('nested.tar', await tar([
      { name: 'a.log', data: notsDst },
      { name: 'bundle.zip', data: inner },
      { name: 'b.tar.gz', data: zlib.gzipSync(await tar([{ name: 'y.log', data: notsSrc }])) },
      { name: 'c.log', data: notsSrc },
    ]));
    const reads = await readAll([p]);
    expect(reads.map((r) => r.member)).toEqual(['a.log', 'bundle.zip', 'b.tar.gz', 'c.log']);
    expect(reads[0].error).toBeNull();
    expect(reads[1].error?.kind).toBe('unsupported');
    expect(reads[1].error?.message).toContain('bundle.zip');
    expect(reads[1].error?.message).toContain('zip inside tar');
    expect(reads[2].error?.kind).toBe('unsupported');
    expect(sha(reads[3].bytes)).toBe(sha(notsSrc));
  });

  it('skips members that are not read, or read only in part', async () => {
    const p = await put('skip.tar.gz', zlib.gzipSync(await tar(members())));
    const got: string[] = [];
    let i = 0;
    let first: InputMember | null = null;
    for await (const m of openInputs([p])) {
      if (i === 0) {
        first = m;
        for await (const _ of m.chunks) break; // read one chunk, abandon the rest
      } else {
        got.push(sha((await drain(m)).bytes));
      }
      i++;
    }
    expect(got).toEqual([sha(multifd)]);
    // A member cannot be read once the next one was requested.
    const late = first === null ? null : await drain(first);
    expect(late?.error?.kind).toBe('misuse');
  });
});

describe('openInputs: directories', () => {
  it('walks a tree in sorted order, keeps dotfiles, reports symlink loops as entries and walks on', async () => {
    const root = path.join(tmp, 'tree');
    await mkdir(path.join(root, 'b', '.hidden'), { recursive: true });
    await mkdir(path.join(root, 'a'), { recursive: true });
    await writeFile(path.join(root, 'b', 'z.log'), notsSrc);
    await writeFile(path.join(root, 'b', '.hidden', 'h.log'), notsDst);
    await writeFile(path.join(root, 'a', 'src.log.gz'), await readFile(PRECOPY_GZ));
    await writeFile(path.join(root, 'Z.tar'), await tar([{ name: 'm.log', data: multifd }]));
    await symlink('..', path.join(root, 'b', 'loop'));
    await symlink('nowhere', path.join(root, 'dangling'));
    // A second link to a directory already walked is not a loop: walked once, silently.
    await symlink(path.join('..', 'a'), path.join(root, 'b', 'again'));
    await symlink('.', path.join(root, 'b', 'self'));
    const reads = await readAll([root]);
    expect(reads.map((r) => [path.relative(root, r.path), r.member])).toEqual([
      ['Z.tar', 'm.log'],
      [path.join('a', 'src.log.gz'), null],
      [path.join('b', '.hidden', 'h.log'), null],
      [path.join('b', 'loop'), null],
      [path.join('b', 'self'), null],
      [path.join('b', 'z.log'), null],
    ]);
    expect(sha(reads[0].bytes)).toBe(sha(multifd));
    expect(sha(reads[1].bytes)).toBe(sha(precopy));
    expect(sha(reads[2].bytes)).toBe(sha(notsDst));
    expect(sha(reads[5].bytes)).toBe(sha(notsSrc));
    expect(reads[3].error?.message).toBe(`${path.join(root, 'b', 'loop')}: symbolic link loop: leads back to ${root} (not followed)`);
    expect(reads[4].error?.message).toBe(`${path.join(root, 'b', 'self')}: symbolic link loop: leads back to ${path.join(root, 'b')} (not followed)`);
    expect(reads[3].bytes.byteLength).toBe(0);
  });

  it('mentions a dangling symbolic link as a note, not as an entry', async () => {
    const root = path.join(tmp, 'dangling-tree');
    await mkdir(root);
    await symlink('gone.log', path.join(root, 'a'));
    await writeFile(path.join(root, 'b.log'), notsSrc);
    const notes: string[] = [];
    const names: string[] = [];
    for await (const m of openInputs([root], { onNote: (l) => notes.push(l) })) {
      names.push(path.relative(root, m.path));
      await drain(m);
    }
    expect(names).toEqual(['b.log']);
    expect(notes).toEqual([`${path.join(root, 'a')}: symbolic link to gone.log, which does not exist (skipped)`]);
  });
});

describe('openInputs: empty tar', () => {
  it('reads a file of end-of-archive blocks as a tar without members, but a zero-filled member as data', async () => {
    const empty = await put('empty.tar', new Uint8Array(10240));
    expect(await readAll([empty])).toEqual([]);
    const zeros = Buffer.alloc(4096);
    const [m] = await readAll([await put('zeros-inside.tar', await tar([{ name: 'zeros.bin', data: zeros }]))]);
    expect([m.member, m.error, m.bytes.byteLength]).toEqual(['zeros.bin', null, 4096]);
  });
});

describe('openInputs: errors', () => {
  it('names a missing file before yielding anything', async () => {
    const missing = path.join(tmp, 'no-such-trace.log');
    const { reads, error } = await outerError([MULTIFD_LOG, missing]);
    expect(reads).toEqual([]);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).kind).toBe('missing');
    expect((error as InputError).message).toContain(missing);
    expect((error as InputError).message).not.toContain('\n');
  });

  it('keeps the bytes of a truncated .gz, then names the file, then goes on', async () => {
    const gz = await readFile(PRECOPY_GZ);
    const p = await put('cut.log.gz', gz.subarray(0, Math.floor(gz.byteLength * 0.6)));
    const reads = await readAll([p, MULTIFD_LOG]);
    expect(reads).toHaveLength(2);
    const [cut, next] = reads;
    expect(cut.error?.kind).toBe('truncated');
    expect(cut.error?.message).toContain(p);
    expect(cut.error?.message).toContain('gzip');
    // What zlib can decode from the same prefix, flushed instead of failing.
    const decodable = zlib.gunzipSync(gz.subarray(0, Math.floor(gz.byteLength * 0.6)), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    expect(cut.bytes.byteLength).toBe(decodable.byteLength);
    expect(cut.bytes.byteLength).toBeGreaterThan(0);
    expect(sha(cut.bytes)).toBe(sha(precopy.subarray(0, cut.bytes.byteLength)));
    expect(sha(next.bytes)).toBe(sha(multifd));
  });

  it('keeps the bytes of a truncated .zst and .xz', async () => {
    const zst = await readFile(path.join(FIXTURES, 'b-multifd4-src.log.zst'));
    const p = await put('cut.zst', zst.subarray(0, zst.byteLength - 100));
    const [z] = await readAll([p]);
    expect(z.error?.kind).toBe('truncated');
    expect(z.error?.message).toContain(p);
    expect(z.bytes.byteLength).toBeGreaterThan(0);
    expect(multifd.subarray(0, z.bytes.byteLength).equals(z.bytes)).toBe(true);

    const x = await xz(precopy);
    const q = await put('cut.xz', x.subarray(0, x.byteLength >> 1));
    const [r] = await readAll([q]);
    expect(r.error?.kind).toBe('truncated');
    expect(r.bytes.byteLength).toBeGreaterThan(0);
    expect(precopy.subarray(0, r.bytes.byteLength).equals(r.bytes)).toBe(true);
  });

  it('an .xz failing while its reader pauses (as ingest does while parse workers start) keeps every decoded byte', async () => {
    const x = Buffer.concat([await xz(precopy), Buffer.from('garbage!')]);
    expect(precopy.byteLength).toBeGreaterThan(4 << 20);
    const p = await put('garbage.xz', x);
    for (const pauseMs of [0, 300]) {
      const parts: Uint8Array[] = [];
      let n = 0;
      let error: unknown = null;
      try {
        for await (const m of openInputs([p])) {
          for await (const c of m.chunks) {
            parts.push(c);
            if (n < 2 << 20 && (n += c.byteLength) >= 2 << 20) await new Promise((r) => setTimeout(r, pauseMs));
          }
        }
      } catch (e) {
        error = e;
      }
      expect(error, `pause ${pauseMs}`).toBeInstanceOf(InputError);
      expect(sha(Buffer.concat(parts)), `pause ${pauseMs}`).toBe(sha(precopy));
    }
  });

  it('names the member of a truncated .tar.gz and moves on to the next path', async () => {
    const tgz = zlib.gzipSync(await tar([{ name: 'one.log', data: precopy }, { name: 'two.log', data: multifd }]));
    const p = await put('cut.tar.gz', tgz.subarray(0, tgz.byteLength >> 1));
    const reads = await readAll([p, NOTS_SRC]);
    expect(reads.map((r) => [r.path, r.member])).toEqual([[p, 'one.log'], [NOTS_SRC, null]]);
    expect(reads[0].error?.kind).toBe('truncated');
    expect(reads[0].error?.message).toContain(p);
    expect(reads[0].error?.message).toContain('one.log');
    expect(precopy.subarray(0, reads[0].bytes.byteLength).equals(reads[0].bytes)).toBe(true);
    expect(sha(reads[1].bytes)).toBe(sha(notsSrc));
  });

  it('reports a corrupt zip member, keeps its decoded bytes and reads the next member', async () => {
    const data = await zip([
      { name: 'bad.log', data: precopy, compress: true },
      { name: 'good.log', data: notsSrc, compress: false },
    ]);
    // Garble deflate data in the middle of the first member (its data starts after a 30-byte
    // local header and the 7-byte name).
    const bad = Buffer.from(data);
    const mid = 37 + 100_000;
    for (let i = 0; i < 64; i++) bad[mid + i] ^= 0x5a;
    const p = await put('corrupt.zip', bad);
    const reads = await readAll([p]);
    expect(reads.map((r) => r.member)).toEqual(['bad.log', 'good.log']);
    expect(reads[0].error).toBeInstanceOf(InputError);
    expect(reads[0].error?.kind).toBe('corrupt');
    expect(reads[0].error?.message).toContain(p);
    expect(reads[0].error?.message).toContain('bad.log');
    expect(reads[0].bytes.byteLength).toBeGreaterThan(0);
    expect(reads[0].bytes.byteLength).toBeLessThan(precopy.byteLength);
    // Everything before the garbled deflate block is intact.
    const intact = zlib.inflateRawSync(data.subarray(37, mid), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    expect(reads[0].bytes.subarray(0, intact.byteLength).equals(precopy.subarray(0, intact.byteLength))).toBe(true);
    expect(reads[1].error).toBeNull();
    expect(sha(reads[1].bytes)).toBe(sha(notsSrc));
  });

  it('detects a corrupt stored zip member by its CRC-32', async () => {
    if (typeof (zlib as { crc32?: unknown }).crc32 !== 'function') return; // Node < 20.15 checks sizes only
    const data = await zip([{ name: 's.log', data: notsSrc, compress: false }]);
    const bad = Buffer.from(data);
    bad[30 + 5 + 1000] ^= 0x01;
    const p = await put('crc.zip', bad);
    const [r] = await readAll([p]);
    expect(r.error?.kind).toBe('corrupt');
    expect(r.error?.message).toContain('CRC');
    expect(r.bytes.byteLength).toBe(notsSrc.byteLength);
  });

  it('names a zip whose central directory is cut off', async () => {
    const data = await zip([{ name: 'a.log', data: notsSrc }]);
    const p = await put('cut.zip', data.subarray(0, data.byteLength - 30));
    const { error } = await outerError([p]);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain(p);
  });

  it('stops on abort, before and during iteration', async () => {
    const before = new AbortController();
    before.abort();
    const r1 = await outerError([PRECOPY_GZ], before.signal);
    expect((r1.error as InputError).kind).toBe('aborted');
    expect(r1.reads).toEqual([]);

    const during = new AbortController();
    let chunks = 0;
    let caught: unknown = null;
    const members: string[] = [];
    try {
      for await (const m of openInputs([PRECOPY_GZ, MULTIFD_LOG], { signal: during.signal })) {
        members.push(m.path);
        for await (const _ of m.chunks) {
          if (++chunks === 2) during.abort();
        }
      }
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).kind).toBe('aborted');
    expect(chunks).toBe(2);
    expect(members).toEqual([PRECOPY_GZ]);
  });
});
