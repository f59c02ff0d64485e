// Every failure that reaches a client is a QueryFailure: one line, no stack, a position only
// when DuckDB pointed into the SQL.
import type { QueryFailure } from '../contract.ts';
import { QueryError } from '../workspace/query.ts';

/** A failure the service raises on purpose (bad handle, refused path, ...). */
export class ServiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceError';
  }
}

const MAX_MESSAGE = 2000;

export function toQueryFailure(e: unknown): QueryFailure {
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
  return { message, position };
}

/** Reject with a QueryFailure-shaped value (the contract's promise rejection type). */
export function isQueryFailure(v: unknown): v is QueryFailure {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.message === 'string' && (o.position === null || typeof o.position === 'number') && Object.keys(o).length === 2;
}
