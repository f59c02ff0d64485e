// Traces as people paste them: quoted in a mail reply, indented in a commit message or on
// Launchpad, inside a Markdown code fence, after an HMP `(qemu) ` prompt, with CRLF line ends.
// The markers are found once, from the head of the input, and fixed as a rule; the rule is then
// applied to every line on its own (no state), so a segment decoded on another thread normalises
// exactly as the whole stream would. A line that lacks the markers is left as it is: the reply
// text around a quoted trace stays foreign, and an unquoted record still parses.
import { DIALECT_ORDER, dialects } from './dialects/index.ts';
import { LineSplitter } from './lines.ts';

/** What to remove from each line. Plain data: it crosses to parse workers inside the plan. */
export interface PasteRule {
  /**
   * The depth of mail quoting under which most head lines read as records; when > 0, quote
   * markers (`>`, each optionally followed by one space) are removed from every line at any depth.
   */
  readonly quoteDepth: number;
  /** Leading whitespace removed from lines that begin with it ('' for none). */
  readonly indent: string;
  /** Markdown fence lines (``` or ~~~, with or without an info string) are dropped. */
  readonly fences: boolean;
  /** Leading `(qemu) ` HMP prompts are removed. */
  readonly hmp: boolean;
  /** Lines end in CRLF. LineSplitter already drops the CR, so this is only recorded. */
  readonly crlf: boolean;
}

/** Lines of the head examined; a paste is short, and a large log needs no more to show it is none. */
const SAMPLE_LINES = 1000;
const SAMPLE_BYTES = 2 << 20;
const HMP_PROMPT = '(qemu) ';
const FENCE_RE = /^(?:`{3,}|~{3,})[^`]*$/;

/** Whether the rule changes line text (else the byte-level fast paths stay usable). */
export function rewritesLines(rule: PasteRule | null | undefined): rule is PasteRule {
  return rule != null && (rule.quoteDepth > 0 || rule.indent !== '' || rule.fences || rule.hmp);
}

/** Number of leading quote markers and where the text after them starts. */
function quoteMarkers(line: string, max: number): { depth: number; end: number } {
  let depth = 0;
  let i = 0;
  while (depth < max && line.charCodeAt(i) === 62 /* > */) {
    depth++;
    i++;
    if (line.charCodeAt(i) === 32) i++;
  }
  return { depth, end: i };
}

function stripHmp(line: string): string {
  while (line.startsWith(HMP_PROMPT)) line = line.slice(HMP_PROMPT.length);
  return line;
}

/** The line with the rule's markers removed, or null for a line the rule drops (a fence). */
export function normaliseLine(rule: PasteRule, line: string): string | null {
  let s = line;
  // Quote markers go at any depth: one mail quotes the destination's records a level deeper
  // than the source's, and a record at another depth than the one detected is still a record.
  if (rule.quoteDepth > 0) s = s.slice(quoteMarkers(s, Infinity).end);
  if (rule.indent !== '') {
    if (s.startsWith(rule.indent)) s = s.slice(rule.indent.length);
    else if (s.trim() === '') s = '';
  }
  if (rule.fences && FENCE_RE.test(s.trim())) return null;
  if (rule.hmp) s = stripHmp(s);
  return s;
}

/**
 * The head with the rule applied, for sniffing: dropped lines become empty lines, so that line
 * counts in messages stay those of the input.
 */
export function normaliseHead(rule: PasteRule, head: Uint8Array): Uint8Array {
  const out: string[] = [];
  const splitter = new LineSplitter();
  const take = (text: string) => void out.push(normaliseLine(rule, text) ?? '');
  splitter.push(head, take);
  splitter.end(take);
  return Buffer.from(out.join('\n') + '\n');
}

/** For the `paste_normalized` column: e.g. `quote ">" depth 2; indent 4; fences; crlf`; null when nothing. */
export function describePaste(rule: PasteRule | null | undefined): string | null {
  if (rule == null) return null;
  const parts: string[] = [];
  if (rule.quoteDepth > 0) parts.push(`quote ">" depth ${rule.quoteDepth}`);
  if (rule.indent !== '') {
    const w = rule.indent;
    if (/^ +$/.test(w)) parts.push(`indent ${w.length}`);
    else if (/^\t+$/.test(w)) parts.push(w.length === 1 ? 'indent tab' : `indent ${w.length} tabs`);
    else parts.push(`indent ${JSON.stringify(w)}`);
  }
  if (rule.fences) parts.push('fences');
  if (rule.hmp) parts.push('hmp prompt');
  if (rule.crlf) parts.push('crlf');
  return parts.length > 0 ? parts.join('; ') : null;
}

/** Whether most lines of the head end in CRLF. */
function mostlyCrlf(head: Uint8Array): boolean {
  const buf = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 64 << 10));
  let lf = 0;
  let crlf = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) {
    lf++;
    if (i > 0 && buf[i - 1] === 13) crlf++;
  }
  return crlf > 0 && crlf * 2 >= lf;
}

/**
 * The paste markers of a trace, from its head: the quote depth and indentation under which the
 * most lines read as records of some dialect (ties keep the line as it is), whether fences and
 * HMP prompts are there to drop, and CRLF. Null when there is nothing to remove or record.
 */
export function detectPaste(head: Uint8Array, isKnown: (name: string) => boolean): PasteRule | null {
  const lines: string[] = [];
  let marked = false;
  const splitter = new LineSplitter();
  const take = (text: string, _n: number, _o: number, _bad: boolean, longBytes: number): void => {
    if (longBytes > 0 || text.length === 0 || lines.length >= SAMPLE_LINES) return;
    lines.push(text);
    const c = text.charCodeAt(0);
    // `>`, space, tab, backquote, tilde, `(`: the only ways a marked line can start.
    if (c === 62 || c === 32 || c === 9 || c === 96 || c === 126 || c === 40) marked = true;
  };
  splitter.push(head.subarray(0, Math.min(head.length, SAMPLE_BYTES)), take);
  splitter.end(take);
  const crlf = mostlyCrlf(head);
  const none: PasteRule = { quoteDepth: 0, indent: '', fences: false, hmp: false, crlf };
  if (!marked) return crlf ? none : null;

  const recognised = (line: string) =>
    DIALECT_ORDER.some((id) => {
      const h = dialects[id].parse(line, isKnown);
      return h !== null && h !== 'skip';
    });
  /** Votes per `depth|indent`: lines that read as records once those markers are removed. */
  const votes = new Map<string, { depth: number; indent: string; n: number; hmp: boolean }>();
  const fencesAt = new Set<number>();
  const vote = (depth: number, indent: string, hmp: boolean) => {
    const k = `${depth}|${indent}`;
    const v = votes.get(k) ?? { depth, indent, n: 0, hmp: false };
    v.n++;
    v.hmp ||= hmp;
    votes.set(k, v);
  };
  for (const line of lines) {
    const q = quoteMarkers(line, Infinity);
    const rest = line.slice(q.end);
    const body = rest.trimStart();
    if (FENCE_RE.test(body.trimEnd())) {
      fencesAt.add(q.depth);
      continue;
    }
    const indent = rest.slice(0, rest.length - body.length);
    const bare = stripHmp(body);
    const hmp = bare.length !== body.length;
    // Leading whitespace can belong to the record (ftrace): kept whenever the line reads with it.
    if (recognised(indent + bare)) vote(q.depth, '', hmp);
    else if (indent !== '' && recognised(bare)) vote(q.depth, indent, hmp);
  }
  let best: { depth: number; indent: string; n: number; hmp: boolean } | null = null;
  for (const v of votes.values()) {
    if (
      best === null ||
      v.n > best.n ||
      (v.n === best.n && (v.depth < best.depth || (v.depth === best.depth && v.indent.length < best.indent.length)))
    ) {
      best = v;
    }
  }
  if (best === null) return crlf ? none : null;
  const rule: PasteRule = { quoteDepth: best.depth, indent: best.indent, fences: fencesAt.has(best.depth), hmp: best.hmp, crlf };
  return rewritesLines(rule) || crlf ? rule : null;
}
