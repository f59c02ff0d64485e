// Opening traces: native dialogs and real paths under Electron; <input type=file> + upload in a
// browser. Drag and drop anywhere on the window takes the same route, and so does text pasted
// into the "Paste trace" dialog (a trace copied from an issue or a mail, saved as a file first).
import type { EngineClient } from '../../src-main/contract.ts';
import { pathsForFiles } from '../api/upload.ts';
import { errorMessage, h } from '../util/dom.ts';
import type { ImportProgress } from './import-progress.ts';

export interface FileOpener {
  openFiles(): void;
  openFolder(): void;
  pasteTrace(): void;
}

/** The file name a paste is imported under, e.g. `pasted-2026-11-25T20-23-15-123Z.log`. */
export function pastedFileName(now: Date): string {
  return `pasted-${now.toISOString().replace(/[:.]/g, '-')}.log`;
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

  const paste = createPasteDialog(async (text) => {
    const name = pastedFileName(new Date());
    const host = window.qtwHost;
    const paths = host ? [await host.savePastedText(name, text)] : await pathsForFiles([new File([text], name, { type: 'text/plain' })], (n, sent, total) => progress.uploading(n, sent, total));
    await ingest(paths, name);
  });

  return {
    pasteTrace: paste,
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

/**
 * The "Paste trace" dialog; returns what opens it. `submit` imports the text; the dialog stays
 * open with the error when that fails. Quote markers and the like are left in the text: the
 * engine finds and removes them (and records what it removed on the trace).
 */
function createPasteDialog(submit: (text: string) => Promise<void>): () => void {
  const text = h('textarea', {
    class: 'paste-text',
    rows: 18,
    spellcheck: false,
    'aria-label': 'Trace text',
    'data-testid': 'paste-text',
    placeholder: 'Paste QEMU trace output here: quoted from a mail, indented, in a code fence or straight from a terminal',
  });
  const note = h('div', { class: 'paste-note', role: 'status' });
  const fromClipboard = h('button', { class: 'btn', type: 'button', title: 'Read the text from the clipboard' }, 'From clipboard');
  const cancel = h('button', { class: 'btn', type: 'button' }, 'Cancel');
  const importIt = h('button', { class: 'btn primary', type: 'button', 'data-testid': 'paste-import' }, 'Import');
  const dialog = h(
    'dialog',
    { class: 'paste-dialog', 'aria-label': 'Paste trace', 'data-testid': 'paste-dialog' },
    h('h2', {}, 'Paste trace'),
    h('p', { class: 'paste-hint' }, 'Mail quote markers, a common indentation, Markdown code fences, (qemu) prompts and CRLF line ends are removed before the trace is read.'),
    text,
    note,
    h('div', { class: 'paste-actions' }, fromClipboard, h('span', { class: 'spacer' }), cancel, importIt),
  );
  document.body.append(dialog);
  // The clipboard can be read only in a secure context, and only where the browser allows it.
  fromClipboard.hidden = typeof navigator.clipboard?.readText !== 'function';
  fromClipboard.addEventListener('click', () => {
    navigator.clipboard.readText().then(
      (t) => {
        text.value = t;
        note.textContent = t.length === 0 ? 'The clipboard holds no text.' : '';
      },
      (e: unknown) => {
        note.textContent = `The clipboard could not be read (${errorMessage(e)}): paste into the box with Ctrl+V instead.`;
      },
    );
  });
  cancel.addEventListener('click', () => dialog.close());
  importIt.addEventListener('click', () => {
    if (text.value.trim().length === 0) {
      note.textContent = 'Nothing to import: paste a trace into the box first.';
      return;
    }
    importIt.disabled = true;
    note.textContent = 'Importing…';
    submit(text.value).then(
      () => {
        text.value = '';
        note.textContent = '';
        dialog.close();
      },
      (e: unknown) => {
        note.textContent = errorMessage(e);
      },
    ).finally(() => {
      importIt.disabled = false;
    });
  });
  return () => {
    note.textContent = '';
    dialog.showModal();
    text.focus();
  };
}
