// A reload frees the ids of removed services and may give them to added ones: the host's cached
// names must follow (an agent once spawned a removed service under its new neighbour's id).
import { describe, it, expect } from "vitest";
import { compileText, newKernel } from "./helpers.ts";

const manifest = (names: string[]) =>
  `version: 1\nservices:\n${names.map((n) => `  ${n}:\n    run: { allow-root: true, command: sleep, args: ["100"] }\n`).join("")}`;

describe("names across reloads", () => {
  it("an id freed by a removed service names the service added later", () => {
    const { kernel, m } = newKernel();
    m.load(compileText(manifest(["a", "b"])).blob);
    const names = () => kernel.serviceIds().map((id) => kernel.name(id));
    expect(names()).toEqual(["a", "b"]);
    const idOfB = kernel.id("b");
    m.load(compileText(manifest(["a"])).blob);
    for (let i = 0; i < 10 && m.pending > 0; i++) kernel.tick();
    expect(names()).toEqual(["a"]);
    m.load(compileText(manifest(["a", "c"])).blob);
    expect(kernel.id("c")).toBe(idOfB); // the freed id is reused: the case the cache must survive
    expect(names()).toEqual(["a", "c"]);
    expect(() => kernel.id("b")).toThrow(/not registered/);
  });
});
