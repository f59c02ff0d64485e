// Renderers: the text report never exceeds 72 columns, even for wide tables and long words;
// note Markdown becomes safe HTML; the Markdown table escapes pipes and counts the rows left out.
import { describe, expect, it } from 'vitest';
import { asciiTable, hardWrap, wrap } from '../../../src-main/report/render-text.ts';
import { markdownToHtml } from '../../../src-main/report/markdown-html.ts';
import { markdownTable } from '../../../src-main/report/render-markdown.ts';
import { renderHtml } from '../../../src-main/report/render-html.ts';
import { parseReportModel } from '../../../src-main/report/validate.ts';

const wide = {
  columns: Array.from({ length: 14 }, (_, i) => ({ name: `column_number_${i}`, numeric: i % 2 === 0 })),
  rows: Array.from({ length: 5 }, (_, r) => Array.from({ length: 14 }, (_, i) => (i === 3 ? 'x'.repeat(120) : String(r * 1000003 * (i + 1))))),
  totalRows: 9,
};

describe('text rendering', () => {
  it('wraps prose and code at 72 columns without losing words', () => {
    const text = 'word '.repeat(60) + 'a'.repeat(200);
    const lines = wrap(text);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(72);
    expect(lines.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    const code = hardWrap('SELECT ' + 'c, '.repeat(80) + 'd FROM t');
    expect(Math.max(...code.map((l) => l.length))).toBeLessThanOrEqual(72);
  });

  it('splits and cuts wide tables to fit, keeping every column and numbers whole', () => {
    const lines = asciiTable(wide);
    expect(lines.filter((l) => l.length > 72)).toEqual([]);
    for (const c of wide.columns) expect(lines.some((l) => l.includes(c.name))).toBe(true);
    expect(lines.some((l) => l.includes(wide.rows[4][13]))).toBe(true);
    expect(lines.some((l) => l.includes('x'.repeat(39) + '~'))).toBe(true);
    expect(lines[lines.length - 1]).toBe('(4 more rows)');
  });
});

describe('Markdown tables', () => {
  it('show a value that holds Markdown or HTML (a run label, an uploaded file name) as written', () => {
    const md = markdownTable({
      columns: [{ name: 'label', numeric: false }],
      rows: [['<img src=x onerror=alert(1)>'], ['[x](javascript:alert(1))'], ['a|b `c` *d* & e']],
      totalRows: 3,
    });
    expect(md).not.toMatch(/(^|[^\\])<img/);
    expect(md).not.toMatch(/(^|[^\\])\[x\]/);
    expect(md).toContain('\\<img src=x onerror=alert(1)\\>');
    expect(md).toContain('\\[x\\](javascript:alert(1))');
    expect(md).toContain('a\\|b \\`c\\` \\*d\\* \\& e');
  });
});

describe('note Markdown to HTML', () => {
  it('escapes raw HTML and renders the supported subset', () => {
    const html = markdownToHtml('## Title <b>\n\nSee **this** and *that* `a<b`\n\n<img src=x onerror=alert(1)>\n\n```\n<script>\n```\n\n- x\n- [link](https://example.com/a)');
    expect(html).not.toMatch(/<(img|script|b>|a )/);
    expect(html).toContain('<h4>Title &lt;b&gt;</h4>');
    expect(html).toContain('<strong>this</strong>');
    expect(html).toContain('<em>that</em>');
    expect(html).toContain('<code>a&lt;b</code>');
    expect(html).toContain('<pre><code>&lt;script&gt;\n</code></pre>');
    expect(html).toContain('<li>x</li>');
    expect(html).toContain('<span class="md-link">link</span> (https://example.com/a)');
  });

  it('leaves no URL in the HTML report, even from notes and SQL', () => {
    const doc = {
      title: 'r',
      redacted: false,
      items: [
        { kind: 'note' as const, index: 1, markdown: 'see https://gitlab.com/qemu-project/qemu/-/issues/1 and [x](http://a.b/c)' },
        { kind: 'data' as const, index: 2, title: 't', sql: "SELECT * FROM read_csv('https://h.example/x.csv')", table: null, chart: null, error: null, dataFiles: [] },
      ],
      provenance: { toolVersion: '0', inputs: [], catalogues: [], clockOffsets: [], sql: [] },
    };
    const html = renderHtml(doc);
    expect(html).not.toMatch(/[A-Za-z]:\/\//);
    expect(html).toContain('https&#58;//gitlab.com/qemu-project/qemu/-/issues/1');
    expect(html).toContain('read_csv(&#39;https&#58;//h.example/x.csv&#39;)');
  });
});

describe('Markdown tables', () => {
  it('escapes pipes, aligns numbers and says how many rows are left out', () => {
    const md = markdownTable({ columns: [{ name: 'a|b', numeric: false }, { name: 'n', numeric: true }], rows: [['x|y', '1']], totalRows: 3 });
    expect(md.split('\n')).toEqual(['| a\\|b | n |', '| --- | ---: |', '| x\\|y | 1 |', '', '*2 more rows*']);
  });
});

describe('report model validation', () => {
  it('returns a fresh copy and drops nothing valid', () => {
    const m = { title: 'r', items: [{ kind: 'query', id: 'q', title: '', sql: 'SELECT 1', show: 'table', chart: null, maxRows: 10 }] };
    const p = parseReportModel(m);
    expect(p).toEqual(m);
    expect(p.items[0]).not.toBe(m.items[0]);
    expect(() => parseReportModel(JSON.parse('{"title":"r","items":[],"__proto__":{}}'))).toThrow();
  });
});
