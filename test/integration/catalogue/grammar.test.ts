// The trace-events grammar against every real catalogue (counts from tracetool itself, recorded
// in catalogues.json), the legacy vcpu/tcg transforms, and the ways a line can be malformed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compileFormat,
  expandPriMacro,
  loadCatalogueFile,
  loadCatalogueFromTree,
  parseTraceEvents,
} from '../../../src-main/catalogue/index.ts';
import type { EventSpec } from '../../../src-main/catalogue/index.ts';
import { CATALOGUES, SHARED, scratch } from '../../helpers/paths.ts';

interface VersionInfo {
  readonly dir: string;
  readonly sha256: string;
  readonly events_after_tracetool?: number;
  readonly disable_events?: number;
  readonly vcpu_events?: number;
  readonly linux_user_events?: number;
  readonly chunks?: readonly { path: string; byte_offset: number; bytes: number }[];
}

const manifest = JSON.parse(readFileSync(path.join(CATALOGUES, 'catalogues.json'), 'utf8')) as { versions: VersionInfo[] };
const SEED = path.join(SHARED, 'seed/migration.trace-events');

function catFile(dir: string): string {
  return path.join(CATALOGUES, dir, 'trace-events-all');
}

/**
 * tracetool's count computed without our parser: every non-blank, non-comment line is one
 * event, and a line whose leading words include `tcg` is two.
 */
function independentCount(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    n += /^(?:\w+\s+)*tcg\s+\w+\(/.test(t) ? 2 : 1;
  }
  return n;
}

const DIRS = [...manifest.versions.map((v) => v.dir), 'qemu-10.2.50-build'];

describe('real catalogues', () => {
  for (const dir of DIRS) {
    it(`${dir} parses with no errors and tracetool's event count`, () => {
      const text = readFileSync(catFile(dir), 'utf8');
      const cat = loadCatalogueFile(catFile(dir));
      expect(cat.errors).toEqual([]);
      const info = manifest.versions.find((v) => v.dir === dir);
      if (info?.events_after_tracetool !== undefined) expect(cat.events.length).toBe(info.events_after_tracetool);
      expect(cat.events.length).toBe(independentCount(text));
      if (info !== undefined) {
        expect(cat.sha256).toBe(info.sha256);
        if (info.disable_events !== undefined) expect(cat.events.filter((e) => e.disabled).length).toBe(info.disable_events);
        if (info.vcpu_events !== undefined) {
          expect(cat.events.filter((e) => e.properties.includes('vcpu')).length).toBe(info.vcpu_events);
        }
      }
      // Positions are the tracetool order: consecutive, disabled events included.
      cat.events.forEach((e, i) => expect(e.position).toBe(i));
      // Every event is findable by name (no duplicates in these catalogues).
      expect(new Set(cat.events.map((e) => e.name)).size).toBe(cat.events.length);
      for (const e of cat.events) expect(cat.get(e.name)).toBe(e);
    });
  }

  it('the seed migration catalogue parses with no errors, one event per line', () => {
    const text = readFileSync(SEED, 'utf8');
    const cat = loadCatalogueFile(SEED);
    expect(cat.errors).toEqual([]);
    expect(cat.events.length).toBe(independentCount(text));
    expect(cat.events.length).toBeGreaterThan(300);
  });

  it('the 10.2.50 build catalogue is the source catalogue minus linux-user plus the QAPI events', () => {
    const info = manifest.versions.find((v) => v.dir === 'qemu-10.2.50') as VersionInfo;
    const build = readFileSync(catFile('qemu-10.2.50-build'), 'utf8');
    const qapi = build.split('\n').filter((l) => /^qmp_(enter|exit)_\w+\(/.test(l)).length;
    expect(qapi).toBeGreaterThan(400);
    const cat = loadCatalogueFile(catFile('qemu-10.2.50-build'));
    expect(cat.events.length).toBe((info.events_after_tracetool as number) - (info.linux_user_events as number) + qapi);
  });

  it('vcpu events of 7.2.22 get `void *__cpu` first and a `cpu=%p ` prefix', () => {
    const text = readFileSync(catFile('qemu-7.2.22-debian'), 'utf8');
    const cat = loadCatalogueFile(catFile('qemu-7.2.22-debian'));
    const vcpuLines = text.split('\n').filter((l) => /^vcpu\s/.test(l));
    expect(vcpuLines.length).toBe(5);
    for (const line of vcpuLines) {
      const name = /^vcpu\s+(\w+)\(/.exec(line)?.[1] as string;
      const e = cat.get(name) as EventSpec;
      expect(e.properties).toEqual(['vcpu']);
      expect(e.args[0]).toMatchObject({ name: '__cpu', ctype: 'void *', kind: 'pointer' });
      expect(e.format.startsWith('cpu=%p ')).toBe(true);
      // The declared arguments follow, in order.
      const declared = /\(([^)]*)\)/.exec(line)?.[1] as string;
      const names = declared === 'void' ? [] : declared.split(',').map((a) => /(\w+)\s*$/.exec(a)?.[1]);
      expect(e.args.slice(1).map((a) => a.name)).toEqual(names);
    }
    const ret = cat.get('guest_user_syscall_ret') as EventSpec;
    expect(ret.args.map((a) => a.ctype)).toEqual(['void *', 'uint64_t', 'uint64_t']);
    expect(ret.format).toBe('cpu=%p num=0x%016lx ret=0x%016lx');
    expect(compileFormat(ret).decode('cpu=0x55d0c0ffee00 num=0x000000000000003c ret=0xfffffffffffffff2')).toEqual([
      0x55d0c0ffee00n,
      60n,
      0xfffffffffffffff2n,
    ]);
  });

  for (const [dir, lines] of [
    ['qemu-5.2.0', 1],
    ['qemu-6.2.0', 3],
  ] as const) {
    it(`tcg lines of ${dir} become consecutive _trans and _exec events`, () => {
      const text = readFileSync(catFile(dir), 'utf8');
      const cat = loadCatalogueFile(catFile(dir));
      const tcg = text.split('\n').filter((l) => /^(?:\w+\s+)*tcg\s/.test(l));
      expect(tcg.length).toBe(lines);
      for (const line of tcg) {
        const name = /(\w+)\(/.exec(line)?.[1] as string;
        // The two formats are the C literals on either side of the top-level `", "`.
        const [f1, f2] = line
          .slice(line.indexOf(')') + 1)
          .split('", "')
          .map((f) => f.replace(/"\s*PRIx64\s*"?/g, 'lx').replace(/"/g, '').trim());
        const trans = cat.get(`${name}_trans`) as EventSpec;
        const exec = cat.get(`${name}_exec`) as EventSpec;
        expect(cat.get(name)).toBeUndefined();
        expect(exec.position).toBe(trans.position + 1);
        expect(cat.events[trans.position]).toBe(trans);
        // _trans: no TCGv arguments, first format; _exec: TCGv → uint64_t, second format.
        expect(trans.args.some((a) => a.ctype === 'TCGv')).toBe(false);
        expect(exec.args.some((a) => a.ctype === 'TCGv')).toBe(false);
        expect(exec.args.length).toBe(trans.args.length + 1);
        expect(exec.args.find((a) => a.name === 'vaddr')).toMatchObject({ ctype: 'uint64_t', bits: 64, signed: false });
        expect(trans.format).toBe(`cpu=%p ${f1}`);
        expect(exec.format).toBe(`cpu=%p ${f2}`);
      }
    });
  }

  it('disabled events keep their position and flag', () => {
    const text = readFileSync(catFile('qemu-10.2.50'), 'utf8');
    const cat = loadCatalogueFile(catFile('qemu-10.2.50'));
    const line = text.split('\n').findIndex((l) => l.startsWith('disable qxl_io_write_vga('));
    const e = cat.get('qxl_io_write_vga') as EventSpec;
    expect(e.disabled).toBe(true);
    expect(e.line).toBe(line + 1);
    expect(e.args.map((a) => a.name)).toEqual(['qid', 'mode', 'addr', 'val']);
    // Its position counts the events on the lines above it, disabled or not.
    expect(e.position).toBe(independentCount(text.split('\n').slice(0, line).join('\n')));
  });

  it('# file.c comments become the sourceFile hint of the events below them', () => {
    const text = readFileSync(catFile('qemu-10.2.50'), 'utf8').split('\n');
    const cat = loadCatalogueFile(catFile('qemu-10.2.50'));
    const i = text.findIndex((l) => l.startsWith('savevm_section_start('));
    const hint = text.slice(0, i).reverse().find((l) => /^#\s*\S+\.c\b/.test(l)) as string;
    expect(hint).toBe('# savevm.c');
    expect(cat.get('savevm_section_start')?.sourceFile).toBe('savevm.c');
    // A `# See docs/...` comment is not a hint.
    expect(cat.events.some((e) => e.sourceFile?.startsWith('See'))).toBe(false);
  });
});

describe('format literals and macros', () => {
  const one = (line: string) => {
    const r = parseTraceEvents(`${line}\n`, 'mem.trace-events');
    expect(r.errors).toEqual([]);
    return r.events[0];
  };

  it('un-escapes C string literals', () => {
    expect(one('e(void) "q\\"uote\\ttab\\nnl \\x41\\101 \\\\"').format).toBe('q"uote\ttab\nnl AA \\');
    expect(one('e(void) "\\0010"').format).toBe('\x010');
  });

  it('expands PRI macros to glibc x86_64 length modifiers', () => {
    expect(expandPriMacro('PRIx64')).toBe('lx');
    expect(expandPriMacro('PRIu8')).toBe('u');
    expect(expandPriMacro('PRIx16')).toBe('x');
    expect(expandPriMacro('PRIxFAST16')).toBe('lx');
    expect(expandPriMacro('PRIxPTR')).toBe('lx');
    expect(expandPriMacro('PRId32')).toBe('d');
    expect(expandPriMacro('PRIX16')).toBe('X');
    expect(expandPriMacro('PRIz64')).toBeNull();
    const e = one('e(uint64_t a, uint8_t b) "a=0x%" PRIx64 " b=%"PRIu8');
    expect(e.format).toBe('a=0x%lx b=%u');
    expect(e.rawFormat).toBe('"a=0x%" PRIx64 " b=%"PRIu8');
  });

  it('keeps formats byte-exact: leading and trailing spaces, empty and missing formats', () => {
    expect(one('e(int a) " lead %d trail "').format).toBe(' lead %d trail ');
    expect(one('e(void) ""').format).toBe('');
    expect(one('e(void)').format).toBe('');
  });
});

describe('malformed lines', () => {
  const cases: [string, RegExp][] = [
    ['bogus good_name(int x) "%d"', /propert/i],
    ['unknown_type(hwaddr addr) "0x%lx"', /hwaddr/],
    ['empty_args() ""', /empty|void/i],
    ['missing_name(int) "%d"', /name/i],
    ['with_m(int x) "%m %d"', /%m/],
    ['unterminated(int x) "value %d', /unterminated/i],
    ['junk_in_format(int x) "%d" 42', /unexpected|format/i],
    ['unknown_macro(int x) "%" PRIq64', /PRIq64|macro/],
    [
      `too_many(${Array.from({ length: 11 }, (_, i) => `int a${i}`).join(', ')}) "${'%d '.repeat(11)}"`,
      /10|too many|more than/i,
    ],
  ];

  it('each bad line is one error naming file and line; the good lines around it still load', () => {
    const lines: string[] = ['# test catalogue', 'first_ok(int a) "a=%d"'];
    for (const [bad] of cases) {
      lines.push(bad);
      lines.push(`ok_after_${lines.length}(int a) "a=%d"`);
    }
    const r = parseTraceEvents(lines.join('\n') + '\n', 'bad.trace-events');
    expect(r.errors.length).toBe(cases.length);
    cases.forEach(([bad, reason], i) => {
      const err = r.errors[i];
      expect(err.file).toBe('bad.trace-events');
      expect(err.line).toBe(lines.indexOf(bad) + 1);
      expect(err.reason).toMatch(reason);
      expect(err.reason).not.toContain('\n');
    });
    const good = lines.filter((l) => /^(first_ok|ok_after_)/.test(l)).map((l) => /^(\w+)\(/.exec(l)?.[1]);
    expect(r.events.map((e) => e.name)).toEqual(good);
    r.events.forEach((e) => expect(lines[e.line - 1].startsWith(`${e.name}(`)).toBe(true));
    // Each bad line still takes its place in the positional numbering (a QEMU built from it had
    // an event there), so events and holes together number 0, 1, 2, ... in line order.
    const slots = [...r.events.map((e) => [e.position, e.line]), ...r.holes.map((h) => [h.position, h.line])].sort((a, b) => a[0] - b[0]);
    expect(slots.map(([p]) => p)).toEqual(slots.map((_, i) => i));
    expect(slots.map(([, line]) => line)).toEqual([...slots.map(([, line]) => line)].sort((a, b) => a - b));
    expect(new Set(r.holes.map((h) => h.line))).toEqual(new Set(r.errors.map((e) => e.line)));
  });

  it('reports a missing final newline but keeps the last event', () => {
    const r = parseTraceEvents('a(int x) "%d"\nb(int y) "%d"', 'nonl');
    expect(r.events.map((e) => e.name)).toEqual(['a', 'b']);
    expect(r.errors).toEqual([{ file: 'nonl', line: 2, reason: expect.stringMatching(/newline/) }]);
  });
});

describe('source trees', () => {
  const { dir, cleanup } = scratch('qtw-cat-tree-');
  afterAll(cleanup);

  const write = (rel: string, text: string) => {
    const f = path.join(dir, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, text);
  };
  write('trace-events', '# See docs/devel/tracing.rst for syntax documentation.\n\n# vl.c\nroot_event(int a) "a=%d"\n');
  write(
    'meson.build',
    "project('x')\ntrace_events_subdirs = [\n  'migration',\n  'hw/net',\n]\nif have_block\n  trace_events_subdirs += ['block']\nendif\n",
  );
  write('migration/trace-events', '# savevm.c\nsavevm_thing(const char *id) "%s"\n\n# ram.c\nram_thing(uint64_t x) "0x%" PRIx64\n');
  write('hw/net/trace-events', '# e1000.c\ne1000_thing(void) ""\n# ../../block.c\nbad_line(hwaddr a) "%lx"\nafter_bad(int b) "%d"\n');
  write('block/trace-events', 'block_thing(int x) "%d"\n');
  // Not in meson's list: a build does not include it.
  write('unlisted/trace-events', 'unlisted_thing(int x) "%d"\n');

  it('loads ./trace-events then the meson subdirectories in order, hints prefixed by the subdirectory', () => {
    const cat = loadCatalogueFromTree(dir);
    expect(cat.events.map((e) => e.name)).toEqual(['root_event', 'savevm_thing', 'ram_thing', 'e1000_thing', 'after_bad', 'block_thing']);
    // bad_line keeps position 4 for simpletrace streams that number events by position.
    expect(cat.events.map((e) => e.position)).toEqual([0, 1, 2, 3, 5, 6]);
    expect(cat.holes.map((h) => [h.position, h.name, h.line])).toEqual([[4, 'bad_line', 4]]);
    expect(cat.events.map((e) => e.sourceFile)).toEqual(['vl.c', 'migration/savevm.c', 'migration/ram.c', 'hw/net/e1000.c', 'block.c', null]);
    expect(cat.errors.length).toBe(1);
    expect(cat.errors[0].reason).toMatch(/hwaddr/);
    // The error names the file the line is in, and its line there.
    expect(path.resolve(cat.errors[0].file)).toBe(path.join(dir, 'hw/net/trace-events'));
    expect(cat.errors[0].line).toBe(4);
  });
});

describe('QAPI qmp_enter_/qmp_exit_ events', () => {
  it('are synthesized by get() when the catalogue has none', () => {
    const cat = loadCatalogueFile(catFile('qemu-10.2.50'));
    expect(cat.events.some((e) => /^qmp_(enter|exit)_/.test(e.name))).toBe(false);
    const enter = cat.get('qmp_enter_migrate') as EventSpec;
    expect(enter.synthesized).toBe(true);
    expect(enter.args.map((a) => [a.ctype, a.kind])).toEqual([['const char *', 'string']]);
    expect(compileFormat(enter).decode('{"uri": "tcp:127.0.0.1:4444"}')).toEqual(['{"uri": "tcp:127.0.0.1:4444"}']);
    const exit = cat.get('qmp_exit_migrate') as EventSpec;
    expect(exit.args.map((a) => a.kind)).toEqual(['string', 'bool']);
    expect(compileFormat(exit).decode('{} 1')).toEqual(['{}', true]);
    expect(cat.get('qmp_enter_')).toBeUndefined();
    expect(cat.get('qmp_bogus_migrate')).toBeUndefined();
    expect(cat.get('no_such_event')).toBeUndefined();
  });

  it('come from the catalogue when it has them (Debian 7.2.22 ships the QAPI chunks)', () => {
    const text = readFileSync(catFile('qemu-7.2.22-debian'), 'utf8').split('\n');
    const cat = loadCatalogueFile(catFile('qemu-7.2.22-debian'));
    const e = cat.get('qmp_exit_migrate') as EventSpec;
    expect(e.synthesized).toBeFalsy();
    expect(text[e.line - 1].startsWith('qmp_exit_migrate(const char *result, bool succeeded)')).toBe(true);
    expect(e.position).toBeGreaterThan(4600);
  });
});
