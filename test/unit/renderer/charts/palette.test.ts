// The page palette: 20 colours that stay apart, one colour per name across every chart of a page.
import { describe, expect, it } from 'vitest';
import { createColorMap, PALETTE, SIDE_COLOR } from '../../../../src-renderer/charts/palette.ts';

/** CIE76 distance in L*a*b* (D65), enough to tell "looks the same" from "looks different". */
function lab(hex: string): [number, number, number] {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v > 0.04045 ? ((v + 0.055) / 1.055) ** 2.4 : v / 12.92));
  const [r, g, b] = c as [number, number, number];
  const xyz = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883];
  const f = xyz.map((t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116));
  return [116 * f[1]! - 16, 500 * (f[0]! - f[1]!), 200 * (f[1]! - f[2]!)];
}
const dE = (a: string, b: string) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]!));

describe('palette', () => {
  it('has 20 colours, each clearly apart from every other', () => {
    expect(new Set(PALETTE).size).toBe(20);
    let closest = Infinity;
    for (let i = 0; i < PALETTE.length; i++) for (let j = i + 1; j < PALETTE.length; j++) closest = Math.min(closest, dE(PALETTE[i]!, PALETTE[j]!));
    // The old 16-colour palette had pairs under 12 (two oranges, two greens).
    expect(closest).toBeGreaterThan(20);
  });

  it('gives a name one colour for the map\'s life, 18 names 18 colours, none a side\'s', () => {
    const m = createColorMap();
    const names = Array.from({ length: 18 }, (_, i) => `event_${i}`);
    const colors = names.map((n) => m.color(n));
    expect(new Set(colors).size).toBe(18);
    expect(colors).not.toContain(SIDE_COLOR.src);
    expect(colors).not.toContain(SIDE_COLOR.dst);
    expect(names.map((n) => m.color(n))).toEqual(colors);
    // The 19th name repeats a colour, still not a side's.
    expect([SIDE_COLOR.src, SIDE_COLOR.dst]).not.toContain(m.color('one more'));
    expect(m.size).toBe(19);
  });

  it("the downtime chart's checkpoint phase is no longer the destination's orange", () => {
    const m = createColorMap();
    expect(dE(m.color('checkpoint phase'), SIDE_COLOR.dst)).toBeGreaterThan(20);
  });
});
