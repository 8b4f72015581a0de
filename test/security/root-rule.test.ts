// The kernel's root rule (assembly/security/root-rule.ts): the host reports whether it runs as
// root, the blob's IDENTITY section (0x88) says who each spawned service runs as, and the kernel
// refuses a user service that would run as root without `allow-root`, at load and at start,
// with E_RUNS_AS_ROOT naming the service and the rule. No process runs here: the host's half
// (manifest, spawn as uid 0 or as a user) is proven in confinement.test.ts.
import { describe, expect, it } from "vitest";
import { Kernel } from "../../host/kernel/kernel.ts";
import { KernelManifest } from "../../host/kernel/manifest.ts";
import { VirtualHal } from "../../host/hal/virtual.ts";
import { encodeManifest, decodeManifest, seal } from "../../host/manifest/blob.ts";
import { ERROR_CODES } from "../../host/kernel/error-codes.ts";
import type { Manifest, RunAs, Service } from "../../host/manifest/types.ts";
import { reportHostIdentity } from "../../host/supervisor/root-rule.ts";

const service = (name: string, type: "system" | "user", runAs?: RunAs): Service => ({
  name, type, instances: 1, tags: [], dependencies: [], addresses: [], config: [], ...(runAs ? { runAs } : {}),
});
const manifest = (...services: Service[]): Manifest => ({ serial: 1, services });
const kernelAs = (root: boolean) => {
  const kernel = new Kernel({ hal: new VirtualHal(), profile: "release" });
  reportHostIdentity(kernel, root);
  return { kernel, m: new KernelManifest(kernel) };
};
const CODE = ERROR_CODES.E_RUNS_AS_ROOT.code;

describe("the root rule, in the kernel", () => {
  it("under a root host: a spawned user service with no user or user root is refused at load; allow-root, a user or system type load", () => {
    const refusedAt = (runAs: RunAs, type: "system" | "user" = "user") => {
      const { m } = kernelAs(true);
      try { m.load(encodeManifest(manifest(service("web", type, runAs)))); return undefined; } catch (error) { return error as { code: number; message: string }; }
    };
    expect(refusedAt({ user: "host", allowRoot: false })).toMatchObject({
      code: CODE, message: expect.stringMatching(/^service 'web' declares no user and the host runs as root, so it would run as root; a user service runs as root only with `allow-root: true`/),
    });
    expect(refusedAt({ user: "root", allowRoot: false })).toMatchObject({ code: CODE, message: expect.stringMatching(/^service 'web' would run as root \(user: root\)/) });
    expect(refusedAt({ user: "host", allowRoot: true })).toBeUndefined();
    expect(refusedAt({ user: "root", allowRoot: true })).toBeUndefined();
    expect(refusedAt({ user: "other", allowRoot: false })).toBeUndefined();
    expect(refusedAt({ user: "host", allowRoot: false }, "system")).toBeUndefined();
  });

  it("under an unprivileged host only user: root is refused; a service the host does not spawn has no rule", () => {
    const { m } = kernelAs(false);
    expect(() => m.load(encodeManifest(manifest(service("a", "user", { user: "host", allowRoot: false }), service("b", "user"))))).not.toThrow();
    const again = kernelAs(false);
    expect(() => again.m.load(encodeManifest(manifest(service("a", "user", { user: "root", allowRoot: false }))))).toThrow(/would run as root/);
  });

  it("at start: a host that reports root after the load gets its start refused, and start-all leaves the service stopped", () => {
    const { kernel, m } = kernelAs(false);
    m.load(encodeManifest(manifest(service("web", "user", { user: "host", allowRoot: false }), service("ok", "user", { user: "host", allowRoot: true }))));
    reportHostIdentity(kernel, true);
    expect(() => kernel.start("web")).toThrow(expect.objectContaining({ code: CODE, message: expect.stringMatching(/^service 'web' declares no user/) }));
    kernel.startAll();
    expect(kernel.state("web")).toBe("stopped");
    expect(kernel.state("ok")).not.toBe("stopped");
  });

  it("the IDENTITY section round-trips through the blob; a malformed one is refused naming the service", () => {
    const runAs: RunAs = { user: "root", allowRoot: true };
    expect(decodeManifest(encodeManifest(manifest(service("web", "user", runAs)))).services[0].runAs).toEqual(runAs);
    const blob = encodeManifest(manifest(service("web", "user", { user: "other", allowRoot: false })));
    const at = blob.lastIndexOf(0x88);
    blob[at + 3] = 0x20; // an unknown flag
    seal(blob);
    const { m } = kernelAs(true);
    expect(() => m.load(blob)).toThrow(/service 'web': record \(tag 136\) of 1 bytes does not hold its fields/);
  });
});
