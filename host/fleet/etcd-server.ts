// A real etcd (Debian's `etcd-server`) as a component: started on 127.0.0.1 with free client and
// peer ports and a temporary data directory (or a given one, to restart on the same data), ready
// once its /health answers, and stopped leaving nothing running. Used by the tests, the demo and
// `myco fleet up`.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync, accessSync, constants } from "node:fs";
import { createServer, createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ETCD_PACKAGE = "etcd-server";

export interface EtcdOptions {
  /** The data directory; default a fresh temporary one, removed on stop. */
  dataDir?: string;
  /** Ports; default free ones. Give the old ones to restart a member in place. */
  clientPort?: number;
  peerPort?: number;
  /** Milliseconds to wait for /health. */
  readyTimeoutMs?: number;
  /** TLS: the files etcd serves with and checks clients against (client certificates required). */
  tls?: { ca: string; cert: string; key: string };
  /** Where etcd's own output goes (default: dropped). */
  log?: (line: string) => void;
}

export interface EtcdServer {
  url: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
  pid: number;
  /** SIGTERM, then SIGKILL after `graceMs`; removes a temporary data directory. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL, data kept (a crash). */
  kill(): Promise<void>;
}

/** The etcd binary, or an error naming the Debian package that brings it. */
export function etcdBinary(): string {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const path = join(dir || ".", "etcd");
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch { /* not here */ }
  }
  throw new Error(`etcd is not installed: install the Debian package '${ETCD_PACKAGE}' (apt-get install -y ${ETCD_PACKAGE})`);
}

/** A port nothing listens on now (the kernel's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
let guarded = false;
/** A host that exits without stopping its etcd still leaves nothing running. */
function guardExit(): void {
  if (guarded) return;
  guarded = true;
  process.on("exit", () => { for (const child of running) child.kill("SIGKILL"); });
}

export async function startEtcd(options: EtcdOptions = {}): Promise<EtcdServer> {
  const binary = etcdBinary();
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "myco-etcd-"));
  mkdirSync(dataDir, { recursive: true });
  const clientPort = options.clientPort ?? await freePort();
  const peerPort = options.peerPort ?? await freePort();
  const scheme = options.tls ? "https" : "http";
  const url = `${scheme}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const name = `myco-${peerPort}`;
  const args = [
    "--name", name, "--data-dir", dataDir,
    "--listen-client-urls", url, "--advertise-client-urls", url,
    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
    "--initial-cluster", `${name}=${peer}`, "--initial-cluster-state", "new",
    "--heartbeat-interval", "100", "--election-timeout", "500", "--log-level", "warn",
    ...(options.tls ? ["--client-cert-auth", "--trusted-ca-file", options.tls.ca, "--cert-file", options.tls.cert, "--key-file", options.tls.key] : []),
  ];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  guardExit();
  let output = "";
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-4000);
    if (options.log) for (const line of text.split("\n")) if (line.trim()) options.log(line);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => { running.delete(child); resolve(); }));
  let gone = false;
  void exited.then(() => { gone = true; });

  const stop = async (graceMs = 3000) => {
    if (!gone) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    }
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  };
  const kill = async () => {
    if (!gone) child.kill("SIGKILL");
    await exited;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  while (!(await healthy(clientPort, options.tls !== undefined))) {
    if (gone || Date.now() > deadline) {
      await stop(0);
      throw new Error(`etcd did not become healthy on ${url}${gone ? " (it exited)" : ""}: ${output.trim().split("\n").slice(-3).join(" | ")}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, clientPort, peerPort, dataDir, pid: child.pid!, stop, kill };
}

/** etcd answers its health endpoint (with TLS on, a client-cert-less probe still proves it listens). */
function healthy(port: number, tls: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    if (tls) {
      const socket = createConnection(port);
      socket.once("connect", () => { socket.destroy(); resolve(true); });
      socket.once("error", () => resolve(false));
      return;
    }
    fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) })
      .then(async (response) => resolve(response.ok && (await response.json() as { health?: string }).health === "true"))
      .catch(() => resolve(false));
  });
}
