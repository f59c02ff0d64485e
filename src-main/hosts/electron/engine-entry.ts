// The utility process's main module (bundled as dist/electron/engine.js). Kept apart from
// engine-process.ts so that tests can import the wiring without starting anything.
import { runEngineProcess, type ParentPortLike } from './engine-process.ts';
import { openServiceBackend } from './engine-backend.ts';
import { parseClientMessage } from '../../service/rpc-validate.ts';

const parentPort = (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;
if (!parentPort) {
  process.stderr.write('qtw engine: must be started by Electron as a utility process\n');
  process.exit(2);
}
const engine = runEngineProcess(parentPort, openServiceBackend, parseClientMessage, () => process.exit(0));
process.on('SIGTERM', () => {
  void engine.close().finally(() => process.exit(0));
});
