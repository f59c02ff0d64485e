// The report as the builder edits it: pure operations on ReportModel, so the page only renders
// and every edit is one testable step. The engine validates what it is sent; this side keeps
// the model within the same bounds (ids ≤ 64 chars, maxRows 1..10000) so saves are not refused.
import type { ChartKind, ChartSpec, ReportItem, ReportModel } from '../../src-main/contract.ts';
import { defaultItemTitle, MAX_TITLE } from './item-title.ts';

export const EMPTY_REPORT: ReportModel = { title: '', items: [] };
export const DEFAULT_MAX_ROWS = 50;
export const MAX_ROWS_LIMIT = 10_000;
/** The engine refuses larger reports (src-main/report/validate.ts). */
export const MAX_ITEMS = 200;
export const MAX_NOTE_CHARS = 200 * 1024;

export type QueryShow = 'table' | 'chart' | 'both';
export type NoteItem = Extract<ReportItem, { kind: 'note' }>;
export type QueryItem = Extract<ReportItem, { kind: 'query' }>;
export type AnalysisItem = Extract<ReportItem, { kind: 'analysis' }>;

let counter = 0;

/** Unique within a session and across reloads (time + counter + randomness), ≤ 64 chars. */
export function newItemId(prefix: string): string {
  counter = (counter + 1) % 1_000_000;
  const rand = Math.floor(Math.random() * 36 ** 4).toString(36);
  return `${prefix}-${Date.now().toString(36)}-${counter.toString(36)}-${rand}`.slice(0, 64);
}

export function noteItem(markdown = ''): NoteItem {
  return { kind: 'note', id: newItemId('note'), markdown };
}

export function queryItem(sql: string, show: QueryShow, chart: ChartSpec | null, title = defaultItemTitle(sql, show !== 'table' ? chart : null), maxRows = DEFAULT_MAX_ROWS): QueryItem {
  // A chart item without a spec would render nothing: fall back to the table.
  const effective: QueryShow = chart ? show : 'table';
  return { kind: 'query', id: newItemId('query'), title, sql, show: effective, chart, maxRows: clampRows(maxRows) };
}

export function analysisItem(name: string, title: string): AnalysisItem {
  return { kind: 'analysis', id: newItemId('analysis'), name, title };
}

export function clampRows(n: number): number {
  if (!Number.isFinite(n)) return DEFAULT_MAX_ROWS;
  return Math.min(MAX_ROWS_LIMIT, Math.max(1, Math.round(n)));
}

/** A pinned query's default title from its SQL alone (item-title.ts). */
export function titleFromSql(sql: string, max = MAX_TITLE): string {
  return defaultItemTitle(sql, null, max);
}

export function withTitle(m: ReportModel, title: string): ReportModel {
  return { ...m, title };
}

/** Insert at `index` (end when omitted or out of range). */
export function insertItem(m: ReportModel, item: ReportItem, index = m.items.length): ReportModel {
  const i = Math.max(0, Math.min(m.items.length, index));
  return { ...m, items: [...m.items.slice(0, i), item, ...m.items.slice(i)] };
}

export function removeItem(m: ReportModel, id: string): ReportModel {
  return { ...m, items: m.items.filter((it) => it.id !== id) };
}

/** Move the item `id` so that it ends up at index `to` (clamped); unchanged model if absent. */
export function moveItem(m: ReportModel, id: string, to: number): ReportModel {
  const from = m.items.findIndex((it) => it.id === id);
  if (from < 0) return m;
  const rest = m.items.filter((it) => it.id !== id);
  const i = Math.max(0, Math.min(rest.length, to));
  if (i === from) return m;
  return { ...m, items: [...rest.slice(0, i), m.items[from]!, ...rest.slice(i)] };
}

export function moveBy(m: ReportModel, id: string, delta: number): ReportModel {
  const from = m.items.findIndex((it) => it.id === id);
  return from < 0 ? m : moveItem(m, id, from + delta);
}

/** Replace fields of item `id`, keeping its kind and id. */
export function updateItem<K extends ReportItem['kind']>(m: ReportModel, id: string, kind: K, patch: Partial<Omit<Extract<ReportItem, { kind: K }>, 'kind' | 'id'>>): ReportModel {
  return {
    ...m,
    items: m.items.map((it) => (it.id === id && it.kind === kind ? ({ ...it, ...patch } as ReportItem) : it)),
  };
}

const KINDS: readonly ChartKind[] = ['line', 'scatter', 'bar', 'histogram'];

function parseChart(v: unknown): ChartSpec | null {
  if (typeof v !== 'object' || v === null) return null;
  const c = v as Record<string, unknown>;
  if (!KINDS.includes(c.kind as ChartKind) || typeof c.x !== 'string') return null;
  const y = Array.isArray(c.y) ? (c.y as unknown[]).filter((s): s is string => typeof s === 'string') : [];
  return {
    kind: c.kind as ChartKind,
    x: c.x,
    y,
    series: typeof c.series === 'string' ? c.series : null,
    maxPoints: typeof c.maxPoints === 'number' && Number.isFinite(c.maxPoints) ? Math.min(100_000, Math.max(2, Math.round(c.maxPoints))) : 2000,
    ...(typeof c.bins === 'number' && Number.isFinite(c.bins) ? { bins: Math.min(1000, Math.max(1, Math.round(c.bins))) } : {}),
  };
}

/** A report as received from the engine, malformed items dropped (the wire is not trusted). */
export function parseReport(v: unknown): ReportModel {
  if (typeof v !== 'object' || v === null) return EMPTY_REPORT;
  const r = v as Record<string, unknown>;
  const items: ReportItem[] = [];
  const seen = new Set<string>();
  for (const x of Array.isArray(r.items) ? (r.items as unknown[]) : []) {
    if (typeof x !== 'object' || x === null) continue;
    const it = x as Record<string, unknown>;
    if (typeof it.id !== 'string' || !it.id || seen.has(it.id)) continue;
    seen.add(it.id);
    if (it.kind === 'note' && typeof it.markdown === 'string') items.push({ kind: 'note', id: it.id, markdown: it.markdown });
    else if (it.kind === 'analysis' && typeof it.name === 'string') items.push({ kind: 'analysis', id: it.id, name: it.name, title: typeof it.title === 'string' ? it.title : it.name });
    else if (it.kind === 'query' && typeof it.sql === 'string') {
      const chart = parseChart(it.chart);
      const show = it.show === 'chart' || it.show === 'both' ? (chart ? it.show : 'table') : 'table';
      items.push({ kind: 'query', id: it.id, title: typeof it.title === 'string' ? it.title : titleFromSql(it.sql), sql: it.sql, show, chart, maxRows: clampRows(typeof it.maxRows === 'number' ? it.maxRows : DEFAULT_MAX_ROWS) });
    }
  }
  return { title: typeof r.title === 'string' ? r.title : '', items };
}

export function sameReport(a: ReportModel, b: ReportModel): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
