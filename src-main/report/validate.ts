// Strict validation of a ReportModel (from the renderer, or read back from the workspace):
// known kinds and keys only, bounded sizes; returns a fresh copy of validated values.
import type { ChartSpec, ReportItem, ReportModel } from '../contract.ts';

export const MAX_ITEMS = 200;
export const MAX_ID_CHARS = 64;
export const MAX_TITLE_CHARS = 500;
export const MAX_MARKDOWN_CHARS = 200 * 1024;
export const MAX_REPORT_SQL_CHARS = 1 << 20;
export const MAX_ROWS = 10_000;

export class ReportInvalid extends Error {}

function fail(at: string, what: string): never {
  throw new ReportInvalid(`${at}: ${what}`);
}

function obj(v: unknown, at: string, keys: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(at, 'expected an object');
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) fail(at, 'expected a plain object');
  for (const k of Reflect.ownKeys(v)) {
    if (typeof k !== 'string' || !keys.includes(k)) fail(at, `unknown key ${String(k)}`);
    const d = Object.getOwnPropertyDescriptor(v, k);
    if (d && (d.get || d.set)) fail(`${at}.${k}`, 'accessors are not allowed');
  }
  const o = v as Record<string, unknown>;
  for (const k of keys) if (!Object.prototype.hasOwnProperty.call(o, k) && !optional.includes(k)) fail(at, `missing ${k}`);
  return o;
}

function str(v: unknown, at: string, min: number, max: number): string {
  if (typeof v !== 'string') fail(at, 'expected a string');
  if (v.length < min || v.length > max) fail(at, `length must be ${min}..${max}`);
  if (v.includes('\0')) fail(at, 'NUL characters are not allowed');
  return v;
}

function int(v: unknown, at: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(at, 'expected an integer');
  if (v < min || v > max) fail(at, `must be ${min}..${max}`);
  return v;
}

function oneOf<T extends string>(v: unknown, at: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) fail(at, `expected one of ${values.join(', ')}`);
  return v as T;
}

function list(v: unknown, at: string, max: number): unknown[] {
  if (!Array.isArray(v) || Object.getPrototypeOf(v) !== Array.prototype) fail(at, 'expected an array');
  if (v.length > max) fail(at, `at most ${max} items`);
  for (let i = 0; i < v.length; i++) if (!Object.prototype.hasOwnProperty.call(v, i)) fail(`${at}[${i}]`, 'holes are not allowed');
  return v;
}

/** Same bounds as chartData's spec in rpc-validate. */
export function parseChartSpec(v: unknown, at: string): ChartSpec {
  const o = obj(v, at, ['kind', 'x', 'y', 'series', 'maxPoints', 'bins'], ['bins']);
  const spec: ChartSpec = {
    kind: oneOf(o.kind, `${at}.kind`, ['line', 'scatter', 'bar', 'histogram'] as const),
    x: str(o.x, `${at}.x`, 1, 1024),
    y: list(o.y, `${at}.y`, 64).map((y, i) => str(y, `${at}.y[${i}]`, 1, 1024)),
    series: o.series === null ? null : str(o.series, `${at}.series`, 1, 1024),
    maxPoints: int(o.maxPoints, `${at}.maxPoints`, 2, 100_000),
  };
  return o.bins === undefined ? spec : { ...spec, bins: int(o.bins, `${at}.bins`, 1, 1000) };
}

function parseItem(v: unknown, at: string): ReportItem {
  const kind = oneOf(obj(v, at, ['kind', 'id', 'markdown', 'title', 'sql', 'show', 'chart', 'maxRows', 'name'], ['markdown', 'title', 'sql', 'show', 'chart', 'maxRows', 'name']).kind, `${at}.kind`, ['note', 'query', 'analysis'] as const);
  const id = (o: Record<string, unknown>) => {
    const s = str(o.id, `${at}.id`, 1, MAX_ID_CHARS);
    if (!/^[\w.:-]+$/.test(s)) fail(`${at}.id`, 'letters, digits, _ . : - only');
    return s;
  };
  switch (kind) {
    case 'note': {
      const o = obj(v, at, ['kind', 'id', 'markdown']);
      return { kind, id: id(o), markdown: str(o.markdown, `${at}.markdown`, 0, MAX_MARKDOWN_CHARS) };
    }
    case 'query': {
      const o = obj(v, at, ['kind', 'id', 'title', 'sql', 'show', 'chart', 'maxRows']);
      return {
        kind,
        id: id(o),
        title: str(o.title, `${at}.title`, 0, MAX_TITLE_CHARS),
        sql: str(o.sql, `${at}.sql`, 1, MAX_REPORT_SQL_CHARS),
        show: oneOf(o.show, `${at}.show`, ['table', 'chart', 'both'] as const),
        chart: o.chart === null ? null : parseChartSpec(o.chart, `${at}.chart`),
        maxRows: int(o.maxRows, `${at}.maxRows`, 1, MAX_ROWS),
      };
    }
    case 'analysis': {
      const o = obj(v, at, ['kind', 'id', 'name', 'title']);
      const name = str(o.name, `${at}.name`, 1, 128);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(`${at}.name`, 'not an analysis view name');
      return { kind, id: id(o), name, title: str(o.title, `${at}.title`, 0, MAX_TITLE_CHARS) };
    }
  }
}

export function parseReportModel(v: unknown, at = 'report'): ReportModel {
  const o = obj(v, at, ['title', 'items']);
  const items = list(o.items, `${at}.items`, MAX_ITEMS).map((it, i) => parseItem(it, `${at}.items[${i}]`));
  const ids = new Set<string>();
  for (const [i, it] of items.entries()) {
    if (ids.has(it.id)) fail(`${at}.items[${i}].id`, 'duplicate id');
    ids.add(it.id);
  }
  return { title: str(o.title, `${at}.title`, 0, MAX_TITLE_CHARS), items };
}
