// LogBytesParser reads `TID@SEC.USEC:name msg` from bytes, with the timestamp as two 32-bit
// words; it must accept exactly the lines the string parser of the log dialect reads that way,
// with the same fields.
import { describe, expect, it } from 'vitest';
import { dialects } from '../../../src-main/formats/dialects/index.ts';
import { LogBytesParser } from '../../../src-main/formats/dialects/log-bytes.ts';
import { prng } from '../../helpers/prng.ts';

const NAME_CHARS = 'abcxyz_ABZ09';

function randomLine(rnd: () => number): string {
  const pick = (s: string) => s[Math.floor(rnd() * s.length)];
  const digits = (n: number) => Array.from({ length: n }, () => pick('0123456789')).join('');
  const tid = rnd() < 0.1 ? digits(1 + Math.floor(rnd() * 16)) : String(1 + Math.floor(rnd() * 2 ** 31));
  // Seconds up to the largest whose ns still fit a BIGINT, around the 9e9 switch to BigInt.
  const sec = rnd() < 0.2 ? String(9_000_000_000 + Math.floor(rnd() * 200_000_000)) : rnd() < 0.1 ? digits(1 + Math.floor(rnd() * 9)) : String(1_500_000_000 + Math.floor(rnd() * 5e8));
  const usec = rnd() < 0.1 ? digits(Math.floor(rnd() * 8)) : digits(6);
  const name = Array.from({ length: Math.floor(rnd() * 12) }, () => pick(NAME_CHARS)).join('');
  const sep = rnd() < 0.1 ? pick(':@. x') : '';
  const msg = rnd() < 0.2 ? '' : ` ${Array.from({ length: Math.floor(rnd() * 30) }, () => pick('ab 0x:()@.')).join('')}`;
  return `${tid}@${sec}.${usec}:${name}${sep}${msg}`;
}

describe('LogBytesParser', () => {
  it('agrees with the log dialect on 20 000 random prefixed lines', () => {
    const rnd = prng(0x10b);
    const p = new LogBytesParser();
    let accepted = 0;
    for (let k = 0; k < 20_000; k++) {
      const line = randomLine(rnd);
      const bytes = Buffer.from(`junk${line}`, 'latin1');
      const ok = p.parse(bytes, 4, bytes.length);
      const h = dialects.log.parse(line, () => true);
      const viaString = h !== null && h !== 'skip' && h.prefixStyle === 'tid@sec.usec' ? h : null;
      expect(ok, line).toBe(viaString !== null);
      if (!ok || viaString === null) continue;
      accepted++;
      expect([p.tid, p.tsNs, p.name(p.nameId), bytes.toString('latin1', p.msgStart)], line).toEqual([viaString.tid, viaString.tsNs, viaString.name, viaString.msg]);
      expect(p.tsHi * 2 ** 32 + p.tsLo).toBe(Number(viaString.tsNs));
    }
    expect(accepted).toBeGreaterThan(10_000);
  });
});
