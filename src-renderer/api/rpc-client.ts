// Request/response bookkeeping shared by both transports: ids, pending calls, event fan-out.
import type {
  ClientMessage, EngineClient, EngineEvent, EngineMethod, FailureCode, ParamsOf, QueryFailure, ResultOf, ServerMessage,
} from '../../src-main/contract.ts';

/**
 * A failed engine call. `code` is the kind the engine decided (switch on it, never on the text);
 * `position` is DuckDB's 0-based offset into the SQL when the engine knows it.
 */
export class EngineCallError extends Error implements QueryFailure {
  readonly code: FailureCode;
  readonly position: number | null;
  constructor(failure: QueryFailure) {
    super(failure.message);
    this.name = 'EngineCallError';
    this.code = failure.code;
    this.position = failure.position;
  }
}

/** The engine's failure code of what a call rejected with; `internal` for anything that is no EngineCallError. */
export function failureCodeOf(e: unknown): FailureCode {
  return e instanceof EngineCallError ? e.code : 'internal';
}

const CODES: readonly FailureCode[] = ['cancelled', 'invalid-input', 'read-only', 'not-found', 'sql', 'internal'];

/** The wire is checked, not trusted: a reply without a well-formed failure still rejects readably. */
function readFailure(v: unknown): QueryFailure {
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  return {
    code: typeof o.code === 'string' && (CODES as readonly string[]).includes(o.code) ? (o.code as FailureCode) : 'internal',
    message: typeof o.message === 'string' ? o.message : 'engine error',
    position: typeof o.position === 'number' && Number.isInteger(o.position) && o.position >= 0 ? o.position : null,
  };
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

function isServerMessage(v: unknown): v is ServerMessage {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as { kind?: unknown; id?: unknown; event?: unknown };
  return (m.kind === 'response' && typeof m.id === 'number') || (m.kind === 'event' && typeof m.event === 'object' && m.event !== null);
}

export class RpcClient implements EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private closedReason: string | null = null;

  constructor(private readonly send: (msg: ClientMessage) => void) {}

  call<M extends EngineMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    if (this.closedReason !== null) return Promise.reject(new EngineCallError({ code: 'internal', message: this.closedReason, position: null }));
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.send({ kind: 'request', id, method, params } as ClientMessage);
      } catch (e) {
        this.pending.delete(id);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Feed one message from the transport. Unknown shapes are ignored, not thrown. */
  receive(raw: unknown): void {
    if (!isServerMessage(raw)) return;
    if (raw.kind === 'event') {
      for (const l of this.listeners) {
        try {
          l(raw.event);
        } catch (e) {
          queueMicrotask(() => {
            throw e;
          });
        }
      }
      return;
    }
    const p = this.pending.get(raw.id);
    if (!p) return;
    this.pending.delete(raw.id);
    if (raw.ok) p.resolve(raw.result);
    else p.reject(new EngineCallError(readFailure(raw.error)));
  }

  /** The transport is gone: every waiting call fails with a readable reason. */
  close(reason: string): void {
    this.closedReason = reason;
    for (const p of this.pending.values()) p.reject(new EngineCallError({ code: 'internal', message: reason, position: null }));
    this.pending.clear();
  }
}
