// Header type names are never cut: columns are sized for them, and the rare type longer than the
// width cap is shortened visibly (the header's title has it whole).
import { describe, expect, it } from 'vitest';
import { columnWidths, headerType, typeWidth } from '../../../../src-renderer/results/column-widths.ts';

describe('header types', () => {
  it('gets every column wide enough for its whole type, even one-letter names', () => {
    const cols = [{ name: 'x', type: 'UTINYINT' }, { name: 't', type: 'TIMESTAMP WITH TIME ZONE' }, { name: 'n', type: 'BOOLEAN' }];
    const widths = columnWidths(cols, [['1', '2026-11-25 20:01:24+00', 'true']]);
    cols.forEach((c, i) => {
      expect(widths[i]).toBeGreaterThanOrEqual(typeWidth(c.type));
      expect(headerType(c.type, widths[i])).toBe(c.type);
    });
  });

  it('shortens only types past the cap, with a visible ellipsis', () => {
    const long = `STRUCT(${Array.from({ length: 12 }, (_, i) => `field_${i} VARCHAR`).join(', ')})`;
    const [w] = columnWidths([{ name: 's', type: long }]);
    expect(w).toBe(420);
    const shown = headerType(long, w);
    expect(shown.endsWith('…')).toBe(true);
    expect(long.startsWith(shown.slice(0, -1))).toBe(true);
    expect(typeWidth(shown)).toBeLessThanOrEqual(w);
  });
});
