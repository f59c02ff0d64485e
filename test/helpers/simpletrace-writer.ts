// Test-only writer of simpletrace streams, built from the byte layouts in
// docs/qemu-trace-formats.md §2.2 and §2.7 (not from the decoder), so round trips check one against
// the other. Values are encoded the way QEMU does: `(uint64_t)value`, strings as u32 length +
// bytes; plain `char` is sign-extended as on x86.
import type { ArgSpec, ArgValue } from '../../src-main/catalogue/types.ts';

export interface WriterOptions {
  littleEndian: boolean;
  /** 4 (type-tagged records), 3 or 2 (no type word). */
  version: 2 | 3 | 4;
  /** Omit the 24-byte header (SystemTap-style stream); only with version 4. */
  headerless?: boolean;
}

const MAGIC = 0xf2b177cb0aa429b4n;
const DROPPED_ID = 0xfffffffffffffffen;
const utf8 = new TextEncoder();

export class SimpletraceWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;
  private readonly le: boolean;
  private readonly version: 2 | 3 | 4;

  constructor(opts: WriterOptions) {
    this.le = opts.littleEndian;
    this.version = opts.version;
    if (!opts.headerless) {
      this.put(this.u64(0xffffffffffffffffn), this.u64(MAGIC), this.u64(BigInt(opts.version)));
    }
  }

  /** Start offset of the next thing written. */
  get offset(): number {
    return this.size;
  }

  mapping(id: number | bigint, name: string): this {
    if (this.version !== 4) throw new Error('mapping records exist only in v4');
    const n = utf8.encode(name);
    this.put(this.u64(0n), this.u64(BigInt(id)), this.u32(n.length), n);
    return this;
  }

  event(id: number | bigint, tsNs: bigint, pid: number, args: readonly ArgSpec[], values: readonly ArgValue[]): this {
    return this.rawEvent(id, tsNs, pid, encodeArgs(args, values, this.le));
  }

  dropped(tsNs: bigint, pid: number, count: bigint): this {
    return this.rawEvent(DROPPED_ID, tsNs, pid, this.u64(count));
  }

  rawEvent(id: number | bigint, tsNs: bigint, pid: number, payload: Uint8Array): this {
    if (this.version === 4) this.put(this.u64(1n));
    this.put(this.u64(BigInt(id)), this.u64(tsNs), this.u32(24 + payload.length), this.u32(pid), payload);
    return this;
  }

  /** Arbitrary bytes (for corrupt streams). */
  raw(bytes: Uint8Array): this {
    this.put(bytes);
    return this;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let p = 0;
    for (const part of this.parts) {
      out.set(part, p);
      p += part.length;
    }
    return out;
  }

  private put(...parts: Uint8Array[]): void {
    for (const part of parts) {
      this.parts.push(part);
      this.size += part.length;
    }
  }

  private u64(v: bigint): Uint8Array {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), this.le);
    return b;
  }

  private u32(v: number): Uint8Array {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, this.le);
    return b;
  }
}

/** QEMU's `(uint64_t)value` for one argument. */
export function asU64(arg: ArgSpec, v: ArgValue): bigint {
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  if (typeof v === 'number') {
    // A plain char is signed on x86: bytes ≥ 0x80 reach the trace sign-extended.
    if (/^(const )?char$/.test(arg.ctype) && v >= 0x80) return BigInt.asUintN(64, BigInt(v - 0x100));
    return BigInt.asUintN(64, BigInt(v));
  }
  throw new Error(`cannot encode ${String(v)} as ${arg.ctype}`);
}

export function encodeArgs(args: readonly ArgSpec[], values: readonly ArgValue[], le: boolean): Uint8Array {
  const chunks: Uint8Array[] = [];
  let size = 0;
  args.forEach((a, i) => {
    const v = values[i];
    if (a.kind === 'string') {
      const s = typeof v === 'string' ? utf8.encode(v) : new Uint8Array(0);
      const b = new Uint8Array(4 + s.length);
      new DataView(b.buffer).setUint32(0, s.length, le);
      b.set(s, 4);
      chunks.push(b);
      size += b.length;
    } else {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, asU64(a, v), le);
      chunks.push(b);
      size += 8;
    }
  });
  const out = new Uint8Array(size);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}
