// suggestChart: a first chart for a result from its column types alone (no data read), so the
// chart tab has something sensible to show the moment a query finishes.
import type { ChartSuggestion, QueryColumn } from '../contract.ts';
import { ID_COLUMNS, isCategoryType, isNumericType, isTimeColumn } from './column-kinds.ts';

export const DEFAULT_MAX_POINTS = 2000;
export const DEFAULT_BINS = 50;

export function suggestChartFor(columns: readonly QueryColumn[], rowCount: number, paged: boolean): ChartSuggestion {
  if (!paged) return { spec: null, reason: 'this statement does not return a table of rows to chart' };
  if (rowCount === 0) return { spec: null, reason: 'the result has no rows' };
  const time = columns.find(isTimeColumn);
  const plain = columns.filter((c) => c !== time && isNumericType(c.type) && !isTimeColumn(c));
  const values = plain.filter((c) => !ID_COLUMNS.has(c.name));
  const numbers = values.length > 0 ? values : plain.filter((c) => c.name !== 'trace_id');
  const categories = columns.filter((c) => isCategoryType(c.type));
  const base = { maxPoints: DEFAULT_MAX_POINTS };
  if (time && numbers.length > 0) {
    const series = categories.find((c) => c.name === 'side') ?? null;
    return {
      spec: { ...base, kind: 'line', x: time.name, y: numbers.slice(0, 4).map((c) => c.name), series: series?.name ?? null },
      reason: `${time.name} is a time axis; ${numbers.length === 1 ? 'one number' : 'numbers'} to follow over time`,
    };
  }
  if (categories.length > 0 && numbers.length > 0) {
    return {
      spec: { ...base, kind: 'bar', x: categories[0].name, y: numbers.slice(0, 3).map((c) => c.name), series: null },
      reason: `${categories[0].name} names categories; ${numbers[0].name} is a number per category`,
    };
  }
  if (numbers.length >= 2 && !time) {
    return {
      spec: { ...base, kind: 'scatter', x: numbers[0].name, y: [numbers[1].name], series: null },
      reason: `two numeric columns: ${numbers[1].name} against ${numbers[0].name}`,
    };
  }
  const single = numbers[0] ?? time;
  if (single) {
    return {
      spec: { ...base, kind: 'histogram', x: single.name, y: [], series: null, bins: DEFAULT_BINS },
      reason: `the distribution of ${single.name}`,
    };
  }
  return { spec: null, reason: 'no numeric or time column to chart' };
}
