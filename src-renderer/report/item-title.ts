// The default title of a pinned result, read from its SQL and chart: a title someone filing a
// bug would write ("postcopy_faults: latency_ms over t_ms, split by channel"), never the SQL cut
// mid-expression. Pure: a light scan of the SQL (strings, quoted names and brackets respected),
// not a parser; what it cannot read it leaves out rather than guesses.
import type { ChartSpec } from '../../src-main/contract.ts';

export const MAX_TITLE = 80;

type Tok = { readonly t: string; readonly depth: number; readonly start: number; readonly end: number };

const AGGREGATES = /^(count|sum|avg|mean|min|max|median|mode|quantile\w*|percentile\w*|stddev\w*|var\w*|approx_\w+|arg_?max|arg_?min|max_by|min_by|string_agg|list|array_agg|histogram|bit_and|bit_or|bool_and|bool_or|first|last|any_value|entropy|kurtosis|skewness|product|fsum|favg|regr_\w+|corr|covar_\w+)$/i;

/** Tokens of one statement with their bracket depth; comments dropped. */
function tokens(sql: string): Tok[] {
  const out: Tok[] = [];
  let depth = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const e = sql.indexOf('*/', i + 2);
      i = e < 0 ? sql.length : e + 2;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      out.push({ t: sql.slice(i, j + 1), depth, start: i, end: Math.min(j + 1, sql.length) });
      i = j + 1;
    } else if (c === '(' || c === '[' || c === '{') {
      out.push({ t: c, depth, start: i, end: i + 1 });
      depth++;
      i++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth = Math.max(0, depth - 1);
      out.push({ t: c, depth, start: i, end: i + 1 });
      i++;
    } else if (/[\w$]/.test(c)) {
      let j = i;
      while (j < sql.length && /[\w$.]/.test(sql[j]!)) j++;
      out.push({ t: sql.slice(i, j), depth, start: i, end: j });
      i = j;
    } else {
      out.push({ t: c, depth, start: i, end: i + 1 });
      i++;
    }
  }
  return out;
}

const kw = (tok: Tok | undefined, w: string) => tok !== undefined && tok.t.toLowerCase() === w;
const unquote = (s: string) => (s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replaceAll('""', '"') : s);

/** The statements of `sql`, split at top-level semicolons. */
function statements(sql: string): Tok[][] {
  const all = tokens(sql);
  const out: Tok[][] = [[]];
  for (const t of all) {
    if (t.t === ';' && t.depth === 0) out.push([]);
    else out[out.length - 1]!.push(t);
  }
  return out.filter((s) => s.length > 0);
}

interface SelectShape {
  /** The first table read (a CTE's name resolved to the table it reads). */
  readonly table: string | null;
  /** Select-list items as names: an alias, a plain column, or a short expression; null when none reads well. */
  readonly items: readonly { readonly name: string | null; readonly aggregate: boolean }[];
  readonly groupBy: readonly string[];
}

/** The first table named after FROM at `depth`, starting at token `from`. */
function firstTable(toks: readonly Tok[], from: number, depth: number, ctes: Map<string, string | null>): string | null {
  for (let i = from; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.depth !== depth || !kw(t, 'from')) continue;
    const next = toks[i + 1];
    if (!next) return null;
    if (next.t === '(') {
      // A subquery: the table it reads.
      return firstTable(toks, i + 2, depth + 1, ctes);
    }
    if (!/^[\w"]/.test(next.t)) return null;
    const name = unquote(next.t);
    // A table function (read_parquet(...)) reads no table worth naming.
    if (toks[i + 2]?.t === '(' && toks[i + 2]!.depth === depth) return null;
    const cte = ctes.get(name.toLowerCase());
    return cte === undefined ? name : cte ?? name;
  }
  return null;
}

/** WITH name AS (...), ...: each CTE's own first table, so that `FROM f` reads as what f reads. */
function cteTables(toks: readonly Tok[]): { ctes: Map<string, string | null>; bodyStart: number } {
  const ctes = new Map<string, string | null>();
  if (!kw(toks[0], 'with')) return { ctes, bodyStart: 0 };
  let i = 1;
  if (kw(toks[i], 'recursive')) i++;
  while (i < toks.length) {
    const name = toks[i];
    if (!name) break;
    let j = i + 1;
    // Optional column list, then AS [NOT] [MATERIALIZED].
    if (toks[j]?.t === '(') {
      while (j < toks.length && !(toks[j]!.t === ')' && toks[j]!.depth === 0)) j++;
      j++;
    }
    if (!kw(toks[j], 'as')) break;
    j++;
    while (kw(toks[j], 'not') || kw(toks[j], 'materialized')) j++;
    if (toks[j]?.t !== '(') break;
    ctes.set(unquote(name.t).toLowerCase(), firstTable(toks, j + 1, 1, ctes));
    let k = j + 1;
    while (k < toks.length && !(toks[k]!.t === ')' && toks[k]!.depth === 0)) k++;
    i = k + 1;
    if (toks[i]?.t === ',') i++;
    else break;
  }
  return { ctes, bodyStart: i };
}

const SHORT_EXPR = 28;

function selectItem(sql: string, item: readonly Tok[]): { name: string | null; aggregate: boolean } {
  const base = item[0]!.depth;
  const aggregate = item.some((t, i) => t.depth === base && AGGREGATES.test(t.t) && item[i + 1]?.t === '(');
  const last = item[item.length - 1]!;
  // `expr AS alias`, or an implicit alias after a name or a closing bracket (`count(*) n`).
  if (item.length >= 2 && /^[\w"]/.test(last.t) && !/^\d/.test(last.t) && last.depth === base) {
    const before = item[item.length - 2]!;
    const implicit = (before.t === ')' || /^[\w"]/.test(before.t)) && !/^(end|null|true|false|not|is|and|or|in|like|then|else)$/i.test(last.t) && !/^(not|is|and|or|in|like|then|else|when|case|interval|distinct)$/i.test(before.t);
    if (kw(before, 'as') || implicit) return { name: unquote(last.t), aggregate };
  }
  const text = sql.slice(item[0]!.start, last.end).replace(/\s+/g, ' ');
  if (item.length === 1) return { name: unquote(text), aggregate };
  return { name: text.length <= SHORT_EXPR ? text : null, aggregate };
}

function shape(sql: string, toks: readonly Tok[]): SelectShape | null {
  const { ctes, bodyStart } = cteTables(toks);
  const sel = toks.findIndex((t, i) => i >= bodyStart && t.depth === 0 && kw(t, 'select'));
  if (sel < 0) return null;
  let i = sel + 1;
  if (kw(toks[i], 'distinct') || kw(toks[i], 'all')) i++;
  const items: { name: string | null; aggregate: boolean }[] = [];
  let cur: Tok[] = [];
  for (; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.depth === 0 && /^(from|where|group|order|limit|having|window|qualify|union|except|intersect)$/i.test(t.t)) break;
    if (t.depth === 0 && t.t === ',') {
      if (cur.length) items.push(selectItem(sql, cur));
      cur = [];
    } else cur.push(t);
  }
  if (cur.length) items.push(selectItem(sql, cur));
  const table = firstTable(toks, sel, 0, ctes);
  const groupBy: string[] = [];
  const g = toks.findIndex((t, k) => k > sel && t.depth === 0 && kw(t, 'group') && kw(toks[k + 1], 'by'));
  if (g >= 0) {
    let part: Tok[] = [];
    const flush = () => {
      if (part.length === 1) {
        const n = part[0]!.t;
        // GROUP BY 1: the select item it names; GROUP BY ALL: every non-aggregate item.
        if (/^\d+$/.test(n)) {
          const it = items[Number(n) - 1];
          if (it?.name) groupBy.push(it.name);
        } else if (/^all$/i.test(n)) {
          for (const it of items) if (!it.aggregate && it.name) groupBy.push(it.name);
        } else groupBy.push(unquote(n));
      }
      part = [];
    };
    for (let k = g + 2; k < toks.length; k++) {
      const t = toks[k]!;
      if (t.depth === 0 && /^(having|order|limit|window|qualify|union|except|intersect)$/i.test(t.t)) break;
      if (t.depth === 0 && t.t === ',') flush();
      else part.push(t);
    }
    flush();
  }
  return { table, items, groupBy };
}

/** Parts joined with `sep`, as many as fit in `room`; the rest counted ("+3 more"). */
function fitList(parts: readonly string[], room: number, sep = ', '): string {
  let out = '';
  for (const [i, p] of parts.entries()) {
    const next = out ? `${out}${sep}${p}` : p;
    const left = parts.length - i - 1;
    const tail = left > 0 ? `${sep}+${left} more` : '';
    if ((next + tail).length > room) {
      const more = parts.length - i;
      return out ? `${out}${sep}+${more} more` : `${parts.length} columns`;
    }
    out = next;
  }
  return out;
}

function chartPhrase(spec: ChartSpec, room: number): string {
  if (spec.kind === 'histogram') return `distribution of ${spec.x}`;
  const ys = fitList(spec.y, Math.max(12, room - spec.x.length - 30));
  const joint = spec.kind === 'bar' ? ' per ' : ' over ';
  return `${ys}${joint}${spec.x}${spec.series ? `, split by ${spec.series}` : ''}`;
}

function tablePhrase(s: SelectShape, room: number): string {
  const aggs = s.items.filter((it) => it.aggregate);
  if (aggs.length > 0) {
    const named = aggs.map((a) => a.name ?? 'an aggregate');
    const by = s.groupBy.length ? ` by ${fitList(s.groupBy, Math.max(10, Math.floor(room / 2)))}` : '';
    return `${fitList(named, Math.max(10, room - by.length))}${by}`;
  }
  if (s.items.length === 1 && s.items[0]!.name === '*') return 'all columns';
  const names = s.items.map((it) => it.name ?? 'an expression');
  return fitList(names, room);
}

/** A leading `-- comment` is the author's own title. */
function leadingComment(sql: string): string | null {
  for (const raw of sql.split(/\r?\n/)) {
    const l = raw.trim();
    if (!l) continue;
    const m = /^--\s*(.+)$/.exec(l);
    return m ? m[1]!.trim() : null;
  }
  return null;
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).replace(/[\s,]+$/, '')}…`;
}

/**
 * The default title of a pinned query: the author's leading `-- comment`; else, for a chart,
 * "table: y over x[, split by s]"; for a table, "table: aggregate by group" or its columns.
 */
export function defaultItemTitle(sql: string, chart: ChartSpec | null = null, max = MAX_TITLE): string {
  const comment = leadingComment(sql);
  if (comment) return clip(comment, max);
  const stmts = statements(sql);
  const last = stmts[stmts.length - 1];
  const s = last ? shape(sql, last) : null;
  const table = s?.table ?? null;
  const prefix = table ? `${table}: ` : '';
  const room = max - prefix.length;
  if (chart) return clip(prefix + chartPhrase(chart, room), max);
  if (s) return clip(prefix + tablePhrase(s, room), max);
  // Not a SELECT (PRAGMA, SHOW, DESCRIBE ...): the statement's first words.
  const text = last ? sql.slice(last[0]!.start, last[last.length - 1]!.end).replace(/\s+/g, ' ') : '';
  if (!text) return 'Query';
  if (text.length <= max) return text;
  const words = text.split(' ');
  let out = '';
  for (const w of words) {
    if ((out ? out.length + 1 : 0) + w.length > max - 1) break;
    out = out ? `${out} ${w}` : w;
  }
  return `${out || clip(text, max - 1)}…`;
}
