// LogBytesParser reads `TID@SEC.USEC:name msg` and 10.1+ `YYYY-MM-DDTHH:MM:SS.fZ name msg` from
// bytes, with the timestamp as two 32-bit words; it must accept exactly the lines the string
// parser of the log dialect reads that way, with the same fields.
import { describe, expect, it } from 'vitest';
import { dialects } from '../../../../src-main/formats/dialects/index.ts';
import { LogBytesParser } from '../../../../src-main/formats/dialects/log-bytes.ts';
import { prng } from '../../../helpers/prng.ts';

const NAME_CHARS = 'abcxyz_ABZ09';

/** A 10.1+ ISO-8601 line: mostly valid, sometimes an impossible date, a long fraction or no `Z `. */
function randomIsoLine(rnd: () => number): string {
  const pick = (s: string) => s[Math.floor(rnd() * s.length)];
  const two = (n: number) => String(n).padStart(2, '0');
  const y = rnd() < 0.1 ? 1900 + Math.floor(rnd() * 60) : 1970 + Math.floor(rnd() * 200);
  const mo = rnd() < 0.05 ? 13 : 1 + Math.floor(rnd() * 12);
  const d = rnd() < 0.05 ? 30 + Math.floor(rnd() * 3) : 1 + Math.floor(rnd() * 28);
  const h = rnd() < 0.05 ? 24 : Math.floor(rnd() * 24);
  const sec = rnd() < 0.05 ? 60 : Math.floor(rnd() * 60);
  const frac = rnd() < 0.2 ? '' : rnd() < 0.1 ? '.' : `.${Array.from({ length: 1 + Math.floor(rnd() * 10) }, () => pick('0123456789')).join('')}`;
  const sepT = rnd() < 0.05 ? ' ' : 'T';
  const zones = ['Z', 'z ', '+00:00 ', 'Z:'];
  const zone = rnd() < 0.05 ? zones[Math.floor(rnd() * zones.length)] : 'Z ';
  const name = rnd() < 0.05 ? 'qemu-system-x86_64:' : Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => pick(NAME_CHARS)).join('');
  const msg = rnd() < 0.2 ? '' : ` ${Array.from({ length: Math.floor(rnd() * 30) }, () => pick('ab 0x:()@.')).join('')}`;
  return `${y}-${two(mo)}-${two(d)}${sepT}${two(h)}:${two(Math.floor(rnd() * 60))}:${two(sec)}${frac}${zone}${name}${msg}`;
}

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
  it('agrees with the log dialect on 20 000 random TID@ and ISO-8601 lines', () => {
    const rnd = prng(0x10b);
    const p = new LogBytesParser();
    let accepted = 0;
    let iso = 0;
    for (let k = 0; k < 20_000; k++) {
      const line = k % 2 === 0 ? randomLine(rnd) : randomIsoLine(rnd);
      const bytes = Buffer.from(`junk${line}`, 'latin1');
      const ok = p.parse(bytes, 4, bytes.length);
      const h = dialects.log.parse(line, () => true);
      const viaString = h !== null && h !== 'skip' && (h.prefixStyle === 'tid@sec.usec' || h.prefixStyle === 'iso8601') ? h : null;
      expect(ok, line).toBe(viaString !== null);
      if (!ok || viaString === null) continue;
      accepted++;
      expect([p.style, p.tid, p.tsNs, p.name(p.nameId), bytes.toString('latin1', p.msgStart)], line).toEqual([viaString.prefixStyle, viaString.tid, viaString.tsNs, viaString.name, viaString.msg]);
      expect(BigInt.asIntN(64, (BigInt(p.tsHi) << 32n) | BigInt(p.tsLo))).toBe(viaString.tsNs);
      if (p.style === 'iso8601') iso++;
    }
    expect(accepted).toBeGreaterThan(10_000);
    expect(iso).toBeGreaterThan(4_000);
  });

  it('agrees with it on runs of lines in one minute (where the minute is reused), bad seconds and all', () => {
    const rnd = prng(0x150);
    const p = new LogBytesParser();
    const minutes = ['2026-11-25T20:01', '1026-11-25T20:01', '2026-11-25T20:02', '1970-01-01T00:00', '1969-12-31T23:59', '2024-02-29T12:30', '2023-02-29T12:30', '2026-11-25 20:01', '2026-11-25T20:0x'];
    const secs = ['00', '07', '59', '60', '61', '99', '6', '5x', '', '-1'];
    let accepted = 0;
    for (let k = 0; k < 5000; k++) {
      const m = minutes[Math.floor(rnd() * minutes.length)];
      const colon = rnd() < 0.05 ? '.' : ':';
      const line = `${m}${colon}${secs[Math.floor(rnd() * secs.length)]}.${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}Z ev_${k % 7} x=${k}`;
      // A few lines in a row reuse the minute, then another comes.
      for (let r = 0; r < 1 + Math.floor(rnd() * 4); r++) {
        const bytes = Buffer.from(line, 'latin1');
        const ok = p.parse(bytes, 0, bytes.length);
        const h = dialects.log.parse(line, () => true);
        const viaString = h !== null && h !== 'skip' && h.prefixStyle === 'iso8601' ? h : null;
        expect(ok, line).toBe(viaString !== null);
        if (!ok || viaString === null) continue;
        accepted++;
        expect(p.tsNs, line).toBe(viaString.tsNs);
      }
    }
    expect(accepted).toBeGreaterThan(1500);
  });
});
