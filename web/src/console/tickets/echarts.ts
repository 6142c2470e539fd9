/**
 * The parts of ECharts the metrics page uses (bars and lines on a canvas). Imported with a dynamic
 * import() only by MetricsChart, so ECharts stays out of the other pages' chunks.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export { echarts };
export type { ECharts } from 'echarts/core';
