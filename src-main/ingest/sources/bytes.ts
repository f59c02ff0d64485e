// Pull-based byte plumbing for input sources: a file reader and a reader that can look ahead
// (magic bytes, tar headers) without losing what it looked at.
import type { FileHandle } from 'node:fs/promises';

/**
 * Internal failure tags. They carry which layer failed so that the public InputError can say
 * what went wrong, and so that an archive can tell "this member's own data is bad" (skip it,
 * go on) from "the archive stream itself is broken" (abandon the file).
 */
export class SourceFailure extends Error {
  constructor(
    readonly kind: 'unreadable' | 'corrupt' | 'truncated' | 'unsupported' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'SourceFailure';
  }
}

/** A failure of the bytes underneath an archive member (file, outer decompression, tar framing). */
export class OuterFailure extends SourceFailure {
  constructor(readonly inner: SourceFailure) {
    super(inner.kind, inner.message);
    this.name = 'OuterFailure';
  }
}

export function abortFailure(): SourceFailure {
  return new SourceFailure('aborted', 'cancelled');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortFailure();
}

export function errorText(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  // One line: some native modules put newlines in their messages.
  return m.replace(/\s*\n\s*/g, ' ');
}

const CHUNK = 1 << 20;

/**
 * File chunks that own their whole ArrayBuffer, which nothing here keeps: the consumer may move
 * the buffer to a parse worker instead of copying it.
 */
const transferable = new WeakSet<Uint8Array>();

/** The chunk's ArrayBuffer if it may be transferred (see `transferable`), else null; once. */
export function takeTransferable(chunk: Uint8Array): ArrayBuffer | null {
  if (!transferable.delete(chunk)) return null;
  if (chunk.byteOffset !== 0 || chunk.byteLength !== chunk.buffer.byteLength) return null;
  return chunk.buffer as ArrayBuffer;
}
const MIN_CHUNK = 64 << 10;

export interface ReadCounter {
  bytes: number;
}

/**
 * Reads a file front to back in large fresh buffers (never reused: consumers may keep views).
 * The file handle's lifetime belongs to the caller: a generator that never starts never runs
 * its finally block, so closing here would leak.
 */
export async function* fileChunks(
  fh: FileHandle,
  sizeHint: number,
  counter: ReadCounter,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array, void, undefined> {
  for (;;) {
    throwIfAborted(signal);
    // Size small files' buffers to the file so tiny inputs do not pin 1 MiB each.
    const want = Math.min(CHUNK, Math.max(MIN_CHUNK, sizeHint - counter.bytes + 1));
    const buf = Buffer.allocUnsafe(want);
    let n: number;
    try {
      ({ bytesRead: n } = await fh.read(buf, 0, want, counter.bytes));
    } catch (e) {
      throw new SourceFailure('unreadable', `read failed at byte ${counter.bytes}: ${errorText(e)}`);
    }
    if (n === 0) return;
    counter.bytes += n;
    if (n === want) {
      transferable.add(buf);
      yield buf;
    } else yield buf.subarray(0, n);
  }
}

const EMPTY = new Uint8Array(0);

/** Buffers chunks from an iterator so callers can peek ahead, read bounded slices and skip. */
export class ByteReader {
  private queue: Uint8Array[] = [];
  private buffered = 0;
  private eof = false;
  private failure: unknown = null;
  private failed = false;
  /** Bytes handed out by read()/skip() so far. */
  consumed = 0;

  constructor(private readonly it: AsyncIterator<Uint8Array>) {}

  private async fill(): Promise<boolean> {
    // Sticky: whoever reads after a failure gets it again instead of a silent end of data.
    if (this.failed) throw this.failure;
    while (!this.eof) {
      let r: IteratorResult<Uint8Array>;
      try {
        r = await this.it.next();
      } catch (e) {
        this.failed = true;
        this.failure = e;
        this.eof = true;
        throw e;
      }
      if (r.done === true) {
        this.eof = true;
        return false;
      }
      if (r.value.byteLength > 0) {
        this.queue.push(r.value);
        this.buffered += r.value.byteLength;
        return true;
      }
    }
    return false;
  }

  /** Up to n bytes from the current position (fewer only at end of input), not consumed. */
  async peek(n: number): Promise<Uint8Array> {
    while (this.buffered < n && (await this.fill()));
    return this.view(n);
  }

  private view(n: number): Uint8Array {
    if (this.queue.length === 0) return EMPTY;
    const first = this.queue[0];
    const want = Math.min(n, this.buffered);
    if (first.byteLength >= want) return first.subarray(0, want);
    // Merge only the few chunks needed for a contiguous view; happens for small decoder chunks.
    const merged = new Uint8Array(want);
    let at = 0;
    while (at < want) {
      const c = this.queue[0];
      const take = Math.min(c.byteLength, want - at);
      merged.set(c.subarray(0, take), at);
      at += take;
      if (take === c.byteLength) this.queue.shift();
      else this.queue[0] = c.subarray(take);
    }
    this.queue.unshift(merged);
    return merged;
  }

  /**
   * Like peek, but a failure while filling is not thrown here: the bytes that did arrive are
   * returned, and the failure is thrown by the read that runs past them.
   */
  async peekAvailable(n: number): Promise<Uint8Array> {
    try {
      return await this.peek(n);
    } catch {
      return this.view(this.buffered);
    }
  }

  /** The next run of at most max bytes (a view, no copy), or null at end of input. */
  async read(max: number = Number.MAX_SAFE_INTEGER): Promise<Uint8Array | null> {
    if (this.buffered === 0 && !(await this.fill())) return null;
    const c = this.queue[0];
    let out: Uint8Array;
    if (c.byteLength <= max) {
      this.queue.shift();
      out = c;
    } else {
      out = c.subarray(0, max);
      this.queue[0] = c.subarray(max);
    }
    this.buffered -= out.byteLength;
    this.consumed += out.byteLength;
    return out;
  }

  /** Discards up to n bytes; returns how many were discarded (fewer only at end of input). */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const c = await this.read(left);
      if (c === null) break;
      left -= c.byteLength;
    }
    return n - left;
  }

  /** Puts bytes back in front of the current position (a decoder that took more than it used). */
  unread(c: Uint8Array): void {
    if (c.byteLength === 0) return;
    this.queue.unshift(c);
    this.buffered += c.byteLength;
    this.consumed -= c.byteLength;
  }

  /** Everything from the current position on, buffered bytes first. */
  async *rest(): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const c = await this.read();
      if (c === null) return;
      yield c;
    }
  }

  async close(): Promise<void> {
    this.eof = true;
    this.queue = [];
    this.buffered = 0;
    try {
      await this.it.return?.();
    } catch {
      // Closing after a failure: the failure was already reported to whoever was reading.
    }
  }
}
