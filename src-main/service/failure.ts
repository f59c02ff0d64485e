// Every failure that reaches a client is a QueryFailure: a code saying what kind of failure it
// is, one line of message, no stack, a position only when DuckDB pointed into the SQL. The code
// is decided here and nowhere else, so no client has to guess it from the text.
import type { FailureCode, QueryFailure } from '../contract.ts';
import { QueryError } from '../workspace/query.ts';

/**
 * A failure the service raises on purpose (bad handle, refused path, ...). Most are requests
 * that cannot be honoured as given, hence the default code.
 */
export class ServiceError extends Error {
  constructor(
    message: string,
    readonly code: FailureCode = 'invalid-input',
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

const MAX_MESSAGE = 2000;

const CODES: readonly FailureCode[] = ['cancelled', 'invalid-input', 'read-only', 'not-found', 'sql', 'internal'];

export function isFailureCode(v: unknown): v is FailureCode {
  return typeof v === 'string' && (CODES as readonly string[]).includes(v);
}

/**
 * The code of an error DuckDB raised on the user's SQL. DuckDB's JS errors carry no type field,
 * only its exception type as the message prefix (`Parser Error: ...`, `INTERRUPT Error: ...`).
 * Writes refused by the READ ONLY transaction are rewritten by query.ts (explainFailure) as a
 * `Permission Error`; a workspace opened read-only refuses them with "attached in read-only mode".
 */
function duckdbCode(message: string): FailureCode {
  if (/^INTERRUPT Error:/.test(message)) return 'cancelled';
  if (/^Permission Error:/.test(message) || /attached in read-only mode|transaction is launched in read-only mode/.test(message)) return 'read-only';
  if (/^(INTERNAL|FATAL) Error:/i.test(message)) return 'internal';
  return 'sql';
}

/** What kind of failure `e` is (see FailureCode in contract.ts). */
export function failureCode(e: unknown): FailureCode {
  if (e instanceof ServiceError) return e.code;
  if (e instanceof QueryError) return e.code ?? duckdbCode(e.message);
  if (isQueryFailure(e)) return e.code;
  // A lower layer's refusal that names its kind (ingest's RetypeRefused): Node's own error codes
  // (ENOENT ...) are no FailureCode and fall through.
  if (e instanceof Error && isFailureCode((e as { code?: unknown }).code)) return (e as unknown as { code: FailureCode }).code;
  // DuckDB errors outside user SQL (metadata reads, exports) are the engine's problem, unless the
  // statement was interrupted.
  if (e instanceof Error && /^INTERRUPT Error:/.test(e.message)) return 'cancelled';
  return 'internal';
}

export function toQueryFailure(e: unknown): QueryFailure {
  if (isQueryFailure(e)) return { code: e.code, message: e.message, position: e.position };
  const raw = e instanceof Error ? e.message : typeof e === 'string' ? e : 'internal error';
  const message =
    raw
      // Stack frames never leave the engine.
      .split('\n')
      .filter((l) => !/^\s*at\s.*(:\d+:\d+\)?|\(native\)|<anonymous>\)?)\s*$/.test(l))
      .join('\n')
      // DuckDB's `LINE n: ...` excerpt and caret only make sense in monospace: position replaces them.
      .replace(/\s*LINE \d+: .*?\s+\^\s*$/s, '')
      .replace(/\s*\n\s*/g, ' ')
      .trim()
      .slice(0, MAX_MESSAGE) || 'internal error';
  const position = e instanceof QueryError && e.position !== null && Number.isInteger(e.position) && e.position >= 0 ? e.position : null;
  return { code: failureCode(e), message, position };
}

/** A failure decided outside any exception (a host refusing a message, a reply that cannot be sent). */
export function makeFailure(code: FailureCode, message: string): QueryFailure {
  return { code, message, position: null };
}

/** Whether `v` is exactly a QueryFailure (the contract's promise rejection type). */
export function isQueryFailure(v: unknown): v is QueryFailure {
  if (typeof v !== 'object' || v === null || v instanceof Error) return false;
  const o = v as Record<string, unknown>;
  return (
    isFailureCode(o.code) && typeof o.message === 'string' && (o.position === null || typeof o.position === 'number') && Object.keys(o).length === 3
  );
}
