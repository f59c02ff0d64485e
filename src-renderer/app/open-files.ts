// Opening traces: native dialogs and real paths under Electron; <input type=file> + upload in a
// browser. Drag and drop anywhere on the window takes the same route.
import type { EngineClient } from '../../src-main/contract.ts';
import { pathsForFiles } from '../api/upload.ts';
import { errorMessage, h } from '../util/dom.ts';
import type { ImportProgress } from './import-progress.ts';

export interface FileOpener {
  openFiles(): void;
  openFolder(): void;
}

export function createFileOpener(
  client: EngineClient,
  progress: ImportProgress,
  hooks: { openSqlText(name: string, text: string): void },
): FileOpener {
  const filesInput = h('input', { type: 'file', multiple: true, hidden: true, 'data-testid': 'open-files-input' });
  const folderInput = h('input', { type: 'file', multiple: true, hidden: true, webkitdirectory: true, 'data-testid': 'open-folder-input' });
  document.body.append(filesInput, folderInput);

  async function ingest(paths: string[], what: string): Promise<void> {
    if (paths.length === 0) return;
    const job = await client.call('openInputs', { paths, options: {} });
    progress.started(job.jobId, what);
  }

  async function openFileList(files: File[]): Promise<void> {
    if (files.length === 0) return;
    try {
      const paths = await pathsForFiles(files, (name, sent, total) => progress.uploading(name, sent, total));
      await ingest(paths, files.length === 1 ? files[0].name : `${files.length} files`);
    } catch (e) {
      progress.failed(errorMessage(e));
    }
  }

  for (const input of [filesInput, folderInput]) {
    input.addEventListener('change', () => {
      const files = Array.from(input.files ?? []);
      input.value = '';
      void openFileList(files);
    });
  }

  async function pickNative(directories: boolean): Promise<void> {
    const host = window.qtwHost;
    if (!host) return;
    try {
      const paths = await host.pickFiles({ directories });
      await ingest(paths, paths.length === 1 ? (paths[0].split(/[\\/]/).pop() ?? paths[0]) : `${paths.length} inputs`);
    } catch (e) {
      progress.failed(errorMessage(e));
    }
  }

  // Drag and drop: a full-window hint while dragging, files opened on drop.
  const overlay = h('div', { class: 'drop-overlay', hidden: true }, h('div', {}, 'Drop trace files to import them'));
  document.body.append(overlay);
  let depth = 0;
  const hasFiles = (ev: DragEvent) => Array.from(ev.dataTransfer?.types ?? []).includes('Files');
  window.addEventListener('dragenter', (ev) => {
    if (!hasFiles(ev)) return;
    depth++;
    overlay.hidden = false;
  });
  window.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) overlay.hidden = true;
  });
  window.addEventListener('dragover', (ev) => {
    if (!hasFiles(ev)) return;
    ev.preventDefault();
    if (ev.dataTransfer) ev.dataTransfer.dropEffect = 'copy';
  });
  window.addEventListener('drop', (ev) => {
    depth = 0;
    overlay.hidden = true;
    if (!hasFiles(ev)) return;
    ev.preventDefault();
    // A dropped .sql file is a query to edit, not a trace to import.
    const files = Array.from(ev.dataTransfer?.files ?? []);
    for (const f of files.filter((x) => /\.sql$/i.test(x.name))) void f.text().then((t) => hooks.openSqlText(f.name, t));
    void openFileList(files.filter((x) => !/\.sql$/i.test(x.name)));
  });

  return {
    openFiles() {
      if (window.qtwHost) void pickNative(false);
      else filesInput.click();
    },
    openFolder() {
      if (window.qtwHost) void pickNative(true);
      else folderInput.click();
    },
  };
}
