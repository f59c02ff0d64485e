// Columns of up to one DuckDB data chunk (2048 rows) in DuckDB's own memory layout: numbers in
// typed arrays, a validity bitmap, strings as JS strings. Plain JS (no DuckDB import), so that a
// parse worker can fill them and hand the buffers over without copying.
import os from 'node:os';
import type { DuckType } from '../catalogue/types.ts';

/** DuckDB's standard vector size: one data chunk. */
export const CHUNK_ROWS = 2048;

/** A catalogue argument's type, or the 1-byte ENUM of the `side` column. */
export type ColumnType = DuckType | 'SIDE';

/** The migration side as a 1-byte ENUM: written by memcpy, compared like text in SQL. */
export const SIDE_VALUES = ['src', 'dst'] as const;
export const SIDE_SQL_TYPE = `ENUM(${SIDE_VALUES.map((v) => `'${v}'`).join(', ')})`;

const COLUMN_TYPES = new Set<string>(['BOOLEAN', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'VARCHAR', 'SIDE']);

export function isColumnType(t: string): t is ColumnType {
  return COLUMN_TYPES.has(t);
}

type Numeric = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;

const ARRAY_OF: Record<Exclude<ColumnType, 'VARCHAR'>, { new (b: ArrayBuffer): Numeric; readonly BYTES_PER_ELEMENT: number }> = {
  TINYINT: Int8Array,
  SMALLINT: Int16Array,
  INTEGER: Int32Array,
  BIGINT: BigInt64Array,
  UTINYINT: Uint8Array,
  BOOLEAN: Uint8Array,
  SIDE: Uint8Array,
  USMALLINT: Uint16Array,
  UINTEGER: Uint32Array,
  UBIGINT: BigUint64Array,
};

/** Bytes of a chunk-sized data buffer of a column type (VARCHAR columns have none). */
export function dataBytes(t: ColumnType): number {
  return t === 'VARCHAR' ? 0 : CHUNK_ROWS * ARRAY_OF[t].BYTES_PER_ELEMENT;
}

/** A typed-array view of `buf` (or of a fresh chunk-sized buffer) for a column type. */
function viewOf(t: ColumnType, buf?: ArrayBuffer): Numeric | null {
  if (t === 'VARCHAR') return null;
  const A = ARRAY_OF[t];
  return new A(buf ?? new ArrayBuffer(dataBytes(t)));
}

/**
 * A copy of `s` that does not keep its parent alive. Decoded strings are V8 slices of a whole
 * input chunk (~1 MiB); a batch that waits for 2048 rows of a rare event would otherwise pin one
 * chunk per row and make memory grow with the input. Prepending a character makes a cons string,
 * which slicing flattens into a fresh string of the value's own length.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/**
 * DuckDB's string_t is 16 bytes: a u32 length, then up to 12 bytes stored inline (zero-padded);
 * longer strings point into the vector's heap. Short ASCII strings (names, states, RAMBlock ids:
 * most of a trace's strings) can therefore be laid out in JS and reach a vector by one memcpy;
 * only the others need a native call each. Words are written in native byte order, which is
 * DuckDB's: `INLINE_STRINGS` is false on a big-endian host, where nothing is packed.
 */
export const STRING_T_WORDS = 4;
export const INLINE_MAX = 12;
export const INLINE_STRINGS = os.endianness() === 'LE';

export function isInline(v: string): boolean {
  if (v.length > INLINE_MAX) return false;
  for (let k = 0; k < v.length; k++) if (v.charCodeAt(k) >= 0x80) return false;
  return true;
}

/**
 * Lays out rows [0, n) of `s` as string_t in `w` (4 words a row): inline strings in full, others
 * and nulls as zeros. True when every non-null string was inline.
 */
export function packInline(s: readonly (string | null | undefined)[], n: number, w: Uint32Array, keepUndefined = false): boolean {
  let all = true;
  let prev: string | null | undefined = undefined;
  for (let i = 0; i < n; i++) {
    const o = i * STRING_T_WORDS;
    const v = s[i];
    // Rows the producer laid out already (Column.packedRows).
    if (v === undefined && keepUndefined) {
      prev = undefined;
      continue;
    }
    // Runs of the same string (decoders reuse repeated values) are laid out once.
    if (v === prev && i > 0 && v !== null && v !== undefined) {
      w[o] = w[o - 4];
      w[o + 1] = w[o - 3];
      w[o + 2] = w[o - 2];
      w[o + 3] = w[o - 1];
      continue;
    }
    prev = v;
    let a = 0;
    let b = 0;
    let c = 0;
    let len = 0;
    if (v !== null && v !== undefined) {
      if (isInline(v)) {
        len = v.length;
        for (let k = 0; k < len; k++) {
          const byte = v.charCodeAt(k) << ((k & 3) * 8);
          if (k < 4) a |= byte;
          else if (k < 8) b |= byte;
          else c |= byte;
        }
      } else all = false;
    }
    w[o] = len;
    w[o + 1] = a;
    w[o + 2] = b;
    w[o + 3] = c;
  }
  return all;
}

/** One column of a batch. `set*` methods write row `i`; a null clears its validity bit. */
export class Column {
  /**
   * `packed`: the rows as string_t (see packInline), laid out by the producer; then `strings`
   * holds only the rows that are not inline, or is null when every row is.
   */
  static wrap(type: ColumnType, data: ArrayBuffer | null, validity: ArrayBuffer, hasNull: boolean, strings: (string | null)[] | null, packed: ArrayBuffer | null = null): Column {
    const c = new Column(type, data, validity, strings);
    c.hasNull = hasNull;
    if (packed !== null) {
      c.packed = new Uint32Array(packed);
      c.packedAll = strings === null;
    }
    return c;
  }

  /** string_t layout of a VARCHAR column made by the producer, and whether it holds every row. */
  packed: Uint32Array | null = null;
  packedAll = false;

  readonly data: Numeric | null;
  readonly strings: (string | null)[] | null;
  /** Validity bitmap in DuckDB's layout: bit i of 64-bit word i>>6; 1 = valid. */
  readonly validity: Uint32Array;
  hasNull = false;
  /** 32-bit view of a 64-bit column, for writing its values without making BigInts. */
  readonly words: Uint32Array | null;

  constructor(readonly type: ColumnType, data?: ArrayBuffer | null, validity?: ArrayBuffer, strings?: (string | null)[] | null) {
    this.data = viewOf(type, data ?? undefined);
    this.strings = type === 'VARCHAR' ? (strings ?? new Array<string | null>(CHUNK_ROWS).fill(null)) : null;
    this.words = this.data instanceof BigInt64Array || this.data instanceof BigUint64Array ? new Uint32Array(this.data.buffer) : null;
    if (validity) this.validity = new Uint32Array(validity);
    else {
      this.validity = new Uint32Array(CHUNK_ROWS / 32);
      this.validity.fill(0xffffffff);
    }
  }

  isValid(i: number): boolean {
    return (this.validity[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  /** Row i as a JS value (for the rare conversions between column types). */
  get(i: number): number | bigint | boolean | string | null {
    if (!this.isValid(i)) return null;
    if (this.strings !== null) return this.strings[i] ?? this.unpack(i);
    if (this.type === 'BOOLEAN') return (this.data as Uint8Array)[i] !== 0;
    return (this.data as Int32Array)[i];
  }

  /** An inline string of `packed` back as text (for the rare re-typing of a column). */
  private unpack(i: number): string | null {
    const w = this.packed;
    if (w === null) return null;
    const o = i * STRING_T_WORDS;
    let out = '';
    for (let k = 0; k < w[o]; k++) out += String.fromCharCode((w[o + 1 + (k >> 2)] >>> ((k & 3) * 8)) & 0xff);
    return out;
  }

  setNull(i: number): void {
    this.validity[i >>> 5] &= ~(1 << (i & 31));
    this.hasNull = true;
    if (this.strings !== null) this.strings[i] = null;
  }

  /** Write a non-negative integer < 2^53 given as a JS number (64-bit columns). */
  setSafeInt(i: number, v: number): void {
    const w = this.words;
    if (w !== null) {
      w[i * 2] = v >>> 0;
      w[i * 2 + 1] = Math.floor(v / 4294967296) >>> 0;
    } else (this.data as Int32Array)[i] = v;
  }

  /** Write any value of the column's type (number, bigint, boolean, string or null). */
  set(i: number, v: number | bigint | boolean | string | null): void {
    if (v === null) {
      this.setNull(i);
      return;
    }
    const d = this.data;
    if (d === null) {
      (this.strings as (string | null)[])[i] = typeof v === 'string' ? detach(v) : String(v);
      return;
    }
    if (typeof v === 'bigint') {
      if (d instanceof BigInt64Array) d[i] = BigInt.asIntN(64, v);
      else if (d instanceof BigUint64Array) d[i] = BigInt.asUintN(64, v);
      else (d as Int32Array)[i] = Number(v);
    } else if (typeof v === 'number') {
      if (d instanceof BigInt64Array || d instanceof BigUint64Array) {
        if (v >= 0 && Number.isSafeInteger(v)) this.setSafeInt(i, v);
        else d[i] = BigInt(v) as never;
      } else (d as Int32Array)[i] = v;
    } else if (typeof v === 'boolean') {
      (d as Uint8Array)[i] = v ? 1 : 0;
    } else {
      this.setNull(i);
    }
  }

  reset(): void {
    if (this.hasNull) {
      this.validity.fill(0xffffffff);
      this.hasNull = false;
    }
  }
}

