// Zip members via yauzl (zip needs random access: the directory is at the end of the file).
// Entry data is taken raw and inflated here, so progress can count compressed bytes and the
// same decoded-bytes-before-the-error guarantee holds as for gzip.
import * as zlib from 'node:zlib';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import type { Readable } from 'node:stream';
import { SourceFailure, errorText, throwIfAborted } from './bytes.ts';
import { inflateRaw } from './codecs.ts';

export interface ZipMember {
  readonly name: string;
  readonly size: number;
  readonly compressedSize: number;
  readonly localHeaderOffset: number;
  /** Why the entry cannot be read (encryption, compression method), or null. */
  readonly unsupported: string | null;
  readonly entry: Entry;
}

// IBM code page 437, the zip default when the UTF-8 flag is clear (bytes 0x80-0xff).
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

function decodeName(e: Entry): string {
  const raw = e.fileNameRaw;
  if (e.generalPurposeBitFlag & 0x800) return raw.toString('utf8');
  // Info-ZIP Unicode Path extra field: version byte, CRC of the header name, UTF-8 name.
  const up = e.extraFields.find((f) => f.id === 0x7075);
  if (up !== undefined && up.data.byteLength > 5 && up.data[0] === 1) return up.data.subarray(5).toString('utf8');
  let s = '';
  for (let i = 0; i < raw.byteLength; i++) {
    const c = raw[i];
    s += c < 0x80 ? String.fromCharCode(c) : CP437_HIGH[c - 0x80];
  }
  return s;
}

function isRegular(e: Entry, name: string): boolean {
  if (name.endsWith('/') || name.endsWith('\\')) return false;
  // Unix hosts keep st_mode in the high half of the external attributes. Only directories and
  // symbolic links are not content: `zip - -` stores what it read from a pipe as a FIFO entry,
  // whose data is the trace.
  if (e.versionMadeBy >>> 8 === 3) {
    const fmt = (e.externalFileAttributes >>> 16) & 0o170000;
    if (fmt === 0o040000 || fmt === 0o120000) return false;
  }
  return (e.externalFileAttributes & 0x10) === 0; // MS-DOS directory attribute
}

export class ZipReader {
  private failure: Error | null = null;
  private done = false;

  private constructor(private readonly zip: ZipFile) {
    // A permanent listener: yauzl may emit an error between our reads.
    zip.on('error', (e: Error) => {
      this.failure ??= e;
    });
  }

  static open(path: string): Promise<ZipReader> {
    return new Promise((resolve, reject) => {
      // decodeStrings off: yauzl would reject names like "../x", which we only report, never write.
      yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, zip) => {
        if (err !== null || zip === undefined) reject(new SourceFailure('corrupt', `zip: ${errorText(err)}`));
        else resolve(new ZipReader(zip));
      });
    });
  }

  private readEntry(): Promise<Entry | null> {
    if (this.failure !== null) return Promise.reject(new SourceFailure('corrupt', `zip: ${errorText(this.failure)}`));
    if (this.done) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        this.zip.off('entry', onEntry);
        this.zip.off('end', onEnd);
        this.zip.off('error', onError);
      };
      const onEntry = (e: Entry): void => {
        cleanup();
        resolve(e);
      };
      const onEnd = (): void => {
        cleanup();
        this.done = true;
        resolve(null);
      };
      const onError = (e: Error): void => {
        cleanup();
        reject(new SourceFailure('corrupt', `zip: ${errorText(e)}`));
      };
      this.zip.on('entry', onEntry);
      this.zip.on('end', onEnd);
      this.zip.on('error', onError);
      this.zip.readEntry();
    });
  }

  /** The next regular-file entry, or null after the last one. */
  async next(): Promise<ZipMember | null> {
    for (;;) {
      const e = await this.readEntry();
      if (e === null) return null;
      const name = decodeName(e);
      if (!isRegular(e, name)) continue;
      let unsupported: string | null = null;
      if (e.isEncrypted()) unsupported = 'encrypted zip entries are not supported';
      else if (e.compressionMethod !== 0 && e.compressionMethod !== 8) {
        unsupported = `zip compression method ${e.compressionMethod} is not supported (only stored and deflate)`;
      }
      return {
        name,
        size: e.uncompressedSize,
        compressedSize: e.compressedSize,
        localHeaderOffset: e.relativeOffsetOfLocalHeader,
        unsupported,
        entry: e,
      };
    }
  }

  private openRaw(m: ZipMember): Promise<Readable> {
    return new Promise((resolve, reject) => {
      try {
        this.zip.openReadStream(m.entry, { decodeFileData: false }, (err, s) => {
          if (err !== null) reject(new SourceFailure('corrupt', `zip: ${errorText(err)}`));
          else resolve(s);
        });
      } catch (e) {
        reject(new SourceFailure('corrupt', `zip: ${errorText(e)}`));
      }
    });
  }

  /** The member's compressed bytes; counter.bytes tracks how many have been read. */
  async *raw(m: ZipMember, counter: { bytes: number }, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array, void, undefined> {
    const s = await this.openRaw(m);
    try {
      for await (const c of s as AsyncIterable<Uint8Array>) {
        throwIfAborted(signal);
        counter.bytes += c.byteLength;
        yield c;
      }
    } catch (e) {
      if (e instanceof SourceFailure) throw e;
      throw new SourceFailure('corrupt', `zip: reading member data failed (${errorText(e)})`);
    } finally {
      s.destroy();
    }
  }

  /** Decoded member bytes, checked against the directory's size and (where Node has it) CRC-32. */
  async *data(m: ZipMember, counter: { bytes: number }, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array, void, undefined> {
    const raw = this.raw(m, counter, signal);
    const src = m.entry.compressionMethod === 8 ? inflateRaw(raw) : raw;
    let n = 0;
    let crc = 0;
    for await (const c of src) {
      n += c.byteLength;
      if (n > m.size) throw new SourceFailure('corrupt', `zip: member data is longer than the ${m.size} bytes the directory records`);
      if (crc32 !== null) crc = crc32(c, crc);
      yield c;
    }
    if (n !== m.size) {
      throw new SourceFailure('corrupt', `zip: member data decodes to ${n} bytes, the directory records ${m.size}`);
    }
    if (crc32 !== null && crc >>> 0 !== m.entry.crc32 >>> 0) {
      throw new SourceFailure('corrupt', 'zip: CRC-32 mismatch, member data is corrupt');
    }
  }

  close(): void {
    this.zip.close();
  }
}

// zlib.crc32 arrived in Node 20.15; on older runtimes only the size check applies.
const crc32: ((d: Uint8Array, v: number) => number) | null =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (zlib.crc32 as (d: Uint8Array, v: number) => number) : null;
