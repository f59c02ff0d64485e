// Markdown for GitLab/GitHub issues: pipe tables, charts as relative PNG links (or PNG data: URIs
// in a one-file export), SQL folded in <details> blocks.
import type { DocItem, DocTable, Provenance, ReportDoc } from './doc.ts';

/**
 * A table cell's text as text: a file name, label or value that holds Markdown or HTML (`<img …>`,
 * `[x](javascript:…)`) must show as written, not render in the tracker.
 */
function cell(s: string): string {
  return s.replace(/[\\|<>[\]`*&]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function fence(code: string, lang = ''): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${code}\n${f}`;
}

export function markdownTable(t: DocTable): string {
  const lines = [
    `| ${t.columns.map((c) => cell(c.name)).join(' | ')} |`,
    `| ${t.columns.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  const more = t.totalRows - t.rows.length;
  if (more > 0) lines.push('', `*${more} more row${more === 1 ? '' : 's'}*`);
  if (t.note) lines.unshift(`*${t.note.replace(/([*_\\])/g, '\\$1')}*`, '');
  return lines.join('\n');
}

function sqlDetails(sql: string): string {
  return `<details><summary>SQL</summary>\n\n${fence(sql, 'sql')}\n\n</details>`;
}

function item(it: DocItem): string {
  if (it.kind === 'note') return it.markdown;
  const parts = [`## ${it.index}. ${it.title.replace(/\n/g, ' ')}`];
  if (it.error) parts.push(`> **Error:** ${it.error.replace(/\n/g, ' ')}`);
  if (it.chart) parts.push(`![${it.title.replace(/[[\]\n]/g, ' ')}](${it.chart.pngInline ?? it.chart.png})${it.chart.sampled ? '\n\n*chart downsampled*' : ''}`);
  if (it.table) parts.push(it.table.columns.length ? markdownTable(it.table) : '*(no columns)*');
  if (it.dataFiles.length) parts.push(`Data: ${it.dataFiles.map((f) => `[${f.split('.').pop()}](${f})`).join(' · ')}`);
  if (it.sql) parts.push(sqlDetails(it.sql));
  return parts.join('\n\n');
}

export function provenanceMarkdown(p: Provenance): string {
  const out = ['## Provenance', '', `Tool: qemu-trace-workbench ${p.toolVersion}`, '', '### Inputs', ''];
  out.push('| trace | side | format | path | bytes | sha256 | catalogue | clock_offset_ns |', '| ---: | --- | --- | --- | ---: | --- | --- | ---: |');
  for (const t of p.inputs) {
    out.push(`| ${t.traceId} | ${t.side ?? ''} | ${cell(t.format ?? '')} | ${cell(t.path)} | ${t.bytes} | ${t.sha256} | ${cell(t.catalogueId ?? '')} | ${t.clockOffsetNs ?? 'NULL'} |`);
  }
  out.push('', '### Catalogues', '', '| catalogue | QEMU version | source | sha256 |', '| --- | --- | --- | --- |');
  for (const c of p.catalogues) out.push(`| ${cell(c.id)} | ${c.qemuVersion ?? 'unknown'} | ${cell(c.source)} | ${c.sha256} |`);
  out.push('', '### Clock offsets', '');
  if (p.clockOffsets.length === 0) out.push('None used.');
  for (const c of p.clockOffsets) out.push(`- ${c}`);
  out.push('', '### SQL of every item', '');
  for (const s of p.sql) out.push(`Item ${s.index} (${s.title.replace(/\n/g, ' ')}):`, '', fence(s.sql, 'sql'), '');
  return out.join('\n').trimEnd();
}

export function renderMarkdown(doc: ReportDoc): string {
  const parts = [`# ${doc.title.replace(/\n/g, ' ') || 'Report'}`];
  if (doc.redacted) parts.push('*Hostnames, IP addresses, file paths and pointer values are redacted.*');
  for (const it of doc.items) parts.push(item(it));
  parts.push(provenanceMarkdown(doc.provenance));
  return parts.join('\n\n') + '\n';
}
