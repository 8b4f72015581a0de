// A kernel with one balanced service whose instances are in-process loopback HTTP servers, and
// a gateway in front of them: the gateway's own behaviour, without spawning processes.
import { createServer, request, type Server, type IncomingMessage, type ServerResponse } from "node:http";
import { Kernel, RealHal } from "../../host/index.ts";
import { Balancer, type Strategy, type BreakerConfig } from "../../host/kernel/balance.ts";
import { Gateway, type GatewayRequest } from "../../host/gateway/gateway.ts";
import type { GatewaySpec } from "../../host/supervisor/host-manifest.ts";

export type Handler = (ordinal: number, req: IncomingMessage, res: ServerResponse) => void;

export interface Rig {
  kernel: Kernel;
  balancer: Balancer;
  gateway: Gateway;
  upstreams: Server[];
  requests: GatewayRequest[];
  url: string;
  close(): Promise<void>;
}

export const answerOk: Handler = (ordinal, _req, res) => void res.writeHead(200, { "content-type": "text/plain" }).end(`instance ${ordinal}\n`);

export interface RigOptions {
  instances?: number;
  strategy?: Strategy;
  handler?: Handler;
  breaker?: Partial<BreakerConfig>;
  spec?: Partial<GatewaySpec>;
  start?: boolean;
  /** Upstreams that run elsewhere (their own processes): the instances' ports, none in this process. */
  ports?: number[];
}

export async function rig(options: RigOptions = {}): Promise<Rig> {
  const count = options.ports?.length ?? options.instances ?? 3;
  const handler = options.handler ?? answerOk;
  const upstreams: Server[] = [];
  for (let ordinal = 0; ordinal < count && !options.ports; ordinal++) {
    const server = createServer((req, res) => handler(ordinal, req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    upstreams.push(server);
  }
  const kernel = new Kernel({ hal: new RealHal() });
  kernel.register("web", { instances: count });
  const balancer = new Balancer(kernel);
  balancer.configure("web", { strategy: options.strategy ?? "round-robin" });
  if (options.breaker) balancer.configureBreaker("web", options.breaker);
  if (options.start !== false) {
    kernel.startAll();
    for (const action of kernel.drainActions()) if (action.kind === "spawn") kernel.instanceStarted(action.instance);
  }
  const requests: GatewayRequest[] = [];
  const ports = options.ports ?? upstreams.map((s) => (s.address() as { port: number }).port);
  const addresses = ports.map((port, ordinal) => ({ ordinal, address: `127.0.0.1:${port}` }));
  const gateway = new Gateway({
    kernel, balancer, service: "web", addresses, observe: (r) => requests.push(r),
    spec: { port: 0, host: "127.0.0.1", timeoutMs: 2000, ...options.spec },
  });
  const address = await gateway.listen();
  return {
    kernel, balancer, gateway, upstreams, requests, url: `http://${address}`,
    async close() {
      await gateway.close();
      for (const s of upstreams) { s.closeAllConnections(); await new Promise((r) => s.close(r)); }
    },
  };
}

export interface Answer { status: number; body: string; instance: string | undefined }

/** One GET; `localAddress` picks the client's loopback source address (127.0.0.x). */
export function get(url: string, headers: Record<string, string> = {}, localAddress?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, localAddress, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => { body += c; });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, instance: res.headers["x-myco-instance"] as string | undefined }));
    });
    req.on("error", reject);
    req.end();
  });
}

export async function getMany(url: string, n: number, headers: (i: number) => Record<string, string> = () => ({})): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < n; i++) answers.push(await get(url, headers(i)));
  return answers;
}

export function countBy<T>(items: T[], key: (item: T) => string | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) { const k = key(item) ?? "none"; counts[k] = (counts[k] ?? 0) + 1; }
  return counts;
}
