// The parse worker: decodes a trace's bytes (a stream, or segments of a log) into record batches
// on another core while the main thread appends the previous batches to DuckDB. Strings are laid
// out for DuckDB here (packStrings): a batch whose strings are all short then crosses without
// them, which saves serializing and reading them back.
import { parentPort, workerData } from 'node:worker_threads';
import { ParseCore, reloadCatalogue } from './parse-core.ts';
import { workerIsLighter, type FromWorker, type ToWorker, type WorkerInit } from './parse-protocol.ts';
import { BufferPool } from './buffer-pool.ts';

const port = parentPort;
if (port === null) throw new Error('parse-worker must run in a worker thread');
const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

// A worker started ahead of its trace (prewarmParseWorker) loads this module first and gets its
// init as the first message; parentPort queues it until the listener is attached.
const init: WorkerInit =
  (workerData as WorkerInit | null) ?? (await new Promise<WorkerInit>((resolve) => port.once('message', (m: { init: WorkerInit }) => resolve(m.init))));
const catalogue = reloadCatalogue(init.catalogue.source, init.catalogue.name, init.catalogue.id);
if (catalogue === null) {
  post({ type: 'failed', message: `catalogue ${init.catalogue.id} could not be reloaded in the parse worker` });
} else {
  let core: ParseCore | null = null;
  const pool = new BufferPool();
  /** Segments being decoded (see segments.ts), by id. */
  const segments = new Map<number, ParseCore>();
  try {
    core = new ParseCore(init.plan, init.file, catalogue, (batch, transfer) => post({ type: 'batch', batch }, transfer), {
      hash: workerIsLighter(init.plan),
      packStrings: true,
      pool,
    });
    post({ type: 'ready' });
  } catch (e) {
    post({ type: 'failed', message: (e as Error).message });
  }
  port.on('message', (m: ToWorker) => {
    if (m.type === 'recycle') {
      for (const b of m.buffers) pool.put(b);
      return;
    }
    if (core === null) return;
    try {
      if (m.type === 'segment') {
        segments.set(
          m.id,
          new ParseCore(init.plan, init.file, catalogue, (batch, transfer) => post({ type: 'batch', batch, segment: m.id }, transfer), {
            hash: false,
            packStrings: true,
            startOffset: m.offset,
            pool,
          }),
        );
      } else if (m.type === 'segmentData') {
        const seg = segments.get(m.id);
        if (seg === undefined) throw new Error(`parse worker: no segment ${m.id}`);
        post({ type: 'pushed', id: m.id, counts: seg.push(new Uint8Array(m.data)) });
      } else if (m.type === 'segmentEnd') {
        const seg = segments.get(m.id);
        if (seg === undefined) throw new Error(`parse worker: no segment ${m.id}`);
        segments.delete(m.id);
        post({ type: 'segmentDone', id: m.id, done: seg.end(m.readError) });
      } else if (m.type === 'chunk') {
        const counts = core.push(new Uint8Array(m.data));
        post({ type: 'pushed', id: m.id, counts });
      } else {
        post({ type: 'done', done: core.end(m.readError) });
        core = null;
      }
    } catch (e) {
      core = null;
      post({ type: 'failed', message: (e as Error).message });
    }
  });
}
