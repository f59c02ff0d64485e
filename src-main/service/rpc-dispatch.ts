// One validated ClientMessage → one ServerMessage, for every transport (WebSocket, MessagePort).
// Failures become ok:false with a QueryFailure: a code, one line, never a stack trace.
import type { ClientMessage, EngineMethod, ParamsOf, ServerMessage } from '../contract.ts';
import type { CallContext, EngineService } from './api.ts';
import { makeFailure, toQueryFailure } from './failure.ts';
import { parseClientMessage } from './rpc-validate.ts';

/** The part of EngineService dispatch needs (tests may pass a stand-in). */
export interface Callable {
  call<M extends EngineMethod>(method: M, params: ParamsOf<M>, ctx?: CallContext): Promise<unknown>;
}

export async function dispatch(service: Callable | EngineService, msg: ClientMessage, ctx: CallContext = {}): Promise<ServerMessage> {
  try {
    const result = await service.call(msg.method, msg.params as ParamsOf<typeof msg.method>, ctx);
    return { kind: 'response', id: msg.id, ok: true, result };
  } catch (e) {
    return { kind: 'response', id: msg.id, ok: false, error: toQueryFailure(e) };
  }
}

/** Validate then dispatch a raw decoded message (what the server host's RpcEndpoint.handle needs). */
export async function handleRaw(service: Callable | EngineService, raw: unknown, ctx: CallContext = {}): Promise<ServerMessage> {
  const msg = parseClientMessage(raw);
  if ('error' in msg) {
    const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
    return {
      kind: 'response',
      id: typeof id === 'number' && Number.isSafeInteger(id) ? id : -1,
      ok: false,
      error: makeFailure(msg.code, `invalid request: ${msg.error}`),
    };
  }
  return dispatch(service, msg, ctx);
}
