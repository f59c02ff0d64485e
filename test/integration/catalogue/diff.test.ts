// Catalogue diffs between real releases, checked against name sets read straight from the files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffCatalogues, formatCatalogueDiff, loadCatalogueFile } from '../../../src-main/catalogue/index.ts';
import { CATALOGUES } from '../../helpers/paths.ts';

const file = (dir: string) => path.join(CATALOGUES, dir, 'trace-events-all');

/** Event name → its line with whitespace collapsed, read without the catalogue parser. */
function rawEvents(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const name = /^(?:\w+\s+)*?(\w+)\(/.exec(t)?.[1];
    if (name !== undefined && !m.has(name)) m.set(name, t.replace(/\s+/g, ' '));
  }
  return m;
}

/** The declared argument list with spacing normalized (`char*x` → `char *x`). */
function rawArgs(line: string): string {
  const inner = /\(([^)]*)\)/.exec(line)?.[1] ?? '';
  return inner
    .split(',')
    .map((a) => a.replace(/\s*\*\s*/g, ' *').replace(/\s+/g, ' ').trim())
    .join(', ');
}

describe('diffCatalogues', () => {
  const a = loadCatalogueFile(file('qemu-7.2.22-debian'));
  const b = loadCatalogueFile(file('qemu-10.2.50'));
  const d = diffCatalogues(a, b);
  const rawA = rawEvents(readFileSync(file('qemu-7.2.22-debian'), 'utf8'));
  const rawB = rawEvents(readFileSync(file('qemu-10.2.50'), 'utf8'));

  it('7.2.22 → 10.2.50: added and removed are exactly the name-set differences', () => {
    const added = [...rawB.keys()].filter((n) => !rawA.has(n));
    const removed = [...rawA.keys()].filter((n) => !rawB.has(n));
    expect(d.added.map((e) => e.name)).toEqual(added);
    expect(d.removed.map((e) => e.name)).toEqual(removed);
    expect(added).toContain('multifd_send_fill');
    expect(removed).toContain('multifd_send');
    expect(d.from).toBe(a.name);
    expect(d.to).toBe(b.name);
  });

  it('changed events are events whose line changed; an argument change is reported as such', () => {
    const changedNames = new Set(d.changed.map((c) => c.before.name));
    for (const n of changedNames) expect(rawA.get(n), n).not.toBe(rawB.get(n));
    for (const [n, lineA] of rawA) {
      const lineB = rawB.get(n);
      if (lineB === undefined) continue;
      if (rawArgs(lineA) !== rawArgs(lineB)) {
        expect(d.changed.find((c) => c.before.name === n)?.what, n).toContain('arguments');
      }
    }
    const end = d.changed.find((c) => c.before.name === 'multifd_send_thread_end');
    expect(end?.what).toContain('arguments');
    expect(end?.before.args.map((x) => x.name)).toEqual(['id', 'packets', 'normal_pages']);
    expect(end?.after.args.map((x) => x.name)).toEqual(['id', 'packets']);
    // Unchanged events are not listed (savevm_section_start is the same line in both).
    expect(rawA.get('savevm_section_start')).toBe(rawB.get('savevm_section_start'));
    expect(changedNames.has('savevm_section_start')).toBe(false);
  });

  it('formatCatalogueDiff prints one line per difference and a summary', () => {
    const text = formatCatalogueDiff(d);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(`--- ${a.name}`);
    expect(lines[1]).toBe(`+++ ${b.name}`);
    expect(lines).toContain(
      '- multifd_send(uint8_t id, uint64_t packet_num, uint32_t normal, uint32_t flags, uint32_t next_packet_size) ' +
        '"channel %u packet_num %lu normal pages %u flags 0x%x next packet size %u"',
    );
    expect(lines).toContain(
      '+ multifd_send_fill(uint8_t id, uint64_t packet_num, uint32_t flags, uint32_t next_packet_size) ' +
        '"channel %u packet_num %lu flags 0x%x next packet size %u"',
    );
    const end = lines.find((l) => l.startsWith('~ multifd_send_thread_end'));
    expect(end).toBeDefined();
    expect(end).toContain('(uint8_t id, uint64_t packets, uint64_t normal_pages)');
    expect(end).toContain('(uint8_t id, uint64_t packets)');
    expect(end?.indexOf('normal_pages')).toBeLessThan(end?.lastIndexOf('(uint8_t id, uint64_t packets)') as number);
    expect(lines.filter((l) => l.startsWith('- ')).length).toBe(d.removed.length);
    expect(lines.filter((l) => l.startsWith('+ ')).length).toBe(d.added.length);
    expect(lines.filter((l) => l.startsWith('~ ')).length).toBe(d.changed.length);
    expect(lines[lines.length - 1]).toBe(`${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`);
  });

  it('10.2.50 → its build: linux-user removed, QAPI events added, nothing else', () => {
    const info = (JSON.parse(readFileSync(path.join(CATALOGUES, 'catalogues.json'), 'utf8')) as {
      versions: { dir: string; chunks?: { path: string; byte_offset: number; bytes: number }[] }[];
    }).versions.find((v) => v.dir === 'qemu-10.2.50');
    const chunk = info?.chunks?.find((c) => c.path === 'linux-user/trace-events');
    expect(chunk).toBeDefined();
    const bytes = readFileSync(file('qemu-10.2.50'));
    const linuxUser = [...rawEvents(bytes.subarray(chunk!.byte_offset, chunk!.byte_offset + chunk!.bytes).toString('utf8')).keys()];
    const build = loadCatalogueFile(file('qemu-10.2.50-build'));
    const dd = diffCatalogues(b, build);
    expect(dd.removed.map((e) => e.name)).toEqual(linuxUser);
    expect(dd.added.length).toBeGreaterThan(400);
    expect(dd.added.every((e) => /^qmp_(enter|exit)_\w+$/.test(e.name))).toBe(true);
    expect(dd.changed).toEqual([]);
  });

  it('a catalogue against itself has no differences', () => {
    const same = diffCatalogues(a, loadCatalogueFile(file('qemu-7.2.22-debian')));
    expect([same.added.length, same.removed.length, same.changed.length]).toEqual([0, 0, 0]);
    expect(formatCatalogueDiff(same).trimEnd().split('\n').pop()).toBe('0 added, 0 removed, 0 changed');
  });
});
