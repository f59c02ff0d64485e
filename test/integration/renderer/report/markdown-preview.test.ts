// The note preview on real text: the project's own format reference (a large Markdown file) and
// real QEMU trace lines pasted into a note. Nothing the author writes may become markup; links
// and images become text.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { REPO, SAMPLES } from '../../../helpers/paths.ts';
import { renderMarkdown } from '../../../../src-renderer/report/markdown-preview.ts';

const ALLOWED = new Set(['p', 'br', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'pre', 'code', 'strong', 'em', 's', 'blockquote', 'hr', 'span', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);
const ALLOWED_ATTRS = new Set(['class', 'style', 'start']);

function unescape(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** Every tag in `html`, with its attribute names; fails on anything that is not a clean tag. */
function tags(html: string): { name: string; attrs: string[] }[] {
  const out: { name: string; attrs: string[] }[] = [];
  for (const m of html.matchAll(/<\/?([a-z0-9]+)((?:\s+[a-z-]+="[^"<>]*")*)\s*>/g)) {
    out.push({ name: m[1]!, attrs: [...m[2]!.matchAll(/([a-z-]+)=/g)].map((a) => a[1]!) });
  }
  // Every '<' in the output must start one of the tags matched above.
  const starts = (html.match(/</g) ?? []).length;
  expect(starts).toBe(out.length);
  return out;
}

const formatsDoc = readFileSync(path.join(REPO, 'docs/qemu-trace-formats.md'), 'utf8');
const srcLog = gunzipSync(readFileSync(path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/src.log.gz'))).toString('utf8');

describe('note preview (markdown-it, no raw HTML, links as text)', () => {
  it('renders the format reference with only whitelisted tags, one heading per ATX heading line, two levels down', () => {
    const html = renderMarkdown(formatsDoc);
    const found = tags(html);
    for (const t of found) {
      expect(ALLOWED.has(t.name), t.name).toBe(true);
      for (const a of t.attrs) expect(ALLOWED_ATTRS.has(a), a).toBe(true);
    }
    // Headings counted independently: ATX lines outside fenced blocks.
    let inFence = false;
    let headings = 0;
    for (const line of formatsDoc.split('\n')) {
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      else if (!inFence && /^#{1,6}\s/.test(line)) headings++;
    }
    expect(headings).toBeGreaterThan(5);
    expect(found.filter((t) => /^h[1-6]$/.test(t.name)).length / 2).toBe(headings);
    expect(found.some((t) => t.name === 'h3')).toBe(true);
    const fences = formatsDoc.split('\n').filter((l) => /^\s*```/.test(l)).length;
    expect(found.filter((t) => t.name === 'pre').length / 2).toBe(fences / 2);
  });

  it('keeps pasted trace lines verbatim inside a fenced block', () => {
    const lines = srcLog.split('\n').filter((l) => l.includes('migrate_set_state') || l.includes('savevm_section')).slice(0, 30);
    expect(lines.length).toBeGreaterThan(3);
    const html = renderMarkdown(`The source went through these states:\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n\nThen it **completed**.`);
    const pre = /<pre><code>([\s\S]*?)<\/code><\/pre>/.exec(html);
    expect(pre).not.toBeNull();
    expect(unescape(pre![1]!)).toBe(`${lines.join('\n')}\n`);
    expect(html).toContain('<strong>completed</strong>');
  });

  it('escapes markup and script in every position', () => {
    const hostile = [
      '<img src=x onerror=alert(1)>',
      '# <script>alert(1)</script>',
      '- item <b onclick="x()">b</b>',
      '[click](javascript:alert(1)) and [x](https://example.org/"><script>)',
      '`<code>` and **<i>bold</i>**',
      '> <iframe src="//evil">',
    ].join('\n\n');
    const html = renderMarkdown(hostile);
    for (const t of tags(html)) {
      expect(ALLOWED.has(t.name), t.name).toBe(true);
      for (const a of t.attrs) expect(ALLOWED_ATTRS.has(a), a).toBe(true);
    }
    expect(html).not.toMatch(/<(img|script|b|i|iframe|a)\b/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // A javascript: target is no link at all (CommonMark's link check), so it stays as typed.
    expect(html).toContain('[click](javascript:alert(1))');
    // A link is its text, then its target as escaped text.
    expect(html).toContain('<span class="md-link">x</span> (https://example.org/&quot;&gt;&lt;script&gt;)');
  });

  it('inline spans: code wins over emphasis, underscores inside identifiers stay literal', () => {
    expect(renderMarkdown('`migrate_set_state` and *x*')).toBe('<p><code>migrate_set_state</code> and <em>x</em></p>\n');
    expect(renderMarkdown('multifd_send_thread_end stays')).toBe('<p>multifd_send_thread_end stays</p>\n');
    expect(renderMarkdown('a < b & c')).toBe('<p>a &lt; b &amp; c</p>\n');
  });
});
