// A parse worker started before its trace is known, when the engine runs from TypeScript
// sources: starting the thread, tsx's loader and compiling the parse modules takes most of a
// second, done while the driver reads the trace's head and picks its catalogue. parse-worker.ts
// then waits for its WorkerInit as the first message (it has no workerData).
import { parentPort } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

// The first tsImport starts tsx's loader; "warm" says the thread can run TypeScript.
await tsImport('./parse-protocol.ts', import.meta.url);
parentPort.postMessage({ type: 'warm' });
await tsImport('./parse-worker.ts', import.meta.url);
