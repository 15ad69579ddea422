// The statistics page's daily chart: one line per activity, drawn by ECharts from the JSON the page
// carries (no inline script: the Content-Security-Policy forbids it).
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("daily-chart");
  var source = document.getElementById("daily-chart-data");
  if (!box || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(box, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", top: 0 },
    grid: { left: 48, right: 16, top: 40, bottom: 28 },
    xAxis: { type: "category", data: data.days },
    yAxis: { type: "value", minInterval: 1 },
    series: data.series.map(function (s) {
      return { name: s.name, type: "line", data: s.data, symbolSize: 5 };
    }),
  });
  box.dataset.drawn = "yes";
  window.addEventListener("resize", function () { chart.resize(); });
});
