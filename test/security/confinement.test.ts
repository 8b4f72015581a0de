// Confinement with real processes (the tests run as root, as CI does): a `user:` service runs as
// that uid and gid; the capabilities it does not keep are absent from CapEff (and the bounding
// set), with no-new-privs; `isolation: namespace` gets its own PID and mount namespaces. The
// manifest's confinement keys are checked with FILE:LINE:COL, and a level this host cannot
// apply is refused, never downgraded.
import { afterEach, describe, expect, it } from "vitest";
import { readFileSync, readlinkSync } from "node:fs";
import { supervise, stopAll, freePorts, SERVICE_JS } from "../node-host/supervisor-helpers.ts";
import { waitFor } from "../node-host/helpers.ts";
import { parseHostManifest } from "../../host/supervisor/host-manifest.ts";
import { formatDiagnostic } from "../../host/manifest/diagnostics.ts";
import { confine } from "../../host/executors/confine.ts";
import { isolationMissing } from "../../host/supervisor/confinement-manifest.ts";

afterEach(stopAll);

const NODE = JSON.stringify(process.execPath);
const status = (pid: number) => Object.fromEntries(readFileSync(`/proc/${pid}/status`, "utf8").split("\n").map((l) => l.split(":\t")).filter((p) => p.length === 2));
const children = (pid: number) => readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);

function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error("these proofs change uid and create namespaces: run them as root, as CI does");
}

async function serviceWith(run: string, type = "user") {
  const [port] = await freePorts(1);
  const r = await supervise(`
services:
  svc:
    type: ${type}
    instances: { count: 1, addresses: ["127.0.0.1:${port}"] }
    run: { command: ${NODE}, args: [${JSON.stringify(SERVICE_JS)}], ready: listening, ${run} }
`);
  await waitFor(() => r.supervisor.kernel.state("svc") === "running", 15_000, "svc running");
  return { r, pid: r.supervisor.executor.pidOf("svc", 0)!, port };
}

describe("confinement of a service's processes", () => {
  it("user: nobody runs as that uid and gid, with every capability dropped and no-new-privs", async () => {
    requireRoot();
    const { pid } = await serviceWith("user: nobody");
    const s = status(pid);
    expect(s.Uid.split("\t")).toEqual(["65534", "65534", "65534", "65534"]);
    expect(s.Gid.split("\t")[0]).toBe("65534");
    expect(s.CapEff).toBe("0000000000000000");
    expect(s.CapBnd).toBe("0000000000000000");
    expect(s.NoNewPrivs).toBe("1");
  });

  it("capabilities: [net-bind-service] keeps exactly that one (CapEff 0x400), as nobody and as root", async () => {
    requireRoot();
    const { pid } = await serviceWith("user: nobody, capabilities: [net-bind-service]");
    expect(status(pid)).toMatchObject({ CapEff: "0000000000000400", CapPrm: "0000000000000400", CapBnd: "0000000000000400", NoNewPrivs: "1" });
    await stopAll();
    const root = await serviceWith("capabilities: [net-bind-service]", "system");
    expect(status(root.pid)).toMatchObject({ CapEff: "0000000000000400", CapBnd: "0000000000000400" });
    expect(status(root.pid).Uid.split("\t")[0]).toBe("0");
    expect(status(process.pid).CapEff).not.toBe("0000000000000400"); // the host keeps its own
  });

  it("isolation: namespace gets its own PID and mount namespaces, and is PID 1 there", async () => {
    requireRoot();
    const { pid, port } = await serviceWith("isolation: namespace, user: nobody");
    // unshare forks the service into the new namespace (the other child is the host's group watcher)
    const service = children(pid).find((child) => status(child).NSpid.split("\t").length === 2);
    if (service === undefined) throw new Error(`no child of ${pid} lives in a PID namespace of its own`);
    expect(readlinkSync(`/proc/${service}/ns/pid`)).not.toBe(readlinkSync("/proc/self/ns/pid"));
    expect(readlinkSync(`/proc/${service}/ns/mnt`)).not.toBe(readlinkSync("/proc/self/ns/mnt"));
    expect(readlinkSync(`/proc/${service}/ns/net`)).toBe(readlinkSync("/proc/self/ns/net")); // no private network asked
    expect(status(service).NSpid.split("\t")).toEqual([String(service), "1"]);
    expect(status(service).Uid.split("\t")[0]).toBe("65534");
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("ok svc#0\n");
  });

  it("the root rule with real processes: no user: is refused under root, allow-root: true runs as uid 0", async () => {
    requireRoot();
    await expect(serviceWith("cwd: /tmp")).rejects.toThrow(/field 'run.user': declares no user and the host runs as root/);
    const { pid } = await serviceWith("allow-root: true");
    expect(status(pid).Uid.split("\t")).toEqual(["0", "0", "0", "0"]);
  });

  it("the wrapper composes: unshare, then setpriv, then the command", () => {
    expect(confine(["/bin/app", "-v"], undefined)).toEqual(["/bin/app", "-v"]);
    expect(confine(["/bin/app"], { isolation: "process" })).toEqual(["/bin/app"]);
    expect(confine(["/bin/app"], { isolation: "namespace", privateNetwork: true, uid: 33, gid: 33, capabilities: ["net_bind_service"] })).toEqual([
      "unshare", "--pid", "--fork", "--mount-proc", "--kill-child", "--net", "--",
      "setpriv", "--regid=33", "--reuid=33", "--clear-groups", "--inh-caps=-all,+net_bind_service", "--ambient-caps=-all,+net_bind_service",
      "--bounding-set=-all,+net_bind_service", "--no-new-privs", "--", "/bin/app",
    ]);
  });
});

describe("confinement in the manifest", () => {
  const check = (run: string, type = "user") => {
    const { diagnostics } = parseHostManifest(`services:\n  svc:\n    type: ${type}\n    run: { command: ${NODE}, ${run} }\n`, "services.yaml", "/tmp");
    return diagnostics.map(formatDiagnostic);
  };

  it("a user service may run as root only when the manifest says so; a system service may (the kernel's rule)", () => {
    expect(check("user: root")).toEqual([expect.stringMatching(/^services.yaml:4:\d+: service 'svc', field 'run.user': would run as root \(user: root\); a user service runs as root only with `allow-root: true`/)]);
    expect(check("user: 0")).toHaveLength(1);
    expect(check("user: root, allow-root: true")).toEqual([]);
    expect(check("user: root", "system")).toEqual([]);
    expect(check("user: nobody, group: nogroup")).toEqual([]);
  });

  it("a user service with no user: under a root host is refused (it would run as root); allow-root or a user lets it load", () => {
    requireRoot();
    expect(check("cwd: /tmp")).toEqual([expect.stringMatching(/^services.yaml:4:10: service 'svc', field 'run.user': declares no user and the host runs as root, so it would run as root; .*allow-root: true/)]);
    expect(check("cwd: /tmp", "system")).toEqual([]);
    expect(check("allow-root: true")).toEqual([]);
    expect(check("user: nobody")).toEqual([]);
  });

  it("names the field and value of every mistake, with file:line:col", () => {
    expect(check("user: no-such-user-x")).toEqual([expect.stringMatching(/^services.yaml:4:\d+: .*user "no-such-user-x" does not exist on this host/)]);
    expect(check("group: no-such-group-x")).toEqual([expect.stringMatching(/group "no-such-group-x" does not exist/)]);
    expect(check("capabilities: [net-bind-service, fly]")).toEqual([expect.stringMatching(/'fly' is not a Linux capability/)]);
    expect(check("capabilities: net-bind-service")).toEqual([expect.stringMatching(/expected a list/)]);
    expect(check("isolation: sandbox")).toEqual([expect.stringMatching(/expected one of: process, namespace, container, vm/)]);
    expect(check("private-network: true")).toEqual([expect.stringMatching(/a private network needs isolation: namespace/)]);
    expect(check("allow-root: yes-please")).toEqual([expect.stringMatching(/run.allow-root.*expected true or false/)]);
    expect(check("isolation: namespace, private-network: true, capabilities: [CAP_NET_RAW], allow-root: true")).toEqual([]);
  });

  it("container and vm isolation: applied only where a runtime exists, otherwise refused saying what is missing", () => {
    for (const level of ["container", "vm"] as const) {
      const missing = isolationMissing(level);
      // This host runs no container runtime or hypervisor that myco drives: refused, never downgraded.
      expect(missing, level).toBeDefined();
      const [diagnostic, ...more] = check(`isolation: ${level}`);
      expect(more).toEqual([]);
      expect(diagnostic).toMatch(/^services\.yaml:4:\d+: service 'svc', field 'run\.isolation': /);
      expect(diagnostic.endsWith(`isolation '${level}' cannot be applied on this host: ${missing}`)).toBe(true);
    }
  });
});
