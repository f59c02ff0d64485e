// A note reads the same in the app's preview and in the exported HTML (two copies of one
// markdown-it set-up, since the renderer may not import the engine's), renders as GitLab/GitHub
// render Markdown (GFM tables, ordered and nested lists, setext headings), and whatever the author
// types, the exported report carries no live link, image, script or event attribute.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { markdownToHtml } from '../../../src-main/report/markdown-html.ts';
import { renderHtml } from '../../../src-main/report/render-html.ts';
import { renderMarkdown } from '../../../src-renderer/report/markdown-preview.ts';
import { REPO, SAMPLES } from '../../helpers/paths.ts';

const formatsDoc = readFileSync(path.join(REPO, 'docs/qemu-trace-formats.md'), 'utf8');
const srcLog = gunzipSync(readFileSync(path.join(SAMPLES, 'qemu-7.2.22-log/a-precopy/src.log.gz'))).toString('utf8');
const traceLines = srcLog.split('\n').filter((l) => l.includes('migrate_set_state')).slice(0, 8);

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="https://evil.example/">a</a> <b onclick="x()">b</b>',
  '[js](javascript:alert(1)) [js2](JAVASCRIPT:alert(1)) [ent](javascript&colon;alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)',
  '[q](https://e.example/"onmouseover="alert(1)) [r][ref] <https://auto.example/x?a=1&b=2>',
  '![img](https://track.example/pixel.png) ![x" onerror="alert(1)](x.png)',
  '```js" onload="alert(1)\n</code></pre><script>alert(1)</script>\n```',
  '&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E; &lt;iframe&gt;',
  '| <b>h</b> | `x` |\n| --- | :-: |\n| <i onmouseover=x>c</i> | [t](http://t.example/) |',
  '[ref]: https://ref.example/"><svg/onload=alert(1)>',
].join('\n\n');

const GITLAB_NOTE = [
  'Source stalls\n===',
  'The source never left **active**:',
  '1. start migration\n2. wait\n   - dirty sync\n   - again',
  '| iteration | dirty pages |\n| --- | ---: |\n| 1 | 262144 |\n| 2 | 1024 |',
  '> quoted\n> on two lines',
  `\`\`\`text\n${traceLines.join('\n')}\n\`\`\``,
  'See [the issue](https://gitlab.com/qemu-project/qemu/-/issues/1), ~~fixed~~ not yet.',
].join('\n\n');

/** Every tag of `html` with its attributes; every '<' must open one of them. */
function tags(html: string): { name: string; attrs: [string, string][] }[] {
  const out: { name: string; attrs: [string, string][] }[] = [];
  for (const m of html.matchAll(/<\/?([a-z0-9]+)((?:\s+[a-z-]+="[^"<>]*")*)\s*\/?>/g)) {
    out.push({ name: m[1]!, attrs: [...m[2]!.matchAll(/([a-z-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]) });
  }
  expect((html.match(/</g) ?? []).length).toBe(out.length);
  return out;
}

const NOTE_TAGS = new Set(['p', 'br', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'pre', 'code', 'strong', 'em', 's', 'blockquote', 'hr', 'span', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);

function expectInert(html: string): void {
  for (const t of tags(html)) {
    expect(NOTE_TAGS.has(t.name), t.name).toBe(true);
    for (const [a, v] of t.attrs) {
      if (a === 'style') expect(v).toMatch(/^text-align:(left|right|center)$/);
      else if (a === 'class') expect(v).toMatch(/^(md-link|language-[^\s]*)$/);
      else expect(a).toBe('start');
    }
  }
}

describe('note Markdown', () => {
  it('previews exactly as it exports', () => {
    for (const note of [formatsDoc, HOSTILE, GITLAB_NOTE, '', 'a  \nb\\\nc', '* * *\n\n7. seven\n8. eight']) {
      expect(renderMarkdown(note)).toBe(markdownToHtml(note));
    }
  });

  it('renders as GitLab/GitHub do: setext heading, nested ordered list, GFM table, strikethrough', () => {
    const html = markdownToHtml(GITLAB_NOTE);
    expectInert(html);
    expect(html).toContain('<h3>Source stalls</h3>');
    expect(html).toMatch(/<ol>\s*<li>start migration<\/li>\s*<li>wait\s*<ul>\s*<li>dirty sync<\/li>/);
    expect(html).toMatch(/<table>\s*<thead>\s*<tr>\s*<th>iteration<\/th>\s*<th style="text-align:right">dirty pages<\/th>/);
    expect(html).toMatch(/<td>2<\/td>\s*<td style="text-align:right">1024<\/td>/);
    expect(html).toContain('<blockquote>\n<p>quoted\non two lines</p>\n</blockquote>');
    expect(html).toContain('<s>fixed</s>');
    const code = /<pre><code class="language-text">([\s\S]*?)<\/code><\/pre>/.exec(html);
    expect(code![1]!.replaceAll('&gt;', '>').replaceAll('&lt;', '<').replaceAll('&quot;', '"').replaceAll('&amp;', '&')).toBe(`${traceLines.join('\n')}\n`);
  });

  it('leaves nothing live in the exported report: no link, image, script or event attribute', () => {
    const doc = {
      title: 'r',
      redacted: false,
      items: [
        { kind: 'note' as const, index: 1, markdown: HOSTILE },
        { kind: 'note' as const, index: 2, markdown: GITLAB_NOTE },
      ],
      provenance: { toolVersion: '0', inputs: [], catalogues: [], clockOffsets: [], sql: [] },
    };
    const html = renderHtml(doc);
    const notes = [...html.matchAll(/<section class="note" data-item="\d+">([\s\S]*?)<\/section>/g)].map((m) => m[1]!);
    expect(notes).toHaveLength(2);
    for (const n of notes) expectInert(n);
    // Links and images are their text followed by the target, as text.
    expect(notes[1]).toContain('<span class="md-link">the issue</span> (https&#58;//gitlab.com/qemu-project/qemu/-/issues/1)');
    expect(notes[0]).toContain('<span class="md-link">img</span> (https&#58;//track.example/pixel.png)');
    expect(notes[0]).toContain('<span class="md-link">https&#58;//auto.example/x?a=1&amp;b=2</span>');
    expect(notes[0]).toContain('<span class="md-link">r</span> (https&#58;//ref.example/&quot;&gt;&lt;svg/onload=alert(1)&gt;)');
    // Targets a browser would run are not links at all; they stay as typed.
    expect(notes[0]).toContain('[js](javascript:alert(1))');
    // Raw HTML, also spelled with character references, is text.
    expect(notes[0]).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(notes[0]).toContain('&lt;a href=&quot;https&#58;//evil.example/&quot;&gt;a&lt;/a&gt;');
  });
});
