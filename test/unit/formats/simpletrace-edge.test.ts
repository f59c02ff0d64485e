// Edge cases of docs/qemu-trace-formats.md §6 (simpletrace items 2–14, 17, 18) on streams written by
// the test writer from the documented layouts.
import { describe, it, expect } from 'vitest';
import { buildCatalogue } from '../../../src-main/catalogue/index.ts';
import type { ArgSpec, ArgValue, Catalogue, EventSpec } from '../../../src-main/catalogue/types.ts';
import { sniffSimpletrace } from '../../../src-main/formats/simpletrace.ts';
import { decode } from '../../helpers/simpletrace-collect.ts';
import { encodeArgs, SimpletraceWriter } from '../../helpers/simpletrace-writer.ts';

const CATALOGUE = `# test catalogue
# savevm.c
savevm_section_start(const char *id, unsigned int section_id) "%s, section_id %u"
migration_bitmap_sync_start(void) ""
disable hidden_event(int x) "x %d"
ints_signed(int8_t a, int16_t b, int c, int32_t d, int64_t e, long f, ssize_t g) "%d %d %d %d %" PRId64 " %ld %zd"
ints_unsigned(uint8_t a, uint16_t b, uint32_t c, unsigned d, uint64_t e, size_t f, unsigned long g) "%u %u %u %u %" PRIu64 " %zu %lu"
misc(bool b, char c, void *p, const char *s, char *t) "%d %c %p %s %s"
`;

const cat: Catalogue = buildCatalogue({ name: 'edge', source: 'edge', text: CATALOGUE, file: 'edge.trace-events' });

function spec(name: string): EventSpec {
  const e = cat.get(name);
  if (!e) throw new Error(`catalogue lacks ${name}`);
  return e;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function u64s(le: boolean, ...vals: bigint[]): Uint8Array {
  const b = new Uint8Array(8 * vals.length);
  const dv = new DataView(b.buffer);
  vals.forEach((v, i) => dv.setBigUint64(8 * i, BigInt.asUintN(64, v), le));
  return b;
}

describe('catalogue used by these tests', () => {
  it('has the events in file order, with the disabled one', () => {
    expect(cat.events.map((e) => e.name)).toEqual(['savevm_section_start', 'migration_bitmap_sync_start', 'hidden_event', 'ints_signed', 'ints_unsigned', 'misc']);
    expect(spec('hidden_event').disabled).toBe(true);
  });
});

describe('typed values', () => {
  for (const le of [true, false]) {
    it(`every integer width at its limits, bool, char, pointer, strings (${le ? 'LE' : 'BE'})`, () => {
      const w = new SimpletraceWriter({ littleEndian: le, version: 4 });
      w.mapping(10, 'ints_signed').mapping(11, 'ints_unsigned').mapping(12, 'misc');
      const rows: Array<[number, EventSpec, ArgValue[]]> = [
        [10, spec('ints_signed'), [-128, -32768, -2147483648, -1, -(2n ** 63n), -1n, -5n]],
        [10, spec('ints_signed'), [127, 32767, 2147483647, 0, 2n ** 63n - 1n, 0n, 7n]],
        [11, spec('ints_unsigned'), [255, 65535, 4294967295, 0, 2n ** 64n - 1n, 2n ** 53n + 1n, 0n]],
        [12, spec('misc'), [true, 0x80, 0xdeadbeefcafef00dn, 'caf\u00e9 \u2603', '']],
        [12, spec('misc'), [false, 65, 0n, 'x'.repeat(512), 'nul\u0000inside']],
      ];
      for (const [id, e, v] of rows) w.event(id, 1000n, 77, e.args, v);
      const d = decode(w.bytes(), cat, 5);
      expect(d.summary).toMatchObject({ version: 4, littleEndian: le, error: null, mappings: 3, records: 5 });
      expect(d.unparsed).toEqual([]);
      expect(d.events.map((r) => r.args)).toEqual(rows.map((r) => r[2]));
    });
  }

  it('values that do not fit the declared type are signature mismatches with the raw payload kept', () => {
    const le = true;
    const good = (vals: bigint[]) => u64s(le, ...vals);
    const cases: Array<[string, Uint8Array]> = [
      // int8_t 0x80 not sign-extended
      ['ints_signed', good([0x80n, 0n, 0n, 0n, 0n, 0n, 0n])],
      // int (32-bit) zero-extended negative: 0x00000000ffffffff
      ['ints_signed', good([0n, 0n, 0xffffffffn, 0n, 0n, 0n, 0n])],
      // uint32_t above 2^32
      ['ints_unsigned', good([0n, 0n, 0x100000000n, 0n, 0n, 0n, 0n])],
      // uint16_t 0x10000
      ['ints_unsigned', good([0n, 0x10000n, 0n, 0n, 0n, 0n, 0n])],
      // payload one u64 short
      ['ints_unsigned', good([0n, 0n, 0n, 0n, 0n, 0n])],
      // payload one byte long
      ['ints_unsigned', new Uint8Array([...good([0n, 0n, 0n, 0n, 0n, 0n, 0n]), 0])],
    ];
    const w = new SimpletraceWriter({ littleEndian: le, version: 4 });
    w.mapping(1, 'ints_signed').mapping(2, 'ints_unsigned').mapping(3, 'misc');
    for (const [name, payload] of cases) w.rawEvent(name === 'ints_signed' ? 1 : 2, 5n, 1, payload);
    // bool 2, char 0x180, string longer than the payload
    const misc = spec('misc');
    const boolBad = encodeArgs(misc.args, [true, 65, 0n, 'a', 'b'], le);
    boolBad[0] = 2;
    const charBad = encodeArgs(misc.args, [true, 65, 0n, 'a', 'b'], le);
    charBad[9] = 1;
    const strBad = encodeArgs(misc.args, [true, 65, 0n, 'a', 'b'], le);
    strBad[24] = 200;
    for (const p of [boolBad, charBad, strBad]) w.rawEvent(3, 6n, 1, p);
    const d = decode(w.bytes(), cat);
    const payloads = [...cases.map((c) => c[1]), boolBad, charBad, strBad];
    expect(d.events).toEqual([]);
    expect(d.unparsed.map((u) => u.name)).toEqual([...cases.map((c) => c[0]), 'misc', 'misc', 'misc']);
    expect(d.unparsed.map((u) => u.raw)).toEqual(payloads.map(hex));
    for (const u of d.unparsed) expect(u.reason).toMatch(/^signature mismatch/);
    expect(d.summary.error).toBeNull();
  });

  it('a sign-extended or zero-extended plain char both give the byte', () => {
    const misc = spec('misc');
    const w = new SimpletraceWriter({ littleEndian: true, version: 4 }).mapping(0, 'misc');
    const p = encodeArgs(misc.args, [false, 0, 0n, '', ''], true);
    new DataView(p.buffer).setBigUint64(8, 0xffffffffffffffe9n, true);
    w.rawEvent(0, 1n, 1, p);
    new DataView(p.buffer).setBigUint64(8, 0xe9n, true);
    w.rawEvent(0, 1n, 1, p);
    expect(decode(w.bytes(), cat).events.map((e) => e.args[1])).toEqual([0xe9, 0xe9]);
  });

  it('non-UTF-8 string bytes decode lossily', () => {
    const e = spec('savevm_section_start');
    const payload = new Uint8Array([4, 0, 0, 0, 0x72, 0xff, 0xfe, 0x6d, ...u64s(true, 3n)]);
    const w = new SimpletraceWriter({ littleEndian: true, version: 4 }).mapping(0, e.name).rawEvent(0, 1n, 1, payload);
    expect(decode(w.bytes(), cat).events[0].args).toEqual(['r\ufffd\ufffdm', 3]);
  });
});

describe('ids and names', () => {
  it('unknown id, name missing from the catalogue, later mapping wins, zero-arg events', () => {
    const sss = spec('savevm_section_start');
    const w = new SimpletraceWriter({ littleEndian: true, version: 4 });
    w.mapping(5, 'savevm_section_start');
    w.event(5, 100n, 9, sss.args, ['ram', 1]); // seq 0
    w.rawEvent(6, 200n, 9, u64s(true, 42n)); // seq 1: no mapping for 6
    w.mapping(6, 'not_in_catalogue');
    w.rawEvent(6, 300n, 9, u64s(true, 43n)); // seq 2: mapped, unknown to the catalogue
    w.mapping(5, 'migration_bitmap_sync_start');
    w.event(5, 400n, 9, [], []); // seq 3: remapped, zero args
    w.rawEvent(2n ** 40n, 500n, 9, new Uint8Array(0)); // seq 4: huge unknown id
    w.dropped(600n, 9, 12n); // seq 5
    const d = decode(w.bytes(), cat, 3);
    expect(d.summary).toMatchObject({ mappings: 3, records: 6, error: null });
    expect(d.records.map((r) => [r.kind, r.r.seq])).toEqual([
      ['event', 0],
      ['unparsed', 1],
      ['unparsed', 2],
      ['event', 3],
      ['unparsed', 4],
      ['dropped', 5],
    ]);
    const [u1, u2, u4] = d.unparsed;
    expect([u1.name, u1.raw, u1.tsNs, u1.pid]).toEqual([null, hex(u64s(true, 42n)), 200n, 9]);
    expect(u1.reason).toMatch(/unknown event id 6/);
    expect([u2.name, u2.raw]).toEqual(['not_in_catalogue', hex(u64s(true, 43n))]);
    expect(u2.reason).toMatch(/not_in_catalogue.*not in catalogue/);
    expect([u4.name, u4.raw]).toEqual([null, '']);
    expect(u4.reason).toMatch(/0x10000000000/);
    expect(d.events[1].event.name).toBe('migration_bitmap_sync_start');
    expect(d.events[1].args).toEqual([]);
    expect(d.dropped[0].count).toBe(12n);
  });

  it('ids past 2^53 stay distinct (mapped ids are u64)', () => {
    const w = new SimpletraceWriter({ littleEndian: true, version: 4 });
    const big = 2n ** 60n;
    w.mapping(big, 'savevm_section_start').mapping(big + 1n, 'migration_bitmap_sync_start');
    w.event(big, 1n, 3, spec('savevm_section_start').args, ['ram', 2]);
    w.event(big + 1n, 2n, 3, [], []);
    w.event(big + 2n, 3n, 3, [], []);
    const d = decode(w.bytes(), cat);
    expect(d.events.map((e) => [e.event.name, e.args])).toEqual([
      ['savevm_section_start', ['ram', 2]],
      ['migration_bitmap_sync_start', []],
    ]);
    expect(d.unparsed.map((u) => u.reason)).toEqual(['unknown event id 0x1000000000000002: no mapping record names it']);
  });

  it('a dropped record with a payload other than one u64 is kept as unparsed', () => {
    const w = new SimpletraceWriter({ littleEndian: true, version: 4 });
    w.rawEvent(0xfffffffffffffffen, 1n, 2, new Uint8Array(4));
    const d = decode(w.bytes(), cat);
    expect(d.unparsed).toHaveLength(1);
    expect(d.unparsed[0].raw).toBe('00000000');
  });
});

describe('legacy and headerless layouts (positional ids)', () => {
  const sss = spec('savevm_section_start');
  const misc = spec('misc');

  for (const le of [true, false]) {
    it(`headerless v4 (${le ? 'LE' : 'BE'}): ids are positions counting disabled events`, () => {
      const w = new SimpletraceWriter({ littleEndian: le, version: 4, headerless: true });
      w.event(0, 1n, 3, sss.args, ['a', 1]);
      w.event(5, 2n, 3, misc.args, [true, 66, 1n, 's', 't']);
      w.event(2, 3n, 3, spec('hidden_event').args, [-4]);
      const d = decode(w.bytes(), cat, 7);
      expect(d.summary).toMatchObject({ version: 4, littleEndian: le, headerless: true, error: null, records: 3 });
      expect(d.events.map((e) => [e.event.name, e.args])).toEqual([
        ['savevm_section_start', ['a', 1]],
        ['misc', [true, 66, 1n, 's', 't']],
        ['hidden_event', [-4]],
      ]);
      expect(sniffSimpletrace(w.bytes())).toEqual({ version: 4, littleEndian: le, headerless: true });
    });
  }

  it('v3: positions count disabled events; pid kept even when 0', () => {
    const w = new SimpletraceWriter({ littleEndian: true, version: 3 });
    w.event(3, 10n, 0, spec('ints_signed').args, [1, 2, 3, 4, 5n, 6n, 7n]);
    w.dropped(11n, 0, 2n);
    w.event(99, 12n, 1, [], []);
    const d = decode(w.bytes(), cat, 1);
    expect(d.summary).toMatchObject({ version: 3, headerless: false, error: null, records: 3 });
    expect(d.events[0].event.name).toBe('ints_signed');
    expect(d.events[0].pid).toBe(0);
    expect(d.dropped[0]).toMatchObject({ count: 2n, pid: 0, offset: 24 + 24 + 7 * 8 });
    expect(d.unparsed[0].reason).toMatch(/beyond the 6 positional events/);
  });

  describe('a catalogue line this parser rejects keeps its position (pre-2.12 typedef arguments)', () => {
    const legacy = buildCatalogue({
      name: 'legacy',
      source: 'legacy',
      file: 'legacy.trace-events',
      text: [
        'savevm_section_start(const char *id, unsigned int section_id) "%s, section_id %u"',
        'memory_region_ops_read(void *mr, hwaddr addr, uint64_t value, unsigned size) "mr %p addr %#"PRIx64" value %#"PRIx64" size %u"',
        'disable tcg guest_mem(TCGv vaddr, my_info_t info) "addr 0x%" PRIx64 " info %x", "vaddr 0x%016" PRIx64 " info %x"',
        'qemu_vfree(void *ptr) "ptr %p"',
        'disable hidden2(int x) "%d"',
        'after_typedef(int x) "%d"',
        '',
      ].join('\n'),
    });
    const vfree = legacy.get('qemu_vfree') as EventSpec;
    const after = legacy.get('after_typedef') as EventSpec;

    it('the catalogue reports the lines and numbers around them', () => {
      expect(legacy.errors.map((e) => e.line)).toEqual([2, 3]);
      expect(legacy.holes.map((h) => [h.position, h.name, h.line, h.disabled])).toEqual([
        [1, 'memory_region_ops_read', 2, false],
        [2, 'guest_mem_trans', 3, true],
        [3, 'guest_mem_exec', 3, true],
      ]);
      expect(legacy.events.map((e) => [e.name, e.position])).toEqual([
        ['savevm_section_start', 0],
        ['qemu_vfree', 4],
        ['hidden2', 5],
        ['after_typedef', 6],
      ]);
    });

    for (const [version, headerless, ids] of [
      [3, false, { hole: 1, vfree: 4, after: 6 }],
      [4, true, { hole: 1, vfree: 4, after: 6 }],
      [2, false, { hole: 1, vfree: 2, after: 3 }],
    ] as const) {
      it(`${headerless ? 'headerless' : `v${version}`}: later events keep their ids, the rejected one is unparsed under its name`, () => {
        const w = new SimpletraceWriter({ littleEndian: true, version, headerless });
        w.rawEvent(ids.hole, 1n, 7, u64s(true, 0x1000n, 0x20n, 5n, 4n));
        w.event(ids.vfree, 2n, 7, vfree.args, [0xabcn]);
        w.event(ids.after, 3n, 7, after.args, [42]);
        const d = decode(w.bytes(), legacy);
        expect(d.summary).toMatchObject({ error: null, records: 3 });
        expect(d.events.map((e) => [e.event.name, e.args])).toEqual([
          ['qemu_vfree', [0xabcn]],
          ['after_typedef', [42]],
        ]);
        expect(d.unparsed.map((u) => [u.name, u.reason])).toEqual([
          ['memory_region_ops_read', `event id ${ids.hole} is legacy.trace-events line 2, which could not be read: ${legacy.errors[0].reason}`],
        ]);
      });
    }
  });

  it('v2: positions skip disabled events; the reserved pid field reads as null', () => {
    const w = new SimpletraceWriter({ littleEndian: false, version: 2 });
    w.event(2, 10n, 0, spec('ints_signed').args, [1, 2, 3, 4, 5n, 6n, 7n]);
    w.event(4, 11n, 0, misc.args, [false, 1, 2n, '', 'z']);
    const d = decode(w.bytes(), cat);
    expect(d.summary).toMatchObject({ version: 2, littleEndian: false, error: null, records: 2 });
    expect(d.events.map((e) => [e.event.name, e.pid])).toEqual([
      ['ints_signed', null],
      ['misc', null],
    ]);
  });
});

describe('corrupt streams: reported with the offset, skipped, picked up again', () => {
  function stream(): SimpletraceWriter {
    return new SimpletraceWriter({ littleEndian: true, version: 4 }).mapping(1, 'migration_bitmap_sync_start').event(1, 1n, 1, [], []);
  }
  const goodEnd = 24 + 20 + 27 + 32;

  it('length below 24 / above 16 MiB / unknown type word / absurd mapping name length', () => {
    const bad: Array<[Uint8Array, RegExp]> = [
      [u64s(true, 1n, 1n, 1n, 23n), /corrupt event record: length 23/],
      [u64s(true, 1n, 1n, 1n, 16n * 1024n * 1024n + 1n), /corrupt event record: length 16777217/],
      [u64s(true, 2n, 0n, 0n, 0n), /type word 0x2/],
      [u64s(true, 0n, 1n, 0xffffffn), /corrupt mapping record: name length 16777215/],
    ];
    for (const [tail, re] of bad) {
      const b = stream().raw(tail).event(1, 2n, 1, [], []).bytes();
      for (const chunk of [b.length, 1, 9]) {
        const d = decode(b, cat, chunk, 'c.bin');
        // The records on both sides of the corrupt bytes, which are one unparsed row.
        expect(d.events.map((e) => [e.seq, e.offset, e.tsNs])).toEqual([
          [0, goodEnd - 32, 1n],
          [2, goodEnd + tail.length, 2n],
        ]);
        expect(d.unparsed).toHaveLength(1);
        const u = d.unparsed[0];
        expect([u.seq, u.offset, u.name]).toEqual([1, goodEnd, null]);
        expect(u.reason).toMatch(re);
        expect(u.reason).toContain(`; ${tail.length} bytes skipped, records resume at offset ${goodEnd + tail.length}`);
        expect(u.raw).toBe(Buffer.from(tail).toString('hex'));
        expect(d.summary.records).toBe(3);
        expect(d.summary.truncatedAt).toBeNull();
        expect(d.summary.error).toMatch(new RegExp(`^c\\.bin: offset ${goodEnd}: `));
        expect(d.summary.error).toMatch(re);
      }
    }
  });

  it('garbage to the end of the file is one unparsed row; a record right at the end is picked up', () => {
    const garbage = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff);
    for (const chunk of [1 << 20, 1, 7]) {
      const d = decode(stream().raw(garbage).bytes(), cat, chunk, 'g.bin');
      expect(d.events).toHaveLength(1);
      expect(d.unparsed).toHaveLength(1);
      expect(d.unparsed[0].offset).toBe(goodEnd);
      expect(d.unparsed[0].reason).toMatch(/; the 300 bytes to the end of the file hold no record that makes sense$/);
      expect(d.unparsed[0].raw).toBe(Buffer.from(garbage).toString('hex'));
      expect(d.summary.error).toMatch(new RegExp(`^g\\.bin: offset ${goodEnd}: corrupt stream`));
      // One good record after the garbage, ending the file: nothing follows it to confirm it but the end.
      const e = decode(stream().raw(garbage).event(1, 9n, 1, [], []).bytes(), cat, chunk, 'g.bin');
      expect(e.events.map((x) => x.tsNs)).toEqual([1n, 9n]);
      expect(e.unparsed[0].reason).toContain('300 bytes skipped');
    }
  });

  it('records are picked up only at an id a mapping named: a well-formed record of an unknown id is still skipped', () => {
    const fake = u64s(true, 1n, 999n, 5n, 24n).subarray(0, 32);
    const b = stream().raw(u64s(true, 7n)).raw(fake).event(1, 6n, 1, [], []).bytes();
    const d = decode(b, cat, undefined, 'u.bin');
    expect(d.events.map((e) => e.tsNs)).toEqual([1n, 6n]);
    expect(d.unparsed).toHaveLength(1);
    expect(d.unparsed[0].reason).toContain(`${8 + 32} bytes skipped, records resume at offset ${goodEnd + 40}`);
  });

  it('a record timed at or past 2^63 ns (beyond ts_ns) is kept whole in unparsed, not wrapped', () => {
    const b = stream().event(1, 2n ** 63n, 1, [], []).event(1, 2n ** 63n - 1n, 1, [], []).bytes();
    const d = decode(b, cat);
    expect(d.events.map((e) => e.tsNs)).toEqual([1n, 2n ** 63n - 1n]);
    expect(d.unparsed).toHaveLength(1);
    expect([d.unparsed[0].name, d.unparsed[0].tsNs, d.unparsed[0].offset]).toEqual(['migration_bitmap_sync_start', null, goodEnd]);
    expect(d.unparsed[0].reason).toBe('timestamp 0x8000000000000000 ns is past what ts_ns (BIGINT) holds');
    // The record after its type word: id, time, length, pid (and payload).
    expect(d.unparsed[0].raw).toBe(Buffer.from(b.subarray(goodEnd + 8, goodEnd + 32)).toString('hex'));
    expect(d.summary.error).toBeNull();
  });

  it('a headerless v4 stream is picked up again at a record of a catalogue position', () => {
    const sss = spec('savevm_section_start');
    for (const le of [true, false]) {
      const w = new SimpletraceWriter({ littleEndian: le, version: 4, headerless: true });
      w.event(0, 1n, 3, sss.args, ['a', 1]).raw(u64s(le, 9n)).event(0, 2n, 3, sss.args, ['b', 2]);
      const d = decode(w.bytes(), cat, 5, 'h.bin');
      expect(d.events.map((e) => e.args)).toEqual([['a', 1], ['b', 2]]);
      expect(d.unparsed).toHaveLength(1);
      expect(d.unparsed[0].reason).toMatch(/type word 0x9 .*; 8 bytes skipped/);
    }
  });

  it('v2/v3 streams have no type words to pick up from: the rest of the file is one unparsed row', () => {
    const ev = cat.get('migration_bitmap_sync_start')!;
    for (const version of [2, 3] as const) {
      const id = version === 2 ? cat.events.filter((e) => !e.disabled).indexOf(ev) : cat.events.indexOf(ev);
      const w = new SimpletraceWriter({ littleEndian: true, version }).event(id, 1n, 1, [], []);
      // A record whose length field reads 0xffffffff, then a good record the decoder cannot know is one.
      w.raw(u64s(true, BigInt(id), 2n, 0xffffffffn)).event(id, 3n, 1, [], []);
      const b = w.bytes();
      const d = decode(b, cat, undefined, `v${version}.bin`);
      expect(d.events.map((e) => e.tsNs)).toEqual([1n]);
      expect(d.summary.error).toBe(`v${version}.bin: offset 48: corrupt event record: length 4294967295 (must be 24 to 16777216)`);
      expect(d.unparsed.map((u) => [u.offset, u.reason, u.raw])).toEqual([
        [
          48,
          `corrupt event record: length 4294967295 (must be 24 to 16777216); the ${b.length - 48} bytes to the end of the file are skipped (v${version} records have no type word to pick up again at)`,
          Buffer.from(b.subarray(48)).toString('hex'),
        ],
      ]);
      expect(d.summary.records).toBe(2);
    }
  });

  it('bad headers: v0, unknown version, wrong magic, headerless stream not starting with an event', () => {
    const v0 = u64s(true, 2n ** 64n - 1n, 0xf2b177cb0aa429b4n, 0n, 0n, 0n, 0n, 0n, 0n);
    const v5 = u64s(false, 2n ** 64n - 1n, 0xf2b177cb0aa429b4n, 5n);
    const magic = u64s(true, 2n ** 64n - 1n, 0x1234n, 4n);
    const notEvent = u64s(true, 7n, 1n, 1n);
    const expectations: Array<[Uint8Array, RegExp]> = [
      [v0, /^h\.bin: offset 0: simpletrace v0 .* not supported/],
      [v5, /^h\.bin: offset 0: unknown simpletrace version/],
      [magic, /^h\.bin: offset 0: not a simpletrace file: header magic/],
      [notEvent, /^h\.bin: offset 0: not a simpletrace file/],
    ];
    for (const [b, re] of expectations) {
      const d = decode(b, cat, undefined, 'h.bin');
      expect(d.records).toEqual([]);
      expect(d.summary.error).toMatch(re);
    }
    expect(decode(v0, cat).summary.version).toBe(0);
    expect(sniffSimpletrace(v0)).toEqual({ version: 0, littleEndian: true, headerless: false });
    expect(sniffSimpletrace(v5)).toBeNull();
    expect(sniffSimpletrace(magic)).toBeNull();
    expect(sniffSimpletrace(notEvent)).toBeNull();
    expect(sniffSimpletrace(new TextEncoder().encode('2026-11-25T20:01:13.378446Z migrate_set_state new state setup'))).toBeNull();
  });

  it('concatenated files: a second header is skipped and its records follow (a later mapping wins)', () => {
    const second = u64s(true, 2n ** 64n - 1n, 0xf2b177cb0aa429b4n, 4n);
    for (const chunk of [1 << 20, 1, 5]) {
      const b = stream().raw(second).mapping(1, 'savevm_section_start').event(1, 5n, 2, spec('savevm_section_start').args, ['ram', 7]).bytes();
      const d = decode(b, cat, chunk, 'r.bin');
      expect(d.summary.error).toBeNull();
      expect(d.events.map((e) => [e.event.name, e.tsNs])).toEqual([
        ['migration_bitmap_sync_start', 1n],
        ['savevm_section_start', 5n],
      ]);
    }
    // A header word without the magic is corrupt, and skipped like any corrupt bytes.
    const bad = decode(stream().raw(u64s(true, 2n ** 64n - 1n, 0x1234n, 4n)).event(1, 3n, 1, [], []).bytes(), cat, undefined, 'r.bin');
    expect(bad.summary.error).toMatch(new RegExp(`^r\\.bin: offset ${goodEnd}: corrupt stream: a header word`));
    expect(bad.events.map((e) => e.tsNs)).toEqual([1n, 3n]);
  });
});

describe('sniffSimpletrace', () => {
  it('recognizes both byte orders and the version', () => {
    for (const le of [true, false]) {
      for (const version of [2, 3, 4] as const) {
        const b = new SimpletraceWriter({ littleEndian: le, version }).bytes();
        expect(sniffSimpletrace(b)).toEqual({ version, littleEndian: le, headerless: false });
      }
    }
  });

  it('needs a plausible first record for a headerless stream', () => {
    const args: ArgSpec[] = [];
    const w = new SimpletraceWriter({ littleEndian: true, version: 4, headerless: true }).event(0, 1n, 1, args, []);
    expect(sniffSimpletrace(w.bytes())).not.toBeNull();
    const b = w.bytes();
    b[24] = 3; // length 3
    expect(sniffSimpletrace(b)).toBeNull();
    expect(sniffSimpletrace(b.subarray(0, 8))).toBeNull();
  });
});
