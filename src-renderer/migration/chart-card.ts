// One chart of the Migration page: a title, "Open query" (the SQL goes to an editor tab and
// runs), and either the ECharts drawing or a sentence saying why there is nothing to draw.
import type { EChartsCoreOption } from 'echarts/core';
import { h } from '../util/dom.ts';
import { echarts, type ECharts } from './echarts-extra.ts';

export interface ChartCard {
  readonly root: HTMLElement;
  setQuery(sql: string | null): void;
  draw(option: EChartsCoreOption, note?: string): void;
  empty(message: string, kind?: 'info' | 'error'): void;
  loading(): void;
  resize(): void;
  dispose(): void;
}

export function createChartCard(id: string, title: string, help: string, openQuery: (sql: string) => void): ChartCard {
  const open = h('button', { class: 'btn small', 'data-testid': 'open-query', disabled: true, title: 'Open this chart\'s SQL in an editor tab and run it' }, 'Open query');
  const note = h('span', { class: 'mg-chart-note muted' });
  const canvas = h('div', { class: 'mg-chart-canvas' });
  const message = h('div', { class: 'mg-chart-message', hidden: true });
  const root = h(
    'section',
    { class: 'mg-chart', 'data-chart': id, 'data-state': 'loading', 'data-testid': 'migration-chart' },
    h('header', { class: 'mg-chart-head' }, h('h3', { title: help }, title), note, h('span', { class: 'spacer' }), open),
    h('div', { class: 'mg-chart-body' }, canvas, message),
  );
  let sql: string | null = null;
  let chart: ECharts | null = null;
  open.addEventListener('click', () => {
    if (sql) openQuery(sql);
  });

  function say(text: string, kind: 'info' | 'error'): void {
    message.textContent = text;
    message.dataset.kind = kind;
    message.hidden = false;
    canvas.hidden = true;
  }

  return {
    root,
    setQuery(q) {
      sql = q;
      open.disabled = q === null;
    },
    draw(option, text) {
      message.hidden = true;
      canvas.hidden = false;
      note.textContent = text ?? '';
      chart ??= echarts.init(canvas, undefined, { renderer: 'canvas' });
      chart.setOption(option, { notMerge: true });
      chart.resize();
      root.dataset.state = 'drawn';
    },
    empty(text, kind = 'info') {
      note.textContent = '';
      chart?.clear();
      say(text, kind);
      root.dataset.state = kind === 'error' ? 'error' : 'empty';
    },
    loading() {
      root.dataset.state = 'loading';
    },
    resize() {
      chart?.resize();
    },
    dispose() {
      chart?.dispose();
      chart = null;
    },
  };
}
