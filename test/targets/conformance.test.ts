// Conformance across hosts: the one scenario, replayed with a virtual clock and a fixed seed,
// gives a byte-identical event log (FNV-1a 64 over every record) on the Node loader host, the jco
// component, the native C host and the Cortex-M image under QEMU, for each build profile.
import { describe, expect, it } from "vitest";
import { compare, runConformance, type HostResult } from "../../targets/conformance/run.ts";

describe("conformance (targets/conformance)", () => {
  it("every host logs the same events, byte for byte", async () => {
    const { hosts, agree } = await runConformance();
    const failures = hosts.filter((h) => h.error).map((h) => `${h.host}: ${h.error}`);
    expect(failures).toEqual([]);
    const release = hosts.filter((h) => h.profile === "release");
    expect(release.map((h) => h.host)).toEqual(expect.arrayContaining(["node", "component", "native", "qemu-cortex-m3"]));
    expect(new Set(release.map((h) => h.hash)).size).toBe(1);
    expect(release[0].events).toBeGreaterThan(100);
    expect(new Set(hosts.filter((h) => h.profile === "mcu").map((h) => h.hash)).size).toBe(1);
    expect(agree).toBe(true);
  }, 600_000); // builds every target (or waits for the other test files' builds)

  it("fails when any host differs", () => {
    const host = (name: string, hash: string): HostResult => ({ host: name, profile: "release", events: 1, hash });
    expect(compare([host("node", "00"), host("native", "00")])).toBe(true);
    expect(compare([host("node", "00"), host("native", "01")])).toBe(false);
    expect(compare([host("node", "00"), { ...host("qemu-cortex-m3", ""), error: "exit 1" }])).toBe(false);
  });
});
