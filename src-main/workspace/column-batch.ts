// Column batches appended to DuckDB one data chunk at a time. Numeric columns reach the chunk's
// vectors with one memcpy each, and so do short ASCII strings (laid out as DuckDB's inline
// string_t, see packInline); only other strings cost a native call per value. This is what lets
// ingest run at millions of rows per second where the per-value Appender and
// DuckDBDataChunk.setColumns manage well under one.
import duckdb from '@duckdb/node-bindings';
import {
  BIGINT,
  BOOLEAN,
  DuckDBAppender,
  DuckDBDataChunk,
  ENUM,
  INTEGER,
  SMALLINT,
  TINYINT,
  UBIGINT,
  UINTEGER,
  USMALLINT,
  UTINYINT,
  VARCHAR,
  type DuckDBType,
} from '@duckdb/node-api';
import { CHUNK_ROWS, Column, INLINE_STRINGS, isInline, packInline, SIDE_VALUES, STRING_T_WORDS, type ColumnType } from './column.ts';

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

/** Scratch string_t layout for columns that arrive unpacked. */
const INLINE = new Uint32Array(CHUNK_ROWS * STRING_T_WORDS);

/** Append `n` rows of `columns` (laid out as `chunk`'s types) to `appender`. */
export function appendColumns(appender: DuckDBAppender, chunk: DuckDBDataChunk, columns: readonly Column[], n: number): void {
  const raw = chunk.chunk;
  duckdb.data_chunk_reset(raw);
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c];
    const vec = duckdb.data_chunk_get_vector(raw, c);
    if (col.data !== null) {
      duckdb.copy_data_to_vector(vec, 0, col.data.buffer as ArrayBuffer, col.data.byteOffset, n * col.data.BYTES_PER_ELEMENT);
    } else {
      const s = col.strings as (string | null)[];
      let allInline = false;
      if (col.packed !== null) {
        duckdb.copy_data_to_vector(vec, 0, col.packed.buffer as ArrayBuffer, col.packed.byteOffset, n * STRING_T_WORDS * 4);
        allInline = col.packedAll;
      } else if (INLINE_STRINGS) {
        allInline = packInline(s, n, INLINE);
        duckdb.copy_data_to_vector(vec, 0, INLINE.buffer as ArrayBuffer, 0, n * STRING_T_WORDS * 4);
      }
      if (!allInline) {
        for (let i = 0; i < n; i++) {
          const v = s[i];
          if (v === null || v === undefined || (INLINE_STRINGS && isInline(v))) continue;
          // The plain call takes a C string, which would end at an embedded NUL.
          if (v.includes('\0')) duckdb.vector_assign_string_element_len(vec, i, Buffer.from(v, 'utf8'));
          else duckdb.vector_assign_string_element(vec, i, v);
        }
      }
    }
    if (col.hasNull) {
      duckdb.vector_ensure_validity_writable(vec);
      duckdb.copy_data_to_vector_validity(vec, 0, col.validity.buffer as ArrayBuffer, col.validity.byteOffset, Math.ceil(n / 64) * 8);
    }
  }
  duckdb.data_chunk_set_size(raw, n);
  appender.appendDataChunk(chunk);
}

export function createChunk(types: readonly ColumnType[]): DuckDBDataChunk {
  return DuckDBDataChunk.create(types.map((t) => DUCK[t]));
}

export { CHUNK_ROWS };

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
    this.chunk = createChunk(types);
  }

  /** Call after writing row `n` in every column. */
  commitRow(): void {
    this.rows++;
    if (++this.n === CHUNK_ROWS) this.flush();
  }

  flush(): void {
    if (this.n === 0) return;
    appendColumns(this.appender, this.chunk, this.columns, this.n);
    for (const c of this.columns) c.reset();
    this.n = 0;
  }

  close(): void {
    this.flush();
    this.appender.flushSync();
    this.appender.closeSync();
  }
}
