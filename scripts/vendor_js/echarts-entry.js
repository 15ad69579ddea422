// The part of ECharts that Qunfang draws with: the daily chart (mobilization/static/mobilization/
// daily-chart.js, on the activities' statistics and the dashboard) is a line chart on a category and a
// value axis, with an axis tooltip and a scrolling legend, drawn on a canvas. A new kind of chart or
// component is added here, then scripts/build_vendor_js.sh is run again.
import { init, use } from "echarts/core";
import { LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { init };
