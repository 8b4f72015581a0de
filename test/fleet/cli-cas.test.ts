// No lost update with two real CLI processes (issue 14's proof): two `myco fleet batch` processes,
// started at once against a real etcd (TLS, the operator's certificate), each make 500 changes
// `scale counter +1` (10 in flight each), every one a compare-and-swap on the spec's revision.
// The final state is the last write by revision (1,000), every change appears exactly once in the
// event log (the watch from before the first), and the revisions the CLIs report are the log's.
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { LocalFleet } from "../../host/fleet/local-fleet.ts";
import { connect } from "../../host/fleet/connect.ts";
import { loadFleetManifest } from "../../host/fleet/fleet-manifest.ts";
import { publishServices } from "../../host/fleet/specs.ts";
import type { WatchEvent } from "../../host/fleet/store.ts";
import type { EtcdStore } from "../../host/fleet/etcd-store.ts";
import { writeManifest, waitFor } from "./support.ts";

const MYCO = fileURLToPath(new URL("../../host/cli/myco.js", import.meta.url));
const fleet = new LocalFleet({ tls: true, cluster: "cli-cas" });
let store: EtcdStore | undefined;

afterAll(async () => {
  await store?.close();
  await fleet.stop();
});

/** One `myco fleet batch --json` process fed `changes` lines; its exit code and result lines. */
function batch(changes: string[]): Promise<{ code: number | null; results: { line: number; instances: number; revision: number; tries: number }[]; stderr: string }> {
  const tls = fleet.operatorTls!;
  const child = spawn(process.execPath, [MYCO, "fleet", "batch", "--json", "--parallel", "10", "--etcd", fleet.urls[0], "--cluster", fleet.cluster,
    "--cacert", tls.cacert, "--cert", tls.cert, "--key", tls.key], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
  child.stdin.end(changes.join("\n"));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stderr, results: stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l)) })));
}

describe("no lost update from two CLI processes", () => {
  it("1,000 concurrent `scale +1` changes from two `myco fleet batch` processes: 1,000, each once in the log", async () => {
    await fleet.start();
    const connection = await connect(fleet.urls, fleet.cluster, 3000, fleet.operatorTls);
    store = connection.store;
    const { keys } = connection;
    const revision = await publishServices(store, keys, loadFleetManifest(writeManifest({ counter: { instances: 0, placement: { class: "user" } } })));
    const log: WatchEvent[] = [];
    const watch = await store.watch(keys.service("counter"), revision + 1, (events) => log.push(...events));
    const [a, b] = await Promise.all([batch(Array(500).fill("scale counter +1")), batch(Array(500).fill("scale counter +1"))]);
    expect([a.code, b.code, a.stderr.includes("Error"), b.stderr.includes("Error")]).toEqual([0, 0, false, false]);
    expect([a.results.length, b.results.length]).toEqual([500, 500]);
    await waitFor("every change in the log", async () => log.length >= 1000, 30_000);
    await watch.cancel();
    const final = (await store.get(keys.service("counter")))!;
    expect(JSON.parse(final.value).instances).toBe(1000);
    expect(final.modRevision).toBe(log[log.length - 1].revision); // the final state is the last write by revision
    expect(log).toHaveLength(1000);
    expect(log.map((e) => JSON.parse(e.value).instances)).toEqual([...Array(1000)].map((_, i) => i + 1)); // each change once, in revision order
    const reported = [...a.results, ...b.results].sort((x, y) => x.revision - y.revision);
    expect(reported.map((r) => r.revision)).toEqual(log.map((e) => e.revision)); // the CLIs' writes are exactly the log's
    expect(reported.map((r) => r.instances)).toEqual(log.map((e) => JSON.parse(e.value).instances));
    const retries = reported.reduce((n, r) => n + r.tries - 1, 0);
    console.log(`two CLI processes, 1000 changes: ${retries} compare-and-swap retries; ${a.results.filter((r) => r.tries > 1).length} + ${b.results.filter((r) => r.tries > 1).length} changes retried`);
  }, 180_000);

  it("a bad line is refused with its line number, before any change", async () => {
    const bad = await batch(["scale counter +1", "scale counter lots"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/instances 'lots' is not a whole number or \+N \/ -N/);
    const malformed = await batch(["drain x"]);
    expect(malformed.stderr).toMatch(/stdin line 1: 'drain x' is not `scale SERVICE N\|\+N\|-N`/);
  }, 60_000);
});
