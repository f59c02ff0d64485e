// Getting local files to the engine. Electron gives real paths; a browser must upload the bytes
// to `qtw serve` first (POST /upload), which answers with the path it stored them under and
// keeps the name the browser gave (the trace shows that name, not the stored one).
//
// The files of a picked folder (they carry webkitRelativePath) are uploaded with that path into
// one folder of their own on the server, and that folder is what is ingested: files in it that
// are not traces are then skipped with one line, and sub-folders stay apart (one run each).

export interface UploadProgress {
  (name: string, sent: number, total: number): void;
}

interface UploadReply {
  readonly path: string;
  /** For a file of a picked folder: the upload folder its siblings go to, and the folder to ingest. */
  readonly batch?: string;
  readonly folder?: string;
}

/** A file's path in the folder the user picked (`run/src.log`), or null for a file picked alone. */
export function relativePath(file: File): string | null {
  const rel = (file as File & { webkitRelativePath?: string }).webkitRelativePath ?? '';
  return rel.includes('/') ? rel : null;
}

function uploadOne(file: File, token: string, batch: string | null, onProgress: UploadProgress): Promise<UploadReply> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const rel = relativePath(file);
    const q = new URLSearchParams({ token });
    if (rel === null) q.set('name', file.name);
    else q.set('path', rel);
    if (rel !== null && batch !== null) q.set('batch', batch);
    xhr.open('POST', `upload?${q.toString()}`);
    const shown = rel ?? file.name;
    xhr.upload.onprogress = (e) => onProgress(shown, e.loaded, e.total || file.size);
    xhr.onload = () => {
      if (xhr.status !== 200) return reject(new Error(`upload of ${shown} failed: ${xhr.status} ${xhr.responseText.trim()}`));
      try {
        const body = JSON.parse(xhr.responseText) as { path?: unknown; batch?: unknown; folder?: unknown };
        if (typeof body.path !== 'string') throw new Error('no path in reply');
        resolve({
          path: body.path,
          batch: typeof body.batch === 'string' ? body.batch : undefined,
          folder: typeof body.folder === 'string' ? body.folder : undefined,
        });
      } catch (e) {
        reject(new Error(`upload of ${shown}: bad reply (${(e as Error).message})`));
      }
    };
    xhr.onerror = () => reject(new Error(`upload of ${shown} failed (connection error)`));
    xhr.send(file);
  });
}

/**
 * Paths the engine can open for these files: native paths under Electron, uploaded copies
 * otherwise; the files of a picked folder give that folder's path once, in place of theirs.
 */
export async function pathsForFiles(files: readonly File[], onProgress: UploadProgress): Promise<string[]> {
  const host = window.qtwHost;
  if (host) return files.map((f) => host.pathForFile(f)).filter((p) => p.length > 0);
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const out: string[] = [];
  let batch: string | null = null;
  for (const f of files) {
    const r = await uploadOne(f, token, batch, onProgress);
    if (r.batch !== undefined) batch = r.batch;
    const p = r.folder ?? r.path;
    if (!out.includes(p)) out.push(p);
  }
  return out;
}
