// The dashboard's map: the places below shaded by the chosen figure, the stations as points, drawn by
// ECharts from the JSON the page carries (no inline script: the Content-Security-Policy forbids it).
// A tap on a place opens its own dashboard (the list under the map has the same links without script);
// a new figure chosen in the select reloads the page with it.
document.addEventListener("DOMContentLoaded", function () {
  var select = document.querySelector("form.map-figure select");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
  var box = document.getElementById("district-map");
  var source = document.getElementById("district-map-data");
  if (!box || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var byName = {};
  data.regions.forEach(function (r) { byName[r.name] = r; });
  var chart = echarts.init(box, null, { renderer: "canvas" });
  var option = {
    animation: false,
    tooltip: {
      trigger: "item",
      formatter: function (p) {
        var r = byName[p.name];
        if (r) return r.label + "<br>" + data.figure + ": " + r.text;
        return p.name;
      },
    },
    series: [],
  };
  var points = {
    name: "stations", type: "scatter", symbolSize: 7, itemStyle: { color: "#b42318" },
    data: data.stations, label: { show: false },
    tooltip: { formatter: function (p) { return p.name; } },
  };
  if (data.geojson) {
    echarts.registerMap(data.map, data.geojson);
    option.geo = {
      map: data.map, roam: true, aspectScale: 0.85, layoutCenter: ["50%", "50%"], layoutSize: "95%",
      label: { show: true, fontSize: 10, formatter: function (p) { return (byName[p.name] || {}).label || ""; } },
      itemStyle: { borderColor: "#555", areaColor: "#f2f4f7" },
    };
    option.visualMap = {
      min: data.min, max: data.max > data.min ? data.max : data.min + 1, calculable: false,
      orient: "horizontal", left: "center", bottom: 0, itemHeight: 120, text: ["", data.figure],
      seriesIndex: 0, inRange: { color: ["#e0f2fe", "#0369a1"] },
    };
    option.series.push({
      type: "map", geoIndex: 0, name: data.figure,
      data: data.regions.filter(function (r) { return r.value !== null; })
        .map(function (r) { return { name: r.name, value: r.value }; }),
    });
    points.coordinateSystem = "geo";
    option.series.push(points);
  } else {
    // Without boundaries: the stations alone, on plain longitude and latitude axes.
    option.grid = { left: 48, right: 16, top: 16, bottom: 28 };
    option.xAxis = { type: "value", scale: true, name: "E" };
    option.yAxis = { type: "value", scale: true, name: "N" };
    option.series.push(points);
  }
  chart.setOption(option);
  chart.on("click", function (p) {
    var r = byName[p.name];
    if (r && r.url) window.location.href = r.url;
  });
  box.dataset.drawn = "yes";
  window.addEventListener("resize", function () { chart.resize(); });
});
