// Per-service charts over time, drawn with uPlot: requests/s, p50 and p99 latency, errors/s,
// availability. The page keeps the newest POINTS_MAX seconds per service; the shown service's
// charts get every new point as it arrives.
const POINTS_MAX = 300;
const WIDTH_MIN = 220;
const HEIGHT = 150;

const CHARTS = [
  { title: "requests/s", series: [{ label: "requests", key: "requests", stroke: "#58a6ff" }] },
  { title: "latency (ms)", series: [{ label: "p50", key: "p50Ms", stroke: "#2ea043" }, { label: "p99", key: "p99Ms", stroke: "#d29922" }] },
  { title: "errors/s", series: [{ label: "errors", key: "errors", stroke: "#f85149" }] },
  { title: "availability (%)", series: [{ label: "available", key: "availability", stroke: "#a371f7", scale: 100 }] },
];

export class ServiceCharts {
  constructor(container, select) {
    this.container = container;
    this.select = select;
    this.points = new Map();
    this.shown = "";
    this.plots = [];
    select.addEventListener("change", () => this.show(select.value));
  }

  /** The services to choose from (the first balanced one is shown first). */
  services(names, preferred) {
    const current = [...this.select.options].map((o) => o.value).join(",");
    if (current !== names.join(",")) {
      this.select.replaceChildren(...names.map((n) => new Option(n, n)));
      if (!names.includes(this.shown)) this.shown = "";
    }
    if (!this.shown && names.length) this.show(preferred ?? names[0]);
  }

  add(points) {
    for (const p of points) {
      let list = this.points.get(p.service);
      if (!list) this.points.set(p.service, list = []);
      list.push(p);
      if (list.length > POINTS_MAX) list.shift();
    }
    if (points.some((p) => p.service === this.shown)) this.redraw();
  }

  show(service) {
    this.shown = service;
    this.select.value = service;
    for (const plot of this.plots) plot.destroy();
    this.container.replaceChildren();
    const width = Math.max(WIDTH_MIN, Math.floor(this.container.clientWidth / 2) - 8);
    this.plots = CHARTS.map((chart) => new uPlot({
      title: chart.title, width, height: HEIGHT, legend: { show: chart.series.length > 1 },
      scales: { x: { time: true } },
      axes: [{ stroke: "#8b96a3", grid: { stroke: "#2a333d" } }, { stroke: "#8b96a3", grid: { stroke: "#2a333d" } }],
      series: [{}, ...chart.series.map((s) => ({ label: s.label, stroke: s.stroke, width: 1.5, spanGaps: false }))],
    }, this.data(chart), this.container));
    this.container.dataset.service = service;
    this.redraw();
  }

  data(chart) {
    const list = this.points.get(this.shown) ?? [];
    return [list.map((p) => p.t), ...chart.series.map((s) => list.map((p) => (p[s.key] === null ? null : p[s.key] * (s.scale ?? 1))))];
  }

  redraw() {
    CHARTS.forEach((chart, i) => this.plots[i]?.setData(this.data(chart)));
    const list = this.points.get(this.shown) ?? [];
    this.container.dataset.points = String(list.length);
    this.container.dataset.requests = String(list.reduce((sum, p) => sum + p.requests, 0));
  }
}
