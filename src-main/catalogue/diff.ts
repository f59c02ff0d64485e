// `qtw catalogue A --diff B`: which events B adds, removes or changes relative to A. Formats are
// compared as C sees them (PRI macros expanded), so `"%" PRIx64` and `"%lx"` are the same.
import type { Catalogue, EventSpec } from './types.ts';

export interface CatalogueChange {
  readonly before: EventSpec;
  readonly after: EventSpec;
  /** Which parts differ: `arguments`, `format`, `disable`. */
  readonly what: readonly ('arguments' | 'format' | 'disable')[];
}

export interface CatalogueDiff {
  readonly from: string;
  readonly to: string;
  readonly added: readonly EventSpec[];
  readonly removed: readonly EventSpec[];
  readonly changed: readonly CatalogueChange[];
}

/** `(const char *id, unsigned int section_id)` — the argument list as C declares it. */
export function argumentList(e: EventSpec): string {
  if (e.args.length === 0) return '(void)';
  return `(${e.args.map((a) => `${a.ctype}${a.ctype.endsWith('*') ? '' : ' '}${a.name}`).join(', ')})`;
}

/** `name(args)`, with `disable ` in front for disabled events. */
export function signature(e: EventSpec): string {
  return `${e.disabled ? 'disable ' : ''}${e.name}${argumentList(e)}`;
}

function firstByName(events: readonly EventSpec[]): Map<string, EventSpec> {
  const m = new Map<string, EventSpec>();
  for (const e of events) if (!m.has(e.name)) m.set(e.name, e);
  return m;
}

export function diffCatalogues(a: Catalogue, b: Catalogue): CatalogueDiff {
  const inA = firstByName(a.events);
  const inB = firstByName(b.events);
  const added = [...inB.values()].filter((e) => !inA.has(e.name));
  const removed = [...inA.values()].filter((e) => !inB.has(e.name));
  const changed: CatalogueChange[] = [];
  for (const before of inA.values()) {
    const after = inB.get(before.name);
    if (after === undefined) continue;
    const what: CatalogueChange['what'][number][] = [];
    if (argumentList(before) !== argumentList(after)) what.push('arguments');
    if (before.format !== after.format) what.push('format');
    if (before.disabled !== after.disabled) what.push('disable');
    if (what.length > 0) changed.push({ before, after, what });
  }
  return { from: a.name, to: b.name, added, removed, changed };
}

function describe(e: EventSpec, what: CatalogueChange['what']): string {
  const parts: string[] = [];
  if (what.includes('disable')) parts.push(e.disabled ? 'disabled' : 'enabled');
  if (what.includes('arguments')) parts.push(argumentList(e));
  if (what.includes('format')) parts.push(JSON.stringify(e.format));
  return parts.join(' ');
}

/**
 * One line per difference: `- name(args) "fmt"` for removed events, `+ ...` for added ones and
 * `~ name: <old parts> → <new parts>` for changed ones (only the parts that differ), then a
 * one-line summary.
 */
export function formatCatalogueDiff(d: CatalogueDiff): string {
  const lines = [`--- ${d.from}`, `+++ ${d.to}`];
  for (const e of d.removed) lines.push(`- ${signature(e)} ${JSON.stringify(e.format)}`);
  for (const e of d.added) lines.push(`+ ${signature(e)} ${JSON.stringify(e.format)}`);
  for (const c of d.changed) lines.push(`~ ${c.before.name}: ${describe(c.before, c.what)} → ${describe(c.after, c.what)}`);
  lines.push(`${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`);
  return lines.join('\n') + '\n';
}
