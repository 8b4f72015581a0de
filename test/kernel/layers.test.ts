// The kernel's layering is real: every import runs down the order written once in
// assembly/layers.json (or within a layer), and no import cycle forms. A failure prints each
// offending import with its file and line.
import { describe, it, expect } from "vitest";
import { kernelFiles, readImports, readLayers, layeringProblems, layerOf, type Import } from "./layering.ts";

const files = kernelFiles();
const imports = readImports(files);
const layers = readLayers();

describe("kernel layering (assembly/layers.json)", () => {
  it("puts every kernel file in one layer", () => {
    const orphans = files.filter((file) => layerOf(file, layers) < 0);
    expect(orphans, `files in no layer: ${orphans.join(", ")}`).toEqual([]);
    expect(layers.map((layer) => layer.name)).toEqual([
      "base", "registry", "graph", "lifecycle", "balance", "recovery", "health", "alerts", "records", "resources", "security", "discovery", "placement", "rollout", "manifest", "snapshot", "top",
    ]);
  });

  it("has no upward import and no import cycle", () => {
    const problems = layeringProblems(files, imports, layers);
    expect(problems, problems.join("\n")).toEqual([]);
    expect(imports.length).toBeGreaterThan(300); // the imports really were read
  });

  it("reports an upward import and a cycle, naming file and line", () => {
    const upward: Import = { from: "registry/services.ts", to: "balance/members.ts", line: 7, text: "import { x } from \"../balance/members\";" };
    const back: Import = { from: "balance/members.ts", to: "registry/services.ts", line: 9, text: "import { y } from \"../registry/services\";" };
    const problems = layeringProblems(files, [...imports, upward, back], layers);
    expect(problems).toContain(
      "upward import: registry/services.ts:7 (registry) imports balance/members.ts (balance): import { x } from \"../balance/members\";",
    );
    expect(problems.some((p) => p.startsWith("import cycle: ") && p.includes("registry/services.ts") && p.includes("balance/members.ts"))).toBe(true);
    expect(layeringProblems(["stray.ts"], [], layers)).toEqual(["stray.ts belongs to no layer of assembly/layers.json"]);
  });
});
