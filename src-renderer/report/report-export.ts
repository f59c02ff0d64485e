// Exporting the saved report: under Electron the user picks where the file goes; in a browser
// the engine writes into its export folder and the page downloads it from `qtw serve`.
import type { EngineClient, HostBridge, ReportExportResult, ReportFormat } from '../../src-main/contract.ts';

export const FORMATS: readonly { format: ReportFormat; label: string; ext: string; title: string }[] = [
  { format: 'markdown', label: 'Markdown', ext: 'md', title: 'For GitLab/GitHub issues (charts as PNG files in a folder beside it: use zip to keep them together)' },
  { format: 'html', label: 'HTML', ext: 'html', title: 'One self-contained file: inline SVG charts and CSS, no external request' },
  { format: 'text', label: 'Text (72 columns)', ext: 'txt', title: 'Plain text wrapped at 72 columns, for mailing lists' },
  { format: 'zip', label: 'Zip (everything)', ext: 'zip', title: 'Markdown, HTML, text, PNG/SVG charts and each item\'s data as CSV, Parquet and JSON' },
];

/**
 * The format menu. A browser downloads one file per export, so there Markdown inlines its charts
 * (PNG data: URIs) and the zip is the way to get Markdown with PNG files and the data beside it.
 */
export function formatChoices(browser: boolean): typeof FORMATS {
  if (!browser) return FORMATS;
  return FORMATS.map((f) => {
    if (f.format === 'markdown') return { ...f, label: 'Markdown (one file)', title: 'For GitLab/GitHub issues: one .md file, its charts inlined as PNG data: URIs (use the zip for separate PNG files)' };
    if (f.format === 'zip') return { ...f, label: 'Zip (Markdown + PNGs + data)', title: 'report.md with its PNG charts and each item\'s data as CSV, Parquet and JSON, plus the HTML and text reports' };
    return f;
  });
}

/** A file name for the save dialog: the title's words, else "qtw-report". */
export function defaultFileName(title: string, format: ReportFormat): string {
  const ext = FORMATS.find((f) => f.format === format)?.ext ?? format;
  const base = title.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return `${base || 'qtw-report'}.${ext}`;
}

/** Same-origin URL of an export under `qtw serve`; the token rides along for cookie-less pages. */
export function downloadHref(name: string, search: string): string {
  const token = new URLSearchParams(search).get('token');
  return `/download?name=${encodeURIComponent(name)}${token ? `&token=${encodeURIComponent(token)}` : ''}`;
}

export type ExportOutcome =
  | { readonly kind: 'written'; readonly result: ReportExportResult }
  | { readonly kind: 'downloaded'; readonly result: ReportExportResult; readonly href: string }
  | { readonly kind: 'cancelled' };

export async function exportReport(
  client: EngineClient,
  host: HostBridge | undefined,
  opts: { format: ReportFormat; redact: boolean; title: string },
  download: (href: string, name: string) => void,
  search: string,
): Promise<ExportOutcome> {
  if (host) {
    const path = await host.pickSavePath(defaultFileName(opts.title, opts.format));
    if (!path) return { kind: 'cancelled' };
    const result = await client.call('exportReport', { format: opts.format, redact: opts.redact, path });
    return { kind: 'written', result };
  }
  const result = await client.call('exportReport', { format: opts.format, redact: opts.redact, path: null });
  const href = downloadHref(result.name, search);
  download(href, result.name);
  return { kind: 'downloaded', result, href };
}

