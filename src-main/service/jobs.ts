// Ingest jobs: openInputs and retypeTrace return at once with a job id; the work runs in the
// background and reports through events. Jobs of either kind run one at a time (both write on the
// workspace's own connection, one transaction per trace); each has its own AbortController for
// cancelJob.
import type { EngineEvent, IngestProgressEvent, IngestSummary } from '../contract.ts';
import type { IngestProgress } from '../ingest/ingest.ts';
import { failureCode, ServiceError } from './failure.ts';

export interface JobHooks {
  readonly onProgress: (p: IngestProgress) => void;
  readonly onMessage: (line: string) => void;
  readonly signal: AbortSignal;
}

/** One job's work (an ingest of paths, a re-type of a trace), run when its turn comes. */
export type JobRunner = (hooks: JobHooks) => Promise<IngestSummary>;

/** At most this many progress events per job per second reach clients. */
const PROGRESS_PER_SEC = 5;

interface Job {
  readonly id: number;
  readonly run: JobRunner;
  readonly abort: AbortController;
}

export class JobQueue {
  private serial = 0;
  private readonly queue: Job[] = [];
  private active: Job | null = null;
  private idleWaiters: (() => void)[] = [];
  private holding = false;

  constructor(
    private readonly emit: (e: EngineEvent) => void,
    /** After a job that may have added or changed traces (caches keyed on traces drop here). */
    private readonly afterJob: () => void,
  ) {}

  start(run: JobRunner): number {
    const job: Job = { id: ++this.serial, run, abort: new AbortController() };
    this.queue.push(job);
    queueMicrotask(() => void this.pump());
    return job.id;
  }

  cancel(jobId: number): boolean {
    if (this.active?.id === jobId) {
      if (this.active.abort.signal.aborted) return false;
      this.active.abort.abort();
      return true;
    }
    const i = this.queue.findIndex((j) => j.id === jobId);
    if (i < 0) return false;
    const [job] = this.queue.splice(i, 1);
    this.emit({ type: 'ingestDone', jobId: job.id, summary: { traces: [], skipped: [], errors: [], cancelled: true } });
    return true;
  }

  /** Abort everything (close): the running job stops at its next chunk. */
  cancelAll(): void {
    for (const j of this.queue.splice(0)) this.emit({ type: 'ingestDone', jobId: j.id, summary: { traces: [], skipped: [], errors: [], cancelled: true } });
    this.active?.abort.abort();
  }

  /**
   * Run other work on the ingest connection (trace removal) while no job runs; jobs asked for
   * meanwhile wait for it. Refused, not queued, while a job runs: that can take minutes.
   */
  async exclusive<T>(busy: string, task: () => Promise<T>): Promise<T> {
    if (this.active !== null || this.queue.length > 0 || this.holding) throw new ServiceError(busy, 'invalid-input');
    this.holding = true;
    try {
      return await task();
    } finally {
      this.holding = false;
      void this.pump();
    }
  }

  /** Resolves when no job is queued or running. */
  idle(): Promise<void> {
    if (this.active === null && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async pump(): Promise<void> {
    if (this.active !== null || this.holding) return;
    const job = this.queue.shift();
    if (!job) {
      for (const w of this.idleWaiters.splice(0)) w();
      return;
    }
    this.active = job;
    let last = 0;
    let pending: IngestProgressEvent | null = null;
    let timer: NodeJS.Timeout | null = null;
    const gap = 1000 / PROGRESS_PER_SEC;
    const flush = (final: boolean) => {
      timer = null;
      if (pending === null) return;
      const early = gap - (performance.now() - last);
      // libuv measures timeouts from the loop's cached clock, so a timer can fire early.
      if (!final && early > 0) {
        timer = setTimeout(() => flush(false), Math.ceil(early));
        return;
      }
      last = performance.now();
      this.emit({ type: 'ingestProgress', jobId: job.id, progress: pending });
      pending = null;
    };
    const onProgress = (p: IngestProgress) => {
      pending = { ...p };
      const wait = gap - (performance.now() - last);
      if (wait <= 0 && timer === null) flush(false);
      else if (timer === null) timer = setTimeout(() => flush(false), Math.ceil(wait));
    };
    try {
      const summary = await job.run({
        onProgress,
        onMessage: (line) => this.emit({ type: 'ingestMessage', jobId: job.id, line }),
        signal: job.abort.signal,
      });
      if (timer !== null) clearTimeout(timer);
      // The last figures (100 %) are worth one event beyond the rate limit.
      flush(true);
      this.emit({ type: 'ingestDone', jobId: job.id, summary: { ...summary, cancelled: summary.cancelled || job.abort.signal.aborted } });
    } catch (e) {
      if (timer !== null) clearTimeout(timer);
      const msg = e instanceof Error ? e.message : String(e);
      this.emit({ type: 'ingestFailed', jobId: job.id, error: msg.replace(/\s*\n\s*/g, ' '), code: failureCode(e) });
    } finally {
      this.active = null;
    }
    // Even a failed or cancelled job may have committed whole traces before it stopped.
    this.afterJob();
    this.emit({ type: 'tracesChanged' });
    await this.pump();
  }
}
