// services.yaml with `run:` sections: what a real host needs beside the manifest, checked with
// FILE:LINE:COL like the rest of the file.
import { describe, expect, it } from "vitest";
import { parseHostManifest, splitAddress } from "../../host/supervisor/host-manifest.ts";
import { formatDiagnostic } from "../../host/manifest/diagnostics.ts";
import { instanceUrl, runnerTimeoutMs } from "../../host/supervisor/configure.ts";

const parse = (text: string) => parseHostManifest(text, "services.yaml", "/srv/edge");
const problems = (text: string) => parse(text).diagnostics.map(formatDiagnostic);

describe("host manifest", () => {
  it("reads run sections: command, args, cwd, env, readiness, check, gateway", () => {
    const { hostManifest, diagnostics } = parse(`
services:
  web:
    instances: { count: 2, addresses: ["127.0.0.1:7001", "127.0.0.1:7002"] }
    run:
      command: bin/web
      args: [--verbose, 3]
      cwd: data
      env: { LEVEL: debug, WORKERS: 4, ON: true }
      ready: listening
      check: { kind: file, path: heartbeat, max-age: 5s }
      gateway: { port: 8080, strategy: consistent-hash, hash: { header: X-User }, timeout: 2s }
    type: system
  batch:
    run: { command: node, args: [batch.js], ready: 250ms }
    type: system
`);
    expect(diagnostics).toEqual([]);
    expect(hostManifest!.run.get("web")).toEqual({
      command: "/srv/edge/bin/web", args: ["--verbose", "3"], cwd: "/srv/edge/data",
      env: { LEVEL: "debug", WORKERS: "4", ON: "true" }, readyWhenListening: true,
      check: { kind: "file", path: "/srv/edge/heartbeat", maxAgeMs: 5000 },
      gateway: { port: 8080, host: "127.0.0.1", strategy: "consistent-hash", hash: { header: "x-user" }, timeoutMs: 2000 },
    });
    expect(hostManifest!.run.get("batch")).toEqual({ command: "node", args: ["batch.js"], cwd: "/srv/edge", ready: { afterMs: 250 } });
    expect(hostManifest!.manifest.services.map((s) => s.name)).toEqual(["web", "batch"]);
  });

  it("reports bad run fields with file:line:col", () => {
    expect(problems(`
services:
  a:
    run:
      args: [x]
  b:
    run: { command: x, colour: blue, ready: soon }
  c:
    instances: { count: 1, addresses: ["127.0.0.1:1"] }
    run: { command: x, gateway: { port: 70000 }, check: { kind: smoke } }
`)).toEqual([
      "services.yaml:5:7: service 'a', field 'run.command': run needs a command (a program on the PATH or a path)",
      "services.yaml:7:24: service 'b', field 'run.colour': unknown key 'colour' in run; expected one of: command, args, cwd, env, inherit-env, ready, check, gateway, user, group, allow-root, capabilities, isolation, private-network",
      "services.yaml:7:45: service 'b', field 'run.ready': expected 'listening' or a duration such as 200ms",
      "services.yaml:10:41: service 'c', field 'run.gateway.port': expected a port 0..65535 (0: any free port)",
      "services.yaml:10:65: service 'c', field 'run.check.kind': expected one of: process, file, command, http, tcp",
    ]);
  });

  it("the manifest's own problems are reported beside, with their positions", () => {
    expect(problems(`
services:
  a:
    run:
      command: x
      args: [1, 2]
    instancs: 2
`)).toEqual([expect.stringMatching(/^services\.yaml:7:5: service 'a', field 'instancs': unknown key 'instancs'/)]);
  });

  it("a gateway or `ready: listening` needs an address per instance; gateway ports differ", () => {
    expect(problems(`
services:
  a:
    instances: 2
    run: { command: x, ready: listening, gateway: { port: 9000 } }
  b:
    instances: { count: 1, addresses: ["127.0.0.1:1"] }
    run: { command: x, gateway: { port: 9000 } }
`)).toEqual([
      "services.yaml:5:31: service 'a', field 'run.ready': 'ready: listening' needs an address for every instance (instances.addresses: 0 of 2)",
      "services.yaml:5:51: service 'a', field 'run.gateway': a gateway needs an address for every instance (instances.addresses: 0 of 2)",
      "services.yaml:8:33: service 'b', field 'run.gateway.port': port 9000 is the gateway port of 'a' too",
    ]);
  });

  it("a service whose only key is run, in block and flow style", () => {
    const { hostManifest, diagnostics } = parse(`
services:
  a:
    run:
      command: x
    type: system
  b: { run: { command: y }, type: system }
  c: { run: { command: z }, instances: 2, type: system }
`);
    expect(diagnostics).toEqual([]);
    expect(hostManifest!.manifest.services.map((s) => [s.name, s.instances])).toEqual([["a", 1], ["b", 1], ["c", 2]]);
    expect([...hostManifest!.run.keys()]).toEqual(["a", "b", "c"]);
  });

  it("addresses, check URLs and the runner's timeout", () => {
    expect(splitAddress("127.0.0.1:7001")).toEqual({ host: "127.0.0.1", port: 7001 });
    expect(splitAddress("http://[::1]:80/")).toEqual({ host: "::1", port: 80 });
    expect(splitAddress(":9")).toEqual({ host: "127.0.0.1", port: 9 });
    expect(splitAddress("nowhere")).toBeNull();
    expect(instanceUrl("http://localhost/healthz", { host: "127.0.0.1", port: 7001 })).toBe("http://127.0.0.1:7001/healthz");
    expect(instanceUrl("http://127.0.0.1:9000/x", { host: "127.0.0.1", port: 7001 })).toBe("http://127.0.0.1:9000/x");
    expect([runnerTimeoutMs(1000), runnerTimeoutMs(200), runnerTimeoutMs(1)]).toEqual([950, 160, 1]);
  });
});
