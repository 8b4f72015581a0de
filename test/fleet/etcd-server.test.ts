// The etcd launcher: a real etcd on free ports with a temporary data directory, healthy when
// started, nothing left running and the directory gone when stopped; a restart on the same data
// keeps the keys; a missing binary is an error naming the Debian package.
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { startEtcd, etcdBinary } from "../../host/fleet/etcd-server.ts";
import { EtcdStore } from "../../host/fleet/etcd-store.ts";
import { put } from "../../host/fleet/store.ts";

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe("etcd launcher", () => {
  it("starts on free ports, restarts on the same data, and stops leaving nothing", async () => {
    const first = await startEtcd();
    const second = await startEtcd(); // two at once: distinct client and peer ports
    expect(new Set([first.clientPort, first.peerPort, second.clientPort, second.peerPort]).size).toBe(4);
    await second.stop();
    expect(alive(second.pid)).toBe(false);
    expect(existsSync(second.dataDir)).toBe(false);

    let store = new EtcdStore([first.url]);
    const { revision } = await store.txn([], [put("/launcher/k", "kept")]);
    await store.close();
    await first.kill(); // a crash: the data stays
    expect(alive(first.pid)).toBe(false);
    const again = await startEtcd({ dataDir: first.dataDir, clientPort: first.clientPort, peerPort: first.peerPort });
    store = new EtcdStore([again.url]);
    expect(await store.get("/launcher/k")).toMatchObject({ value: "kept", modRevision: revision });
    await store.close();
    await again.stop();
    await first.stop(); // removes the temporary directory it made
    expect(existsSync(first.dataDir)).toBe(false);
  });

  it("names the Debian package when etcd is not installed", () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      expect(() => etcdBinary()).toThrow(/install the Debian package 'etcd-server'/);
    } finally {
      process.env.PATH = path;
    }
  });
});
