// Main's engine host with a fake utility process: workspace opening, port hand-over per page
// load, crash restarts and clean shutdown.
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import type { MessagePortMain, UtilityProcess, WebContents } from 'electron';
import { EngineHost } from '../../../../src-main/hosts/electron/engine-host.ts';
import { parseParentMessage, type EngineToParent } from '../../../../src-main/hosts/electron/engine-protocol.ts';

class FakeChild extends EventEmitter {
  readonly got: { msg: unknown; ports: unknown[] }[] = [];
  killed = false;
  constructor(private readonly behave: (c: FakeChild, m: Record<string, unknown>) => void) {
    super();
  }
  postMessage(msg: unknown, ports: unknown[] = []): void {
    // Everything main sends must be a control message the engine accepts.
    expect('error' in parseParentMessage(msg)).toBe(false);
    this.got.push({ msg, ports });
    queueMicrotask(() => this.behave(this, msg as Record<string, unknown>));
  }
  reply(m: EngineToParent): void {
    this.emit('message', m);
  }
  kill(): boolean {
    this.killed = true;
    queueMicrotask(() => this.emit('exit', 1));
    return true;
  }
}

function setup(behave: (c: FakeChild, m: Record<string, unknown>) => void = () => undefined) {
  const children: FakeChild[] = [];
  const problems: string[] = [];
  let restarted = 0;
  let ports = 0;
  const host = new EngineHost('/app/engine.js', {
    fork: () => {
      const c = new FakeChild(behave);
      children.push(c);
      return c as unknown as UtilityProcess;
    },
    channel: () => ({ port1: { n: ++ports, side: 'engine' } as unknown as MessagePortMain, port2: { n: ports, side: 'page' } as unknown as MessagePortMain }),
    onProblem: (m) => void problems.push(m),
    onRestarted: () => void restarted++,
  });
  return { host, children, problems, restarted: () => restarted };
}

const opens = (c: FakeChild, m: Record<string, unknown>) => {
  if (m.type === 'open') {
    const ws = String(m.workspace);
    c.reply(ws.includes('locked') ? { type: 'openFailed', workspace: ws, error: 'Could not set lock on file' } : { type: 'opened', workspace: ws });
  }
  if (m.type === 'shutdown') c.emit('exit', 0);
};

describe('EngineHost', () => {
  it('forks once, opens workspaces and reports failures', async () => {
    const { host, children } = setup(opens);
    await host.open('/w/a.duckdb');
    expect(host.currentWorkspace).toBe('/w/a.duckdb');
    await expect(host.open('/w/locked.duckdb')).rejects.toThrow(/locked\.duckdb: Could not set lock/);
    expect(host.currentWorkspace).toBe('/w/a.duckdb');
    expect(children).toHaveLength(1);
  });

  it('hands one end of a fresh channel to the engine and the other to the page', async () => {
    const { host, children } = setup(opens);
    await host.open('/w/a.duckdb');
    const posted: [string, unknown, unknown[]][] = [];
    const contents = { id: 7, postMessage: (ch: string, msg: unknown, ports: unknown[]) => posted.push([ch, msg, ports]) } as unknown as WebContents;
    host.connect(contents);
    host.connect(contents);
    const connects = children[0].got.filter((g) => (g.msg as { type: string }).type === 'connect');
    expect(connects.map((c) => c.msg)).toEqual([
      { type: 'connect', connectionId: 7 },
      { type: 'connect', connectionId: 7 },
    ]);
    expect(connects.map((c) => c.ports)).toEqual([[{ n: 1, side: 'engine' }], [{ n: 2, side: 'engine' }]]);
    expect(posted).toEqual([
      ['qtw:engine-port', null, [{ n: 1, side: 'page' }]],
      ['qtw:engine-port', null, [{ n: 2, side: 'page' }]],
    ]);
    host.disconnect(7);
    host.ingest([]);
    host.ingest(['/t/src.log.gz']);
    host.allowExport('/data/exports/r.csv');
    expect(children[0].got.slice(-3).map((g) => g.msg)).toEqual([
      { type: 'disconnect', connectionId: 7 },
      { type: 'ingest', paths: ['/t/src.log.gz'] },
      { type: 'allowExport', path: '/data/exports/r.csv' },
    ]);
  });

  it('restarts a crashed engine on the same workspace, then gives up after repeated crashes', async () => {
    const { host, children, problems, restarted } = setup(opens);
    await host.open('/w/a.duckdb');
    for (let i = 1; i <= 4; i++) {
      children[children.length - 1].emit('exit', 139);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(children).toHaveLength(4);
    expect(children[1].got[0].msg).toEqual({ type: 'open', workspace: '/w/a.duckdb' });
    expect(restarted()).toBe(3);
    expect(problems.at(-1)).toMatch(/repeatedly/);
  });

  it('asks the engine to shut down, and kills it only if it hangs', async () => {
    const a = setup(opens);
    await a.host.open('/w/a.duckdb');
    await a.host.stop();
    expect(a.children[0].got.at(-1)?.msg).toEqual({ type: 'shutdown' });
    expect(a.children[0].killed).toBe(false);
    expect(a.children).toHaveLength(1);
  });

  it('rejects a pending open when the engine dies', async () => {
    const { host, children } = setup(() => undefined);
    const p = host.open('/w/a.duckdb');
    children[0].emit('exit', 6);
    await expect(p).rejects.toThrow(/exit code 6/);
  });
});
