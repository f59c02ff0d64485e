// simpletrace.py text output, line by line, in the layouts of its releases: 8.2+ (trailing space
// after pid= for events with no arguments), 2.1–7.2 (no trailing space), 1.2–2.0 under Python 2
// (no pid, raw strings, `dropped_events=`), and whole-number (ns) deltas. Values are typed from
// the catalogue's argument list: unsigned hex back to signed C types, 0x0/0x1 to bool, Python
// bytes literals decoded escape by escape, invalid UTF-8 kept in `lossy`.
import { describe, expect, it } from 'vitest';
import { buildCatalogue } from '../../../../src-main/catalogue/index.ts';
import { bytesLiteral, decodePyArgs, parsePyLine, simpletracePy } from '../../../../src-main/formats/dialects/simpletrace-py.ts';
import { dialects } from '../../../../src-main/formats/dialects/index.ts';
import { TextTraceDecoder } from '../../../../src-main/formats/text-decoder.ts';
import { sniffText } from '../../../../src-main/formats/text-sniff.ts';
import { planFor } from '../../../../src-main/ingest/pipeline/decoders.ts';
import type { DroppedRecord, EventRecord, LossyRecord, RecordSink, UnparsedRecord } from '../../../../src-main/formats/types.ts';

const cat = buildCatalogue({
  name: 'test',
  source: 'test',
  file: 'trace-events',
  text: [
    'savevm_section_start(const char *id, unsigned int section_id) "%s, section_id %u"',
    'savevm_state_header(void) ""',
    'vmstate_load_state_end(const char *name, const char *reason, int val) "%s %s/%d"',
    'qmp_exit_query_x(const char *result, bool succeeded) "%s %d"',
    'signed_all(int8_t a, int16_t b, int32_t c, int64_t d, long e) "%d %d %d %" PRId64 " %ld"',
    'unsigned_all(uint8_t a, uint16_t b, uint32_t c, uint64_t d, void *p) "%u %u %u %" PRIu64 " %p"',
    'two_strings(const char *a, const char *b) "%s %s"',
    'migrate_set_state(const char *new_state) "new state %s"',
    '',
  ].join('\n'),
});
const isKnown = (n: string) => cat.get(n) !== undefined;
const ev = (name: string) => {
  const e = cat.get(name);
  if (e === undefined) throw new Error(name);
  return e;
};

describe('parsePyLine: the header of every layout', () => {
  it.each([
    // 8.2+ (f-string with `{pid=} `): trailing space when there are no arguments.
    ['savevm_state_header 3.813 pid=15560 ', { name: 'savevm_state_header', deltaNs: 3813n, pid: 15560, msg: '' }],
    ['savevm_section_start 0.000 pid=16511 id=b\'ram\' section_id=0x2', { name: 'savevm_section_start', deltaNs: 0n, pid: 16511, msg: "id=b'ram' section_id=0x2" }],
    // 2.1–7.2: ' '.join(fields), no trailing space.
    ['savevm_state_header 11208789.471 pid=4242', { name: 'savevm_state_header', deltaNs: 11_208_789_471n, pid: 4242, msg: '' }],
    // Threads' stamps interleave: a delta can be negative.
    ['savevm_state_header -36.125 pid=7', { name: 'savevm_state_header', deltaNs: -36_125n, pid: 7, msg: '' }],
    // 1.2–2.0: no pid.
    ['savevm_section_start 1.500 id=ram section_id=0x2', { name: 'savevm_section_start', deltaNs: 1500n, pid: null, msg: 'id=ram section_id=0x2' }],
    // Whole-number deltas are nanoseconds.
    ['savevm_section_start 1500 pid=9 id=ram section_id=0x2', { name: 'savevm_section_start', deltaNs: 1500n, pid: 9, msg: 'id=ram section_id=0x2' }],
  ])('%s', (line, want) => {
    expect(parsePyLine(line, isKnown)).toMatchObject(want);
  });

  it('Dropped_Event carries its count, in both spellings of the argument', () => {
    expect(parsePyLine('Dropped_Event 5.000 pid=16511 num_events_dropped=0x3', isKnown)).toMatchObject({ name: 'Dropped_Event', dropped: 3n, pid: 16511, deltaNs: 5000n });
    expect(parsePyLine('Dropped_Event 0.250 dropped_events=0x1f', isKnown)).toMatchObject({ dropped: 31n, pid: null });
    expect(parsePyLine('Dropped_Event 5.000 pid=1 num_events_dropped=3', isKnown)).toMatchObject({ dropped: null });
  });

  it.each([
    // log lines, no prefix, of known names: never simpletrace.py
    'migrate_set_state new state setup',
    'savevm_section_start ram, section_id 2',
    // pid-less lines need a µs delta, a known name and name= fields
    'savevm_section_start 12 id=ram section_id=0x2',
    'unknown_event 1.000 a=0x1',
    'savevm_section_start 1.000 ram, section_id 2',
    // other dialects
    '12345@1700000000.123456:savevm_state_header ',
    '2026-11-25T20:01:13.378446Z savevm_state_header ',
    '16511@1700000000123456789 savevm_state_header ',
    'savevm_state_header 1.0 pid=3',
  ])('not a simpletrace.py line: %s', (line) => {
    expect(parsePyLine(line, isKnown)).toBeNull();
  });

  it('accepts unknown names when the pid is there (reported as unknown events)', () => {
    expect(parsePyLine('not_in_catalogue 1.000 pid=3 x=0x1', isKnown)).toMatchObject({ name: 'not_in_catalogue', msg: 'x=0x1' });
  });
});

describe('bytesLiteral: Python bytes repr, escape by escape', () => {
  it.each([
    ["b''", []],
    ["b'ram'", [0x72, 0x61, 0x6d]],
    ["b'a\\\\b'", [0x61, 0x5c, 0x62]],
    ["b'it\\'s'", [0x69, 0x74, 0x27, 0x73]],
    ['b"it\'s"', [0x69, 0x74, 0x27, 0x73]],
    ["b'\\t\\n\\r'", [9, 10, 13]],
    ["b'\\x00\\xff\\xC3'", [0, 0xff, 0xc3]],
    ["b'\"q\"'", [0x22, 0x71, 0x22]],
  ])('%s', (text, bytes) => {
    const r = bytesLiteral(text, 0);
    expect(r).not.toBeNull();
    expect([...(r as { bytes: Uint8Array }).bytes]).toEqual(bytes);
    expect((r as { end: number }).end).toBe(text.length);
  });
  it.each(["b'open", "b'\\q'", "b'\\x4'", "'ram'", "b'a\nb'"])('not a bytes literal: %s', (text) => {
    expect(bytesLiteral(text, 0)).toBeNull();
  });
});

describe('decodePyArgs: typed by the catalogue', () => {
  it('recovers signed types from unsigned hex (two\'s complement at the arg\'s width, sign-extended to 64)', () => {
    expect(
      decodePyArgs(ev('signed_all'), 'a=0xffffffffffffff80 b=0xffffffffffff8000 c=0xffffffffffffffff d=0x8000000000000000 e=0xfffffffffffffffb'),
    ).toEqual([-128, -32768, -1, -9223372036854775808n, -5n]);
    expect(decodePyArgs(ev('signed_all'), 'a=0x7f b=0x7fff c=0x7fffffff d=0x7fffffffffffffff e=0x0')).toEqual([127, 32767, 2147483647, 9223372036854775807n, 0n]);
    expect(decodePyArgs(ev('vmstate_load_state_end'), "name=b'ram' reason=b'end' val=0xffffffffffffffea")).toEqual(['ram', 'end', -22]);
  });

  it('unsigned values and pointers as printed; a value too wide for its type is a mismatch', () => {
    expect(decodePyArgs(ev('unsigned_all'), 'a=0xff b=0xffff c=0xffffffff d=0xffffffffffffffff p=0x5571ed217550')).toEqual([
      255,
      65535,
      4294967295,
      18446744073709551615n,
      0x5571ed217550n,
    ]);
    expect(decodePyArgs(ev('unsigned_all'), 'a=0x100 b=0x0 c=0x0 d=0x0 p=0x0')).toBeNull();
    expect(decodePyArgs(ev('signed_all'), 'a=0x80 b=0x0 c=0x0 d=0x0 e=0x0')).toBeNull();
  });

  it('bool from 0x0 / 0x1 only', () => {
    expect(decodePyArgs(ev('qmp_exit_query_x'), "result=b'{}' succeeded=0x1")).toEqual(['{}', true]);
    expect(decodePyArgs(ev('qmp_exit_query_x'), "result=b'' succeeded=0x0")).toEqual(['', false]);
    expect(decodePyArgs(ev('qmp_exit_query_x'), "result=b'' succeeded=0x2")).toBeNull();
  });

  it('names must be the catalogue\'s, in order, each once', () => {
    expect(decodePyArgs(ev('savevm_section_start'), "section_id=0x2 id=b'ram'")).toBeNull();
    expect(decodePyArgs(ev('savevm_section_start'), "id=b'ram'")).toBeNull();
    expect(decodePyArgs(ev('savevm_section_start'), "id=b'ram' section_id=0x2 x=0x1")).toBeNull();
    expect(decodePyArgs(ev('savevm_state_header'), '')).toEqual([]);
  });

  it('strings: escapes decoded, spaces and `x=` inside a literal kept, invalid UTF-8 kept aside', () => {
    expect(decodePyArgs(ev('two_strings'), "a=b'x b=y' b=b'it\\'s\\n\\\\'")).toEqual(['x b=y', "it's\n\\"]);
    expect(decodePyArgs(ev('migrate_set_state'), "new_state=b'\\xc3\\xa9t\\xc3\\xa9'")).toEqual(['été']);
    const lossy: { arg: number; raw: Uint8Array }[] = [];
    expect(decodePyArgs(ev('two_strings'), "a=b'\\xc3(' b=b'ok'", lossy)).toEqual(['\ufffd(', 'ok']);
    expect(lossy.map((l) => [l.arg, [...l.raw]])).toEqual([[0, [0xc3, 0x28]]]);
  });

  it('Python 2 raw strings: split at the next argument\'s name, the last one to the end of the line', () => {
    expect(decodePyArgs(ev('savevm_section_start'), 'id=0000:00:02.0/virtio-net section_id=0x5')).toEqual(['0000:00:02.0/virtio-net', 5]);
    expect(decodePyArgs(ev('two_strings'), 'a=left side b=right side b=again')).toEqual(['left side', 'right side b=again']);
    expect(decodePyArgs(ev('two_strings'), 'a= b=')).toEqual(['', '']);
    expect(decodePyArgs(ev('migrate_set_state'), 'new_state=it\'s raw')).toEqual(["it's raw"]);
  });
});

function decode(lines: string[]) {
  const c = { events: [] as EventRecord[], unparsed: [] as UnparsedRecord[], drops: [] as DroppedRecord[], lossyRecords: [] as LossyRecord[] };
  const sink: RecordSink = {
    event: (r) => void c.events.push(r),
    unparsed: (r) => void c.unparsed.push(r),
    dropped: (r) => void c.drops.push(r),
    lossy: (r) => void c.lossyRecords.push(r),
  };
  const dialect = simpletracePy.forTrace?.() ?? simpletracePy;
  const d = new TextTraceDecoder(dialect, cat);
  let offset = 0;
  lines.forEach((l, i) => {
    d.line(l, i + 1, offset, sink);
    offset += Buffer.byteLength(l) + 1;
  });
  d.end(sink);
  return c;
}

describe('a whole simpletrace.py text trace', () => {
  it('sums the deltas from 0 at the first record; Dropped_Event goes to dropped; lossy strings are kept', () => {
    const c = decode([
      "savevm_section_start 12.000 pid=16511 id=b'ram' section_id=0x2",
      'Dropped_Event 5.000 pid=16511 num_events_dropped=0x3',
      'savevm_state_header -0.250 pid=16511 ',
      "vmstate_load_state_end 1000000.001 pid=16511 name=b'\\xff' reason=b'end' val=0xffffffffffffffff",
      'not_in_catalogue 1.000 pid=16511 x=0x1',
      "savevm_section_start 1.000 pid=16511 id=b'ram' section_id=-0x2",
    ]);
    expect(c.events.map((e) => [e.seq, e.event.name, e.tsNs, e.pid, e.line, e.args])).toEqual([
      [0, 'savevm_section_start', 0n, 16511, 1, ['ram', 2]],
      [2, 'savevm_state_header', 4750n, 16511, 3, []],
      [3, 'vmstate_load_state_end', 1_000_004_751n, 16511, 4, ['\ufffd', 'end', -1]],
    ]);
    expect(c.drops).toEqual([{ seq: 1, offset: expect.any(Number), tsNs: 5000n, pid: 16511, count: 3n }]);
    expect(c.lossyRecords.map((l) => [l.seq, l.name, l.arg, [...l.raw]])).toEqual([[3, 'vmstate_load_state_end', 'name', [0xff]]]);
    expect(c.unparsed.map((u) => [u.seq, u.line, u.name, u.reason.split(' (')[0]])).toEqual([
      [4, 5, 'not_in_catalogue', "unknown event 'not_in_catalogue'"],
      [5, 6, 'savevm_section_start', "fields are not the arguments of 'savevm_section_start' in catalogue test"],
    ]);
  });

  it('Python 2 era (1.2–2.0): no pid, raw strings, dropped_events', () => {
    const c = decode([
      'savevm_section_start 0.000 id=block dirty bitmaps section_id=0x3',
      'Dropped_Event 2.500 dropped_events=0x2',
      'migrate_set_state 10.000 new_state=completed',
    ]);
    expect(c.events.map((e) => [e.tsNs, e.pid, e.args])).toEqual([
      [0n, null, ['block dirty bitmaps', 3]],
      [12_500n, null, ['completed']],
    ]);
    expect(c.drops.map((d) => [d.tsNs, d.count])).toEqual([[2500n, 2n]]);
    expect(c.unparsed).toEqual([]);
  });
});

describe('sniffing by content', () => {
  const sniff = (lines: string[]) => {
    const r = sniffText(Buffer.from(lines.join('\n') + '\n'), isKnown);
    if ('error' in r) throw new Error(r.error);
    return r.dialect.format;
  };
  it('simpletrace.py output of every layout is recognised', () => {
    expect(sniff(["savevm_section_start 0.000 pid=1 id=b'ram' section_id=0x2", 'savevm_state_header 3.813 pid=1 '])).toBe('simpletrace-py');
    expect(sniff(['savevm_section_start 0.000 id=ram section_id=0x2', 'savevm_state_header 3.813'])).toBe('simpletrace-py');
  });
  it('does not take plain logs, stap or syslog output', () => {
    expect(sniff(['savevm_section_start ram, section_id 2', 'savevm_state_header ', 'migrate_set_state new state setup'])).toBe('log');
    expect(sniff(['1234@1700000000.123456:savevm_state_header ', '1234@1700000000.123457:migrate_set_state new state setup'])).toBe('log');
    expect(sniff(['16511@1700000000123456789 savevm_state_header ', '16511@1700000000123456790 migrate_set_state new state x'])).toBe('stap');
    expect(sniff(['Nov 25 20:23:15 host qemu-system-x86_64[1234]: migrate_set_state new state setup'])).toBe(dialects.syslog.format);
  });
  it('with a catalogue, the plan is simpletrace-py for its output and log for a log of the same events', () => {
    const plan = (lines: string[]) => planFor(Buffer.from(lines.join('\n') + '\n'), [cat]);
    expect(plan(["savevm_section_start 0.000 pid=1 id=b'ram' section_id=0x2", "migrate_set_state 3.813 pid=1 new_state=b'setup'"])).toMatchObject({
      kind: 'text',
      format: 'simpletrace-py',
    });
    expect(plan(['savevm_section_start ram, section_id 2', 'migrate_set_state new state setup'])).toMatchObject({ kind: 'text', format: 'log' });
  });
});
