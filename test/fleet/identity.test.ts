// Node identity and transport security against a real etcd with real certificates (made by the
// openssl CLI): etcd requires a client certificate from the fleet's CA (none, or one from a
// foreign CA, is refused at the handshake); an agent's node name is its certificate's CN (a
// different --node, another role's certificate, is refused before it touches etcd); a
// coordinator's id is its CN; the operator's certificate reads the fleet.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { LocalFleet } from "../../host/fleet/local-fleet.ts";
import { connect, EtcdUnreachableError } from "../../host/fleet/connect.ts";
import { Pki, identity, certificateIdentity, IdentityError } from "../../host/fleet/pki.ts";
import type { EtcdStore } from "../../host/fleet/etcd-store.ts";
import type { Keys } from "../../host/fleet/keys.ts";
import { waitFor } from "./support.ts";

const MYCO = fileURLToPath(new URL("../../host/cli/myco.js", import.meta.url));
const lines: string[] = [];
const fleet = new LocalFleet({ ttlSeconds: 3, tls: true, cluster: "tls", log: (name, line) => lines.push(`${name} | ${line}`) });
const foreignDir = mkdtempSync(join(tmpdir(), "myco-foreign-ca-"));
let store: EtcdStore | undefined;
let keys: Keys | undefined;

/** `myco ARGS` to its end: exit code and both outputs. */
async function myco(args: string[]): Promise<{ code: number; out: string; stdout: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [MYCO, ...args], { timeout: 30_000 });
    return { code: 0, out: stdout + stderr, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr, stdout: e.stdout };
  }
}

beforeAll(async () => {
  await fleet.start();
  ({ store, keys } = await connect(fleet.urls, fleet.cluster, 3000, fleet.operatorTls));
}, 60_000);

afterAll(async () => {
  await store?.close();
  await fleet.stop();
  rmSync(foreignDir, { recursive: true, force: true });
});

describe("certificates (openssl) and who they name", () => {
  it("issues one certificate per party, its role in OU and its name in CN", () => {
    const cert = fleet.pki!.issue("agent", "edge-7");
    expect(certificateIdentity(cert.cert)).toEqual({ role: "agent", name: "edge-7" });
    expect(identity(cert, "agent", undefined, "--node")).toBe("edge-7");
    expect(identity(cert, "agent", "edge-7", "--node")).toBe("edge-7");
    expect(() => identity(cert, "agent", "edge-8", "--node")).toThrow(/--node 'edge-8' does not match the certificate's name 'edge-7'/);
    expect(() => identity(cert, "coordinator", undefined, "--id")).toThrow(/is for a agent \(OU=agent\), not for a coordinator/);
    expect(() => fleet.pki!.issue("agent", "bad name")).toThrow(IdentityError);
  });
});

describe("etcd requires a client certificate from the fleet's CA", () => {
  it("serves https and answers the operator's certificate", async () => {
    expect(fleet.urls[0]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await store!.get(keys!.root)).toBeUndefined();
  });

  it("refuses a client without a certificate, naming the URL and what is missing", async () => {
    const error = await connect(fleet.urls, fleet.cluster, 1500).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdUnreachableError);
    expect(String(error)).toContain(fleet.urls[0]);
    expect(String(error)).toMatch(/requires a client certificate/);
  });

  it("refuses a certificate from a foreign CA", async () => {
    const foreign = Pki.create(foreignDir, "someone else's CA").issue("operator", "operator");
    const error = await connect(fleet.urls, fleet.cluster, 1500, { ...foreign, cacert: fleet.operatorTls!.cacert }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdUnreachableError);
    expect(String(error)).toMatch(/refused the certificate/);
  });
});

describe("agents and coordinators are who their certificates say", () => {
  it("an agent with its own certificate registers under its CN (no --node needed); a coordinator leads under its CN", async () => {
    const cert = (await fleet.credentials("agent", "sclerotia-9"))!; // its etcd user too: per-node permissions are on
    await fleet.spawnMyco("sclerotia-9", ["agent", ...fleet.common(cert), "--tier", "sclerotia"], /registered \(lease/);
    expect(JSON.parse((await store!.get(keys!.node("sclerotia-9")))!.value).tier).toBe("sclerotia");
    await fleet.startCoordinator("coordinator-1");
    await waitFor("coordinator-1 leads", async () => lines.some((l) => l.startsWith("coordinator-1 |") && /leading/.test(l)), 20_000);
    expect(await fleet.stopChild("sclerotia-9")).toBe(0);
  }, 60_000);

  it("refuses an agent claiming another node's name, or holding another node's certificate", async () => {
    const mine = fleet.pki!.issue("agent", "rhizomorph-1");
    const claim = await myco(["agent", ...fleet.common(mine), "--node", "rhizomorph-2", "--tier", "rhizomorph"]);
    expect(claim.code).toBe(2);
    expect(claim.out).toMatch(/--node 'rhizomorph-2' does not match the certificate's name 'rhizomorph-1'/);
    expect(await store!.get(keys!.node("rhizomorph-2"))).toBeUndefined();
  }, 30_000);

  it("refuses another role's certificate (an operator's or a coordinator's as an agent's)", async () => {
    const operator = await myco(["agent", ...fleet.common(fleet.operatorTls), "--tier", "hyphae"]);
    expect(operator.code).toBe(2);
    expect(operator.out).toMatch(/is for a operator \(OU=operator\), not for a agent/);
    const coordinator = await myco(["coordinator", ...fleet.common(fleet.pki!.issue("agent", "hyphae-1")), "--id", "hyphae-1"]);
    expect(coordinator.code).toBe(2);
    expect(coordinator.out).toMatch(/not for a coordinator/);
  }, 30_000);

  it("an agent with no certificate, or one from a foreign CA, is refused by etcd (exit 3, a clear message)", async () => {
    const none = await myco(["agent", ...fleet.common(), "--node", "hyphae-2", "--tier", "hyphae"]);
    expect(none.code).toBe(3);
    expect(none.out).toMatch(/requires a client certificate: pass --cacert, --cert and --key/);
    const foreign = Pki.create(join(foreignDir, "agents"), "foreign").issue("agent", "hyphae-2");
    const refused = await myco(["agent", ...fleet.common({ ...foreign, cacert: fleet.operatorTls!.cacert }), "--tier", "hyphae"]);
    expect(refused.code).toBe(3);
    expect(refused.out).toMatch(/refused the certificate/);
    expect(await store!.get(keys!.node("hyphae-2"))).toBeUndefined();
  }, 30_000);

  it("the operator's commands take --cacert/--cert/--key, all three together", async () => {
    const tls = fleet.operatorTls!;
    const status = await myco(["fleet", "nodes", "--json", "--etcd", fleet.urls[0], "--cluster", fleet.cluster, "--cacert", tls.cacert, "--cert", tls.cert, "--key", tls.key]);
    expect(status.code).toBe(0);
    expect(Array.isArray(JSON.parse(status.stdout))).toBe(true);
    const partial = await myco(["fleet", "nodes", "--etcd", fleet.urls[0], "--cacert", tls.cacert]);
    expect(partial.code).not.toBe(0);
    expect(partial.out).toMatch(/--cacert, --cert and --key go together: --cacert given without --cert, --key/);
  }, 30_000);
});
