// Initial column widths from the header and a sample of values: wide enough for typical content,
// capped so one long string column does not push everything else off screen. Pure.
import type { QueryColumn } from '../../src-main/contract.ts';

export const CHAR_PX = 7.3;
/** The header's type line is 11px: a little narrower per character than the 12px cells. */
export const TYPE_CHAR_PX = 6.8;
const PAD_PX = 18;
const MIN_PX = 56;
const MAX_PX = 420;

export function columnWidths(columns: readonly QueryColumn[], sample: readonly (readonly string[])[] = [], maxPx = MAX_PX): number[] {
  return columns.map((c, i) => {
    // The first page is a poor guide for integers (row 9,999,999 has more digits than row 0):
    // size them for their type's range. 64-bit values (ts_ns, u64 args) are 19-20 digits.
    const integerChars = /(HUGEINT|BIGINT)$/i.test(c.type) ? 20 : /^U?INTEGER$/i.test(c.type) ? 11 : /^U?(SMALLINT|TINYINT)$/i.test(c.type) ? 6 : 0;
    const typical = integerChars || (sample.length ? Math.min(c.type.length, 12) : Math.min(c.type.length, 16));
    let chars = Math.max(c.name.length + 2, typical);
    for (const row of sample) chars = Math.max(chars, (row[i] ?? '').length);
    // The type is never cut: the column is at least as wide as its type name (up to the cap).
    return Math.round(Math.min(maxPx, Math.max(MIN_PX, chars * CHAR_PX + PAD_PX, typeWidth(c.type))));
  });
}

/** Pixels the header needs to show `type` whole. */
export function typeWidth(type: string): number {
  return Math.ceil(type.length * TYPE_CHAR_PX + PAD_PX);
}

/**
 * The type as the header shows it in `px`: whole when it fits (always, for types up to the
 * width cap: widths make room), else shortened with `…` (the header's title has it whole).
 */
export function headerType(type: string, px: number): string {
  if (typeWidth(type) <= px) return type;
  const chars = Math.max(4, Math.floor((px - PAD_PX) / TYPE_CHAR_PX) - 1);
  return `${type.slice(0, chars)}…`;
}
