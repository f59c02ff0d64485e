// The year of year-less syslog / journalctl-short stamps: decided once per file from its head
// (the first record's stamp under the now-rule, or a journalctl header's span), then each stamp
// takes the year that puts it nearest that reference, so a file crossing New Year goes forward.
// Audit inputs: a December log read on 7 Dec 2026 whose last line is `Jan  1`.
import { describe, expect, it } from 'vitest';
import { createSyslogDialect, journalHeaderSpan } from '../../../../src-main/formats/dialects/syslog.ts';
import type { TextDialect, TextHeader } from '../../../../src-main/formats/text-types.ts';

const known = () => true;
const READ_ON = Date.UTC(2026, 11, 7, 9); // 7 Dec 2026

const ns = (y: number, mo: number, d: number, h: number, mi: number, s: number): bigint => BigInt(Date.UTC(y, mo - 1, d, h, mi, s)) * 1_000_000n;

/** The dialect a decode plan builds from the head of `lines` (tune, then tuned), fresh per trace. */
function planned(lines: readonly string[], nowMs = READ_ON): TextDialect {
  const base = createSyslogDialect({ nowMs });
  const tuning = base.tune?.(lines, known) ?? null;
  const d = tuning === null ? base : (base.tuned as (t: string) => TextDialect)(tuning);
  return d.forTrace?.() ?? d;
}

function times(d: TextDialect, lines: readonly string[]): (bigint | null)[] {
  return lines.map((l) => (d.parse(l, known) as TextHeader).tsNs);
}

const EN = [
  'Dec 31 23:59:58 kvm1 qemu-system-x86_64[4242]: migrate_set_state new state setup',
  'Dec 31 23:59:59 kvm1 qemu-system-x86_64[4242]: migrate_set_state new state active',
  'Jan  1 00:00:03 kvm1 qemu-system-x86_64[4242]: migrate_set_state new state completed',
];

describe('year-less stamps across New Year', () => {
  it('advances the year at the rollover (C month names)', () => {
    const d = planned(EN);
    expect(times(d, EN)).toEqual([ns(2026, 12, 31, 23, 59, 58), ns(2026, 12, 31, 23, 59, 59), ns(2027, 1, 1, 0, 0, 3)]);
    expect(d.yearAssumed?.()).toBe(2026);
  });

  it('advances the year at the rollover (French month names)', () => {
    const fr = [
      'déc. 31 23:59:59 hote qemu-system-x86_64[99]: migrate_set_state new state setup',
      'janv. 01 00:00:01 hote qemu-system-x86_64[99]: migrate_set_state new state active',
      'janv. 01 00:00:02 hote qemu-system-x86_64[99]: migrate_set_state new state completed',
    ];
    expect(times(planned(fr), fr)).toEqual([ns(2026, 12, 31, 23, 59, 59), ns(2027, 1, 1, 0, 0, 1), ns(2027, 1, 1, 0, 0, 2)]);
  });

  it('gives every segment of a file the same years (the reference is in the plan, not the segment)', () => {
    // The second segment starts at the January line: alone, the now-rule would put it in 2026.
    const segment2 = planned(EN);
    expect(times(segment2, EN.slice(2))).toEqual([ns(2027, 1, 1, 0, 0, 3)]);
    expect(times(planned(EN.slice(2)), EN.slice(2))).toEqual([ns(2026, 1, 1, 0, 0, 3)]);
  });

  it('reads a January head in January, a December tail of the year before', () => {
    const lines = ['Jan  2 10:00:00 h qemu[1]: e a', 'Dec 30 10:00:00 h qemu[1]: e b'];
    expect(times(planned(lines, Date.UTC(2027, 0, 5)), lines)).toEqual([ns(2027, 1, 2, 10, 0, 0), ns(2026, 12, 30, 10, 0, 0)]);
  });
});

describe('journalctl header', () => {
  const RU = [
    '-- Journal begins at Mon 2024-04-01 09:00:00 MSK, ends at Fri 2024-05-03 10:00:00 MSK. --',
    'мая 03 09:59:59 kvm1 qemu-system-x86_64[4242]: migrate_set_state new state setup',
    'мая 03 10:00:01 kvm1 qemu-system-x86_64[4242]: migrate_set_state new state failed',
  ];

  it('takes the year from `-- Journal begins at ... ends at ...`, and no year is assumed', () => {
    const d = planned(RU);
    expect(times(d, RU.slice(1))).toEqual([ns(2024, 5, 3, 9, 59, 59), ns(2024, 5, 3, 10, 0, 1)]);
    expect(d.yearAssumed?.()).toBeNull();
  });

  it('takes it from the older `-- Logs begin at ..., end at ...` across New Year', () => {
    const lines = [
      '-- Logs begin at Mon 2024-12-30 08:00:00 CET, end at Wed 2025-01-01 00:10:00 CET. --',
      'Dec 31 23:59:59 h qemu-kvm[5]: migrate_set_state new state setup',
      'Jan 01 00:00:01 h qemu-kvm[5]: migrate_set_state new state active',
    ];
    const d = planned(lines);
    expect(times(d, lines.slice(1))).toEqual([ns(2024, 12, 31, 23, 59, 59), ns(2025, 1, 1, 0, 0, 1)]);
    expect(d.yearAssumed?.()).toBeNull();
  });

  it('parses the span, and nothing else', () => {
    expect(journalHeaderSpan(RU[0])).toEqual([Date.UTC(2024, 3, 1, 9), Date.UTC(2024, 4, 3, 10)]);
    expect(journalHeaderSpan('-- Boot 0123456789abcdef --')).toBeNull();
    expect(journalHeaderSpan('-- No entries --')).toBeNull();
  });

  it('says nothing is assumed when the stamps carry their year', () => {
    const lines = ['2025-11-25T19:23:05.253839+00:00 host qemu-system-x86_64[16503]: e x'];
    const d = planned(lines);
    d.parse(lines[0], known);
    expect(d.yearAssumed?.()).toBeNull();
  });
});
