// Running a Node transform stream (zlib, lzma-native) as a pull-based async generator.
import type { Duplex } from 'node:stream';
import { SourceFailure, errorText } from './bytes.ts';

/** Output chunk size asked of zlib. */
export const DECODE_CHUNK = 128 << 10;
// Pause the decoder once this much decoded output waits for the consumer.
const QUEUE_LIMIT = 2 << 20;

function isTruncation(e: unknown): boolean {
  const err = e as { code?: unknown; name?: unknown } | null;
  // zlib and liblzma both report input that ends mid-stream as a "buffer error".
  return err?.code === 'Z_BUF_ERROR' || err?.name === 'LZMA_BUF_ERROR' || errorText(e).toLowerCase().includes('unexpected end');
}

/** Tags a decoder's own error with the encoding; failures from further down pass through. */
export function decodeFailure(encoding: string, e: unknown): SourceFailure {
  if (e instanceof SourceFailure) return e;
  return isTruncation(e)
    ? new SourceFailure('truncated', `${encoding} data truncated (${errorText(e)})`)
    : new SourceFailure('corrupt', `${encoding} data corrupt (${errorText(e)})`);
}

/** Resolves once the stream accepts writes again, or will never need to (ended, closed, failed). */
export function drained(t: Duplex): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      t.off('drain', done);
      t.off('close', done);
      t.off('error', done);
      t.off('end', done);
      resolve();
    };
    t.on('drain', done);
    t.on('close', done);
    t.on('error', done);
    t.on('end', done);
  });
}

export interface FeedControl {
  /** True once the transform's output ended, it failed, or the consumer went away: stop writing. */
  stop(): boolean;
  /** Bytes the transform has output so far (delivered or waiting in its buffer). */
  output(): number;
}

/**
 * Yields t's output while `feed` writes its input. Driven by hand rather than async-iterating t:
 * a Readable's iterator drops output still buffered when the stream errors, and the caller must
 * receive every byte that decoded before a failure. (zlib itself still discards the output of
 * the one call that fails, at most DECODE_CHUNK bytes, on corrupt data; truncation loses nothing.)
 */
export async function* pump(
  t: Duplex,
  feed: (ctl: FeedControl) => Promise<void>,
  encoding: string,
): AsyncGenerator<Uint8Array, void, undefined> {
  const queue: Uint8Array[] = [];
  let queued = 0;
  let output = 0;
  let failure: unknown = null;
  let failed = false;
  let ended = false;
  let stopped = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const fail = (e: unknown): void => {
    if (!failed) {
      failed = true;
      failure = e;
      // Output decoded before the failure may still sit in a paused stream's buffer, which the
      // stream drops once destroyed; read() hands each chunk to the 'data' listener above.
      while (t.readableLength > 0 && t.read() !== null);
    }
    notify();
  };
  t.on('data', (c: Uint8Array) => {
    queue.push(c);
    queued += c.byteLength;
    output += c.byteLength;
    if (queued >= QUEUE_LIMIT) t.pause();
    notify();
  });
  t.on('end', () => {
    ended = true;
    notify();
  });
  t.on('error', fail);

  const feeding = feed({ stop: () => stopped || failed || ended, output: () => output + t.readableLength }).catch((e: unknown) => {
    fail(e);
    t.destroy();
  });

  try {
    for (;;) {
      const c = queue.shift();
      if (c !== undefined) {
        queued -= c.byteLength;
        if (queued === 0 && t.isPaused()) t.resume();
        yield c;
        continue;
      }
      if (failed) throw decodeFailure(encoding, failure);
      if (ended) break;
      if (t.isPaused()) t.resume();
      await new Promise<void>((r) => {
        wake = r;
      });
    }
    // The feeder may be between reads; let it put back what it holds before anyone reads on.
    await feeding;
  } finally {
    stopped = true;
    t.destroy();
    await feeding;
  }
}

/** Resolves once the transform has consumed `piece` (its output is out), or will never do so. */
function written(t: Duplex, piece: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      t.off('close', done);
      t.off('error', done);
      resolve();
    };
    t.on('close', done);
    t.on('error', done);
    t.write(piece, () => done());
  });
}

// A transform (liblzma, zlib) turns each written piece into all of its output before it takes
// the next one, however much that is: 64 KiB of xz holding zeros are gigabytes. Pieces start
// small and follow the output per input byte of the piece before, so that one piece's output
// stays near PIECE_OUTPUT (growing at most fourfold a piece).
const MIN_PIECE = 64;
const MAX_PIECE = 64 << 10;
const PIECE_OUTPUT = 4 << 20;

/** Decodes src through a fresh transform made by `make`. */
export async function* throughStream(
  src: AsyncIterable<Uint8Array>,
  make: () => Duplex,
  encoding: string,
): AsyncGenerator<Uint8Array, void, undefined> {
  const t = make();
  const it = src[Symbol.asyncIterator]();
  try {
    yield* pump(
      t,
      async (ctl) => {
        let size = MIN_PIECE;
        for (;;) {
          const r = await it.next();
          if (ctl.stop()) return;
          if (r.done === true) break;
          const c = r.value;
          for (let i = 0; i < c.byteLength; ) {
            const piece = c.subarray(i, i + size);
            i += piece.byteLength;
            const before = ctl.output();
            await written(t, piece);
            if (ctl.stop()) return;
            const perByte = (ctl.output() - before) / piece.byteLength;
            size = Math.max(MIN_PIECE, Math.min(MAX_PIECE, 4 * size, perByte > 0 ? Math.floor(PIECE_OUTPUT / perByte) : MAX_PIECE));
          }
        }
        if (!ctl.stop()) t.end();
      },
      encoding,
    );
  } finally {
    try {
      await it.return?.();
    } catch {
      // Already failed or closed; nothing further to report.
    }
  }
}
