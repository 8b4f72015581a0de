// `myco sim --fleet --svg FILE` (issue 13): the fleet simulator's node utilisation per tier as an
// SVG heat map, parsed by a real XML parser; the same seed writes the same picture.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { XMLParser, XMLValidator } from "fast-xml-parser";

const CLI = new URL("../../host/cli/myco.ts", import.meta.url).pathname;
const run = (...args: string[]) => execFileSync(process.execPath, ["--import", "tsx", CLI, ...args], { encoding: "utf8" });

describe("myco sim --fleet", () => {
  it("writes an SVG heat map that parses and names every tier", () => {
    const dir = mkdtempSync(join(tmpdir(), "myco-fleet-svg-"));
    const out = run("sim", "-", "--fleet", "--seed", "3", "--steps", "80", "--svg", join(dir, "a.svg"));
    expect(out).toMatch(/fleet seed=3: 80 steps ok, \d+ moves in \d+ planning rounds/);
    run("sim", "-", "--fleet", "--seed", "3", "--steps", "80", "--svg", join(dir, "b.svg"));
    const svg = readFileSync(join(dir, "a.svg"), "utf8");
    expect(svg).toBe(readFileSync(join(dir, "b.svg"), "utf8"));
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(svg);
    const texts = (doc.svg.text as Array<{ "#text": string; "@_class"?: string }>).filter((t) => t["@_class"] === "tier").map((t) => t["#text"]);
    expect(texts.map((t) => t.split(" ")[0])).toEqual(["sclerotia", "rhizomorph", "hyphae"]);
    expect(texts[0]).toMatch(/sclerotia \(\d+ nodes\)/);
    expect(doc.svg.rect.length).toBeGreaterThan(80 * 5); // a cell per node per step
  }, 120_000);
});
