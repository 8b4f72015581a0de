// The README's and targets/README.md's numbers come from bench/results.json: every bench block
// is what bench/report.ts renders from the results file, the README's measured section has no
// hand-typed measurement outside the blocks, and a missed goal is listed, not left out.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { BLOCKS, DOCUMENTS, blockNames, fmt, readResults, renderDocument } from "../../bench/report.ts";
import { GOALS } from "../../bench/goals.ts";
import type { BenchRow } from "../../bench/harness.ts";

const results = readResults();
const [readme, targetsReadme] = DOCUMENTS.map((path) => readFileSync(path, "utf8"));

describe("numbers generated from bench/results.json", () => {
  it.each(DOCUMENTS.map((path) => [path.replace(/^.*\/(targets\/)?/, "$1")]))("%s: every bench block matches the results (else run tsx bench/report.ts)", (name) => {
    const text = name.startsWith("targets/") ? targetsReadme : readme;
    expect(blockNames(text).length).toBeGreaterThan(0);
    const rendered = renderDocument(text, results);
    for (const block of blockNames(text)) {
      const pick = (t: string) => t.slice(t.indexOf(`<!-- bench:${block} -->`), t.indexOf(`<!-- /bench:${block} -->`));
      expect(pick(text), `block '${block}'`).toBe(pick(rendered));
    }
  });

  it("every renderer has its block in one of the documents, and the blocks are not empty", () => {
    const used = [...blockNames(readme), ...blockNames(targetsReadme)];
    expect([...used].sort()).toEqual(Object.keys(BLOCKS).sort());
    const rendered = renderDocument(readme, results);
    for (const block of blockNames(readme)) expect(rendered).toMatch(new RegExp(`<!-- bench:${block} -->\\n[^\\n]+`));
  });

  it("the README's measured section quotes no measurement outside the generated blocks", () => {
    const section = readme.slice(readme.indexOf("## Measured"), readme.indexOf("\n## ", readme.indexOf("## Measured") + 1));
    const outside = section.replace(/<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g, "");
    const quoted = outside.match(/\d[\d,.]*\s*(ns|ms|KiB|KB|MiB|req\/s|instructions|x\b)/g) ?? [];
    expect(quoted).toEqual([]);
  });

  it("a missing results row is an error, not a blank", () => {
    expect(() => renderDocument(readme, results.filter((r) => !r.name.startsWith("order ")))).toThrow(/bench\/results\.json has no row 'order/);
  });
});

describe("goals", () => {
  it("each goal names a row of the results", () => {
    for (const goal of GOALS) {
      expect(results.some((r) => (typeof goal.name === "string" ? r.name === goal.name : goal.name.test(r.name)) && (!goal.peer || r.peer === goal.peer)), goal.what).toBe(true);
    }
  });

  it("a missed goal is listed as missed; a met one as met", () => {
    const gateway = (ratio: number): BenchRow[] => results.map((r) => (r.peer === "http-proxy" && r.name.endsWith("myco http requests/s") ? { ...r, ratio } : r));
    const missed = renderDocument(readme, gateway(1.2));
    expect(missed).toMatch(/\| HTTP gateway throughput against http-proxy \(keep-alive agent\), same run \| >= 1.5x \| 1.2x \| \*\*missed\*\* \|/);
    expect(missed).toMatch(/Missed in the last run: [^\n]*HTTP gateway throughput against http-proxy/);
    const met = renderDocument(readme, gateway(1.9));
    expect(met).toMatch(/\| HTTP gateway throughput against http-proxy \(keep-alive agent\), same run \| >= 1.5x \| 1.9x \| met \|/);
  });

  it("rows where a peer is faster are listed", () => {
    const rendered = renderDocument(readme, results);
    for (const row of results.filter((r) => r.ratio !== null && r.ratio < 1 && /loadbalance|hashring|opossum|cockatiel|toposort|dependency-graph/.test(r.peer ?? ""))) {
      expect(rendered).toContain(`against ${row.peer}: ${fmt(row.ratio!)}x`);
    }
  });
});

it("numbers read the way the README writes them", () => {
  expect(fmt(0.9041)).toBe("0.904");
  expect(fmt(74.227)).toBe("74.2");
  expect(fmt(3464.24)).toBe("3,464");
  expect(fmt(46.671)).toBe("46.7");
});
