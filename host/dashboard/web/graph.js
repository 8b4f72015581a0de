// The dependency graph: laid out by dagre (left to right, dependencies on the right), drawn
// as SVG, nodes coloured by state. The layout is computed again only when the services or
// their edges change; a state change only recolours.
const NODE_WIDTH = 120;
const NODE_HEIGHT = 34;
const SVG = "http://www.w3.org/2000/svg";

const COLOURS = {
  running: "#2ea043", starting: "#b08800", stopping: "#b08800", backoff: "#db6d28",
  failed: "#da3633", stopped: "#6e7681", disabled: "#484f58",
};

export class DependencyGraph {
  constructor(svg, onSelect) {
    this.svg = svg;
    this.onSelect = onSelect;
    this.shape = "";
    this.nodes = new Map();
  }

  /** services: [{ name, state, dependencies: [{ to, kind }] }] */
  update(services) {
    const shape = JSON.stringify(services.map((s) => [s.name, s.dependencies]));
    if (shape !== this.shape) {
      this.shape = shape;
      this.layout(services);
    }
    for (const service of services) {
      const node = this.nodes.get(service.name);
      if (!node) continue;
      node.setAttribute("data-state", service.state);
      node.querySelector("rect").setAttribute("fill", COLOURS[service.state] ?? "#6e7681");
      node.querySelector("title").textContent = `${service.name}: ${service.state}`;
    }
  }

  layout(services) {
    const graph = new dagre.graphlib.Graph();
    graph.setGraph({ rankdir: "RL", nodesep: 18, ranksep: 48, marginx: 8, marginy: 8 });
    graph.setDefaultEdgeLabel(() => ({}));
    const names = new Set(services.map((s) => s.name));
    for (const s of services) graph.setNode(s.name, { width: NODE_WIDTH, height: NODE_HEIGHT });
    for (const s of services) for (const d of s.dependencies) if (names.has(d.to)) graph.setEdge(s.name, d.to, { kind: d.kind });
    dagre.layout(graph);
    const { width, height } = graph.graph();
    this.svg.replaceChildren();
    this.svg.setAttribute("viewBox", `0 0 ${Math.max(width, 1)} ${Math.max(height, 1)}`);
    this.svg.style.maxWidth = `${Math.ceil(width * 1.25)}px`; // a small graph is not blown up
    const defs = element("defs");
    defs.innerHTML = '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#8b96a3"/></marker>';
    this.svg.append(defs);
    for (const e of graph.edges()) {
      const edge = graph.edge(e);
      const path = element("path", { class: `edge ${edge.kind}`, d: edge.points.map((p, i) => `${i ? "L" : "M"}${p.x},${p.y}`).join(" "), "marker-end": "url(#arrow)" });
      path.setAttribute("data-edge", `${e.v}->${e.w}`);
      this.svg.append(path);
    }
    this.nodes.clear();
    for (const name of graph.nodes()) {
      const { x, y } = graph.node(name);
      const group = element("g", { class: "node", "data-service": name, transform: `translate(${x - NODE_WIDTH / 2},${y - NODE_HEIGHT / 2})` });
      group.append(element("title"), element("rect", { width: NODE_WIDTH, height: NODE_HEIGHT }));
      const label = element("text", { x: NODE_WIDTH / 2, y: NODE_HEIGHT / 2 });
      label.textContent = name;
      group.append(label);
      group.addEventListener("click", () => this.onSelect(name));
      this.svg.append(group);
      this.nodes.set(name, group);
    }
  }
}

function element(tag, attributes = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  return node;
}
