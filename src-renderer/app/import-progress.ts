// Import progress from engine events (any job, including the one `qtw serve` starts for its
// command-line inputs, and re-typing a trace with another catalogue), plus the browser-side
// upload that precedes an import. A finished job lists its traces with the catalogue each was
// typed with, where another can be picked.
import type { EngineClient, EngineEvent, IngestProgressEvent, IngestSummary, TraceInfo } from '../../src-main/contract.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { formatBytes, formatCount } from '../util/time-format.ts';
import { fileBaseName, traceName, traceTitle } from '../util/trace-name.ts';

export interface ImportProgress {
  uploading(name: string, sent: number, total: number): void;
  failed(message: string): void;
  /** An openInputs (or retypeTrace) call was accepted; show the panel until its first event arrives. */
  started(jobId: number, what: string, kind?: JobKind): void;
  /** What a finished job shows for each of its traces: its catalogue and a picker for another. */
  setCatalogueLine(line: (t: TraceInfo) => HTMLElement): void;
}

export type JobKind = 'import' | 'retype';

/** Traces a finished job lists, at most (an import of a folder can give hundreds). */
const LISTED_TRACES = 20;

function eta(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '';
  if (sec < 60) return `ETA ${Math.ceil(sec)} s`;
  return `ETA ${Math.floor(sec / 60)} min ${Math.ceil(sec % 60)} s`;
}

function rate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M rec/s`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} k rec/s`;
  return `${Math.round(n)} rec/s`;
}

/** A file found in a folder or archive that is not a trace (the engine said them in one line). */
function isNotTrace(s: IngestSummary['skipped'][number]): boolean {
  return s.reason.startsWith('not a QEMU trace');
}

export function summaryText(s: IngestSummary, kind: JobKind = 'import'): string {
  const recs = s.traces.reduce((a, t) => a + t.records, 0);
  if (kind === 'retype') {
    const t = s.traces[0];
    if (s.cancelled) return 'Re-typing cancelled: the trace is as it was';
    if (t === undefined) return 'Re-typed nothing';
    const parts = [`Re-typed trace #${t.traceId} · ${formatCount(t.records)} records · ${formatCount(t.unparsed)} unparsed`];
    if (s.errors.length) parts.push(`${s.errors.length} error${s.errors.length === 1 ? '' : 's'}`);
    return parts.join(' · ');
  }
  const parts = [`${s.cancelled ? 'Cancelled' : 'Imported'} ${s.traces.length} trace${s.traces.length === 1 ? '' : 's'} · ${formatCount(recs)} records`];
  const others = s.skipped.filter(isNotTrace).length;
  if (others) parts.push(`${others} other file${others === 1 ? '' : 's'} skipped`);
  if (s.skipped.length > others) parts.push(`${s.skipped.length - others} skipped`);
  if (s.errors.length) parts.push(`${s.errors.length} error${s.errors.length === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

export function createImportProgress(host: HTMLElement, client: EngineClient): ImportProgress {
  const title = h('div', { class: 'imp-title' });
  const fill = h('div', { class: 'imp-fill' });
  const bar = h('div', { class: 'imp-bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100 }, fill);
  const detail = h('div', { class: 'imp-detail' });
  const log = h('div', { class: 'imp-log' });
  const files = h('div', { class: 'imp-files', 'data-testid': 'import-files' });
  const cancel = h('button', { class: 'btn small' }, 'Cancel');
  const close = h('button', { class: 'btn small', title: 'Hide' }, '×');
  const panel = h('div', { class: 'import-progress', 'data-testid': 'import-progress', hidden: true, role: 'region', 'aria-label': 'Import progress' },
    h('div', { class: 'imp-row' }, title, h('span', { class: 'spacer' }), cancel, close), bar, detail, log, files);
  host.append(panel);
  // Someone reading the list or picking a catalogue: the panel stays until closed.
  panel.addEventListener('pointerenter', () => clearTimeout(hideTimer));
  panel.addEventListener('focusin', () => clearTimeout(hideTimer));

  let catalogueLine: ((t: TraceInfo) => HTMLElement) | null = null;
  /** Jobs started from this page that are not imports (the default). */
  const kinds = new Map<number, JobKind>();
  const verb = (id: number | null) => (id !== null && kinds.get(id) === 'retype' ? 'Re-typing' : 'Importing');

  let jobId: number | null = null;
  let hideTimer = 0;
  const lines: string[] = [];

  function show(): void {
    clearTimeout(hideTimer);
    panel.hidden = false;
  }
  function hideLater(ms: number): void {
    clearTimeout(hideTimer);
    hideTimer = window.setTimeout(() => (panel.hidden = true), ms);
  }
  function setFraction(f: number | null): void {
    bar.classList.toggle('indeterminate', f === null);
    fill.style.width = f === null ? '30%' : `${Math.round(Math.min(1, Math.max(0, f)) * 1000) / 10}%`;
    if (f !== null) bar.setAttribute('aria-valuenow', String(Math.round(f * 100)));
  }
  function addLine(text: string): void {
    lines.push(text);
    if (lines.length > 6) lines.shift();
    clear(log);
    for (const l of lines) log.append(h('div', {}, l));
  }
  function progress(p: IngestProgressEvent): void {
    const name = p.member ? `${fileBaseName(p.path)} ▸ ${p.member}` : fileBaseName(p.path);
    title.textContent = `${verb(jobId)} ${name}`;
    title.title = p.path;
    setFraction(p.bytesTotal > 0 ? p.bytesRead / p.bytesTotal : null);
    detail.textContent = [
      p.bytesTotal > 0 ? `${formatBytes(p.bytesRead)} / ${formatBytes(p.bytesTotal)}` : formatBytes(p.bytesRead),
      `${formatCount(p.records)} records`,
      rate(p.recordsPerSec),
      eta(p.etaSec),
    ].filter(Boolean).join(' · ');
  }

  cancel.addEventListener('click', () => {
    if (jobId === null) return;
    cancel.disabled = true;
    client.call('cancelJob', { jobId }).catch((e: unknown) => addLine(`cancel failed: ${errorMessage(e)}`));
  });
  close.addEventListener('click', () => (panel.hidden = true));

  client.onEvent((e: EngineEvent) => {
    switch (e.type) {
      case 'ingestProgress':
        if (jobId !== e.jobId) {
          jobId = e.jobId;
          lines.length = 0;
          clear(log);
          clear(files);
        }
        panel.dataset.state = 'running';
        cancel.disabled = false;
        cancel.hidden = false;
        show();
        progress(e.progress);
        break;
      case 'ingestMessage':
        show();
        addLine(e.line);
        break;
      case 'ingestDone': {
        panel.dataset.state = e.summary.errors.length ? 'error' : 'done';
        title.textContent = summaryText(e.summary, kinds.get(e.jobId) ?? 'import');
        kinds.delete(e.jobId);
        clear(files);
        for (const t of e.summary.traces.slice(0, LISTED_TRACES)) {
          files.append(h('div', { class: 'imp-file', 'data-trace-ref': t.traceId }, h('span', { class: 'imp-file-name', title: traceTitle(t) }, `#${t.traceId} ${traceName(t)}`), catalogueLine?.(t) ?? null));
        }
        if (e.summary.traces.length > LISTED_TRACES) files.append(h('div', { class: 'muted' }, `… and ${e.summary.traces.length - LISTED_TRACES} more in the Traces panel`));
        setFraction(1);
        cancel.hidden = true;
        detail.textContent = '';
        // Files that are not traces were said in one ingestMessage line; duplicates are listed.
        for (const s of e.summary.skipped.filter((x) => !isNotTrace(x)).slice(0, 5)) addLine(`skipped ${s.member ?? fileBaseName(s.path)}: ${s.reason}`);
        for (const err of e.summary.errors.slice(0, 5)) addLine(err);
        show();
        if (e.summary.errors.length === 0) hideLater(8000);
        break;
      }
      case 'ingestFailed':
        panel.dataset.state = 'error';
        title.textContent = kinds.get(e.jobId) === 'retype' ? 'Re-typing failed: the trace is as it was' : 'Import failed';
        kinds.delete(e.jobId);
        clear(files);
        detail.textContent = e.error;
        cancel.hidden = true;
        show();
        break;
      default:
        break;
    }
  });

  return {
    uploading(name, sent, total) {
      panel.dataset.state = 'running';
      clear(files);
      cancel.hidden = true;
      title.textContent = `Uploading ${name}`;
      setFraction(total > 0 ? sent / total : null);
      detail.textContent = `${formatBytes(sent)} / ${formatBytes(total)}`;
      show();
    },
    failed(message) {
      panel.dataset.state = 'error';
      clear(files);
      title.textContent = 'Could not open the files';
      detail.textContent = message;
      cancel.hidden = true;
      show();
    },
    setCatalogueLine(line) {
      catalogueLine = line;
    },
    started(id, what, kind = 'import') {
      if (kind !== 'import') kinds.set(id, kind);
      // Events of this job may have beaten the openInputs reply; do not reset what they showed.
      if (jobId === id) return;
      jobId = id;
      lines.length = 0;
      clear(log);
      clear(files);
      panel.dataset.state = 'running';
      cancel.hidden = false;
      cancel.disabled = false;
      title.textContent = `${verb(id)} ${what}`;
      detail.textContent = 'starting…';
      setFraction(null);
      show();
    },
  };
}
