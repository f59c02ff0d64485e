// The parts of ECharts the workbench draws with, registered once: importing 'echarts' whole
// would ship every chart type, map and component (~1 MB more).
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, ScatterChart, BarChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, CanvasRenderer, SVGRenderer]);

export { echarts };
export type ECharts = echarts.ECharts;
