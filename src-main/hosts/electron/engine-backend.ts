// The engine API behind a utility-process connection: the one service implementation, opened on
// a workspace with Electron's host kind, and the shared RPC dispatcher.
import { EngineService } from '../../service/api.ts';
import { dispatch } from '../../service/rpc-dispatch.ts';
import type { BackendFactory } from './engine-process.ts';

export const openServiceBackend: BackendFactory = async (workspace, opts) => {
  const service = await EngineService.open(workspace, { host: 'electron', allowExport: opts.allowExport });
  return {
    handle: (msg) => dispatch(service, msg),
    onEvent: (listener) => service.onEvent(listener),
    close: () => service.close(),
  };
};
