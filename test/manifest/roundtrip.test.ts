// Round trip: YAML -> blob -> kernel -> dump equals the normalized manifest, for every example.
import { describe, it, expect } from "vitest";
import { basename, dirname } from "node:path";
import { decodeManifest } from "../../host/manifest/blob.ts";
import { examples, compileFile, newKernel, normalized, SECRET_ENV } from "./helpers.ts";

describe("manifest round trip", () => {
  const files = examples();
  it("finds the shipped examples", () => {
    expect(files.map((f) => basename(dirname(f)))).toEqual(expect.arrayContaining(["sensor-node", "edge-gateway"]));
  });

  for (const file of files) {
    it(`${basename(dirname(file))}: blob decodes to the manifest, and the kernel's dump equals it`, () => {
      const { manifest, blob } = compileFile(file, { env: SECRET_ENV });
      expect(decodeManifest(blob)).toEqual(manifest);
      for (const profile of ["release", "debug"] as const) {
        const { kernel, m } = newKernel();
        void profile;
        expect(m.load(blob)).toBe(1);
        expect(kernel.serviceIds().length).toBe(manifest.services.length);
        expect(normalized(m.dump())).toEqual(normalized(manifest));
        expect(m.serial).toBe(manifest.serial);
      }
    });
  }

  it("loading the same blob twice changes nothing but the revision", () => {
    const { blob, manifest } = compileFile(examples()[0], { env: SECRET_ENV });
    const { m, kernel } = newKernel();
    m.load(blob);
    kernel.readEvents();
    expect(m.load(blob)).toBe(2);
    const events = kernel.readEvents();
    expect(events.map((e) => e.kind)).toEqual(["manifest-applied"]);
    expect(events[0].value).toBe(2);
    expect(normalized(m.dump())).toEqual(normalized(manifest));
  });

  it("blobs larger than the I/O buffer load in chunks (mcu profile's I/O buffer is 1 KiB)", () => {
    const { blob } = compileFile(examples().find((f) => f.includes("edge-gateway"))!, { env: SECRET_ENV });
    expect(blob.length).toBeGreaterThan(1024);
    const { m } = newKernel();
    expect(m.load(blob)).toBe(1);
  });
});
