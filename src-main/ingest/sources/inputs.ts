// Input sources: turns the paths a user gives (files, archives, directories) into a sequence of
// trace members, each a stream of decompressed bytes. Formats are recognised by content (magic
// bytes), never by file name. Nothing is extracted to disk and no file or member is held in
// memory whole.
//
// Reading and skipping. openInputs yields one member at a time. Read a member by iterating its
// `chunks` (once); skip it, or the rest of it, by simply asking for the next member: the source
// then discards the remainder (for a tar member this still decompresses through it, for a zip
// member or a plain file nothing more is read). A member's chunks cannot be read after the next
// member has been requested.
//
// Errors are thrown by whichever iterator the caller is pulling when they happen, always as a
// one-line InputError naming the file, the member and what failed:
// - from `member.chunks`: after every byte that decoded before the failure has been yielded
//   (truncated or corrupt compressed data, a member cut short, an unsupported or nested
//   archive member). Iteration of openInputs may then go on: with the next zip entry or tar
//   member when only that member's own data was bad, otherwise with the next path, since the
//   rest of a broken stream cannot be found.
// - from openInputs itself: a path that is missing or unreadable (all given paths are checked
//   before anything is yielded), a zip whose directory is unreadable, a tar header that is
//   corrupt or a failure while skipping a member nobody read. Iteration then ends; call
//   openInputs once per path to isolate such failures.
// - inside a directory, an entry that cannot be listed, stat'ed or opened (or a symbolic link
//   loop) is yielded as a member of its own whose `chunks` throw that entry's error, and the
//   walk goes on with the next entry. A dangling symbolic link is passed to `onNote` and skipped.
// - cancellation through `signal` throws InputError with kind 'aborted' from either iterator.
import { lstat, open, readdir, readlink, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import * as nodePath from 'node:path';
import { ByteReader, OuterFailure, SourceFailure, errorText, fileChunks, throwIfAborted } from './bytes.ts';
import type { ReadCounter } from './bytes.ts';
import { SNIFF_BYTES, decompress, sniffArchive, sniffCompression } from './codecs.ts';
import type { ArchiveKind, Compression } from './codecs.ts';
import { EMPTY_TAR_MAX, TarReader, isEmptyTar } from './tar.ts';
import type { TarMember } from './tar.ts';
import { ZipReader } from './zip.ts';

export interface InputMember {
  /** The path the user gave (file, archive or directory entry path). */
  readonly path: string;
  /** Member name inside an archive (normalized, '/' separators), or null for a plain/compressed file. For directories: null with path = the file path. */
  readonly member: string | null;
  /**
   * Decodings applied, innermost first as in a file name: 'x.tar.gz' gives ['tar', 'gzip'],
   * a gzip file inside it ['gzip', 'tar', 'gzip'], a plain file [].
   */
  readonly encodings: readonly string[];
  /** Uncompressed size when known up front (plain files, tar/zip members), else null. Used for progress. */
  readonly size: number | null;
  /** Size in bytes of the outer file on disk (for progress over compressed input). */
  readonly sourceBytes: number;
  /** The decompressed bytes, as an async iterable of chunks (each chunk may be consumed once). */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Bytes of the outer file read so far (for progress on compressed input). */
  sourceBytesRead(): number;
}

export type InputErrorKind =
  | 'missing'
  | 'unreadable'
  | 'corrupt'
  | 'truncated'
  | 'unsupported'
  | 'aborted'
  /** A member's chunks iterated twice, or after the next member was requested. */
  | 'misuse';

export class InputError extends Error {
  constructor(
    readonly kind: InputErrorKind,
    /** The file as the user named it (or as found in a directory they named). */
    readonly file: string,
    /** Archive member name, or null. */
    readonly member: string | null,
    readonly reason: string,
    /** Decoded bytes of the member delivered before the failure, when that is what failed. */
    readonly offset: number | null = null,
  ) {
    super(`${file}${member === null ? '' : ` (member ${member})`}: ${reason}`);
    this.name = 'InputError';
  }
}

export interface OpenInputsOptions {
  readonly signal?: AbortSignal;
  /** One-line mentions of entries passed over that are not errors (a dangling symbolic link in a directory). */
  readonly onNote?: (line: string) => void;
  /**
   * A directory whose files come next: called before the first of them is yielded, with how
   * many regular files it holds directly and their bytes (so a caller can say which folder of
   * a folder of runs it is in). Not called for a directory with no file of its own.
   */
  readonly onFolder?: (dir: string, files: number, bytes: number) => void;
}

/** Opens paths (files, archives, directories recursively in sorted order) and yields trace members one after another. See the file comment for skipping and errors. */
export function openInputs(paths: readonly string[], opts: OpenInputsOptions = {}): AsyncIterable<InputMember> {
  const list = [...paths];
  return { [Symbol.asyncIterator]: () => walk(list, opts.signal, { note: opts.onNote ?? (() => {}), folder: opts.onFolder ?? (() => {}) }) };
}

// ---------------------------------------------------------------------------------------------

const MAX_COMPRESSION_LAYERS = 3;
const MEMBER_SLICE = 1 << 20;

function toInputError(e: unknown, file: string, member: string | null, decoded: number | null): InputError {
  if (e instanceof InputError) return e;
  if (e instanceof SourceFailure) {
    const f = e instanceof OuterFailure ? e.inner : e;
    if (f.kind === 'aborted') return new InputError('aborted', file, member, 'cancelled');
    const where = decoded !== null && (f.kind === 'corrupt' || f.kind === 'truncated') ? ` (${decoded} bytes delivered before the failure)` : '';
    return new InputError(f.kind, file, member, `${f.message}${where}`, decoded);
  }
  return new InputError('unreadable', file, member, errorText(e));
}

function fsError(e: unknown, file: string, what: string): InputError {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new InputError('missing', file, null, 'no such file or directory');
  // libuv ends its message with the syscall and the path, which the error names already.
  return new InputError('unreadable', file, null, `cannot ${what} (${errorText(e).replace(/, \w+ '.*'$/, '')})`);
}

/** Archive member names as reported: '/' separated, no empty or '.' segments; '..' and a leading '/' are kept. */
export function normalizeMemberName(name: string, backslashes: boolean): string {
  const s = backslashes ? name.replace(/\\/g, '/') : name;
  const parts = s.split('/').filter((p) => p !== '' && p !== '.');
  return (s.startsWith('/') ? '/' : '') + parts.join('/');
}

class Member implements InputMember {
  readonly chunks: AsyncIterable<Uint8Array>;
  private state: 'fresh' | 'reading' | 'retired' = 'fresh';
  private gen: AsyncGenerator<Uint8Array, void, undefined> | null = null;
  /** The member's data failed and the caller has been told. */
  failed = false;
  /** ...and the failure lies beneath the member (file, outer decompression, tar framing). */
  failedOuter = false;

  constructor(
    readonly path: string,
    readonly member: string | null,
    readonly encodings: readonly string[],
    readonly size: number | null,
    readonly sourceBytes: number,
    private readonly counter: ReadCounter,
    private readonly source: AsyncIterable<Uint8Array>,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.chunks = {
      [Symbol.asyncIterator]: () => {
        const g = this.iterate();
        this.gen ??= g;
        return g;
      },
    };
  }

  sourceBytesRead(): number {
    return this.counter.bytes;
  }

  private async *iterate(): AsyncGenerator<Uint8Array, void, undefined> {
    if (this.state !== 'fresh') {
      throw new InputError('misuse', this.path, this.member, 'member data can be read only once, before the next member is requested');
    }
    this.state = 'reading';
    let decoded = 0;
    const it = this.source[Symbol.asyncIterator]();
    try {
      for (;;) {
        throwIfAborted(this.signal);
        const r = await it.next();
        if (r.done === true) return;
        decoded += r.value.byteLength;
        yield r.value;
      }
    } catch (e) {
      this.failed = true;
      this.failedOuter = e instanceof OuterFailure || (e instanceof SourceFailure && e.kind === 'aborted');
      throw toInputError(e, this.path, this.member, decoded);
    } finally {
      await it.return?.();
    }
  }

  /** Called when the caller asks for the next member: this one can no longer be read. */
  async retire(): Promise<void> {
    this.state = 'retired';
    if (this.gen !== null) {
      try {
        await this.gen.return(undefined);
      } catch {
        // Already reported through the iterator.
      }
    }
  }
}

async function* failing(f: SourceFailure | InputError): AsyncGenerator<Uint8Array, void, undefined> {
  throw f;
}

/** A directory entry that cannot be read, as a member whose data is its error. */
async function* failedEntry(path: string, f: SourceFailure | InputError, signal: AbortSignal | undefined): AsyncGenerator<InputMember, void, undefined> {
  const m = new Member(path, null, [], null, 0, { bytes: 0 }, failing(f), signal);
  try {
    yield m;
  } finally {
    await m.retire();
  }
}

interface Layers {
  /** Every reader of the chain, outermost first; closing them all releases the decoders. */
  readonly readers: ByteReader[];
  readonly top: ByteReader;
  /** Innermost first. */
  readonly encodings: Compression[];
  readonly archive: ArchiveKind | null;
}

/** Peels compression layers off by magic bytes, then says whether what is left is an archive. */
async function peel(base: ByteReader): Promise<Layers> {
  const readers = [base];
  const encodings: Compression[] = [];
  let top = base;
  for (;;) {
    const head = await top.peekAvailable(SNIFF_BYTES);
    const comp = encodings.length < MAX_COMPRESSION_LAYERS ? sniffCompression(head) : null;
    if (comp === null) return { readers, top, encodings, archive: sniffArchive(head) };
    top = new ByteReader(decompress(comp, top.rest()));
    readers.push(top);
    encodings.unshift(comp);
  }
}

async function closeAll(readers: readonly ByteReader[]): Promise<void> {
  for (let i = readers.length - 1; i >= 0; i--) await readers[i].close();
}

interface WalkHooks {
  readonly note: (line: string) => void;
  readonly folder: (dir: string, files: number, bytes: number) => void;
}

async function* walk(
  paths: readonly string[],
  signal: AbortSignal | undefined,
  hooks: WalkHooks,
): AsyncGenerator<InputMember, void, undefined> {
  // Check every path first: a typo in the last one should not surface after hours of ingest.
  const tops: { path: string; st: Stats }[] = [];
  for (const p of paths) {
    if (signal?.aborted) throw new InputError('aborted', p, null, 'cancelled');
    try {
      tops.push({ path: p, st: await stat(p) });
    } catch (e) {
      throw fsError(e, p, 'stat');
    }
  }
  const visited = new Set<string>();
  for (const { path, st } of tops) {
    if (st.isDirectory()) {
      const key = `${st.dev}:${st.ino}`;
      visited.add(key);
      yield* walkDir(path, signal, visited, new Map([[key, path]]), hooks);
    } else if (st.isFile()) {
      yield* openFile(path, signal);
    } else {
      throw new InputError('unsupported', path, null, 'not a regular file or directory');
    }
  }
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `visited`: directory identities (dev:ino) already walked, so none is walked twice; `ancestors`:
 * those of `dir` and the directories it lies in, with their paths. A symbolic link to one of them
 * is a loop: that entry's error (one line naming it), and the walk goes on beside it.
 */
async function* walkDir(
  dir: string,
  signal: AbortSignal | undefined,
  visited: Set<string>,
  ancestors: ReadonlyMap<string, string>,
  hooks: WalkHooks,
): AsyncGenerator<InputMember, void, undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort(byName);
  } catch (e) {
    yield* failedEntry(dir, fsError(e, dir, 'list directory'), signal);
    return;
  }
  // Every entry stat'ed first: the folder's file count is said before its first file.
  const entries: { full: string; st: Stats | null; error: unknown }[] = [];
  let files = 0;
  let bytes = 0;
  for (const name of names) {
    const full = nodePath.join(dir, name);
    if (signal?.aborted) throw new InputError('aborted', full, null, 'cancelled');
    try {
      const st = await stat(full); // follows symlinks
      entries.push({ full, st, error: null });
      if (st.isFile()) {
        files++;
        bytes += st.size;
      }
    } catch (e) {
      entries.push({ full, st: null, error: e });
    }
  }
  let announced = false;
  for (const { full, st, error } of entries) {
    if (signal?.aborted) throw new InputError('aborted', full, null, 'cancelled');
    if (st === null) {
      // A dangling symlink is not a regular file (said, not an error); anything else unreadable is.
      const missing = (error as { code?: unknown } | null)?.code === 'ENOENT';
      const target = missing ? await lstat(full).then((l) => (l.isSymbolicLink() ? readlink(full) : null)).catch(() => null) : null;
      if (target !== null) hooks.note(`${full}: symbolic link to ${target}, which does not exist (skipped)`);
      else yield* failedEntry(full, fsError(error, full, 'stat'), signal);
      continue;
    }
    if (st.isDirectory()) {
      const key = `${st.dev}:${st.ino}`;
      const back = ancestors.get(key);
      if (back !== undefined) {
        yield* failedEntry(full, new SourceFailure('unsupported', `symbolic link loop: leads back to ${back} (not followed)`), signal);
        continue;
      }
      // A directory reached again other than by a loop (two links to it) is walked once.
      if (visited.has(key)) continue;
      visited.add(key);
      yield* walkDir(full, signal, visited, new Map([...ancestors, [key, full]]), hooks);
    } else if (st.isFile()) {
      if (!announced) {
        announced = true;
        hooks.folder(dir, files, bytes);
      }
      yield* openFile(full, signal, true);
    }
  }
}

/** `inDir`: a file found in a directory, whose failure to open is its own entry's error. */
async function* openFile(path: string, signal: AbortSignal | undefined, inDir = false): AsyncGenerator<InputMember, void, undefined> {
  throwIfAbortedFor(signal, path, null);
  let fh: FileHandle;
  let size: number;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if (!inDir) throw fsError(e, path, 'open');
    yield* failedEntry(path, fsError(e, path, 'open'), signal);
    return;
  }
  const counter: ReadCounter = { bytes: 0 };
  let readers: ByteReader[] = [];
  let current: Member | null = null;
  try {
    try {
      size = (await fh.stat()).size;
    } catch (e) {
      throw fsError(e, path, 'stat');
    }
    const base = new ByteReader(fileChunks(fh, size, counter, signal));
    readers = [base];
    let layers: Layers;
    try {
      layers = await peel(base);
    } catch (e) {
      throw toInputError(e, path, null, null);
    }
    readers = layers.readers;
    throwIfAbortedFor(signal, path, null);

    if (layers.archive === 'zip' && layers.encodings.length === 0) {
      await closeAll(readers);
      readers = [];
      yield* zipMembers(path, size, signal);
      return;
    }
    if (layers.archive === 'zip') {
      current = new Member(path, null, layers.encodings, null, size, counter, failing(
        new SourceFailure('unsupported', `zip archive inside ${layers.encodings.join('+')} is not supported (zip needs random access); decompress it first`),
      ), signal);
      yield current;
      return;
    }
    // Only for the file itself: a member of an archive that starts with zeros is data, not a tar.
    // An empty tar is at most EMPTY_TAR_MAX bytes of zeros: peek one more to know it ends there.
    const head = layers.archive === null ? await layers.top.peekAvailable(EMPTY_TAR_MAX + 1) : null;
    if (layers.archive === 'tar' || (head !== null && isEmptyTar(head, head.byteLength <= EMPTY_TAR_MAX))) {
      yield* tarMembers(path, size, layers, counter, signal);
      return;
    }
    current = new Member(path, null, layers.encodings, layers.encodings.length === 0 ? size : null, size, counter, layers.top.rest(), signal);
    yield current;
  } finally {
    await current?.retire();
    await closeAll(readers);
    await fh.close().catch(() => undefined);
  }
}

function throwIfAbortedFor(signal: AbortSignal | undefined, file: string, member: string | null): void {
  if (signal?.aborted) throw new InputError('aborted', file, member, 'cancelled');
}

function nestedFailure(inner: ArchiveKind, outer: ArchiveKind): SourceFailure {
  return new SourceFailure('unsupported', `nested archive (${inner} inside ${outer}) is not supported; unpack the outer archive first`);
}

/** A tar member's data bytes; failures of the tar stream are tagged as lying beneath the member. */
async function* tarData(tar: TarReader, m: TarMember): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    for (;;) {
      const c = await tar.read(MEMBER_SLICE, m);
      if (c === null) return;
      yield c;
    }
  } catch (e) {
    throw e instanceof SourceFailure && !(e instanceof OuterFailure) ? new OuterFailure(e) : e;
  }
}

async function* tarMembers(
  path: string,
  sourceBytes: number,
  outer: Layers,
  counter: ReadCounter,
  signal: AbortSignal | undefined,
): AsyncGenerator<InputMember, void, undefined> {
  const tar = new TarReader(outer.top);
  const outerEnc = ['tar', ...outer.encodings];
  for (;;) {
    throwIfAbortedFor(signal, path, null);
    let m: TarMember | null;
    try {
      m = await tar.next();
    } catch (e) {
      throw toInputError(e, path, null, null);
    }
    if (m === null) return;
    const name = normalizeMemberName(m.name, false);
    let member: Member | null = null;
    let readers: ByteReader[] = [];
    try {
      if (m.unsupported !== null) {
        member = new Member(path, name, outerEnc, null, sourceBytes, counter, failing(new SourceFailure('unsupported', m.unsupported)), signal);
      } else {
        const inner = await peel(new ByteReader(tarData(tar, m)));
        readers = inner.readers;
        const source = inner.archive !== null ? failing(nestedFailure(inner.archive, 'tar')) : inner.top.rest();
        const size = inner.encodings.length === 0 && inner.archive === null ? m.size : null;
        member = new Member(path, name, [...inner.encodings, ...outerEnc], size, sourceBytes, counter, source, signal);
      }
      yield member;
    } finally {
      await member?.retire();
      await closeAll(readers);
    }
    // The caller saw the failure; a broken tar stream has no further members to find.
    if (member.failedOuter) return;
  }
}

async function* zipMembers(path: string, sourceBytes: number, signal: AbortSignal | undefined): AsyncGenerator<InputMember, void, undefined> {
  let zip: ZipReader;
  try {
    zip = await ZipReader.open(path);
  } catch (e) {
    throw toInputError(e, path, null, null);
  }
  try {
    for (;;) {
      throwIfAbortedFor(signal, path, null);
      let z;
      try {
        z = await zip.next();
      } catch (e) {
        throw toInputError(e, path, null, null);
      }
      if (z === null) return;
      const name = normalizeMemberName(z.name, true);
      // Progress within a zip: where this entry's data lies in the file, plus what was read of it.
      const counter: ReadCounter = { bytes: z.localHeaderOffset };
      let readers: ByteReader[] = [];
      let member: Member | null = null;
      try {
        if (z.unsupported !== null) {
          member = new Member(path, name, ['zip'], null, sourceBytes, counter, failing(new SourceFailure('unsupported', z.unsupported)), signal);
        } else {
          const inner = await peel(new ByteReader(zip.data(z, counter, signal)));
          readers = inner.readers;
          const source = inner.archive !== null ? failing(nestedFailure(inner.archive, 'zip')) : inner.top.rest();
          const size = inner.encodings.length === 0 && inner.archive === null ? z.size : null;
          member = new Member(path, name, [...inner.encodings, 'zip'], size, sourceBytes, counter, source, signal);
        }
        yield member;
      } finally {
        await member?.retire();
        await closeAll(readers);
      }
      // Zip entries are independent: a bad one does not stop the rest, except a cancel.
      if (member.failedOuter) throwIfAbortedFor(signal, path, name);
    }
  } finally {
    zip.close();
  }
}
