// Request/response bookkeeping shared by both transports: ids, pending calls, event fan-out.
import type {
  ClientMessage, EngineClient, EngineEvent, EngineMethod, ParamsOf, QueryFailure, ResultOf, ServerMessage,
} from '../../src-main/contract.ts';

/** A failed engine call. `position` is DuckDB's 0-based offset into the SQL when the engine knows it. */
export class EngineCallError extends Error implements QueryFailure {
  readonly position: number | null;
  constructor(failure: QueryFailure) {
    super(failure.message);
    this.name = 'EngineCallError';
    this.position = failure.position;
  }
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
    if (this.closedReason !== null) return Promise.reject(new EngineCallError({ message: this.closedReason, position: null }));
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
    else p.reject(new EngineCallError(raw.error ?? { message: 'engine error', position: null }));
  }

  /** The transport is gone: every waiting call fails with a readable reason. */
  close(reason: string): void {
    this.closedReason = reason;
    for (const p of this.pending.values()) p.reject(new EngineCallError({ message: reason, position: null }));
    this.pending.clear();
  }
}
