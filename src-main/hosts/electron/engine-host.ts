// Main's side of the engine: one utility process per app, one MessagePort pair per page load.
// Main never handles engine traffic itself; it only forks, opens workspaces, hands ports over
// and restarts a crashed engine.
import type { MessagePortMain, UtilityProcess, WebContents } from 'electron';
import { ENGINE_PORT_CHANNEL } from './channels.ts';
import type { EngineToParent, ParentToEngine } from './engine-protocol.ts';

export interface EngineHostDeps {
  fork(entry: string): UtilityProcess;
  channel(): { port1: MessagePortMain; port2: MessagePortMain };
  /** Reported to the user (dialog) by main. */
  onProblem(message: string): void;
  /** A crashed engine came back: pages must reload to reconnect with fresh state. */
  onRestarted(): void;
}

interface PendingOpen {
  readonly workspace: string;
  resolve(): void;
  reject(e: Error): void;
}

const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;
const SHUTDOWN_GRACE_MS = 5_000;

export class EngineHost {
  private child: UtilityProcess | null = null;
  private workspace: string | null = null;
  private stopping = false;
  private restarts: number[] = [];
  private readonly pending = new Set<PendingOpen>();

  constructor(
    private readonly entry: string,
    private readonly deps: EngineHostDeps,
  ) {}

  get currentWorkspace(): string | null {
    return this.workspace;
  }

  private send(m: ParentToEngine, ports: MessagePortMain[] = []): void {
    this.ensureChild().postMessage(m, ports);
  }

  private onMessage(m: EngineToParent): void {
    if (m.type === 'opened' || m.type === 'openFailed') {
      for (const p of [...this.pending]) {
        if (p.workspace !== m.workspace) continue;
        this.pending.delete(p);
        if (m.type === 'opened') {
          this.workspace = m.workspace;
          p.resolve();
        } else p.reject(new Error(`${m.workspace}: ${m.error}`));
      }
    } else if (m.type === 'ingestFailed') {
      this.deps.onProblem(`Could not open ${m.paths.join(', ')}: ${m.error}`);
    }
  }

  private ensureChild(): UtilityProcess {
    if (this.child) return this.child;
    const child = this.deps.fork(this.entry);
    child.on('message', (m: EngineToParent) => this.onMessage(m));
    child.on('exit', (code) => {
      if (this.child !== child) return;
      this.child = null;
      for (const p of this.pending) p.reject(new Error(`the engine stopped (exit code ${code})`));
      this.pending.clear();
      if (this.stopping) return;
      const now = Date.now();
      this.restarts = [...this.restarts.filter((t) => now - t < RESTART_WINDOW_MS), now];
      if (this.restarts.length > MAX_RESTARTS) {
        this.deps.onProblem(`The engine stopped (exit code ${code}) repeatedly; not restarting it. Save your queries and restart the app.`);
        return;
      }
      if (this.workspace) {
        void this.open(this.workspace).then(
          () => this.deps.onRestarted(),
          (e: unknown) => this.deps.onProblem(String((e as Error).message ?? e)),
        );
      }
    });
    this.child = child;
    return child;
  }

  /** Open (or switch to) a workspace; resolves once the engine has it open. */
  open(workspace: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.add({ workspace, resolve, reject });
      this.send({ type: 'open', workspace });
    });
  }

  /** Give this page load its own engine port (replacing the previous load's, same id). */
  connect(contents: WebContents): void {
    const { port1, port2 } = this.deps.channel();
    this.send({ type: 'connect', connectionId: contents.id }, [port1]);
    contents.postMessage(ENGINE_PORT_CHANNEL, null, [port2]);
  }

  /** By id: the WebContents may already be destroyed when its window closes. */
  disconnect(connectionId: number): void {
    if (this.child) this.send({ type: 'disconnect', connectionId });
  }

  ingest(paths: readonly string[]): void {
    if (paths.length) this.send({ type: 'ingest', paths });
  }

  allowExport(path: string): void {
    this.send({ type: 'allowExport', path });
  }

  /** Let the engine close DuckDB cleanly (checkpoint), killing it only if it does not exit in time. */
  stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    this.child = null;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve();
      }, SHUTDOWN_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.postMessage({ type: 'shutdown' } satisfies ParentToEngine);
    });
  }
}
