// Ingest progress on stderr: a live bar on a terminal, a plain line every few seconds otherwise
// (CI logs, pipes), so long ingests never look hung and never flood a log.
import type { IngestProgressEvent as IngestProgress } from '../../contract.ts';

function mb(n: number): string {
  return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;
}

function eta(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '--:--';
  const t = Math.max(0, Math.round(s));
  return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
}

/** `verb`: what the plain lines say is going on (`ingest`, `retype`). */
export function progressReporter(stream: NodeJS.WriteStream, everyMs = 5000, verb = 'ingest'): { update(p: IngestProgress): void; done(): void } {
  const tty = stream.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const name = p.member === null ? p.path : `${p.path}:${p.member}`;
      const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesRead / p.bytesTotal) : 0;
      const rate = `${Math.round(p.recordsPerSec).toLocaleString('en-US')} rec/s`;
      if (tty) {
        const width = 24;
        const fill = Math.round(frac * width);
        const bar = '█'.repeat(fill) + '░'.repeat(width - fill);
        const line = `${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${mb(p.bytesRead)}/${mb(p.bytesTotal)} ${rate} ETA ${eta(p.etaSec)} ${name}`;
        const cols = stream.columns ?? 120;
        stream.write(`\r${line.slice(0, cols - 1)}\x1b[K`);
        shown = true;
        return;
      }
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      stream.write(`${verb}: ${name}: ${mb(p.bytesRead)} of ${mb(p.bytesTotal)} (${(frac * 100).toFixed(0)}%), ${p.records.toLocaleString('en-US')} records, ${rate}, ETA ${eta(p.etaSec)}\n`);
    },
    done() {
      if (tty && shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
