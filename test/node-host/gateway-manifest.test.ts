// `run.gateway` in services.yaml: the L4 mode, limits and timeouts, and their problems with
// FILE:LINE:COL, the service and the field.
import { describe, expect, it } from "vitest";
import { parseHostManifest } from "../../host/supervisor/host-manifest.ts";
import { formatDiagnostic } from "../../host/manifest/diagnostics.ts";

const parse = (gateway: string) => parseHostManifest(`
services:
  db:
    instances: { count: 1, addresses: ["127.0.0.1:5432"] }
    run: { command: x, gateway: ${gateway} }
    type: system
`, "services.yaml", "/srv");

describe("gateway manifest", () => {
  it("reads mode tcp with its limits and timeouts", () => {
    const { hostManifest, diagnostics } = parse("{ mode: tcp, port: 6432, timeout: 2s, idle-timeout: 10m, max-connections: 500, drain-timeout: 15s }");
    expect(diagnostics).toEqual([]);
    expect(hostManifest!.run.get("db")!.gateway).toEqual({
      mode: "tcp", port: 6432, host: "127.0.0.1", timeoutMs: 2000, idleTimeoutMs: 600_000, maxConnections: 500, drainTimeoutMs: 15_000,
    });
  });

  it("reads an HTTP gateway's request limit", () => {
    expect(parse("{ port: 8080, max-requests: 64 }").hostManifest!.run.get("db")!.gateway).toEqual({ port: 8080, host: "127.0.0.1", timeoutMs: 30_000, maxRequests: 64 });
  });

  it("reports a bad mode, a hash or request limit on tcp, and bad counts and durations", () => {
    const problems = (gateway: string) => parse(gateway).diagnostics.map(formatDiagnostic);
    expect(problems("{ mode: udp, port: 1 }")).toEqual(["services.yaml:5:41: service 'db', field 'run.gateway.mode': expected http or tcp, not 'udp'"]);
    expect(problems("{ mode: tcp, port: 1, hash: { path: true }, max-requests: 5 }")).toEqual([
      "services.yaml:5:61: service 'db', field 'run.gateway.hash': a tcp gateway has no request to hash: it keys on the client address",
      "services.yaml:5:91: service 'db', field 'run.gateway.max-requests': a tcp gateway counts connections (max-connections), not requests",
    ]);
    expect(problems("{ port: 1, max-connections: 0, idle-timeout: soon }")).toEqual([
      "services.yaml:5:61: service 'db', field 'run.gateway.max-connections': expected a count 1..1000000, not '0'",
      "services.yaml:5:78: service 'db', field 'run.gateway.idle-timeout': expected a duration such as 5s, not 'soon'",
    ]);
  });
});
