// The `qtw serve` host: one EngineService on a workspace (SQL locked down), the built renderer
// and the engine API on loopback, and the given inputs ingested as a job the UI can watch.
import path from 'node:path';
import type { OpenInputsOptions } from '../../contract.ts';
import { EngineService } from '../../service/api.ts';
import { handleRaw } from '../../service/rpc-dispatch.ts';
import { ensureRendererBuilt } from './renderer-build.ts';
import { startServer, type RunningServer } from './server.ts';

export interface ServeRequest {
  readonly workspace: string;
  readonly inputs: readonly string[];
  readonly options: OpenInputsOptions;
  readonly host?: string;
  readonly port?: number;
  readonly log: (line: string) => void;
}

export interface ServeSession {
  readonly server: RunningServer;
  readonly service: EngineService;
  stop(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export async function serve(req: ServeRequest): Promise<ServeSession> {
  const rendererDir = await ensureRendererBuilt(req.log);
  const service = await EngineService.open(req.workspace, {
    host: 'server',
    lockDown: true,
    defaultCatalogues: req.options.catalogues ?? [],
    // A browser session may only write exports beside its workspace.
    allowExport: (p) => {
      const dir = path.dirname(path.resolve(req.workspace));
      const full = path.resolve(p);
      return full.startsWith(dir + path.sep);
    },
  });
  let server: RunningServer;
  try {
    server = await startServer({
      endpoint: { handle: (raw) => handleRaw(service, raw), onEvent: (l) => service.onEvent(l) },
      rendererDir,
      uploadDir: path.join(path.dirname(path.resolve(req.workspace)), 'qtw-uploads'),
      // Where exportReport writes when given no path (see service/api.ts).
      downloadDir: path.join(path.dirname(path.resolve(req.workspace)), 'qtw-exports'),
      host: req.host,
      port: req.port,
    });
  } catch (e) {
    await service.close();
    throw e;
  }
  if (req.host !== undefined && !isLoopback(req.host)) {
    req.log(`warning: serving on ${req.host}: anyone who can reach it and has the token can query and ingest; the token is in the URL below`);
  }
  if (req.inputs.length > 0) {
    service.onEvent((e) => {
      if (e.type === 'ingestMessage') req.log(e.line);
      if (e.type === 'ingestFailed') req.log(`ingest failed: ${e.error}`);
      if (e.type === 'ingestDone') {
        for (const t of e.summary.traces) req.log(`trace ${t.traceId}: ${t.member ? `${t.path}:${t.member}` : t.path}: ${t.format}, side ${t.side ?? 'unknown'}, ${t.records} records, ${t.unparsed} unparsed`);
        for (const x of e.summary.errors) req.log(x);
      }
    });
    await service.call('openInputs', { paths: [...req.inputs], options: req.options });
  }
  return {
    server,
    service,
    stop: async () => {
      await server.close();
      await service.close();
    },
  };
}
