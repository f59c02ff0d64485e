// Plain text for mailing lists: every line at most 72 characters; tables in ASCII, wide ones
// with long cells cut (marked "~") and columns split over several blocks.
import type { DocItem, DocTable, Provenance, ReportDoc } from './doc.ts';

export const WIDTH = 72;
/** Longest cell kept whole; longer ones end in "~". */
const MAX_CELL = 40;

/** Words wrapped to `width`; a word longer than a line is broken hard. */
export function wrap(text: string, width = WIDTH, indent = ''): string[] {
  const out: string[] = [];
  for (const para of text.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n')) {
    const lead = /^\s*/.exec(para)?.[0] ?? '';
    const pre = (indent + lead).slice(0, Math.floor(width / 2));
    const room = width - pre.length;
    let line = '';
    const push = () => {
      out.push((pre + line).trimEnd());
      line = '';
    };
    const words = para.trim().split(/ +/).filter((w) => w.length > 0);
    if (words.length === 0) {
      out.push('');
      continue;
    }
    for (let w of words) {
      while (w.length > room) {
        if (line) push();
        out.push(pre + w.slice(0, room));
        w = w.slice(room);
      }
      if (!w) continue;
      if (line.length + (line ? 1 : 0) + w.length > room) push();
      line += (line ? ' ' : '') + w;
    }
    if (line) push();
  }
  return out;
}

/** Code (SQL): lines kept as they are, broken hard where longer than the width. */
export function hardWrap(code: string, width = WIDTH, indent = '    '): string[] {
  const room = width - indent.length;
  const out: string[] = [];
  for (const l of code.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n')) {
    if (l.length === 0) out.push('');
    for (let i = 0; i < l.length; i += room) out.push((indent + l.slice(i, i + room)).trimEnd());
  }
  return out;
}

/** A list item with a hanging indent. */
export function bullet(text: string, width = WIDTH): string[] {
  return wrap(text, width - 2).map((l, i) => (i === 0 ? '- ' : '  ') + l);
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s*\n\s*/g, ' ');
  return one.length <= n ? one : one.slice(0, Math.max(1, n - 1)) + '~';
}

export function asciiTable(t: DocTable, width = WIDTH): string[] {
  const maxCell = Math.min(MAX_CELL, width - 4);
  const cols = t.columns.map((c, i) => {
    const name = clip(c.name, maxCell);
    const cells = t.rows.map((r) => clip(r[i] ?? '', maxCell));
    return { name, cells, numeric: c.numeric, w: Math.max(name.length, ...cells.map((x) => x.length), 1) };
  });
  // Column groups that fit: "| a | b |" is sum(w) + 3 per column + 1. Later groups repeat the
  // first column (when narrow) so that their rows can still be told apart.
  const key = cols.length > 1 && cols[0].w <= width / 4 ? cols[0] : null;
  const groups: (typeof cols)[] = [];
  let cur: typeof cols = [];
  let used = 1;
  for (const c of cols) {
    if (cur.length && used + c.w + 3 > width) {
      groups.push(cur);
      cur = key ? [key] : [];
      used = key ? 1 + key.w + 3 : 1;
    }
    cur.push(c);
    used += c.w + 3;
  }
  if (cur.length) groups.push(cur);
  const out: string[] = t.note ? [...wrap(t.note, width), ''] : [];
  for (const [g, cs] of groups.entries()) {
    if (groups.length > 1) out.push(`(columns ${g + 1}/${groups.length})`);
    const rule = '+' + cs.map((c) => '-'.repeat(c.w + 2)).join('+') + '+';
    const row = (vals: string[], header: boolean) =>
      '|' + cs.map((c, i) => ' ' + (c.numeric && !header ? vals[i].padStart(c.w) : vals[i].padEnd(c.w)) + ' ').join('|') + '|';
    out.push(rule, row(cs.map((c) => c.name), true), rule);
    for (let r = 0; r < t.rows.length; r++) out.push(row(cs.map((c) => c.cells[r]), false));
    out.push(rule);
  }
  const more = t.totalRows - t.rows.length;
  if (more > 0) out.push(`(${more} more row${more === 1 ? '' : 's'})`);
  return out;
}

function heading(s: string, ch: string): string[] {
  const lines = wrap(s);
  return [...lines, ch.repeat(Math.min(WIDTH, Math.max(...lines.map((l) => l.length), 1)))];
}

function item(it: DocItem): string[] {
  if (it.kind === 'note') return wrap(it.markdown);
  const out = heading(`${it.index}. ${it.title}`, '-');
  if (it.error) out.push('', ...wrap(`Error: ${it.error}`));
  if (it.chart) out.push('', ...wrap(`[chart: ${it.chart.png}]`));
  if (it.table) out.push('', ...asciiTable(it.table));
  if (it.sql) out.push('', 'SQL:', ...hardWrap(it.sql));
  return out;
}

function provenance(p: Provenance): string[] {
  const out = heading('Provenance', '=');
  out.push('', ...wrap(`Tool: qemu-trace-workbench ${p.toolVersion}`), '', 'Inputs:');
  for (const t of p.inputs) {
    out.push(
      ...bullet(`trace ${t.traceId} (${t.side ?? 'unknown side'}, ${t.format ?? '?'}): ${t.path}`),
      ...wrap(`bytes ${t.bytes}, catalogue ${t.catalogueId ?? 'none'}, clock_offset_ns ${t.clockOffsetNs ?? 'NULL'}`, WIDTH, '  '),
      ...wrap(`sha256 ${t.sha256}`, WIDTH, '  '),
    );
  }
  out.push('', 'Catalogues:');
  for (const c of p.catalogues) out.push(...bullet(`${c.id}: QEMU ${c.qemuVersion ?? 'unknown'}`), ...wrap(`source ${c.source}`, WIDTH, '  '), ...wrap(`sha256 ${c.sha256}`, WIDTH, '  '));
  out.push('', 'Clock offsets:');
  if (p.clockOffsets.length === 0) out.push('None used.');
  for (const c of p.clockOffsets) out.push(...bullet(c));
  out.push('', 'SQL of every item:');
  for (const s of p.sql) out.push('', ...wrap(`Item ${s.index} (${s.title}):`), ...hardWrap(s.sql));
  return out;
}

export function renderText(doc: ReportDoc): string {
  const out = heading(doc.title || 'Report', '=');
  if (doc.redacted) out.push('', ...wrap('Hostnames, IP addresses, file paths and pointer values are redacted.'));
  for (const it of doc.items) out.push('', ...item(it));
  out.push('', ...provenance(doc.provenance));
  return out.join('\n') + '\n';
}
