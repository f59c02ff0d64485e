// The `qtw serve` host: one EngineService on a workspace (SQL locked down), the built renderer
// and the engine API on loopback, and the given inputs ingested as a job the UI can watch.
import { lstatSync, readdirSync, realpathSync, rmdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { OpenInputsOptions } from '../../contract.ts';
import { EngineService } from '../../service/api.ts';
import { exportFolder, SERVED_EXPORTS } from '../../service/export-policy.ts';
import { handleRaw } from '../../service/rpc-dispatch.ts';
import { ensureRendererBuilt } from './renderer-build.ts';
import { startServer, type RunningServer } from './server.ts';

export interface ServeRequest {
  readonly workspace: string;
  readonly inputs: readonly string[];
  readonly options: OpenInputsOptions;
  readonly host?: string;
  readonly port?: number;
  /** Largest browser upload in bytes (default: the server's). */
  readonly maxUploadBytes?: number;
  /** The built renderer (tests); default dist/renderer, built when stale. */
  readonly rendererDir?: string;
  /** Uploads not ingested this long are removed (tests); default STALE_UPLOAD_MS. */
  readonly staleUploadMs?: number;
  readonly log: (line: string) => void;
}

export interface ServeSession {
  readonly server: RunningServer;
  readonly service: EngineService;
  stop(): Promise<void>;
}

/** An upload not ingested (nor asked to be) this long after it arrived is removed. */
const STALE_UPLOAD_MS = 15 * 60_000;
const SWEEP_MS = 5 * 60_000;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether file, symlinks resolved, lies inside folder (symlinks resolved too); a missing file does not. */
export function insideFolder(folder: string, file: string): boolean {
  try {
    const root = realpathSync(folder);
    return realpathSync(file).startsWith(root.endsWith(path.sep) ? root : root + path.sep);
  } catch {
    return false;
  }
}

function field(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
}

/**
 * Regular files at or under p (a folder upload is a tree), none when p is gone. Links are never
 * followed (lstat): a link planted in the upload folder must not lead the cleanup into a folder
 * of the user's, and a link itself is not an upload.
 */
export function filesUnder(p: string): string[] {
  let st;
  try {
    st = lstatSync(p);
  } catch {
    return [];
  }
  if (st.isFile()) return [p];
  if (!st.isDirectory()) return [];
  let names: string[] = [];
  try {
    names = readdirSync(p);
  } catch {
    return [];
  }
  return names.flatMap((n) => filesUnder(path.join(p, n)));
}

const NEW_FOLDER_MS = 60_000;

/** Folders under root left empty by removed uploads (root itself stays). */
function pruneEmptyFolders(root: string): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const n of names) {
    const p = path.join(root, n);
    try {
      const st = lstatSync(p);
      if (!st.isDirectory()) continue;
      pruneEmptyFolders(p);
      // A folder upload makes its folder just before the file: leave a new one be.
      if (Date.now() - st.mtimeMs < NEW_FOLDER_MS) continue;
      // Fails, as it should, when anything is left in it (or an upload just made it).
      if (readdirSync(p).length === 0) rmdirSync(p);
    } catch {
      // gone meanwhile, or in use
    }
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export async function serve(req: ServeRequest): Promise<ServeSession> {
  const rendererDir = req.rendererDir ?? (await ensureRendererBuilt(req.log));
  const folder = path.dirname(path.resolve(req.workspace));
  const uploadDir = path.join(folder, 'qtw-uploads');
  // What the CLI user named may lie anywhere; what the browser names must lie beside the workspace.
  const given = new Set([...req.inputs, ...(req.options.src ?? []), ...(req.options.dst ?? []), ...(req.options.catalogues ?? [])].map((p) => path.resolve(p)));
  // The names the browser gave the uploads of this session, by where they are stored: the
  // trace keeps it (traces.original_name), not the stored name.
  const originalNames = new Map<string, string>();
  const service = await EngineService.open(req.workspace, {
    host: 'server',
    lockDown: true,
    defaultCatalogues: req.options.catalogues ?? [],
    allowInput: (p) => given.has(path.resolve(p)) || insideFolder(folder, p),
    originalName: (p) => originalNames.get(path.resolve(p)) ?? null,
    // A browser session writes only new files in the export folder (see export-policy.ts).
    allowExport: SERVED_EXPORTS,
  });

  // Uploads are copies made for one ingest or re-type: once no trace refers to one (its job
  // failed, was cancelled, or found it a duplicate; no trace is typed with the catalogue) it only
  // takes space. An upload whose ingest was not asked
  // for yet is left alone: only files of finished jobs, and at start those of earlier sessions.
  const jobUploads = new Map<number, string[]>();
  const endedEarly = new Set<number>();
  const dropUnreferenced = async (files: readonly string[]): Promise<void> => {
    if (files.length === 0) return;
    try {
      const used = new Set((await service.call('listTraces', {})).map((t) => path.resolve(t.path)));
      // A catalogue uploaded for a re-type is in use while a trace is typed with it: picking it
      // again from the list must not need another upload.
      for (const c of await service.call('listCatalogues', {})) if (c.kind === 'stored' && c.traces > 0) used.add(path.resolve(c.source));
      const pending = new Set([...jobUploads.values()].flat());
      // What the CLI user named is theirs, a folder with everything in it too.
      const givenUnder = (f: string) => [...given].some((g) => f === g || f.startsWith(g.endsWith(path.sep) ? g : g + path.sep));
      for (const f of files) {
        if (used.has(f) || pending.has(f) || givenUnder(f)) continue;
        try {
          rmSync(f, { force: true });
          originalNames.delete(f);
        } catch {
          // not a plain file (someone else's folder): leave it
        }
      }
      if (ownUploads()) pruneEmptyFolders(uploadDir);
    } catch {
      // The workspace closed meanwhile: the next start cleans up.
    }
  };
  const jobEnded = (jobId: number): void => {
    const files = jobUploads.get(jobId);
    if (files === undefined) return void endedEarly.add(jobId);
    jobUploads.delete(jobId);
    void dropUnreferenced(files);
  };
  service.onEvent((e) => {
    if (e.type === 'ingestDone' || e.type === 'ingestFailed') jobEnded(e.jobId);
  });
  // Only a real folder is ours to clean: an upload folder that is a link (another user's
  // link to their home folder, made before this session) is never walked.
  const ownUploads = (): boolean => {
    try {
      return lstatSync(uploadDir).isDirectory();
    } catch {
      return false;
    }
  };
  let earlier: string[] = [];
  if (ownUploads()) earlier = filesUnder(uploadDir);
  await dropUnreferenced(earlier);
  // And, while the session runs, uploads nobody ingested within STALE_UPLOAD_MS, and those of
  // removed traces: else a page could fill the disk with uploads it never ingests.
  const sweep = (): void => {
    let stale: string[] = [];
    try {
      const now = Date.now();
      stale = (ownUploads() ? filesUnder(uploadDir) : [])
        .filter((f) => {
          try {
            return now - statSync(f).mtimeMs > (req.staleUploadMs ?? STALE_UPLOAD_MS);
          } catch {
            return false;
          }
        });
    } catch {
      return; // no uploads yet
    }
    void dropUnreferenced(stale);
  };
  const sweeper = setInterval(sweep, Math.min(SWEEP_MS, req.staleUploadMs ?? SWEEP_MS));
  sweeper.unref();
  service.onEvent((e) => {
    if (e.type === 'tracesChanged') sweep();
  });
  const handle = async (raw: unknown, session?: number) => {
    const reply = await handleRaw(service, raw, { session });
    const method = field(raw, 'method');
    if ((method === 'openInputs' || method === 'retypeTrace') && reply.kind === 'response' && reply.ok) {
      const params = field(raw, 'params');
      const options = field(params, 'options');
      const catalogue = field(params, 'catalogue');
      const inputs = (
        method === 'openInputs'
          ? [...strings(field(params, 'paths')), ...strings(field(options, 'src')), ...strings(field(options, 'dst')), ...strings(field(options, 'catalogues'))]
          : typeof catalogue === 'string'
            ? [catalogue]
            : []
      ).map((p) => path.resolve(p));
      const jobId = field(reply.result, 'jobId') as number;
      // A folder upload is ingested as its folder: its files are the job's uploads.
      jobUploads.set(jobId, inputs.filter((p) => p.startsWith(uploadDir + path.sep)).flatMap(filesUnder));
      if (endedEarly.delete(jobId)) jobEnded(jobId);
    }
    return reply;
  };

  let server: RunningServer;
  try {
    server = await startServer({
      endpoint: { handle, onEvent: (l) => service.onEvent(l), sessionClosed: (s) => service.sessionClosed(s) },
      rendererDir,
      uploadDir,
      onUpload: (stored, name) => originalNames.set(path.resolve(stored), name),
      // Where exportReport writes when given no path (see service/api.ts).
      downloadDir: exportFolder(req.workspace),
      host: req.host,
      port: req.port,
      maxUploadBytes: req.maxUploadBytes,
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
      clearInterval(sweeper);
      await server.close();
      await service.close();
    },
  };
}
