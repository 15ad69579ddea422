// The part of ECharts that Qunfang draws with: the daily chart (mobilization/static/mobilization/
// daily-chart.js, on the activities' statistics and the dashboard) is a line chart on a category and a
// value axis, with an axis tooltip and a scrolling legend, drawn on a canvas; the dashboard's map
// (maps/static/maps/district-map.js) is a map series on a geo component registered from the places'
// shapes, shaded through a continuous visual map, with the stations as a scatter series (on the geo, or
// on two value axes without shapes). A new kind of chart or component is added here, then
// scripts/build_vendor_js.sh is run again.
import { init, registerMap, use } from "echarts/core";
import { LineChart, MapChart, ScatterChart } from "echarts/charts";
import {
  GeoComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

use([
  LineChart,
  MapChart,
  ScatterChart,
  GeoComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  CanvasRenderer,
]);

export { init, registerMap };
