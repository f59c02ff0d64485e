// Server-side charts: ECharts SVG without any URL once inlined, PNG through resvg with only the
// bundled font (text renders although system fonts are off), identical bytes on every render.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import type { ChartData } from '../../../src-main/contract.ts';
import { chartSvg, FONT_FILE, inlineSvg, svgToPng } from '../../../src-main/report/charts.ts';
import { decodePng } from './png-decode.ts';

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
});
