// The catalogue model shared by the grammar, the type mapper, the printf compiler and every
// decoder. Nothing here knows DuckDB beyond the names of its column types.

/** DuckDB column type names an argument can map to (docs/qemu-trace-formats.md §1.4). */
export type DuckType =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INTEGER'
  | 'BIGINT'
  | 'UTINYINT'
  | 'USMALLINT'
  | 'UINTEGER'
  | 'UBIGINT'
  | 'VARCHAR';

/**
 * How an argument is carried: `string` is length-prefixed bytes in simpletrace and `%s` text in
 * logs; everything else is one u64 in simpletrace.
 */
export type ArgKind = 'string' | 'integer' | 'pointer' | 'bool';

export interface ArgSpec {
  /** Argument name exactly as in the catalogue (may be an SQL keyword such as `offset`). */
  readonly name: string;
  /** Normalized C type: single spaces, `char*` → `char *`, e.g. `const char *`, `uint64_t`. */
  readonly ctype: string;
  readonly kind: ArgKind;
  /** Signed C integer (sign-extended in simpletrace). False for pointers, bools, strings. */
  readonly signed: boolean;
  /** Width in bits of the declared type (64 for pointers and strings' placeholders). */
  readonly bits: 8 | 16 | 32 | 64;
  readonly duckType: DuckType;
}

/**
 * A typed argument value as decoders hand it to the workspace:
 * number for integers of ≤ 32 bits, bigint for 64-bit integers and pointers, boolean for bool,
 * string for strings, null for SQL NULL (e.g. `(null)` in a log, or an unrecoverable `*` width).
 */
export type ArgValue = number | bigint | boolean | string | null;

export interface EventSpec {
  readonly name: string;
  /** Arguments after the legacy `vcpu` transform (implicit `void *__cpu` first). */
  readonly args: readonly ArgSpec[];
  /** The format as C would see it: literals un-escaped, PRI macros expanded, `cpu=%p ` prefixed. */
  readonly format: string;
  /** The format part of the line as written in the catalogue (literals and macros). */
  readonly rawFormat: string;
  readonly properties: readonly string[];
  /** Most recent `# file.c` comment above the line (a hint; untrusted). */
  readonly sourceFile: string | null;
  /** 1-based line number in the catalogue file. */
  readonly line: number;
  /** 0-based position among all events as tracetool parses them (disabled included, tcg split). */
  readonly position: number;
  readonly disabled: boolean;
  /** Synthesized for QAPI `qmp_enter_*` / `qmp_exit_*` names absent from the catalogue. */
  readonly synthesized?: boolean;
}

export interface CatalogueError {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/**
 * A catalogue line this parser rejected, where tracetool (older, more lenient: before 2.12 any
 * type name was accepted) gave an event: it still takes its place in the positional numbering
 * of headerless, v2 and v3 simpletrace streams, so that the events after it keep their ids.
 */
export interface PositionHole {
  readonly position: number;
  /** The event name, when the line shows one. `line` is in `file`, like CatalogueError's. */
  readonly name: string | null;
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  readonly disabled: boolean;
}

export interface Catalogue {
  /** Stable id: `name@sha256-prefix`. */
  readonly id: string;
  /** Human name, e.g. `qemu-7.2.22-debian/trace-events-all` or `embedded:migration`. */
  readonly name: string;
  /** Where it came from: a path, `embedded`, `installed:/usr/share/qemu/trace-events-all`. */
  readonly source: string;
  readonly sha256: string;
  /** In catalogue order (the positional order for headerless/v2/v3 simpletrace). */
  readonly events: readonly EventSpec[];
  readonly errors: readonly CatalogueError[];
  /** Rejected event lines, by position (see PositionHole). */
  readonly holes: readonly PositionHole[];
  /** Lookup by name; also answers QAPI `qmp_enter_*`/`qmp_exit_*` names by pattern. */
  get(name: string): EventSpec | undefined;
}

/** Result of compiling one event's format for text traces (docs/qemu-trace-formats.md §3.5). */
export interface CompiledFormat {
  readonly event: EventSpec;
  /** True when the split between arguments is a guess (e.g. two `%s` separated by a space). */
  readonly ambiguous: boolean;
  readonly ambiguity?: string;
  /** Indexes of arguments that never appear in the text (`*` width/precision arguments). */
  readonly unrecoverable: readonly number[];
  /**
   * Decode one message (the text after `name `, never trimmed) into one value per argument of
   * `event.args`, or null when the message does not fit the format.
   */
  decode(msg: string): ArgValue[] | null;
  /**
   * `decode`, writing the values into `out` instead of an array: what `decode` gives as a
   * number, boolean or bigint arrives through setSmall (booleans as 0/1) or setWords (64-bit
   * types, two's complement), strings through setString, nulls through setNull. False when the
   * message does not fit; `out` may then hold some of the values, and the caller discards them.
   */
  decodeInto(msg: string, out: ArgWriter): boolean;
  /**
   * `decodeInto` of an ASCII message given as its bytes b[start, end), which are also
   * text[textStart, …), without a regex. True: it matched and wrote every argument, exactly as
   * `decodeInto` would have. False: no answer here (values may have been written): discard them
   * and ask `decodeInto`.
   */
  matchBytes(b: Uint8Array, start: number, end: number, text: string, textStart: number, out: ArgWriter): boolean;
}

/** Where `decodeInto` writes one row's arguments (by argument index). */
export interface ArgWriter {
  /** A 64-bit argument (integer or pointer) as its 32-bit halves. */
  setWords(arg: number, lo: number, hi: number): void;
  /** An argument of at most 32 bits (bool as 0/1). */
  setSmall(arg: number, v: number): void;
  setString(arg: number, v: string): void;
  setNull(arg: number): void;
}
