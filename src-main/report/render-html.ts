// One self-contained HTML file: inline CSS and inline SVG charts; no script, font, image or
// link that would make the browser fetch anything.
import type { DocItem, DocTable, Provenance, ReportDoc } from './doc.ts';
import { escapeHtml as esc, markdownToHtml } from './markdown-html.ts';

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#1d1d1f;line-height:1.45}
h1{font-size:1.6em;border-bottom:1px solid #ddd;padding-bottom:.3em}
h2{font-size:1.25em;margin-top:2em}
div.table{overflow-x:auto;max-width:100%;margin:.6em 0;background:linear-gradient(to right,#fff 30%,#fff0),linear-gradient(to left,#fff 30%,#fff0) 100% 0,radial-gradient(farthest-side at 0 50%,#0003,#0000),radial-gradient(farthest-side at 100% 50%,#0003,#0000) 100% 0;background-repeat:no-repeat;background-size:40px 100%,40px 100%,14px 100%,14px 100%;background-attachment:local,local,scroll,scroll}
table{border-collapse:collapse;font-size:.8em}
th,td{border:1px solid #d0d0d0;padding:.25em .45em;white-space:nowrap}
td.t{white-space:normal;min-width:6em}
th{background:#f3f3f3;text-align:left;white-space:normal;vertical-align:bottom;min-width:3em}
table.turned tbody th{font-weight:normal;font-family:ui-monospace,monospace;font-size:.95em}
table.turned td{min-width:7em}
p.table-note{color:#555;font-size:.85em;margin:.6em 0 -.3em}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.more,.note-small{color:#666;font-style:italic}
.error{color:#a00;border-left:3px solid #a00;padding-left:.6em}
figure.chart{margin:.8em 0}
figure.chart svg{max-width:100%;height:auto;border:1px solid #eee}
pre{background:#f6f8fa;padding:.7em;overflow-x:auto;font-size:.85em}
details summary{cursor:pointer;color:#444}
`;

/** A column name that may wrap after its underscores (a wide table's headers take two lines, not the page's width). */
function headerName(name: string): string {
  return esc(name).replaceAll('_', '_<wbr>');
}

/** Wider than this with at most TRANSPOSE_ROWS rows, a table reads better turned: one line per column. */
const TRANSPOSE_COLUMNS = 12;
const TRANSPOSE_ROWS = 4;

/** A few rows of many columns (a migration summary: src and dst, 20+ columns) as columns of a tall table. */
function transposedTable(t: DocTable, cls: string): string {
  const [key, ...rest] = t.columns.map((c, i) => ({ c, i }));
  const head = `<tr><th>${headerName(key!.c.name)}</th>${t.rows.map((r) => `<th>${esc(r[key!.i] ?? '')}</th>`).join('')}</tr>`;
  const body = rest
    .map(({ c, i }) => `<tr><th scope="row">${esc(c.name)}</th>${t.rows.map((r) => `<td${c.numeric ? ' class="n"' : ''}>${esc(r[i] ?? '')}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table class="turned${cls ? ` ${cls}` : ''}"><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

export function htmlTable(t: DocTable, cls = ''): string {
  if (t.columns.length > TRANSPOSE_COLUMNS && t.rows.length > 0 && t.rows.length <= TRANSPOSE_ROWS && t.totalRows === t.rows.length) {
    const note = t.note ? `<p class="table-note">${esc(t.note)}</p>` : '';
    return `${note}<div class="table">${transposedTable(t, cls)}</div>`;
  }
  const head = `<tr>${t.columns.map((c) => `<th>${headerName(c.name)}</th>`).join('')}</tr>`;
  // Text longer than a word may wrap (a number never does).
  const cellClass = (v: string, i: number) => (t.columns[i]?.numeric ? ' class="n"' : v.length > 16 && v.includes(' ') ? ' class="t"' : '');
  const body = t.rows.map((r) => `<tr>${r.map((v, i) => `<td${cellClass(v, i)}>${esc(v)}</td>`).join('')}</tr>`).join('\n');
  const more = t.totalRows - t.rows.length;
  const note = t.note ? `<p class="table-note">${esc(t.note)}</p>` : '';
  // Scrolls sideways on its own when still wider than the page: never clipped.
  return `${note}<div class="table"><table${cls ? ` class="${cls}"` : ''}><thead>${head}</thead><tbody>\n${body}\n</tbody></table></div>${more > 0 ? `<p class="more">${more} more row${more === 1 ? '' : 's'}</p>` : ''}`;
}

function item(it: DocItem): string {
  if (it.kind === 'note') return `<section class="note" data-item="${it.index}">${markdownToHtml(it.markdown)}</section>`;
  const parts = [`<section class="item" data-item="${it.index}"><h2>${it.index}. ${esc(it.title)}</h2>`];
  if (it.error) parts.push(`<p class="error">${esc(it.error)}</p>`);
  if (it.chart) parts.push(`<figure class="chart">${it.chart.svg}${it.chart.sampled ? '<figcaption class="note-small">chart downsampled</figcaption>' : ''}</figure>`);
  if (it.table) parts.push(htmlTable(it.table));
  if (it.sql) parts.push(`<details><summary>SQL</summary><pre><code>${esc(it.sql)}</code></pre></details>`);
  parts.push('</section>');
  return parts.join('\n');
}

function provenance(p: Provenance): string {
  const inputs: DocTable = {
    columns: ['trace', 'side', 'format', 'path', 'bytes', 'sha256', 'catalogue', 'clock_offset_ns'].map((name) => ({
      name,
      numeric: ['trace', 'bytes', 'clock_offset_ns'].includes(name),
    })),
    rows: p.inputs.map((t) => [String(t.traceId), t.side ?? '', t.format ?? '', t.path, t.bytes, t.sha256, t.catalogueId ?? '', t.clockOffsetNs ?? 'NULL']),
    totalRows: p.inputs.length,
  };
  const cats: DocTable = {
    columns: ['catalogue', 'QEMU version', 'source', 'sha256'].map((name) => ({ name, numeric: false })),
    rows: p.catalogues.map((c) => [c.id, c.qemuVersion ?? 'unknown', c.source, c.sha256]),
    totalRows: p.catalogues.length,
  };
  return [
    '<section class="provenance"><h2>Provenance</h2>',
    `<p>Tool: qemu-trace-workbench ${esc(p.toolVersion)}</p>`,
    '<h3>Inputs</h3>',
    htmlTable(inputs),
    '<h3>Catalogues</h3>',
    htmlTable(cats),
    '<h3>Clock offsets</h3>',
    p.clockOffsets.length ? `<ul>${p.clockOffsets.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>` : '<p>None used.</p>',
    '<h3>SQL of every item</h3>',
    ...p.sql.map((s) => `<p>Item ${s.index} (${esc(s.title)}):</p><pre><code>${esc(s.sql)}</code></pre>`),
    '</section>',
  ].join('\n');
}

/**
 * URLs in text (a note, a SQL string, a cell) stay as text; their colon as a character reference
 * renders and copies the same, while the file itself then names no URL anywhere.
 */
function neuterUrls(html: string): string {
  return html.replace(/([A-Za-z][\w+.-]*):\/\//g, '$1&#58;//');
}

export function renderHtml(doc: ReportDoc): string {
  const title = doc.title || 'Report';
  return neuterUrls(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(title)}</h1>
${doc.redacted ? '<p class="note-small">Hostnames, IP addresses, file paths and pointer values are redacted.</p>' : ''}
${doc.items.map(item).join('\n')}
${provenance(doc.provenance)}
</body></html>
`);
}
