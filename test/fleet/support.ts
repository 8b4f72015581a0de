// Shared by the fleet proofs: a relay between an agent and etcd that a test can cut, a
// manifest written for a test (the example's worker service), and waiting on the store.
import { createServer, connect as tcpConnect, type Server, type Socket } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";

export const WORKER = fileURLToPath(new URL("../../examples/fleet/services/worker.js", import.meta.url));

/** A TCP relay to 127.0.0.1:port; `cut()` closes every connection and refuses new ones. */
export class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: number) {}

  async open(port = 0): Promise<string> {
    this.server = createServer((client) => {
      const upstream = tcpConnect(this.target, "127.0.0.1");
      for (const s of [client, upstream]) { this.sockets.add(s); s.on("close", () => this.sockets.delete(s)); s.on("error", () => s.destroy()); }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
    return `http://127.0.0.1:${this.port}`;
  }

  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

export interface TestService { instances?: number; placement: Record<string, unknown>; env?: Record<string, string> }

/** A services.yaml in a temporary directory, every service running the example worker. */
export function writeManifest(services: Record<string, TestService>): string {
  const dir = mkdtempSync(join(tmpdir(), "myco-fleet-test-"));
  const doc = {
    version: 1,
    services: Object.fromEntries(Object.entries(services).map(([name, s]) => [name, {
      ...(s.instances !== undefined ? { instances: s.instances } : {}),
      placement: s.placement,
      timeouts: { start: "5s", stop: "1s" },
      run: { "allow-root": true, command: process.execPath, args: [WORKER], ...(s.env ? { env: s.env } : {}) },
    }])),
  };
  const file = join(dir, "services.yaml");
  writeFileSync(file, stringify(doc));
  return file;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
