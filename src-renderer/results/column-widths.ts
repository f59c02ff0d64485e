// Initial column widths from the header and a sample of values: wide enough for typical content,
// capped so one long string column does not push everything else off screen. Pure.
import type { QueryColumn } from '../../src-main/contract.ts';

export const CHAR_PX = 7.3;
const PAD_PX = 18;
const MIN_PX = 56;
const MAX_PX = 420;

export function columnWidths(columns: readonly QueryColumn[], sample: readonly (readonly string[])[] = [], maxPx = MAX_PX): number[] {
  return columns.map((c, i) => {
    // 64-bit integers (ts_ns) are 19-20 digits; start there rather than jump when rows arrive.
    const typical = sample.length ? Math.min(c.type.length, 12) : /BIGINT$/i.test(c.type) ? 19 : /INT/i.test(c.type) ? 8 : Math.min(c.type.length, 16);
    let chars = Math.max(c.name.length + 2, typical);
    for (const row of sample) chars = Math.max(chars, (row[i] ?? '').length);
    return Math.round(Math.min(maxPx, Math.max(MIN_PX, chars * CHAR_PX + PAD_PX)));
  });
}
