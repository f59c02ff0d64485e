// Catalogue browser logic on the real Debian 7.2 catalogue, with occurrence counts taken from
// the a-precopy source and destination logs.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueEventEntry } from '../../../../src-main/contract.ts';
import { parseTraceEvents } from '../../../../src-main/catalogue/index.ts';
import { eventRowsQuery, groupCatalogue, nameMatcher, shouldAutoExpand, traceLabel, AUTO_EXPAND_LIMIT } from '../../../../src-renderer/catalogue/catalogue-model.ts';
import { DEBIAN_72 } from '../../../helpers/paths.ts';
import { readLog } from '../../../helpers/sample-log.ts';

let entries: CatalogueEventEntry[] = [];
let counted: Map<string, { src: number; dst: number }>;

beforeAll(() => {
  counted = new Map();
  for (const side of ['src', 'dst'] as const) {
    for (const r of readLog(side)) {
      const c = counted.get(r.name) ?? { src: 0, dst: 0 };
      c[side]++;
      counted.set(r.name, c);
    }
  }
  const parsed = parseTraceEvents(readFileSync(DEBIAN_72, 'utf8'), DEBIAN_72);
  const seen = new Set<string>();
  for (const e of parsed.events) {
    if (seen.has(e.name)) continue;
    seen.add(e.name);
    const c = counted.get(e.name) ?? { src: 0, dst: 0 };
    const dir = e.sourceFile?.split('/').slice(0, -1).join('/') ?? '';
    entries.push({
      name: e.name, subsystem: dir || e.name.split('_')[0]!, sourceFile: e.sourceFile, signature: e.name, format: e.format,
      counts: { '1': c.src, '2': c.dst }, total: c.src + c.dst, hasTable: c.src + c.dst > 0,
    });
  }
});

describe('nameMatcher', () => {
  it('treats a bare word as a case-insensitive substring', () => {
    const names = entries.map((e) => e.name);
    const m = nameMatcher('Set_State');
    expect(names.filter(m)).toEqual(names.filter((n) => n.includes('set_state')));
    expect(names.filter(m)).toContain('migrate_set_state');
  });

  it('treats * and ? as a whole-name glob', () => {
    const names = entries.map((e) => e.name);
    expect(names.filter(nameMatcher('multifd_*'))).toEqual(names.filter((n) => n.startsWith('multifd_')));
    expect(names.filter(nameMatcher('*_set_state'))).toEqual(names.filter((n) => n.endsWith('_set_state')));
    // `?` is exactly one character: migrate_set_state matches with its `_` as `?`.
    expect(nameMatcher('migrate?set?state')('migrate_set_state')).toBe(true);
    expect(nameMatcher('migrate?set?state')('migrate__set_state')).toBe(false);
    // Regex metacharacters in names are literal.
    expect(nameMatcher('a.c*')('abc')).toBe(false);
  });
});

describe('groupCatalogue', () => {
  it('keeps every catalogue event exactly once when unfiltered', () => {
    const groups = groupCatalogue(entries, { pattern: '', onlyOccurred: false });
    const names = groups.flatMap((g) => g.files.flatMap((f) => f.events.map((e) => e.name)));
    expect(names.length).toBe(entries.length);
    expect(new Set(names).size).toBe(entries.length);
    expect(entries.length).toBeGreaterThan(AUTO_EXPAND_LIMIT);
    expect(shouldAutoExpand(groups)).toBe(false);
  });

  it('sorts subsystems and files, and keeps catalogue order inside a file', () => {
    const groups = groupCatalogue(entries, { pattern: '', onlyOccurred: false });
    const subs = groups.map((g) => g.subsystem);
    expect(subs).toEqual([...subs].sort());
    const order = new Map(entries.map((e, i) => [e.name, i]));
    for (const g of groups) {
      const files = g.files.map((f) => f.sourceFile ?? '');
      expect(files).toEqual([...files].sort());
      for (const f of g.files) {
        const idx = f.events.map((e) => order.get(e.name)!);
        expect(idx).toEqual([...idx].sort((a, b) => a - b));
        for (const e of f.events) expect(e.subsystem).toBe(g.subsystem);
      }
    }
  });

  it('"only occurred" keeps exactly the events found in the logs, with their counts summed', () => {
    const groups = groupCatalogue(entries, { pattern: '', onlyOccurred: true });
    const shown = new Set(groups.flatMap((g) => g.files.flatMap((f) => f.events.map((e) => e.name))));
    const catalogueNames = new Set(entries.map((e) => e.name));
    const occurred = [...counted.keys()].filter((n) => catalogueNames.has(n));
    expect([...shown].sort()).toEqual(occurred.sort());
    const logTotal = occurred.reduce((s, n) => s + counted.get(n)!.src + counted.get(n)!.dst, 0);
    expect(groups.reduce((s, g) => s + g.total, 0)).toBe(logTotal);
    const srcTotal = occurred.reduce((s, n) => s + counted.get(n)!.src, 0);
    expect(groups.reduce((s, g) => s + (g.counts['1'] ?? 0), 0)).toBe(srcTotal);
    for (const g of groups) expect(g.occurredCount).toBe(g.eventCount);
  });

  it('a search for one event leaves one small group that opens by itself', () => {
    const groups = groupCatalogue(entries, { pattern: 'migrate_set_state', onlyOccurred: false });
    const names = groups.flatMap((g) => g.files.flatMap((f) => f.events.map((e) => e.name)));
    expect(names).toContain('migrate_set_state');
    expect(names.every((n) => n.includes('migrate_set_state'))).toBe(true);
    expect(shouldAutoExpand(groups)).toBe(true);
    const mss = groups.flatMap((g) => g.files.flatMap((f) => f.events)).find((e) => e.name === 'migrate_set_state')!;
    expect(mss.total).toBe(counted.get('migrate_set_state')!.src + counted.get('migrate_set_state')!.dst);
    expect(mss.total).toBeGreaterThan(0);
  });
});

describe('what a click opens', () => {
  it('selects the event rows in time order, quoting only names that need it', () => {
    expect(eventRowsQuery('migrate_set_state')).toBe('SELECT * FROM migrate_set_state ORDER BY ts_ns LIMIT 1000');
    expect(eventRowsQuery('select')).toBe('SELECT * FROM "select" ORDER BY ts_ns LIMIT 1000');
    expect(eventRowsQuery('odd"name')).toBe('SELECT * FROM "odd""name" ORDER BY ts_ns LIMIT 1000');
  });

  it('labels count columns by side, adding the id only when sides repeat', () => {
    expect(traceLabel('1', new Map([[1, 'src'], [2, 'dst']]))).toBe('src');
    expect(traceLabel('2', new Map([[1, 'src'], [2, 'src']]))).toBe('src#2');
    expect(traceLabel('3', new Map([[3, null]]))).toBe('#3');
  });
});
