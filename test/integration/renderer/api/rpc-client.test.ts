// The renderer's request/response bookkeeping, driven by a loopback "engine" that answers from
// the real a-precopy workspace: results by id (out of order), failures with DuckDB's message and
// the engine's failure code, events to every listener, and pending calls failing when the
// transport closes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientMessage, ServerMessage } from '../../../../src-main/contract.ts';
import { toQueryFailure } from '../../../../src-main/service/failure.ts';
import { EngineCallError, failureCodeOf, RpcClient } from '../../../../src-renderer/api/rpc-client.ts';
import { openSampleWorkspace, type SampleWorkspace } from '../../../helpers/sample-workspace.ts';

let w: SampleWorkspace;
beforeAll(async () => {
  w = await openSampleWorkspace();
});
afterAll(() => w?.close());

/** An engine that answers listTraces and runQuery from the workspace, in reverse arrival order. */
function loopback() {
  const inbox: ClientMessage[] = [];
  const client = new RpcClient((m) => void inbox.push(JSON.parse(JSON.stringify(m)) as ClientMessage));
  async function flush(): Promise<void> {
    const batch = inbox.splice(0).reverse();
    for (const m of batch) {
      let reply: ServerMessage;
      try {
        const result = m.method === 'listTraces' ? await w.engine.listTraces() : m.method === 'runQuery' ? await w.engine.runner.run(m.params.sql).then((h) => ({ handle: h.id, columns: h.columns, rowCount: h.rowCount, elapsedMs: h.elapsedMs })) : null;
        reply = { kind: 'response', id: m.id, ok: true, result };
      } catch (e) {
        reply = { kind: 'response', id: m.id, ok: false, error: toQueryFailure(e) };
      }
      client.receive(JSON.parse(JSON.stringify(reply)));
    }
  }
  return { client, flush };
}

describe('RpcClient', () => {
  it('matches responses to calls by id even when they come back out of order', async () => {
    const { client, flush } = loopback();
    const traces = client.call('listTraces', {});
    const count = client.call('runQuery', { sql: 'SELECT * FROM migrate_set_state' });
    await flush();
    const [t, c] = await Promise.all([traces, count]);
    expect(t.map((x) => x.side).sort()).toEqual(['dst', 'src']);
    const [[n]] = await w.rows('SELECT count(*) FROM migrate_set_state');
    expect(c.rowCount).toBe(Number(n));
  });

  it('rejects a failed call with an EngineCallError carrying the code, message and position', async () => {
    const { client, flush } = loopback();
    const sql = 'SELECT * FROM migrate_set_stat';
    const p = client.call('runQuery', { sql });
    await flush();
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineCallError);
    expect((err as EngineCallError).message).toMatch(/migrate_set_stat/);
    expect((err as EngineCallError).code).toBe('sql');
    expect((err as EngineCallError).position).toBe(sql.indexOf('migrate_set_stat'));
  });

  it('reads a malformed failure on the wire as internal, never as a guess from its text', async () => {
    const client = new RpcClient(() => undefined);
    const calls = [client.call('listTraces', {}), client.call('listTraces', {}), client.call('listTraces', {})];
    client.receive({ kind: 'response', id: 1, ok: false, error: { message: 'INTERRUPT Error: Interrupted!', position: null } });
    client.receive({ kind: 'response', id: 2, ok: false, error: { code: 'gone', message: 'unknown method x', position: -3 } });
    client.receive({ kind: 'response', id: 3, ok: false });
    const errs = await Promise.all(calls.map((c) => c.catch((e: unknown) => e)));
    expect(errs.map((e) => [failureCodeOf(e), (e as EngineCallError).message, (e as EngineCallError).position])).toEqual([
      ['internal', 'INTERRUPT Error: Interrupted!', null],
      ['internal', 'unknown method x', null],
      ['internal', 'engine error', null],
    ]);
    expect(failureCodeOf(new Error('INTERRUPT Error: Interrupted!'))).toBe('internal');
  });

  it('fans events out to every listener until unsubscribed, and fails pending calls on close', async () => {
    const { client } = loopback();
    const seen: string[] = [];
    const off1 = client.onEvent((e) => seen.push(`1:${e.type}`));
    client.onEvent((e) => seen.push(`2:${e.type}`));
    client.receive({ kind: 'event', event: { type: 'tracesChanged' } });
    off1();
    client.receive({ kind: 'event', event: { type: 'tracesChanged' } });
    client.receive({ nonsense: true });
    expect(seen).toEqual(['1:tracesChanged', '2:tracesChanged', '2:tracesChanged']);
    const pending = client.call('listTraces', {});
    client.close('engine went away');
    await expect(pending).rejects.toThrow('engine went away');
    await expect(client.call('listTraces', {})).rejects.toThrow('engine went away');
  });
});
