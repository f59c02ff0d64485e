// Server-side charts: ECharts SVG without any URL once inlined, PNG through resvg with only the
// bundled font (text renders although system fonts are off), identical bytes on every render.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import type { ChartData } from '../../../src-main/contract.ts';
import { chartSvg, FONT_FILE, inlineSvg, REPORT_PALETTE, svgToPng } from '../../../src-main/report/charts.ts';
import { decodePng } from '../../helpers/png-decode.ts';

const DATA: ChartData = {
  kind: 'bar',
  xType: 'category',
  xName: 'name',
  yName: 'n',
  series: [{ name: 'n', x: ['ram_load_loop', 'ram_save_page', '10.0.0.1'], y: [74311, 49429, 5] }],
  sourceRows: 3,
  points: 3,
  sampled: false,
};

function darkPixels(png: Buffer): number {
  const p = decodePng(png);
  let n = 0;
  for (let i = 0; i < p.pixels.length; i += p.bpp) if (p.pixels[i] < 128 && p.pixels[i + 1] < 128 && p.pixels[i + 2] < 128) n++;
  return n;
}

describe('charts', () => {
  it('a chart split into 20 series draws 20 different colours', () => {
    const series = Array.from({ length: 20 }, (_, i) => ({ name: `channel ${i}`, x: [0, 1, 2], y: [i, i + 1, i + 2] }));
    const svg = chartSvg({ kind: 'line', xType: 'value', xName: 't', yName: 'bytes', series, sourceRows: 60, points: 60, sampled: false }, 'Split');
    // Every colour of the palette is used, once per series: none repeats within 20.
    const used = REPORT_PALETTE.filter((c) => svg.toLowerCase().includes(c.toLowerCase()));
    expect(used).toEqual(REPORT_PALETTE);
    expect(new Set(REPORT_PALETTE.map((c) => c.toLowerCase())).size).toBe(20);
  });

  it('ships the font and its licence', () => {
    expect(existsSync(FONT_FILE)).toBe(true);
    expect(readFileSync(FONT_FILE).subarray(0, 4).toString('hex')).toBe('00010000');
    expect(readFileSync(FONT_FILE.replace('DejaVuSans.ttf', 'DejaVuSans-LICENSE.txt'), 'utf8')).toMatch(/Bitstream Vera/);
  });

  it('renders text with the bundled font only, byte-identically', () => {
    const text = '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100"><rect width="400" height="100" fill="#fff"/><text x="10" y="60" font-family="No Such Font" font-size="40" fill="#000">Downtime 26.9 ms</text></svg>';
    expect(darkPixels(svgToPng(text))).toBeGreaterThan(500);
    const a = svgToPng(chartSvg(DATA, 'Events'));
    expect(a.equals(svgToPng(chartSvg(DATA, 'Events')))).toBe(true);
    const p = decodePng(a);
    expect([p.width, p.height]).toEqual([800, 400]);
  });

  it('labels pass through the label function (redaction) and inline SVG names no URL', () => {
    const svg = chartSvg(DATA, 'Events', (s) => s.replace('10.0.0.1', 'ip-1'));
    expect(svg).toContain('ip-1');
    expect(svg).not.toContain('10.0.0.1');
    expect(inlineSvg(svg, 'item7-')).not.toMatch(/https?:\/\//);
    const line: ChartData = { ...DATA, kind: 'line', xType: 'value', series: [{ name: 'y', x: [1, 2, 3], y: [3, 1, 2] }] };
    const inl = inlineSvg(chartSvg(line, 'L'), 'item7-');
    expect(inl).toMatch(/url\(#item7-zr\d+-/);
    expect(inl).not.toMatch(/[#"\s]zr\d+-/);
  });

  it('masks pointers: no tick labels on their axes, placeholders for pointer categories and series', () => {
    const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    const ptr = (s: string) => `ptr-${s.length}`;
    const hist: ChartData = { kind: 'histogram', xType: 'value', xName: 'host', yName: 'count', series: [{ name: 'count', x: [140078946500000, 140078950500000], y: [3, 4] }], sourceRows: 7, points: 2, sampled: false };
    const plain = texts(chartSvg(hist, 'H'));
    expect(plain.some((t) => t.startsWith('140,07'))).toBe(true);
    const masked = texts(chartSvg(hist, 'H', (s) => s, { x: true, y: false, series: false, pointer: ptr }));
    expect(masked.some((t) => t.startsWith('140,07'))).toBe(false);
    expect(masked).toContain('host (pointers: values hidden)');
    // The counts axis still has its ticks.
    expect(masked.filter((t) => /^\d+$/.test(t)).length).toBeGreaterThan(2);
    const bars: ChartData = { kind: 'bar', xType: 'category', xName: 'host', yName: 'n', series: [{ name: 'n', x: ['140078946500000', '7'], y: [3, 4] }], sourceRows: 2, points: 2, sampled: false };
    const b = texts(chartSvg(bars, 'B', (s) => s, { x: true, y: false, series: false, pointer: ptr }));
    expect(b).toEqual(expect.arrayContaining(['ptr-15', 'ptr-1']));
    expect(b.join(' ')).not.toContain('140078946500000');
    const lines: ChartData = { kind: 'line', xType: 'value', xName: 'seq', yName: 'v', series: [{ name: '140078946500000', x: [1, 2], y: [5, 6] }, { name: '9', x: [1, 2], y: [7, 8] }], sourceRows: 4, points: 4, sampled: false };
    const l = texts(chartSvg(lines, 'L', (s) => s, { x: false, y: false, series: true, pointer: ptr }));
    expect(l).toEqual(expect.arrayContaining(['ptr-15', 'ptr-1']));
    expect(l.join(' ')).not.toContain('140078946500000');
  });
});
