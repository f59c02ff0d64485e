// A small SQL scanner: enough to split statements, find the one under the cursor, and see which
// tables a statement reads. It knows strings, quoted identifiers, comments and DuckDB's $$ quotes,
// so a `;` or `FROM` inside them is never mistaken for syntax. Pure (no DOM, no Monaco).

export interface Token {
  readonly kind: 'word' | 'ident' | 'string' | 'number' | 'punct' | 'comment';
  /** Words as written; quoted identifiers without their quotes. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export function scan(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const e = sql.indexOf('\n', i);
      const end = e < 0 ? n : e;
      out.push({ kind: 'comment', text: sql.slice(i, end), start: i, end });
      i = end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const e = sql.indexOf('*/', i + 2);
      const end = e < 0 ? n : e + 2;
      out.push({ kind: 'comment', text: sql.slice(i, end), start: i, end });
      i = end;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < n) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      const end = Math.min(n, j + 1);
      const body = sql.slice(i + 1, j).split(c + c).join(c);
      out.push({ kind: c === "'" ? 'string' : 'ident', text: body, start: i, end });
      i = end;
    } else if (c === '$' && /^\$[A-Za-z_]*\$/.test(sql.slice(i, i + 40))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i, i + 40))![0];
      const e = sql.indexOf(tag, i + tag.length);
      const end = e < 0 ? n : e + tag.length;
      out.push({ kind: 'string', text: sql.slice(i + tag.length, e < 0 ? n : e), start: i, end });
      i = end;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$\u0080-\uffff]/.test(sql[j])) j++;
      out.push({ kind: 'word', text: sql.slice(i, j), start: i, end: j });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(sql[j])) j++;
      out.push({ kind: 'number', text: sql.slice(i, j), start: i, end: j });
      i = j;
    } else {
      out.push({ kind: 'punct', text: c, start: i, end: i + 1 });
      i++;
    }
  }
  return out;
}

export interface Statement {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Statements separated by top-level `;`, trimmed, empty ones (only whitespace/comments) dropped. */
export function splitStatements(sql: string): Statement[] {
  const toks = scan(sql);
  const out: Statement[] = [];
  let segStart = 0;
  const push = (end: number) => {
    const segToks = toks.filter((t) => t.start >= segStart && t.end <= end && t.kind !== 'comment');
    if (segToks.length > 0) {
      const s = segToks[0].start;
      const e = segToks[segToks.length - 1].end;
      out.push({ text: sql.slice(s, e), start: s, end: e });
    }
  };
  for (const t of toks) {
    if (t.kind === 'punct' && t.text === ';') {
      push(t.start);
      segStart = t.end;
    }
  }
  push(sql.length);
  return out;
}

/**
 * The statement a cursor at `offset` means: the one containing it, else the nearest one ending
 * before it (cursor after `;` or on a blank line below), else the first after it.
 */
export function statementAt(sql: string, offset: number): Statement | null {
  const stmts = splitStatements(sql);
  if (stmts.length === 0) return null;
  const inside = stmts.find((s) => offset >= s.start && offset <= s.end);
  if (inside) return inside;
  // A cursor on a blank line between two statements belongs to the one above, like DBeaver.
  const before = stmts.filter((s) => s.end <= offset);
  if (before.length > 0) {
    const prev = before[before.length - 1];
    const gap = sql.slice(prev.end, offset);
    const next = stmts.find((s) => s.start >= offset);
    if (!next || !/\n\s*\n/.test(gap)) return prev;
    return /\n\s*\n/.test(sql.slice(offset, next.start)) ? prev : next;
  }
  return stmts[0];
}

export interface TableRef {
  readonly table: string;
  readonly alias: string | null;
}

const CLAUSE_END = new Set([
  'where', 'group', 'order', 'having', 'limit', 'offset', 'qualify', 'window', 'union', 'except', 'intersect',
  'select', 'on', 'using', 'join', 'inner', 'left', 'right', 'full', 'cross', 'natural', 'asof', 'positional',
  'semi', 'anti', 'lateral', 'returning', 'set', 'values', 'sample', 'tablesample', 'pivot', 'unpivot', 'outer',
]);

/**
 * Tables a statement reads (FROM lists and JOINs, with aliases). Sub-queries and table functions
 * are skipped. Good enough for completion and hover; never used to decide anything on the engine.
 */
export function referencedTables(sql: string): TableRef[] {
  const toks = scan(sql).filter((t) => t.kind !== 'comment');
  const out: TableRef[] = [];
  const isKw = (t: Token | undefined, ...kw: string[]) => t?.kind === 'word' && kw.includes(t.text.toLowerCase());
  for (let i = 0; i < toks.length; i++) {
    if (!isKw(toks[i], 'from', 'join', 'update', 'into', 'describe', 'summarize')) continue;
    let j = i + 1;
    for (;;) {
      const t = toks[j];
      if (!t || (t.kind !== 'word' && t.kind !== 'ident')) break;
      if (t.kind === 'word' && CLAUSE_END.has(t.text.toLowerCase())) break;
      let name = t.text;
      j++;
      // schema.table
      while (toks[j]?.text === '.' && (toks[j + 1]?.kind === 'word' || toks[j + 1]?.kind === 'ident')) {
        name = toks[j + 1].text;
        j += 2;
      }
      if (toks[j]?.text === '(') break; // table function
      let alias: string | null = null;
      if (isKw(toks[j], 'as')) j++;
      const a = toks[j];
      if (a && (a.kind === 'ident' || (a.kind === 'word' && !CLAUSE_END.has(a.text.toLowerCase())))) {
        alias = a.text;
        j++;
      }
      out.push({ table: name, alias });
      if (toks[j]?.text !== ',') break;
      j++;
    }
  }
  return out;
}
