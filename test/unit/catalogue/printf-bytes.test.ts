// The byte matcher against the regex on the shapes where reading printf's output back takes
// care: adjacent fields, narrow types' exact ranges, zero padding, `%s` before literals that
// also occur inside the string, and values at the edges of their types.
import { describe, expect, it } from 'vitest';
import { compileFormat, parseTraceEvents } from '../../../src-main/catalogue/index.ts';
import type { CompiledFormat } from '../../../src-main/catalogue/index.ts';
import type { ArgValue } from '../../../src-main/catalogue/index.ts';
import { big, viaBytes, viaWriter } from '../../helpers/catalogue-writers.ts';

function compiled(line: string): CompiledFormat {
  const r = parseTraceEvents(`${line}\n`, 'mem');
  expect(r.errors).toEqual([]);
  return compileFormat(r.events[0]);
}

const NUMBERS = ['0', '1', '9', '10', '31', '99', '100', '127', '128', '129', '200', '255', '256', '300', '999', '1000', '32767', '32768', '65535', '65536', '2147483647', '2147483648', '4294967295', '4294967296', '9007199254740991', '18446744073709551615', '18446744073709551616'];
const HEX = ['0', '1', 'f', '1f', 'ff', '100', '7f', '80', 'ffff', '10000', 'ffffffff', '100000000', '7fffffffffffffff', 'ffffffffffffffff', '10000000000000000', 'F', 'FF', '0f', '00', '00000000', '0000001f', '7fffffff', '0000', '00FF', 'ABCD', '0000000000000000', '00000000deadbeef'];
const TAILS = ['', '0', '57', 'x', '-1', ' ', ': ', '0x', 'ab', ' 1f'];

/** Every text built from a number, an optional sign and a tail; both ways must agree on each. */
function agree(cf: CompiledFormat, texts: readonly string[]): { answered: number } {
  let answered = 0;
  for (const t of texts) {
    const bytes = viaBytes(cf, t);
    if (bytes === null) continue;
    answered++;
    expect(JSON.stringify(bytes, big), `${cf.event.format} on ${JSON.stringify(t)}`).toBe(JSON.stringify(viaWriter(cf, t), big));
  }
  return { answered };
}

function texts(nums: readonly string[], pre = '', mid = ''): string[] {
  const out: string[] = [];
  for (const n of nums) for (const sign of ['', '-']) for (const tail of TAILS) out.push(`${pre}${sign}${n}${mid}${tail}`);
  return out;
}

describe('matchBytes agrees with the regex wherever it answers', () => {
  const decimal = [
    'a(uint8_t v, const char *s) "%d%s"',
    'a(int8_t v, const char *s) "%d%s"',
    'a(char v, const char *s) "%d%s"',
    'a(uint16_t v, const char *s) "%u%s"',
    'a(int16_t v, const char *s) "%d%s"',
    'a(uint32_t v, const char *s) "%d%s"',
    'a(int v, const char *s) "%u%s"',
    'a(uint64_t v, const char *s) "%" PRIu64 "%s"',
    'a(int64_t v, const char *s) "%" PRId64 "%s"',
    'a(uint64_t v, const char *s) "%d%s"',
    'a(bool v, const char *s) "%d%s"',
    'a(uint8_t v, uint8_t w) "%u%u"',
    'a(int v, int w) "%d-%d"',
    'a(unsigned v) "%02u"',
  ];
  for (const line of decimal) {
    it(line, () => {
      const cf = compiled(line);
      const { answered } = agree(cf, texts(NUMBERS));
      expect(answered).toBeGreaterThan(20);
    });
  }

  const hex = [
    'a(uint8_t v, uint8_t w) "0x%02x0x%02x"',
    'a(uint32_t v, const char *s) "%x%s"',
    'a(uint64_t v, const char *s) "0x%" PRIx64 "%s"',
    'a(int v) "%08x"',
    'a(uint16_t v) "%04X"',
    'a(int64_t v, uint32_t w) "%016" PRIx64 " %x"',
    'a(void *p, const char *s) "%p%s"',
    'a(uint64_t p) "%p"',
    'a(uint32_t p) "%p"',
  ];
  for (const line of hex) {
    it(line, () => {
      const cf = compiled(line);
      const { answered } = agree(cf, [...texts(HEX), ...texts(HEX, '0x'), ...texts(HEX, '0x', '0x'), '(nil)', '(nil)x', '(nil', '0x']);
      expect(answered).toBeGreaterThanOrEqual(3);
    });
  }

  it('zero-padded fields', () => {
    expect(viaBytes(compiled('a(int v) "%08x"'), 'ffffffff')).toEqual([-1]);
    expect(viaBytes(compiled('a(int v) "%08x"'), '0000001f')).toEqual([31]);
    expect(viaBytes(compiled('a(uint16_t v) "%04X"'), '00FF')).toEqual([255]);
    expect(viaBytes(compiled('a(uint16_t v) "%04X"'), '00ff')).toBeNull();
    expect(viaBytes(compiled('a(int64_t v, uint32_t w) "%016" PRIx64 " %x"'), 'ffffffffffffffff 1f')).toEqual([0xffffffffffffffffn, 31]);
    expect(viaBytes(compiled('a(uint8_t v, uint8_t w) "0x%02x0x%02x"'), '0x1f0x20')).toEqual([0x1f, 0x20]);
  });

  it('glibc x86_64 output of promoted narrow arguments, sign flags, %#o and the 8/16-bit PRI macros', () => {
    // Each text is what glibc printed for the value on the right (checked with a C program).
    const cases: [string, string, ArgValue[]][] = [
      ['a(int8_t v) "v=%u"', 'v=4294967295', [-1]],
      ['a(int8_t v) "v=%u"', 'v=127', [127]],
      ['a(int16_t v) "v=%hu"', 'v=65535', [-1]],
      ['a(char c) "c=%u"', 'c=4294967295', [255]], // char is stored as its byte
      ['a(uint8_t v) "v=%+d"', 'v=+5', [5]],
      ['a(uint16_t v) "v=% d"', 'v= 65535', [65535]],
      ['a(bool b) "b=% d"', 'b= 1', [true]],
      ['a(bool b) "b=%+d"', 'b=+0', [false]],
      ['a(uint32_t v) "v=%#o"', 'v=037777777777', [4294967295]],
      ['a(uint8_t v) "v=%#o"', 'v=0377', [255]],
      ['a(uint8_t v) "v=%#o"', 'v=0', [0]],
      ['a(uint64_t v) "v=%#lo"', 'v=01777777777777777777777', [0xffffffffffffffffn]],
      ['a(int8_t v) "v=0x%" PRIx8', 'v=0xffffffff', [-1]],
      ['a(uint16_t val, int reg) "[0x%02x] -> 0x%04" PRIx16', '[0x01] -> 0x12345', [1, 0x12345]],
    ];
    for (const [line, text, want] of cases) {
      const cf = compiled(line);
      expect(viaWriter(cf, text), `${line} on ${text}`).toEqual(want.map((v) => (typeof v === 'boolean' ? Number(v) : v)));
      const bytes = viaBytes(cf, text);
      if (bytes !== null) expect(bytes, `${line} on ${text} (bytes)`).toEqual(viaWriter(cf, text));
    }
  });

  it('%p as SystemTap and other libcs print it: 0x0 and zero-padded (§3.4.3, §4.4)', () => {
    const cf = compiled('a(void *ioc, const char *name, void *err) "ioc=%p name=%s err=%p"');
    const text = 'ioc=0x00005640c38bc400 name=x err=0x0000000000000000';
    expect(viaBytes(cf, text)).toEqual([0x5640c38bc400n, 'x', 0n]);
    expect(viaWriter(cf, text)).toEqual([0x5640c38bc400n, 'x', 0n]);
    expect(viaBytes(cf, 'ioc=0x0 name=x err=(nil)')).toEqual([0n, 'x', 0n]);
    expect(viaWriter(cf, 'ioc=0x0 name=x err=(nil)')).toEqual([0n, 'x', 0n]);
    // Seventeen digits do not fit a pointer.
    expect(viaBytes(cf, 'ioc=0x00000000000000001 name=x err=0x1')).toBeNull();
    expect(viaWriter(cf, 'ioc=0x00000000000000001 name=x err=0x1')).toBeNull();
  });

  it('%s before a literal that also occurs inside the string, and (null)', () => {
    const cf = compiled('a(const char *s, uint64_t o, void *h) "%s: offset: 0x%" PRIx64 " host: %p"');
    const { answered } = agree(cf, [
      'pc.ram: offset: 0x1000 host: 0x7f0000000000',
      'a: offset: b: offset: 0x10 host: (nil)',
      'a: offset: 0xzz: offset: 0x10 host: (nil)',
      '(null): offset: 0x0 host: (nil)',
      ': offset: 0x0 host: 0x1',
      'pc.ram: offset: 0x01 host: 0x1',
      'pc.ram: offset: 0x1 host: 0x01',
      'pc.ram: offset: 0x10000000000000000 host: 0x1',
    ]);
    expect(answered).toBeGreaterThanOrEqual(4);
    // The second: the first ": offset: 0x" is followed by 'b', so the regex backtracks; the
    // matcher must decline rather than answer differently.
    expect(viaBytes(cf, 'a: offset: 0xzz: offset: 0x10 host: (nil)')).toBeNull();
    expect(viaWriter(cf, 'a: offset: 0xzz: offset: 0x10 host: (nil)')).toEqual(['a: offset: 0xzz', 16n, 0n]);
    expect(viaBytes(cf, '(null): offset: 0x0 host: (nil)')).toEqual([null, 0n, 0n]);
  });

  it('declines conversions it does not model', () => {
    for (const line of ['a(int c) "%c"', 'a(int w, int v) "%*d"', 'a(int v) "%5d"', 'a(const char *s) "%-5s|"', 'a(const char *s, int v) "%s%d"', 'a(int v) "%+d"']) {
      const cf = compiled(line);
      for (const t of ['x', '5', '-5', '    5', 'ab   |', 'ab5', '+5']) expect(viaBytes(cf, t), `${line} ${t}`).toBeNull();
    }
  });
});
