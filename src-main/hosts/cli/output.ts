// Renders query results for the terminal and for other programs: aligned table, CSV, JSON
// (array of row objects, 64-bit integers as numbers only when exact) and Markdown. Rows arrive
// in chunks; CSV and JSON stream, the table and Markdown wait to size their columns.
import { cellText, toJsonValue, type CellValue, type ColumnInfo } from '../../service/host-kit.ts';

export type OutputFormat = 'table' | 'csv' | 'json' | 'markdown';

export interface ResultWriter {
  columns(cols: ColumnInfo[]): void;
  rows(rows: CellValue[][]): void;
  end(): void;
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csvCell(v: CellValue): string {
  return v === null ? '' : csvField(cellText(v));
}

function mdCell(v: CellValue): string {
  // As the report's Markdown tables: Markdown and HTML in a value show as written.
  return cellText(v).replace(/[\\|<>[\]`*&]/g, (c) => `\\${c}`).replace(/\r?\n/g, '<br>');
}

/** Table cells show control characters visibly so that one row stays one line. */
function tableCell(v: CellValue): string {
  return cellText(v).replace(/[\x00-\x08\x0a-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

export function createResultWriter(format: OutputFormat, out: (s: string) => void): ResultWriter {
  let cols: ColumnInfo[] = [];
  switch (format) {
    case 'csv':
      return {
        columns(c) {
          cols = c;
          out(c.map((x) => csvField(x.name)).join(',') + '\n');
        },
        rows(rows) {
          out(rows.map((r) => r.map(csvCell).join(',')).join('\n') + (rows.length ? '\n' : ''));
        },
        end() {},
      };
    case 'json': {
      let first = true;
      return {
        columns(c) {
          cols = c;
          out('[');
        },
        rows(rows) {
          for (const r of rows) {
            const o: Record<string, unknown> = {};
            cols.forEach((c, i) => (o[c.name] = toJsonValue(r[i])));
            out((first ? '\n' : ',\n') + JSON.stringify(o));
            first = false;
          }
        },
        end() {
          out(first ? ']\n' : '\n]\n');
        },
      };
    }
    case 'markdown': {
      const lines: string[] = [];
      return {
        columns(c) {
          cols = c;
          lines.push(`| ${c.map((x) => x.name.replaceAll('|', '\\|')).join(' | ')} |`);
          lines.push(`| ${c.map((x) => (NUMERIC.test(x.type) ? '---:' : '---')).join(' | ')} |`);
        },
        rows(rows) {
          for (const r of rows) lines.push(`| ${r.map(mdCell).join(' | ')} |`);
        },
        end() {
          out(lines.join('\n') + '\n');
        },
      };
    }
    case 'table': {
      const body: string[][] = [];
      return {
        columns(c) {
          cols = c;
        },
        rows(rows) {
          for (const r of rows) body.push(r.map(tableCell));
        },
        end() {
          const head = cols.map((c) => c.name);
          const types = cols.map((c) => c.type);
          const w = head.map((h, i) => Math.max(h.length, types[i].length, ...body.map((r) => r[i].length)));
          const right = cols.map((c) => NUMERIC.test(c.type));
          const fmt = (cells: string[]) => cells.map((s, i) => (right[i] ? s.padStart(w[i]) : s.padEnd(w[i]))).join(' │ ');
          const rule = w.map((n) => '─'.repeat(n)).join('─┼─');
          out([fmt(head), fmt(types), rule, ...body.map(fmt)].map((l) => l.trimEnd()).join('\n') + '\n');
          out(`(${body.length} row${body.length === 1 ? '' : 's'})\n`);
        },
      };
    }
  }
}
