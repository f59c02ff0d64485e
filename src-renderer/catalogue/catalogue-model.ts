// The catalogue browser's logic, kept free of the DOM so it is unit-tested: name matching,
// grouping by subsystem and source file, and the SQL a click opens.
import type { CatalogueEventEntry } from '../../src-main/contract.ts';
import { quoteIdent } from '../editor/completion-items.ts';

/**
 * A name matcher for the search box. With `*` or `?` the pattern is a whole-name glob (as QEMU's
 * own `-trace` patterns are); without, a substring. Case-insensitive: event names are lower case
 * but people type `Multifd`.
 */
export function nameMatcher(pattern: string): (name: string) => boolean {
  const p = pattern.trim().toLowerCase();
  if (p === '') return () => true;
  if (!/[*?]/.test(p)) return (n) => n.toLowerCase().includes(p);
  const re = new RegExp(`^${p.split('').map(globChar).join('')}$`);
  return (n) => re.test(n.toLowerCase());
}

function globChar(c: string): string {
  if (c === '*') return '.*';
  if (c === '?') return '.';
  return c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

export interface CatalogueFilter {
  readonly pattern: string;
  readonly onlyOccurred: boolean;
}

export interface FileGroup {
  readonly sourceFile: string | null;
  readonly events: readonly CatalogueEventEntry[];
  readonly total: number;
  /** trace_id → rows, summed over the events. */
  readonly counts: Readonly<Record<string, number>>;
}

export interface SubsystemGroup {
  readonly subsystem: string;
  readonly files: readonly FileGroup[];
  /** Events in the group after filtering, and how many of them occurred. */
  readonly eventCount: number;
  readonly occurredCount: number;
  readonly total: number;
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * Filter and group: subsystems alphabetically, files alphabetically within them, events in
 * catalogue order within a file (trace-events order keeps related events together).
 */
export function groupCatalogue(events: readonly CatalogueEventEntry[], filter: CatalogueFilter): SubsystemGroup[] {
  const match = nameMatcher(filter.pattern);
  const bySub = new Map<string, Map<string, CatalogueEventEntry[]>>();
  for (const e of events) {
    if (filter.onlyOccurred && e.total === 0) continue;
    if (!match(e.name)) continue;
    const files = bySub.get(e.subsystem) ?? new Map<string, CatalogueEventEntry[]>();
    bySub.set(e.subsystem, files);
    const key = e.sourceFile ?? '';
    const list = files.get(key) ?? [];
    files.set(key, list);
    list.push(e);
  }
  const out: SubsystemGroup[] = [];
  for (const [subsystem, files] of bySub) {
    const fileGroups: FileGroup[] = [...files.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([f, evs]) => ({ sourceFile: f === '' ? null : f, events: evs, total: sum(evs), counts: sumCounts(evs) }));
    const all = fileGroups.flatMap((f) => f.events);
    out.push({
      subsystem,
      files: fileGroups,
      eventCount: all.length,
      occurredCount: all.filter((e) => e.total > 0).length,
      total: sum(all),
      counts: sumCounts(all),
    });
  }
  return out.sort((a, b) => compareText(a.subsystem, b.subsystem));
}

function sum(evs: readonly CatalogueEventEntry[]): number {
  let t = 0;
  for (const e of evs) t += e.total;
  return t;
}

function sumCounts(evs: readonly CatalogueEventEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of evs) for (const [k, n] of Object.entries(e.counts)) out[k] = (out[k] ?? 0) + n;
  return out;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Above this many visible events, groups start collapsed so the first paint stays cheap. */
export const AUTO_EXPAND_LIMIT = 400;

export function shouldAutoExpand(groups: readonly SubsystemGroup[]): boolean {
  let n = 0;
  for (const g of groups) n += g.eventCount;
  return n <= AUTO_EXPAND_LIMIT;
}

/** What clicking an event opens: its first rows in time order. */
export function eventRowsQuery(name: string): string {
  return `SELECT * FROM ${quoteIdent(name)} ORDER BY ts_ns LIMIT 1000`;
}

/** Column header for a trace's counts: its side, else its id. */
export function traceLabel(traceId: string, sides: ReadonlyMap<number, string | null>): string {
  const side = sides.get(Number(traceId));
  const sameSide = side ? [...sides.values()].filter((s) => s === side).length : 0;
  if (side && sameSide === 1) return side;
  return side ? `${side}#${traceId}` : `#${traceId}`;
}
