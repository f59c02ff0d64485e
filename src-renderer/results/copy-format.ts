// Clipboard forms of a rectangular selection: TSV (spreadsheets) and a Markdown table (bug trackers).

/** Tabs and newlines inside a value would break the grid shape; spaces keep it readable. */
function tsvField(s: string): string {
  return s.replace(/[\t\r\n]+/g, ' ');
}

export function toTsv(header: readonly string[] | null, rows: readonly (readonly string[])[]): string {
  const lines = header ? [header.map(tsvField).join('\t')] : [];
  for (const r of rows) lines.push(r.map(tsvField).join('\t'));
  return lines.join('\n');
}

function mdField(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function toMarkdown(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[] = []): string {
  const h = `| ${header.map(mdField).join(' | ')} |`;
  const sep = `|${header.map((_, i) => (numeric[i] ? ' ---: ' : ' --- ')).join('|')}|`;
  const body = rows.map((r) => `| ${r.map(mdField).join(' | ')} |`);
  return [h, sep, ...body].join('\n');
}
