// Getting local files to the engine. Electron gives real paths; a browser must upload the bytes
// to `qtw serve` first (POST /upload), which answers with the path it stored them under.

export interface UploadProgress {
  (name: string, sent: number, total: number): void;
}

function uploadOne(file: File, token: string, onProgress: UploadProgress): Promise<string> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const rel = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
    xhr.open('POST', `upload?token=${encodeURIComponent(token)}&name=${encodeURIComponent(rel.split('/').pop() ?? file.name)}`);
    xhr.upload.onprogress = (e) => onProgress(file.name, e.loaded, e.total || file.size);
    xhr.onload = () => {
      if (xhr.status !== 200) return reject(new Error(`upload of ${file.name} failed: ${xhr.status} ${xhr.responseText.trim()}`));
      try {
        const body = JSON.parse(xhr.responseText) as { path?: unknown };
        if (typeof body.path !== 'string') throw new Error('no path in reply');
        resolve(body.path);
      } catch (e) {
        reject(new Error(`upload of ${file.name}: bad reply (${(e as Error).message})`));
      }
    };
    xhr.onerror = () => reject(new Error(`upload of ${file.name} failed (connection error)`));
    xhr.send(file);
  });
}

/** Paths the engine can open for these files: native paths under Electron, uploaded copies otherwise. */
export async function pathsForFiles(files: readonly File[], onProgress: UploadProgress): Promise<string[]> {
  const host = window.qtwHost;
  if (host) return files.map((f) => host.pathForFile(f)).filter((p) => p.length > 0);
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const out: string[] = [];
  for (const f of files) out.push(await uploadOne(f, token, onProgress));
  return out;
}
