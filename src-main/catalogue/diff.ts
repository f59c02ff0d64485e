// `qtw catalogue A --diff B`: which events B adds, removes or changes relative to A.
import type { Catalogue, EventSpec } from './types.ts';

export interface CatalogueDiff {
  readonly from: string;
  readonly to: string;
  readonly added: EventSpec[];
  readonly removed: EventSpec[];
  readonly changed: { before: EventSpec; after: EventSpec; what: string[] }[];
}

export function signature(e: EventSpec): string {
  return `${e.name}(${e.args.map((a) => `${a.ctype}${a.ctype.endsWith('*') ? '' : ' '}${a.name}`).join(', ') || 'void'})`;
}

export function diffCatalogues(a: Catalogue, b: Catalogue): CatalogueDiff {
  const inA = new Map(a.events.map((e) => [e.name, e]));
  const inB = new Map(b.events.map((e) => [e.name, e]));
  const added = b.events.filter((e) => !inA.has(e.name));
  const removed = a.events.filter((e) => !inB.has(e.name));
  const changed: CatalogueDiff['changed'] = [];
  for (const before of a.events) {
    const after = inB.get(before.name);
    if (after === undefined) continue;
    const what: string[] = [];
    if (signature(before) !== signature(after)) what.push('arguments');
    if (before.format !== after.format) what.push('format');
    if (before.disabled !== after.disabled) what.push('disable');
    if (what.length) changed.push({ before, after, what });
  }
  return { from: a.name, to: b.name, added, removed, changed };
}

export function formatCatalogueDiff(d: CatalogueDiff): string {
  const lines = [`--- ${d.from}`, `+++ ${d.to}`];
  for (const e of d.removed) lines.push(`- ${signature(e)} ${JSON.stringify(e.format)}`);
  for (const e of d.added) lines.push(`+ ${signature(e)} ${JSON.stringify(e.format)}`);
  for (const c of d.changed) {
    lines.push(`~ ${c.before.name} (${c.what.join(', ')})`);
    lines.push(`    before: ${signature(c.before)} ${JSON.stringify(c.before.format)}`);
    lines.push(`    after:  ${signature(c.after)} ${JSON.stringify(c.after.format)}`);
  }
  lines.push(`${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`);
  return lines.join('\n') + '\n';
}
