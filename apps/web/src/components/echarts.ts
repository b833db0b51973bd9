/**
 * ECharts with only what the console draws (bars, lines, the ± band as a stacked area), loaded
 * lazily by Chart so the first page stays small. ECharts rather than uPlot: bar + line + band,
 * tooltips, legends and its built-in aria description in one library; uPlot is smaller but draws
 * bars and bands through plugins we would have to write and keep.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, AriaComponent, CanvasRenderer]);
export { echarts };
