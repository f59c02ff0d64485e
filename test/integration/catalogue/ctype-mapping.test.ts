// C type → ArgSpec, checked against the type table of docs/qemu-trace-formats.md §1.4 (read from the
// document itself) and against every argument type that occurs in the real catalogues.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { argSpecFor, isStringType, loadCatalogueFile, normalizeCType, parseTraceEvents } from '../../../src-main/catalogue/index.ts';
import type { ArgSpec } from '../../../src-main/catalogue/index.ts';
import { CATALOGUES, REPO } from '../../helpers/paths.ts';

/** `C type → DuckDB type` rows of the §1.4 table (a row may list several pointer types). */
function docTable(): Map<string, string> {
  const doc = readFileSync(path.join(REPO, 'docs/qemu-trace-formats.md'), 'utf8');
  const start = doc.indexOf('| C type (normalized)');
  expect(start).toBeGreaterThan(0);
  const rows = doc.slice(start).split('\n\n')[0].split('\n').slice(2);
  const out = new Map<string, string>();
  for (const row of rows) {
    const cols = row.split('|');
    const duck = /`([A-Z]+)`/.exec(cols[5])?.[1] as string;
    for (const m of cols[1].matchAll(/`([^`]+)`/g)) out.set(m[1], duck);
  }
  return out;
}

function spec(ctype: string, name = 'x'): ArgSpec {
  const s = argSpecFor(ctype, name);
  if (typeof s === 'string') throw new Error(s);
  return s;
}

describe('argSpecFor', () => {
  const table = docTable();

  it('maps every type of the §1.4 table to its DuckDB type', () => {
    expect(table.size).toBeGreaterThan(40);
    for (const [ctype, duck] of table) expect(spec(ctype).duckType, ctype).toBe(duck);
  });

  it('gives kind, signedness and width by C rules (LP64)', () => {
    const facts: [string, ArgSpec['kind'], boolean, number][] = [
      ['uint32_t', 'integer', false, 32],
      ['int', 'integer', true, 32],
      ['const int', 'integer', true, 32],
      ['signed', 'integer', true, 32],
      ['long', 'integer', true, 64],
      ['long int', 'integer', true, 64],
      ['unsigned long long', 'integer', false, 64],
      ['long unsigned int', 'integer', false, 64],
      ['short', 'integer', true, 16],
      ['unsigned short', 'integer', false, 16],
      ['int8_t', 'integer', true, 8],
      ['signed char', 'integer', true, 8],
      ['unsigned char', 'integer', false, 8],
      ['ssize_t', 'integer', true, 64],
      ['ptrdiff_t', 'integer', true, 64],
      ['TCGv', 'integer', false, 64],
      ['bool', 'bool', false, 8],
      ['const char *', 'string', false, 64],
      ['char *', 'string', false, 64],
      ['char **', 'pointer', false, 64],
      ['uint8_t *', 'pointer', false, 64],
      ['const void *', 'pointer', false, 64],
    ];
    for (const [ctype, kind, signed, bits] of facts) {
      expect(spec(ctype), ctype).toMatchObject({ ctype, kind, signed, bits });
    }
  });

  it('normalizes spacing and keeps the argument name as written', () => {
    expect(normalizeCType('const  char*')).toBe('const char *');
    expect(normalizeCType('char * *')).toBe('char **');
    expect(normalizeCType(' void*')).toBe('void *');
    expect(spec('const char*', 'offset')).toMatchObject({ ctype: 'const char *', name: 'offset', kind: 'string' });
  });

  it('applies simpletrace is_string: char or const char with exactly one *', () => {
    expect(isStringType('const char *')).toBe(true);
    expect(isStringType('char *')).toBe(true);
    expect(isStringType('char **')).toBe(false);
    expect(isStringType('const uint8_t *')).toBe(false);
    expect(isStringType('const char')).toBe(false);
  });

  it('rejects types tracetool rejects', () => {
    for (const bad of ['hwaddr', 'target_ulong', 'float', 'double', 'struct foo *', 'void', 'long short', 'unsigned signed int']) {
      expect(typeof argSpecFor(bad, 'x'), bad).toBe('string');
    }
    const r = parseTraceEvents('a(hwaddr addr) "%lx"\nb(double d) "%f"\nc(int ok) "%d"\n', 'types');
    expect(r.events.map((e) => e.name)).toEqual(['c']);
    expect(r.errors.map((e) => [e.line, /hwaddr|double/.test(e.reason)])).toEqual([
      [1, true],
      [2, true],
    ]);
  });

  it('every argument type in the real catalogues maps, and the table covers all of them', () => {
    const files = readdirSync(CATALOGUES)
      .map((d) => path.join(CATALOGUES, d, 'trace-events-all'))
      .filter((f) => existsSync(f));
    const seen = new Set<string>();
    for (const f of files) {
      const cat = loadCatalogueFile(f);
      expect(cat.errors).toEqual([]);
      for (const e of cat.events) for (const a of e.args) seen.add(a.ctype);
    }
    // The doc's table lists every normalized type (TCGv only before the `_exec` transform).
    const unlisted = [...seen].filter((t) => !table.has(t));
    expect(unlisted).toEqual([]);
    expect(seen.size).toBeGreaterThanOrEqual(41);
  });
});
