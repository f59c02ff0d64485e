// Column batches appended to DuckDB one data chunk at a time. Numeric columns live in typed
// arrays and reach the chunk's vectors with one memcpy each; only strings cost a native call
// per value. This is what lets ingest run at millions of rows per second where the per-value
// Appender and DuckDBDataChunk.setColumns manage well under one.
import duckdb from '@duckdb/node-bindings';
import {
  BIGINT,
  BOOLEAN,
  DuckDBAppender,
  DuckDBDataChunk,
  HUGEINT,
  INTEGER,
  SMALLINT,
  TINYINT,
  UBIGINT,
  UINTEGER,
  USMALLINT,
  UTINYINT,
  VARCHAR,
  ENUM,
  type DuckDBType,
} from '@duckdb/node-api';

/** DuckDB's standard vector size: one data chunk. */
export const CHUNK_ROWS = 2048;

export type ColumnType =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INTEGER'
  | 'BIGINT'
  | 'UTINYINT'
  | 'USMALLINT'
  | 'UINTEGER'
  | 'UBIGINT'
  | 'VARCHAR'
  | 'SIDE';

/** The migration side as a 1-byte ENUM: written by memcpy, compared like text in SQL. */
export const SIDE_VALUES = ['src', 'dst'] as const;
export const SIDE_SQL_TYPE = `ENUM(${SIDE_VALUES.map((v) => `'${v}'`).join(', ')})`;

const DUCK: Record<ColumnType, DuckDBType> = {
  BOOLEAN,
  TINYINT,
  SMALLINT,
  INTEGER,
  BIGINT,
  UTINYINT,
  USMALLINT,
  UINTEGER,
  UBIGINT,
  VARCHAR,
  SIDE: ENUM([...SIDE_VALUES]),
};

export function isColumnType(t: string): t is ColumnType {
  return t in DUCK;
}

export { HUGEINT };

type Numeric = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;

function makeArray(t: ColumnType): Numeric | null {
  switch (t) {
    case 'TINYINT':
      return new Int8Array(CHUNK_ROWS);
    case 'SMALLINT':
      return new Int16Array(CHUNK_ROWS);
    case 'INTEGER':
      return new Int32Array(CHUNK_ROWS);
    case 'BIGINT':
      return new BigInt64Array(CHUNK_ROWS);
    case 'UTINYINT':
    case 'BOOLEAN':
    case 'SIDE':
      return new Uint8Array(CHUNK_ROWS);
    case 'USMALLINT':
      return new Uint16Array(CHUNK_ROWS);
    case 'UINTEGER':
      return new Uint32Array(CHUNK_ROWS);
    case 'UBIGINT':
      return new BigUint64Array(CHUNK_ROWS);
    case 'VARCHAR':
      return null;
  }
}

/** One column of a batch. `set*` methods write row `i`; a null clears its validity bit. */
export class Column {
  readonly data: Numeric | null;
  readonly strings: (string | null)[] | null;
  /** Validity bitmap in DuckDB's layout: bit i of 64-bit word i>>6; 1 = valid. */
  readonly validity = new Uint32Array(CHUNK_ROWS / 32);
  hasNull = false;
  /** 32-bit view for writing 64-bit integers from JS numbers without making BigInts. */
  private readonly words: Uint32Array | null;

  constructor(readonly type: ColumnType) {
    this.data = makeArray(type);
    this.strings = type === 'VARCHAR' ? new Array<string | null>(CHUNK_ROWS).fill(null) : null;
    this.words = this.data instanceof BigInt64Array || this.data instanceof BigUint64Array ? new Uint32Array(this.data.buffer) : null;
    this.validity.fill(0xffffffff);
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
      (this.strings as (string | null)[])[i] = typeof v === 'string' ? v : String(v);
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

/** A set of columns feeding one appender. */
export class ColumnBatch {
  readonly columns: Column[];
  private chunk: DuckDBDataChunk;
  n = 0;
  rows = 0;

  constructor(
    readonly types: readonly ColumnType[],
    private readonly appender: DuckDBAppender,
  ) {
    this.columns = types.map((t) => new Column(t));
    this.chunk = DuckDBDataChunk.create(types.map((t) => DUCK[t]));
  }

  /** Call after writing row `n` in every column. */
  commitRow(): void {
    this.rows++;
    if (++this.n === CHUNK_ROWS) this.flush();
  }

  flush(): void {
    const n = this.n;
    if (n === 0) return;
    const raw = this.chunk.chunk;
    duckdb.data_chunk_reset(raw);
    for (let c = 0; c < this.columns.length; c++) {
      const col = this.columns[c];
      const vec = duckdb.data_chunk_get_vector(raw, c);
      if (col.data !== null) {
        duckdb.copy_data_to_vector(vec, 0, col.data.buffer as ArrayBuffer, 0, n * col.data.BYTES_PER_ELEMENT);
      } else {
        const s = col.strings as (string | null)[];
        for (let i = 0; i < n; i++) {
          const v = s[i];
          if (v === null) continue;
          // The plain call takes a C string, which would end at an embedded NUL.
          if (v.includes('\0')) duckdb.vector_assign_string_element_len(vec, i, Buffer.from(v, 'utf8'));
          else duckdb.vector_assign_string_element(vec, i, v);
        }
      }
      if (col.hasNull) {
        duckdb.vector_ensure_validity_writable(vec);
        duckdb.copy_data_to_vector_validity(vec, 0, col.validity.buffer as ArrayBuffer, 0, Math.ceil(n / 64) * 8);
      }
      col.reset();
    }
    duckdb.data_chunk_set_size(raw, n);
    this.appender.appendDataChunk(this.chunk);
    this.n = 0;
  }

  close(): void {
    this.flush();
    this.appender.flushSync();
    this.appender.closeSync();
  }
}
