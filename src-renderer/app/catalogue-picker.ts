// Which catalogue typed a trace, and re-typing it with another: the "Catalogue: qemu-7.2.0 (fit
// 100%) [change…]" line of a trace card and of the import panel's list of imported files. The
// choices are the engine's (listCatalogues: built-in releases, the installed QEMU's, those stored
// in the workspace) plus a trace-events file of the user's: uploaded in a browser, a native path
// under Electron. A re-type is a job like an import: the import panel shows it, and tracesChanged
// refreshes the traces, the catalogue browser and the schema afterwards.
import type { CatalogueChoice, EngineClient, EngineEvent, TraceInfo } from '../../src-main/contract.ts';
import { pathsForFiles } from '../api/upload.ts';
import { errorMessage, h } from '../util/dom.ts';
import { traceName } from '../util/trace-name.ts';
import type { ErrorBanner } from './error-banner.ts';
import type { ImportProgress } from './import-progress.ts';

export interface CataloguePicker {
  /** The catalogue line of a trace, with its picker. */
  line(t: TraceInfo): HTMLElement;
}

/** `<ms>-<n>-name` as `qtw serve` stores uploads: the name the user gave. */
function uploadedName(base: string): string {
  return base.replace(/^\d{12,}-\d+-/, '');
}

/**
 * A catalogue's shown name from its stored name (`qemu-10.2.50/trace-events-all`,
 * `installed:trace-events-all`, `qtw-uploads/1733…-2-trace-events-all`, `ws/my.trace-events`).
 */
export function catalogueName(name: string): string {
  if (name === 'installed:trace-events-all') return 'installed QEMU';
  if (name === 'embedded:migration') return 'built-in migration events';
  const parts = name.split(/[\\/]/);
  const file = parts.pop() ?? name;
  const dir = parts.pop() ?? '';
  if (/^qemu-\d/.test(dir) && file === 'trace-events-all') return dir;
  if (/uploads$/.test(dir)) return `${uploadedName(file)} (uploaded)`;
  return dir ? `${dir}/${file}` : file;
}

/** The name part of a catalogue id (`NAME@sha12`). */
export function catalogueIdName(id: string): string {
  const at = id.lastIndexOf('@');
  return at > 0 ? id.slice(0, at) : id;
}

export function fitPercent(fit: number): string {
  return `${Math.floor(fit * 1000) / 10}%`;
}

/** `qemu-7.2.0 (fit 100%)`, with the QEMU version where the name does not say it. */
export function traceCatalogueText(t: TraceInfo): string {
  const name = catalogueName(catalogueIdName(t.catalogueId));
  const version = t.catalogueVersion && !name.includes(t.catalogueVersion) ? ` · QEMU ${t.catalogueVersion}` : '';
  return `${name}${version}${t.catalogueFit !== null ? ` (fit ${fitPercent(t.catalogueFit)})` : ''}`;
}

function choiceText(c: CatalogueChoice, current: boolean): string {
  const label = c.kind === 'stored' ? catalogueName(c.label) : c.label;
  const version = c.version && !label.includes(c.version) ? ` · QEMU ${c.version}` : '';
  const uses = c.traces > 0 ? ` · ${c.traces} trace${c.traces === 1 ? '' : 's'}` : '';
  return `${label}${version}${uses}${current ? ' (current)' : ''}`;
}

// Not refs (release:, stored:, installed) nor paths.
const UPLOAD = 'action:upload';
const PICK_FILE = 'action:file';
const PICK_TREE = 'action:tree';

export function createCataloguePicker(client: EngineClient, progress: ImportProgress, banner: ErrorBanner): CataloguePicker {
  let choices: Promise<CatalogueChoice[]> | null = null;
  const load = (): Promise<CatalogueChoice[]> => {
    if (choices === null) {
      choices = client.call('listCatalogues', {});
      choices.catch(() => (choices = null));
    }
    return choices;
  };
  /** Re-type jobs started here: their failure is reported in the banner, naming the trace. */
  const mine = new Map<number, string>();
  client.onEvent((e: EngineEvent) => {
    // Stored catalogues and their trace counts change with the traces.
    if (e.type === 'tracesChanged') choices = null;
    if (e.type === 'ingestFailed' && mine.has(e.jobId)) banner.show(`${mine.get(e.jobId)} failed: ${oneLine(e.error)}`);
    if (e.type === 'ingestDone' && mine.has(e.jobId) && e.summary.errors.length > 0) banner.show(`${mine.get(e.jobId)}: ${oneLine(e.summary.errors[0])}`);
    if (e.type === 'ingestDone' || e.type === 'ingestFailed') mine.delete(e.jobId);
  });

  async function retype(t: TraceInfo, catalogue: string, shown: string): Promise<void> {
    const what = `Re-typing trace #${t.traceId} with ${shown}`;
    try {
      const job = await client.call('retypeTrace', { traceId: t.traceId, catalogue });
      mine.set(job.jobId, what);
      progress.started(job.jobId, `${traceName(t)} with ${shown}`, 'retype');
    } catch (e) {
      banner.show(`${what}: ${oneLine(errorMessage(e))}`);
    }
  }

  async function uploadAndRetype(t: TraceInfo, file: File): Promise<void> {
    let paths: string[];
    try {
      paths = await pathsForFiles([file], (name, sent, total) => progress.uploading(name, sent, total));
    } catch (e) {
      progress.failed(oneLine(errorMessage(e)));
      banner.show(`Re-typing trace #${t.traceId} with ${file.name}: ${oneLine(errorMessage(e))}`);
      return;
    }
    if (paths.length > 0) await retype(t, paths[0], file.name);
  }

  async function pickNative(t: TraceInfo, directories: boolean): Promise<void> {
    const host = window.qtwHost;
    if (!host) return;
    try {
      const [p] = await host.pickFiles({ directories, catalogue: true });
      if (p) await retype(t, p, p.split(/[\\/]/).pop() ?? p);
    } catch (e) {
      banner.show(`Re-typing trace #${t.traceId}: ${oneLine(errorMessage(e))}`);
    }
  }

  function fill(select: HTMLSelectElement, t: TraceInfo, list: readonly CatalogueChoice[]): void {
    const groups: [string, CatalogueChoice['kind']][] = [
      ['Built-in QEMU releases', 'release'],
      ['Installed QEMU', 'installed'],
      ['In this workspace', 'stored'],
    ];
    for (const [title, kind] of groups) {
      const of = list.filter((c) => c.kind === kind);
      if (of.length === 0) continue;
      const group = h('optgroup', { label: title });
      for (const c of of) {
        const current = c.catalogueId === t.catalogueId;
        group.append(h('option', { value: c.ref, disabled: c.unavailable !== null, title: c.unavailable ?? c.source, 'data-label': c.kind === 'stored' ? catalogueName(c.label) : c.label }, choiceText(c, current)));
      }
      select.append(group);
    }
    const own = h('optgroup', { label: 'Your catalogue' });
    if (window.qtwHost) own.append(h('option', { value: PICK_FILE }, 'Choose a trace-events file…'), h('option', { value: PICK_TREE }, 'Choose a QEMU source tree…'));
    else own.append(h('option', { value: UPLOAD }, 'Upload a trace-events file…'));
    select.append(own);
  }

  return {
    line(t) {
      const select = h('select', {
        class: 'cat-picker',
        'data-testid': 'catalogue-picker',
        'aria-label': `Re-type trace #${t.traceId} with another catalogue`,
        title: 'Type this trace again with another catalogue',
      });
      select.append(h('option', { value: '' }, 'change…'));
      load().then(
        (list) => fill(select, t, list),
        (e: unknown) => {
          select.disabled = true;
          select.title = `catalogues could not be listed: ${errorMessage(e)}`;
        },
      );
      // The file input shows beside the picker once "Upload…" is chosen: a script's click()
      // opens the file dialog only right after a user's gesture, which a select may not give.
      const fileInput = h('input', { type: 'file', class: 'cat-upload', hidden: true, 'data-testid': 'catalogue-file-input', 'aria-label': `trace-events file for trace #${t.traceId}` });
      fileInput.addEventListener('change', () => {
        const file = fileInput.files?.[0];
        fileInput.value = '';
        fileInput.hidden = true;
        if (file) void uploadAndRetype(t, file);
      });
      select.addEventListener('change', () => {
        const v = select.value;
        const opt = select.selectedOptions[0];
        select.value = '';
        if (v === '') return;
        if (v === UPLOAD) {
          fileInput.hidden = false;
          fileInput.click();
        } else if (v === PICK_FILE || v === PICK_TREE) {
          void pickNative(t, v === PICK_TREE);
        } else {
          void retype(t, v, opt?.dataset.label ?? v);
        }
      });
      return h(
        'div',
        { class: 'trace-catalogue', 'data-testid': 'trace-catalogue', title: `catalogue ${t.catalogueId}` },
        h('span', { class: 'muted' }, 'Catalogue: '),
        h('span', { class: 'cat-name', 'data-testid': 'trace-catalogue-name' }, traceCatalogueText(t)),
        select,
        fileInput,
      );
    },
  };
}

function oneLine(s: string): string {
  return s.split('\n')[0].trim();
}
