// printf tokenizing and inversion: C's own tokenizer rules, every real 7.2.22 log line decoded
// against the installed catalogue, values cross-checked by hand-written parses of the text, and
// the reinterpretation of printed bits as the declared C type.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compileFormat, compileFormatCached, loadCatalogueFile, parseTraceEvents, tokenizeFormat } from '../../../src-main/catalogue/index.ts';
import type { ArgValue, EventSpec, FormatToken } from '../../../src-main/catalogue/index.ts';
import { DEBIAN_72, SAMPLES } from '../../helpers/paths.ts';

const conv = (text: string, flags: string, width: number | '*' | null, precision: number | '*' | null, length: string, c: string): FormatToken => ({
  kind: 'conv',
  flags,
  width,
  precision,
  length,
  conv: c,
  text,
});
const lit = (text: string): FormatToken => ({ kind: 'lit', text });

describe('tokenizeFormat', () => {
  it('reads conversions with printf grammar', () => {
    expect(tokenizeFormat('%s: %ud')).toEqual([conv('%s', '', null, null, '', 's'), lit(': '), conv('%u', '', null, null, '', 'u'), lit('d')]);
    expect(tokenizeFormat('throttled by %d%%')).toEqual([lit('throttled by '), conv('%d', '', null, null, '', 'd'), lit('%')]);
    expect(tokenizeFormat('%%d')).toEqual([lit('%d')]);
    expect(tokenizeFormat('0x%0*lx')).toEqual([lit('0x'), conv('%0*lx', '0', '*', null, 'l', 'x')]);
    expect(tokenizeFormat('%2.2x')).toEqual([conv('%2.2x', '', 2, 2, '', 'x')]);
    expect(tokenizeFormat('%hhx')).toEqual([conv('%hhx', '', null, null, 'hh', 'x')]);
    expect(tokenizeFormat('[%-5s]')).toEqual([lit('['), conv('%-5s', '-', 5, null, '', 's'), lit(']')]);
    expect(tokenizeFormat('%c%c')).toEqual([conv('%c', '', null, null, '', 'c'), conv('%c', '', null, null, '', 'c')]);
    expect(tokenizeFormat('%.8x')).toEqual([conv('%.8x', '', null, 8, '', 'x')]);
    expect(tokenizeFormat('%.x')).toEqual([conv('%.x', '', null, 0, '', 'x')]);
    expect(tokenizeFormat('took %lluns')).toEqual([lit('took '), conv('%llu', '', null, null, 'll', 'u'), lit('ns')]);
    expect(tokenizeFormat('%zd %jx %td')).toEqual([
      conv('%zd', '', null, null, 'z', 'd'),
      lit(' '),
      conv('%jx', '', null, null, 'j', 'x'),
      lit(' '),
      conv('%td', '', null, null, 't', 'd'),
    ]);
  });

  it('keeps invalid conversions as literal text, as glibc prints them', () => {
    expect(tokenizeFormat('a%yb')).toEqual([lit('a%yb')]);
    expect(tokenizeFormat('100%')).toEqual([lit('100%')]);
    expect(tokenizeFormat('')).toEqual([]);
  });
});

/** Every line of the 7.2.22 log samples: "TID@sec.usec:" prefix (or none), name, message. */
function sampleLines(): { file: string; name: string; msg: string }[] {
  const dir = path.join(SAMPLES, 'qemu-7.2.22-log');
  const files = [
    'qemu-7.2.22-log-nots-multifd-src.log',
    'qemu-7.2.22-log-nots-multifd-dst.log',
    'b-multifd4/src.log',
    'a-precopy/src.log.gz',
  ];
  const out: { file: string; name: string; msg: string }[] = [];
  for (const f of files) {
    const raw = readFileSync(path.join(dir, f));
    const text = (f.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const body = line.replace(/^\d+@\d+\.\d{6}:/, '');
      const sp = body.indexOf(' ');
      // The log backend writes "name " + message, so an empty message still has its space.
      expect(sp).toBeGreaterThan(0);
      out.push({ file: f, name: body.slice(0, sp), msg: body.slice(sp + 1) });
    }
  }
  return out;
}

describe('decoding real 7.2.22 log lines with the installed catalogue', () => {
  const cat = loadCatalogueFile(DEBIAN_72);
  const lines = sampleLines();
  const decoded = lines.map((l) => {
    const e = cat.get(l.name);
    return { ...l, e, values: e === undefined ? null : compileFormatCached(e).decode(l.msg) };
  });
  const of = (name: string) => decoded.filter((d) => d.name === name);

  it('every line decodes', () => {
    expect(lines.length).toBeGreaterThan(55_000);
    const failed = decoded.filter((d) => d.values === null).map((d) => `${d.file}: ${d.name} ${d.msg}`);
    expect(failed).toEqual([]);
    for (const d of decoded) expect((d.values as ArgValue[]).length).toBe((d.e as EventSpec).args.length);
  });

  /** For every line of the event, the values read by a hand-written regex over the text. */
  function check(name: string, re: RegExp, expected: (m: RegExpExecArray) => ArgValue[], atLeast = 1): void {
    const rows = of(name);
    expect(rows.length).toBeGreaterThanOrEqual(atLeast);
    for (const r of rows) {
      const m = re.exec(r.msg);
      expect(m, `${name} ${r.msg}`).not.toBeNull();
      expect(r.values, `${name} ${r.msg}`).toEqual(expected(m as RegExpExecArray));
    }
  }
  const hex = (s: string) => BigInt(`0x${s}`);

  it('ram_save_page: block name, offset and host address', () => {
    check('ram_save_page', /^(\S+): offset: 0x([0-9a-f]+) host: 0x([0-9a-f]+)$/, (m) => [m[1], hex(m[2]), hex(m[3])], 40_000);
    const page = of('ram_save_page').find((r) => r.msg === 'pc.ram: offset: 0x6000 host: 0x7f66abe06000');
    expect(page?.values).toEqual(['pc.ram', 0x6000n, 0x7f66abe06000n]);
  });

  it('multifd_send and multifd_recv: channel, packet number and counters', () => {
    check('multifd_send', /^channel (\d+) packet_num (\d+) normal pages (\d+) flags 0x([0-9a-f]+) next packet size (\d+)$/, (m) => [
      Number(m[1]),
      BigInt(m[2]),
      Number(m[3]),
      parseInt(m[4], 16),
      Number(m[5]),
    ]);
    check('multifd_recv', /^channel (\d+) packet_num (\d+) pages (\d+) flags 0x([0-9a-f]+) next packet size (\d+)$/, (m) => [
      Number(m[1]),
      BigInt(m[2]),
      Number(m[3]),
      parseInt(m[4], 16),
      Number(m[5]),
    ]);
  });

  it('migrate_pending and migrate_transferred: 64-bit counters as bigint', () => {
    check('migrate_pending', /^pending size (\d+) max (\d+) \(pre = (\d+) compat=(\d+) post=(\d+)\)$/, (m) => m.slice(1, 6).map(BigInt));
    check('migrate_transferred', /^transferred (\d+) time_spent (\d+) bandwidth (\d+) max_size (-?\d+)$/, (m) => m.slice(1, 5).map(BigInt));
  });

  it('runstate_set: enum numbers and names', () => {
    check('runstate_set', /^current_run_state (\d+) \(([\w-]+)\) new_state (\d+) \(([\w-]+)\)$/, (m) => [Number(m[1]), m[2], Number(m[3]), m[4]]);
  });

  it('qmp_enter_/qmp_exit_: JSON with spaces, and the bool', () => {
    check('qmp_enter_migrate', /^(.*)$/s, (m) => [m[1]]);
    check('qmp_exit_migrate_set_capabilities', /^(.*) ([01])$/s, (m) => [m[1], m[2] === '1']);
    check('handle_qmp_command', /^mon 0x([0-9a-f]+) req: (.*)$/s, (m) => [hex(m[1]), m[2]]);
    check('monitor_qmp_cmd_in_band', /^(.*)$/, (m) => [m[1]]);
  });

  it('(null) strings and (nil) pointers', () => {
    check('multifd_set_outgoing_channel', /^ioc=0x([0-9a-f]+) ioctype=(\S+) hostname=\(null\) err=\(nil\)$/, (m) => [hex(m[1]), m[2], null, 0n]);
    check('migration_set_outgoing_channel', /^ioc=0x([0-9a-f]+) ioctype=(\S+) hostname=(\S+) err=\(nil\)$/, (m) => [hex(m[1]), m[2], m[3], 0n]);
  });

  it('savevm sections and bitmap sync', () => {
    check('savevm_section_end', /^(\S+), section_id (\d+) -> (-?\d+)$/, (m) => [m[1], Number(m[2]), Number(m[3])]);
    check('migration_bitmap_clear_dirty', /^rb (\S+) start 0x([0-9a-f]+) size 0x([0-9a-f]+) page 0x([0-9a-f]+)$/, (m) => [
      m[1],
      hex(m[2]),
      hex(m[3]),
      hex(m[4]),
    ]);
    const clear = of('migration_bitmap_clear_dirty').find((r) => r.msg.includes('size 0x40000000'));
    expect(clear?.values?.[2]).toBe(1n << 30n);
    check('migration_bitmap_sync_end', /^dirty_pages (\d+)$/, (m) => [BigInt(m[1])]);
    check('vmstate_n_elems', /^(.+): (-?\d+)$/, (m) => [m[1], Number(m[2])]);
  });

  it('events with no arguments decode to [] from the empty message', () => {
    const rows = of('savevm_state_setup');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.msg).toBe('');
      expect(r.values).toEqual([]);
    }
  });
});

describe('reinterpreting printed bits as the declared type', () => {
  const ev = (line: string): EventSpec => {
    const r = parseTraceEvents(`${line}\n`, 'mem');
    expect(r.errors).toEqual([]);
    return r.events[0];
  };
  const dec = (line: string, msg: string) => compileFormat(ev(line)).decode(msg);

  it('signed and unsigned conversions of the other signedness', () => {
    expect(dec('a(uint32_t v) "%d"', '-5')).toEqual([4294967291]);
    expect(dec('a(uint32_t v) "%d"', '5')).toEqual([5]);
    expect(dec('a(int v) "%x"', 'ffffffff')).toEqual([-1]);
    expect(dec('a(int v) "%u"', '4294967295')).toEqual([-1]);
    expect(dec('a(int64_t v) "%" PRIx64', 'fffffffffffffffe')).toEqual([-2n]);
    expect(dec('a(uint64_t v) "%" PRId64', '-1')).toEqual([0xffffffffffffffffn]);
    expect(dec('a(size_t v) "%zd"', '-2')).toEqual([0xfffffffffffffffen]);
  });

  it('h and hh conversions show only the low bits', () => {
    expect(dec('a(int v) "%hx"', 'ffff')).toEqual([-1]);
    expect(dec('a(int v) "%hx"', '7fff')).toEqual([32767]);
    expect(dec('a(uint32_t v) "%hhu"', '255')).toEqual([255]);
    // A uint8_t is promoted by value and never prints negative; x86's signed char does.
    expect(dec('a(uint8_t v) "%d"', '-1')).toBeNull();
    expect(dec('a(char v) "%d"', '-1')).toEqual([255]);
  });

  it('a value that no argument of the declared type can print does not decode', () => {
    expect(dec('a(uint8_t v) "%u"', '300')).toBeNull();
    expect(dec('a(bool v) "%d"', '2')).toBeNull();
    expect(dec('a(int v) "%d"', '99999999999')).toBeNull();
  });

  it('pointers, NULL strings, bools and chars', () => {
    expect(dec('a(void *p) "%p"', '(nil)')).toEqual([0n]);
    expect(dec('a(void *p) "%p"', '0x7f66abe00000')).toEqual([0x7f66abe00000n]);
    expect(dec('a(const char *s) "s=%s"', 's=(null)')).toEqual([null]);
    expect(dec('a(const char *s) "s=%s"', 's=')).toEqual(['']);
    expect(dec('a(bool b) "%d"', '0')).toEqual([false]);
    expect(dec('a(bool b) "%d"', '1')).toEqual([true]);
    expect(dec('a(char c) "fifo %c"', 'fifo A')).toEqual([65]);
    expect(dec('a(char c) "fifo %c"', 'fifo  ')).toEqual([32]);
    expect(dec('a(char c) "%02x"', 'ffffff80')).toEqual([0x80]);
  });

  it('%ud is %u then a literal d; %% is a percent sign; widths pad', () => {
    expect(dec('a(const char *id, uint16_t len) "%s: %ud"', 'pc.ram: 12d')).toEqual(['pc.ram', 12]);
    expect(dec('a(int pct) "by %d%%"', 'by 20%')).toEqual([20]);
    expect(dec('a(uint32_t v, uint32_t w) "[%4d|%-4u]"', '[  12|7   ]')).toEqual([12, 7]);
    expect(dec('a(uint8_t v, uint8_t w) "0x%02x0x%02x"', '0x1f0x20')).toEqual([0x1f, 0x20]);
    expect(dec('a(uint32_t v) "%.8x"', '0000002a')).toEqual([42]);
  });

  it('a * width argument is unrecoverable and decodes to null', () => {
    const e = ev('a(int width, uint64_t v) "0x%0*" PRIx64');
    const cf = compileFormat(e);
    expect(cf.unrecoverable).toEqual([0]);
    expect(cf.decode('0x00000000deadbeef')).toEqual([null, 0xdeadbeefn]);
  });

  it('two strings separated by a space are flagged ambiguous; a string anchored by words is not', () => {
    expect(compileFormat(ev('a(const char *x, const char *y) "%s %s"')).ambiguous).toBe(true);
    expect(compileFormat(ev('a(const char *x, unsigned int id) "%s, section_id %u"')).ambiguous).toBe(false);
  });
});
