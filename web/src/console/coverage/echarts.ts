/**
 * The parts of ECharts the coverage page uses (bar charts on a canvas). Imported with a dynamic
 * import() only by CoverageChart, so ECharts lands in its own chunk, loaded on that page alone.
 */
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, CanvasRenderer]);

export { echarts };
export type { ECharts } from 'echarts/core';
