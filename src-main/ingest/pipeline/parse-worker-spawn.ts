// Starting a parse worker thread (parse-worker.ts) and waiting until it can take work.
import { Worker } from 'node:worker_threads';
import type { FromWorker, WorkerInit } from './parse-protocol.ts';

/** The worker's entry point: built JS, or a bootstrap that loads the TypeScript through tsx. */
function workerUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './parse-worker-boot.mjs' : './parse-worker.js', import.meta.url);
}

/** A ready parse worker, or null when one cannot be started here. */
export async function spawnParseWorker(init: WorkerInit): Promise<Worker | null> {
  // Decoding allocates many short-lived objects: a larger young generation means fewer
  // scavenges; the old generation is capped so a runaway input cannot take the machine.
  const worker = new Worker(workerUrl(), { workerData: init, resourceLimits: { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 64 } });
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
