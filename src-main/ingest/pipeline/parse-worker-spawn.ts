// Starting a parse worker thread (parse-worker.ts) and waiting until it can take work.
import { Worker } from 'node:worker_threads';
import type { FromWorker, WorkerInit } from './parse-protocol.ts';

/** Running from the TypeScript sources: a worker loads them through tsx, which takes ~1 s. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** The worker's entry point: built JS, or a bootstrap that loads the TypeScript through tsx. */
function workerUrl(): URL {
  return new URL(FROM_SOURCE ? './parse-worker-boot.mjs' : './parse-worker.js', import.meta.url);
}

// Decoding allocates many short-lived objects: a larger young generation means fewer
// scavenges; the old generation is capped so a runaway input cannot take the machine.
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 64 };

/** Not a literal in `new URL`: bundlers would emit it beside a build, which never starts it. */
const WARM_ENTRY = './parse-worker-warm.mjs';

/** A worker started ahead (prewarmParseWorker), and whether it got as far as waiting for its init. */
let warm: { readonly worker: Worker; readonly loaded: Promise<boolean> } | null = null;

/**
 * From the sources only: start one parse worker now, before its trace's plan and catalogue are
 * known, so that its start-up overlaps the driver's head, plan and catalogue work; the next
 * spawnParseWorker takes it. A built engine starts workers in tens of milliseconds: nothing then.
 */
export function prewarmParseWorker(): void {
  // QTW_PARSE_PREWARM=0: every worker started when its trace is known (to compare).
  if (!FROM_SOURCE || warm !== null || process.env.QTW_PARSE_WORKER === '0' || process.env.QTW_PARSE_PREWARM === '0') return;
  let worker: Worker;
  try {
    worker = new Worker(new URL(WARM_ENTRY, import.meta.url), { resourceLimits: RESOURCE_LIMITS });
  } catch {
    return;
  }
  // An idle warm worker never keeps the process alive.
  worker.unref();
  const loaded = new Promise<boolean>((resolve) => {
    worker.once('message', (m: { type?: string }) => resolve(m?.type === 'warm'));
    worker.once('error', () => resolve(false));
    worker.once('exit', () => resolve(false));
  });
  warm = { worker, loaded };
}

/** Stop a worker started ahead that no trace took (the ingest is over). */
export function discardWarmParseWorker(): void {
  const w = warm;
  warm = null;
  if (w !== null) void w.worker.terminate();
}

/** A ready parse worker, or null when one cannot be started here. */
export async function spawnParseWorker(init: WorkerInit): Promise<Worker | null> {
  const w = warm;
  warm = null;
  let worker: Worker;
  // Referenced again before waiting for it: an unreferenced worker's message would not keep
  // the process alive while nothing else is pending.
  w?.worker.ref();
  if (w !== null && (await w.loaded)) {
    worker = w.worker;
    worker.postMessage({ init });
  } else {
    if (w !== null) void w.worker.terminate();
    worker = new Worker(workerUrl(), { workerData: init, resourceLimits: RESOURCE_LIMITS });
  }
  const ok = await new Promise<boolean>((resolve) => {
    const onMsg = (m: FromWorker) => {
      if (m.type === 'ready' || m.type === 'failed') {
        worker.off('message', onMsg);
        resolve(m.type === 'ready');
      }
    };
    worker.on('message', onMsg);
    worker.once('error', () => resolve(false));
    worker.once('exit', () => resolve(false));
  });
  if (ok) return worker;
  void worker.terminate();
  return null;
}
