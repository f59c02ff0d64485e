// Year-less syslog stamps with the month names of the writer's locale, as journalctl's short
// output prints them (strftime `%b %d %T` under LC_TIME): glibc's abbreviations (ru `фев`, es
// `sep`, ja ` 1月` padded to two columns) and ICU's (`févr.`, `déc.`).
import { describe, it, expect } from 'vitest';
import { loadCatalogueFile } from '../../../../src-main/catalogue/index.ts';
import { createSyslogDialect } from '../../../../src-main/formats/dialects/syslog.ts';
import type { TextHeader } from '../../../../src-main/formats/text-types.ts';
import type { EventRecord, RecordSink, UnparsedRecord } from '../../../../src-main/formats/types.ts';
import { makeDecoder, planFor } from '../../../../src-main/ingest/pipeline/decoders.ts';
import { DEBIAN_72 } from '../../../helpers/paths.ts';

const cat = loadCatalogueFile(DEBIAN_72);

/** The year of a file's first year-less stamp (README: this year, or last when a month ahead). */
function yearOf(month: number, day: number): number {
  const now = Date.now();
  const y = new Date(now).getUTCFullYear();
  return Date.UTC(y, month - 1, day) > now + 31 * 86_400_000 ? y - 1 : y;
}

/**
 * The times of a file's stamps [month, day, h, m, s]: the first in yearOf's year, each other in
 * the year that puts it nearest the first (README: within ±6 months of the head's stamp).
 */
function nsOfFile(stamps: readonly (readonly [number, number, number, number, number])[]): bigint[] {
  const [m0, d0, h0, mi0, s0] = stamps[0];
  const ref = Date.UTC(yearOf(m0, d0), m0 - 1, d0, h0, mi0, s0);
  const refYear = new Date(ref).getUTCFullYear();
  return stamps.map(([mo, d, h, mi, s]) => {
    const at = [refYear - 1, refYear, refYear + 1].map((y) => Date.UTC(y, mo - 1, d, h, mi, s));
    const near = at.reduce((a, b) => (Math.abs(b - ref) < Math.abs(a - ref) ? b : a));
    return BigInt(near) * 1_000_000n;
  });
}

const tuningOf = (plan: ReturnType<typeof planFor>): unknown => (plan.kind === 'text' && plan.tuning !== undefined ? JSON.parse(plan.tuning) : null);

/** [month name as printed, month, day as printed, day]. */
type Stamp = readonly [string, number, string, number];

const LOCALES: Record<string, readonly Stamp[]> = {
  ru: [['янв', 1, '07', 7], ['фев', 2, '28', 28], ['мая', 5, '09', 9], ['сен', 9, '01', 1], ['дек.', 12, '31', 31]],
  de: [['Mär', 3, '07', 7], ['Mai', 5, '01', 1], ['Okt', 10, '15', 15], ['Dez', 12, '24', 24]],
  fr: [['janv.', 1, '02', 2], ['févr.', 2, '14', 14], ['mai', 5, ' 8', 8], ['août', 8, '15', 15], ['déc.', 12, '07', 7]],
  es: [['ene', 1, '06', 6], ['sep', 9, '11', 11], ['dic', 12, '25', 25]],
  pl: [['sty', 1, '20', 20], ['paź', 10, '03', 3], ['lis', 11, '11', 11], ['gru', 12, '06', 6]],
  ja: [[' 1月', 1, '07', 7], [' 9月', 9, '30', 30], ['12月', 12, '07', 7]],
  zh: [['3月', 3, '08', 8], ['11月', 11, '11', 11]],
  ko: [[' 6월', 6, '25', 25], ['10월', 10, '09', 9]],
  tr: [['Şub', 2, '14', 14], ['Ağu', 8, '30', 30]],
};

const STATES = ['setup', 'active', 'completed', 'cancelled', 'failed'];

function journalShort(stamps: readonly Stamp[]): string {
  return stamps
    .map(([mon, , day], k) => `${mon} ${day} 12:34:${String(k).padStart(2, '0')} vmhost qemu-system-x86_64[4242]: migrate_set_state new state ${STATES[k]}`)
    .join('\n');
}

function decode(text: string): { plan: ReturnType<typeof planFor>; events: EventRecord[]; unparsed: UnparsedRecord[] } {
  const bytes = Buffer.from(`${text}\n`);
  const plan = planFor(bytes, [cat]);
  const events: EventRecord[] = [];
  const unparsed: UnparsedRecord[] = [];
  if (plan.kind !== 'text') return { plan, events, unparsed };
  const sink: RecordSink = { event: (r) => events.push(r), unparsed: (r) => unparsed.push(r), dropped: () => {} };
  const dec = makeDecoder(plan, 'journal.txt', cat);
  dec.push(bytes, sink);
  dec.end(sink);
  return { plan, events, unparsed };
}

describe('journalctl short output in other locales', () => {
  for (const [locale, stamps] of Object.entries(LOCALES)) {
    it(`types ${locale} lines, values and times exact`, () => {
      const d = decode(journalShort(stamps));
      expect(d.plan.kind === 'text' && d.plan.format).toBe('syslog');
      expect(d.unparsed).toEqual([]);
      expect(d.events.map((e) => [e.tsNs, e.pid, e.tid, e.event.name, e.args])).toEqual(
        nsOfFile(stamps.map(([, month, , day], k) => [month, day, 12, 34, k] as const)).map((ns, k) => [ns, 4242, null, 'migrate_set_state', [STATES[k]]]),
      );
    });
  }

  it('reads a name shared by locales in the locale the rest of the file is in', () => {
    // `lis` is November in Polish and Czech, October in Croatian; `stu` is Croatian November.
    const hr = decode(journalShort([['lis', 10, '31', 31], ['stu', 11, '01', 1]]));
    expect(tuningOf(hr.plan)).toMatchObject({ locales: ['hr'] });
    expect(hr.events.map((e) => e.tsNs)).toEqual(nsOfFile([[10, 31, 12, 34, 0], [11, 1, 12, 34, 1]]));
    const pl = decode(journalShort([['lis', 11, '30', 30], ['gru', 12, '01', 1]]));
    expect(tuningOf(pl.plan)).toMatchObject({ locales: ['pl'] });
    expect(pl.events.map((e) => e.tsNs)).toEqual(nsOfFile([[11, 30, 12, 34, 0], [12, 1, 12, 34, 1]]));
  });

  it('does not guess a month the file cannot tell', () => {
    const d = decode(journalShort([['lis', 11, '07', 7], ['lis', 11, '08', 8]]));
    expect(d.plan.kind).toBe('none');
    // …and says why, naming the month's meanings.
    expect(d.plan.kind === 'none' && d.plan.reason).toMatch(
      /^no QEMU trace records recognised in the first 2 lines: 2 syslog lines are records but for this \(first: month `lis` means October in hr and November in (?:\w+, )*pl(?:, \w+)*, and the file's other month names do not tell which locale it is in/,
    );
  });

  it('keeps a line whose month the file cannot tell in unparsed, saying so, and types the others', () => {
    // A file of C-locale stamps with one journalctl line of a Polish or Croatian host in it.
    const c = journalShort([['Nov', 11, '07', 7], ['Nov', 11, '08', 8], ['Nov', 11, '09', 9]]).split('\n');
    const lis = journalShort([['lis', 11, '07', 7], ['lis', 11, '08', 8], ['lis', 11, '09', 9], ['lis', 11, '10', 10]]).split('\n')[3];
    const d = decode([...c, lis].join('\n'));
    expect(d.plan.kind === 'text' && d.plan.format).toBe('syslog');
    expect(d.events.map((e) => e.args)).toEqual([['setup'], ['active'], ['completed']]);
    expect(d.unparsed.map((u) => [u.line, u.raw])).toEqual([[4, lis]]);
    expect(d.unparsed[0].reason).toMatch(/^month `lis` means October in hr and November in .*pl.*, and the file's other month names do not tell which locale it is in/);
  });
});

describe('localized month names in the syslog dialect', () => {
  const sys = createSyslogDialect({ year: 2025 });
  const at = (stamp: string): bigint | null => {
    const h = sys.parse(`${stamp} 12:00:00 vmhost qemu-kvm[7]: savevm_state_header `, () => true) as TextHeader | null;
    return h === null ? null : h.tsNs;
  };
  const utc = (month: number, day: number): bigint => BigInt(Date.UTC(2025, month - 1, day, 12)) * 1_000_000n;

  it('matches any case, with or without the trailing dot', () => {
    expect(at('MÄR 07')).toBe(utc(3, 7));
    expect(at('mär 07')).toBe(utc(3, 7));
    expect(at('Dez. 07')).toBe(utc(12, 7));
    expect(at('déc 07')).toBe(utc(12, 7));
    expect(at('DÉC. 07')).toBe(utc(12, 7));
    expect(at('Февраля  7')).toBe(utc(2, 7));
  });

  it('reads names with a space in them and the C names as before', () => {
    expect(at('thg 12 07')).toBe(utc(12, 7));
    expect(at('Dec  7')).toBe(utc(12, 7));
    expect(at('Jan 07')).toBe(utc(1, 7));
  });

  it('refuses what is no month name, or an ambiguous one', () => {
    expect(at('Foo 07')).toBeNull();
    expect(at('lis 07')).toBeNull();
    expect(at('12 07')).toBeNull();
    expect(at('1月07')).toBeNull();
  });
});
