// The shared ECharts build plus the custom series the state timeline draws its boxes with.
import { CustomChart } from 'echarts/charts';
import { echarts } from '../charts/echarts-setup.ts';

echarts.use([CustomChart]);

export { echarts };
export type { ECharts } from '../charts/echarts-setup.ts';
