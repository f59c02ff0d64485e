// A note's preview, by markdown-it configured exactly as the HTML export's
// (src-main/report/markdown-html.ts, which the renderer may not import), so what the author sees is
// what the report will hold: CommonMark with GFM tables, raw HTML shown as text, a link or image as
// its text with its target in parentheses (following a link would navigate the app away), note
// headings two levels down. test/integration/report/note-markdown.test.ts holds the two to the same output.
import MarkdownIt from 'markdown-it';

function escapeHtml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** Note headings sit below the report's own h1 (title) and h2 (items). */
const HEADING_SHIFT = 2;

function noteMarkdown(): MarkdownIt {
  const md = new MarkdownIt('default', { html: false, linkify: false, typographer: false, breaks: false });
  md.core.ruler.push('note_heading_levels', (state) => {
    for (const t of state.tokens) {
      if (t.type === 'heading_open' || t.type === 'heading_close') t.tag = `h${Math.min(6, Number(t.tag.slice(1)) + HEADING_SHIFT)}`;
    }
  });
  const target = (href: string) => escapeHtml(md.normalizeLinkText(href));
  md.renderer.rules.link_open = () => '<span class="md-link">';
  md.renderer.rules.link_close = (tokens, idx) => {
    // CommonMark links do not nest: the nearest opening before this close is its own.
    let open = idx - 1;
    while (open >= 0 && tokens[open]!.type !== 'link_open') open--;
    const t = tokens[open];
    // An autolink's text already is its target.
    const href = t && t.markup !== 'autolink' && t.markup !== 'linkify' ? t.attrGet('href') : null;
    return href ? `</span> (${target(href)})` : '</span>';
  };
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    const t = tokens[idx]!;
    const alt = escapeHtml(self.renderInlineAsText(t.children ?? [], options, env)) || 'image';
    const src = t.attrGet('src');
    return `<span class="md-link">${alt}</span>${src ? ` (${target(src)})` : ''}`;
  };
  return md;
}

const md = noteMarkdown();

export function renderMarkdown(text: string): string {
  return md.render(text);
}
