// What the SQL editor offers at the cursor, computed from the engine's schema(). Pure (no Monaco):
// the Monaco provider only maps these items to its own types.
import type { EventDoc, SchemaInfo, SchemaTable } from '../../src-main/contract.ts';
import { referencedTables, scan, type TableRef } from './sql-scan.ts';

export type ItemKind = 'table' | 'event' | 'view' | 'column' | 'function' | 'keyword';

export interface CompletionItem {
  readonly label: string;
  readonly kind: ItemKind;
  readonly detail: string;
  readonly insertText: string;
  /** Lower sorts first; event tables before other tables, columns before everything in a SELECT list. */
  readonly sortText: string;
  readonly documentation: string | null;
}

/**
 * DuckDB keywords that cannot be used as a bare column name (reserved, plus the type/function
 * keywords that clash in a select list). An argument called `offset` must be written "offset".
 */
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create ' +
    'default deferrable desc describe distinct do else end except false fetch for foreign from grant group having ' +
    'in initially intersect into lateral leading limit not null offset on only or order pivot pivot_longer ' +
    'pivot_wider placing primary qualify references returning select show some summarize symmetric table then to ' +
    'trailing true union unique unpivot using variadic when where window with anti asof authorization binary ' +
    'collation concurrently cross freeze full generated glob ilike inner is isnull join left like map natural ' +
    'notnull outer overlaps positional right semi similar struct tablesample try_cast verbose'
  ).split(' '),
);

export function needsQuotes(name: string): boolean {
  return RESERVED.has(name.toLowerCase()) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

export function quoteIdent(name: string): string {
  return needsQuotes(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

export function findTable(schema: SchemaInfo, name: string): SchemaTable | undefined {
  const lower = name.toLowerCase();
  return schema.tables.find((t) => t.name.toLowerCase() === lower);
}

function resolveQualifier(schema: SchemaInfo, refs: readonly TableRef[], q: string): SchemaTable | undefined {
  const lower = q.toLowerCase();
  const ref = refs.find((r) => r.alias?.toLowerCase() === lower) ?? refs.find((r) => r.table.toLowerCase() === lower);
  return findTable(schema, ref ? ref.table : q);
}

function tableDetail(t: SchemaTable): string {
  if (t.doc) return t.doc.signature.startsWith(t.name) ? t.doc.signature : `${t.name}(${t.doc.signature.replace(/^\(|\)$/g, '')})`;
  const rows = t.rows === null ? '' : ` · ${t.rows.toLocaleString('en-US')} rows`;
  return `${t.kind}${rows}`;
}

export function eventDocMarkdown(doc: EventDoc, rows: number | null): string {
  const sig = doc.signature.startsWith(doc.name) ? doc.signature : `${doc.name}(${doc.signature.replace(/^\(|\)$/g, '')})`;
  const lines = ['```c', sig, '```', `format: \`${doc.format.replace(/`/g, "'")}\``, ''];
  const where: string[] = [];
  if (doc.sourceFile) where.push(`source: \`${doc.sourceFile}\``);
  where.push(`catalogue: ${doc.catalogueName} (\`${doc.catalogueId}\`)`);
  if (doc.properties.length) where.push(`properties: ${doc.properties.join(', ')}`);
  if (rows !== null) where.push(`${rows.toLocaleString('en-US')} rows`);
  lines.push(where.join(' · '));
  return lines.join('\n');
}

function tableItem(t: SchemaTable, preferred: boolean): CompletionItem {
  const rank = t.kind === 'event' ? (t.rows ? '0' : '1') : t.kind === 'table' || t.kind === 'view' ? '2' : '3';
  return {
    label: t.name,
    kind: t.kind === 'event' ? 'event' : t.kind === 'table' ? 'table' : 'view',
    detail: tableDetail(t),
    insertText: quoteIdent(t.name),
    sortText: `${preferred ? 'a' : 'c'}${rank}${t.name}`,
    documentation: t.doc ? eventDocMarkdown(t.doc, t.rows) : null,
  };
}

function columnItems(t: SchemaTable, rank: string): CompletionItem[] {
  return t.columns.map((c) => ({
    label: c.name,
    kind: 'column' as const,
    detail: `${c.type}${c.ctype ? ` · ${c.ctype}` : ''} · ${t.name}`,
    insertText: quoteIdent(c.name),
    sortText: `${rank}${c.name}`,
    documentation: null,
  }));
}

/** The identifier being typed at `offset` and what precedes it. */
export function wordBefore(text: string, offset: number): { word: string; start: number; qualifier: string | null } {
  let s = offset;
  while (s > 0 && /[\w$]/.test(text[s - 1])) s--;
  let qualifier: string | null = null;
  if (text[s - 1] === '.') {
    let q = s - 1;
    if (text[q - 1] === '"') {
      const open = text.lastIndexOf('"', q - 2);
      if (open >= 0) qualifier = text.slice(open + 1, q - 1);
    } else {
      let qs = q;
      while (qs > 0 && /[\w$]/.test(text[qs - 1])) qs--;
      if (qs < q) qualifier = text.slice(qs, q);
    }
  }
  return { word: text.slice(s, offset), start: s, qualifier };
}

const TABLE_POSITION = new Set(['from', 'join', 'into', 'update', 'describe', 'summarize', 'table']);
const CLAUSES = new Set(['select', 'from', 'where', 'group', 'order', 'having', 'limit', 'on', 'join', 'set', 'qualify', 'window', 'using']);

/** Is the cursor where a table name goes (after FROM/JOIN, or after a comma in a FROM list)? */
function inTablePosition(textBefore: string): boolean {
  const toks = scan(textBefore).filter((t) => t.kind !== 'comment');
  const last = toks[toks.length - 1];
  if (!last) return false;
  if (last.kind === 'word' && TABLE_POSITION.has(last.text.toLowerCase())) return true;
  if (last.text !== ',') return false;
  for (let i = toks.length - 2; i >= 0; i--) {
    const t = toks[i];
    if (t.text === '(' || t.text === ')') return false;
    if (t.kind === 'word' && CLAUSES.has(t.text.toLowerCase())) return t.text.toLowerCase() === 'from';
  }
  return false;
}

const CONTEXT_CLAUSES = new Set(['select', 'from', 'where', 'group', 'order', 'having', 'limit', 'offset', 'qualify', 'window', 'on', 'using', 'join', 'set', 'values', 'returning']);

export interface CompletionContext {
  /** The clause the cursor is in, at its own nesting level (`select` = the select list); null: none yet. */
  readonly clause: string | null;
  /** Tables the statement reads (FROM and JOIN, sub-queries included), for its columns. */
  readonly tables: readonly TableRef[];
}

/**
 * Where the cursor at `offset` is in `statement`: the last clause keyword before it at the same
 * parenthesis depth (so `count(` inside a select list still counts as the select list, and a
 * sub-query's FROM does not end the outer list), and the tables of the statement.
 */
export function completionContext(statement: string, offset: number): CompletionContext {
  const toks = scan(statement.slice(0, offset)).filter((t) => t.kind !== 'comment');
  let depth = 0;
  let clause: string | null = null;
  for (let i = toks.length - 1; i >= 0; i--) {
    const t = toks[i];
    if (t.text === ')' && t.kind === 'punct') depth++;
    else if (t.text === '(' && t.kind === 'punct') {
      if (depth > 0) depth--;
    } else if (depth === 0 && t.kind === 'word' && CONTEXT_CLAUSES.has(t.text.toLowerCase())) {
      clause = t.text.toLowerCase();
      break;
    }
  }
  return { clause, tables: referencedTables(statement) };
}

/** Columns of every event table, one item per name; the detail says which tables have it. */
function eventColumnItems(schema: SchemaInfo, rank: string): CompletionItem[] {
  const byName = new Map<string, { name: string; types: Set<string>; tables: string[] }>();
  const events = schema.tables.filter((t) => t.kind === 'event');
  // Tables with rows first: their names lead the "in ..." list.
  events.sort((a, b) => Number(!a.rows) - Number(!b.rows));
  for (const t of events) {
    for (const c of t.columns) {
      let e = byName.get(c.name);
      if (!e) byName.set(c.name, (e = { name: c.name, types: new Set(), tables: [] }));
      e.types.add(c.type);
      e.tables.push(t.name);
    }
  }
  return [...byName.values()].map((e) => {
    const shown = e.tables.slice(0, 3).join(', ');
    const more = e.tables.length > 3 ? ` +${e.tables.length - 3} more` : '';
    const type = e.types.size === 1 ? [...e.types][0] : [...e.types].join(' | ');
    return {
      label: e.name,
      kind: 'column' as const,
      detail: e.tables.length === events.length ? `${type} · every event table` : `${type} · ${shown}${more}`,
      insertText: quoteIdent(e.name),
      sortText: `${rank}${e.name}`,
      documentation: `\`${e.name}\` in ${e.tables.length} event table${e.tables.length === 1 ? '' : 's'}: ${e.tables.join(', ')}`,
    };
  });
}

/**
 * Items for a cursor at `offset` in `statement` (the statement under the cursor only, so tables
 * of other statements do not leak in). The editor filters by the typed prefix itself.
 */
export function completionItems(schema: SchemaInfo, statement: string, offset: number): CompletionItem[] {
  const { start, qualifier } = wordBefore(statement, offset);
  const refs = referencedTables(statement);
  if (qualifier !== null) {
    const t = resolveQualifier(schema, refs, qualifier);
    return t ? columnItems(t, 'a') : [];
  }
  const tables = [...schema.tables];
  if (inTablePosition(statement.slice(0, start))) return tables.map((t) => tableItem(t, true));

  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  for (const r of refs) {
    const t = findTable(schema, r.table);
    if (!t || seen.has(t.name)) continue;
    seen.add(t.name);
    items.push(...columnItems(t, 'a'));
  }
  // A select list written before its FROM: any event table's columns may be meant.
  if (refs.length === 0 && completionContext(statement, start).clause === 'select') items.push(...eventColumnItems(schema, 'b'));
  items.push(...tables.map((t) => tableItem(t, false)));
  for (const f of schema.functions) {
    items.push({ label: f, kind: 'function', detail: 'function', insertText: f, sortText: `d${f}`, documentation: null });
  }
  for (const k of schema.keywords) {
    const kw = k.toUpperCase();
    items.push({ label: kw, kind: 'keyword', detail: 'keyword', insertText: kw, sortText: `e${kw}`, documentation: null });
  }
  return items;
}

/** Markdown for a hover on `word` (a table, or a column of a table the statement reads). */
export function hoverMarkdown(schema: SchemaInfo, statement: string, word: string, qualifier: string | null): string | null {
  const refs = referencedTables(statement);
  if (qualifier === null) {
    const t = findTable(schema, word);
    if (t) {
      if (t.doc) return `**${t.name}** — event table\n\n${eventDocMarkdown(t.doc, t.rows)}`;
      return `**${t.name}** — ${tableDetail(t)}\n\n${t.columns.map((c) => `\`${c.name}\` ${c.type}`).join(' · ')}`;
    }
  }
  const candidates = qualifier !== null ? [resolveQualifier(schema, refs, qualifier)] : refs.map((r) => findTable(schema, r.table));
  for (const t of candidates) {
    const c = t?.columns.find((x) => x.name.toLowerCase() === word.toLowerCase());
    if (!t || !c) continue;
    const head = `**${t.name}.${c.name}** \`${c.type}\`${c.ctype ? ` — C type \`${c.ctype}\`` : ''}`;
    return t.doc ? `${head}\n\n${eventDocMarkdown(t.doc, t.rows)}` : head;
  }
  return null;
}
