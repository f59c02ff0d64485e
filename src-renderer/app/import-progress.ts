// Import progress from engine events (any job, including the one `qtw serve` starts for its
// command-line inputs), plus the browser-side upload that precedes an import.
import type { EngineClient, EngineEvent, IngestProgressEvent, IngestSummary } from '../../src-main/contract.ts';
import { clear, errorMessage, h } from '../util/dom.ts';
import { formatBytes, formatCount } from '../util/time-format.ts';

export interface ImportProgress {
  uploading(name: string, sent: number, total: number): void;
  failed(message: string): void;
  /** An openInputs call was accepted; show the panel until its first event arrives. */
  started(jobId: number, what: string): void;
}

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

export function summaryText(s: IngestSummary): string {
  const recs = s.traces.reduce((a, t) => a + t.records, 0);
  const parts = [`${s.cancelled ? 'Cancelled' : 'Imported'} ${s.traces.length} trace${s.traces.length === 1 ? '' : 's'} · ${formatCount(recs)} records`];
  if (s.skipped.length) parts.push(`${s.skipped.length} skipped`);
  if (s.errors.length) parts.push(`${s.errors.length} error${s.errors.length === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

export function createImportProgress(host: HTMLElement, client: EngineClient): ImportProgress {
  const title = h('div', { class: 'imp-title' });
  const fill = h('div', { class: 'imp-fill' });
  const bar = h('div', { class: 'imp-bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100 }, fill);
  const detail = h('div', { class: 'imp-detail' });
  const log = h('div', { class: 'imp-log' });
  const cancel = h('button', { class: 'btn small' }, 'Cancel');
  const close = h('button', { class: 'btn small', title: 'Hide' }, '×');
  const panel = h('div', { class: 'import-progress', 'data-testid': 'import-progress', hidden: true, role: 'region', 'aria-label': 'Import progress' },
    h('div', { class: 'imp-row' }, title, h('span', { class: 'spacer' }), cancel, close), bar, detail, log);
  host.append(panel);

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
    const name = (p.member ? `${p.path.split(/[\\/]/).pop()} ▸ ${p.member}` : p.path.split(/[\\/]/).pop()) ?? p.path;
    title.textContent = `Importing ${name}`;
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
        title.textContent = summaryText(e.summary);
        setFraction(1);
        cancel.hidden = true;
        detail.textContent = '';
        for (const s of e.summary.skipped.slice(0, 5)) addLine(`skipped ${s.member ?? s.path}: ${s.reason}`);
        for (const err of e.summary.errors.slice(0, 5)) addLine(err);
        show();
        if (e.summary.errors.length === 0) hideLater(8000);
        break;
      }
      case 'ingestFailed':
        panel.dataset.state = 'error';
        title.textContent = 'Import failed';
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
      cancel.hidden = true;
      title.textContent = `Uploading ${name}`;
      setFraction(total > 0 ? sent / total : null);
      detail.textContent = `${formatBytes(sent)} / ${formatBytes(total)}`;
      show();
    },
    failed(message) {
      panel.dataset.state = 'error';
      title.textContent = 'Could not open the files';
      detail.textContent = message;
      cancel.hidden = true;
      show();
    },
    started(id, what) {
      // Events of this job may have beaten the openInputs reply; do not reset what they showed.
      if (jobId === id) return;
      jobId = id;
      lines.length = 0;
      clear(log);
      panel.dataset.state = 'running';
      cancel.hidden = false;
      cancel.disabled = false;
      title.textContent = `Importing ${what}`;
      detail.textContent = 'starting…';
      setFraction(null);
      show();
    },
  };
}
