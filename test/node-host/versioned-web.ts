// The service every rollout proof reloads: one `web` at fixed loopback addresses behind the
// gateway, answering with the VERSION (and MODE) its manifest gives it.
import { fixture } from "./supervisor-helpers.ts";

/** A manifest builder: `count` instances over `ports` (spare ones allowed), the gateway on `gateway`, `extra` manifest lines of web (each ending in a newline, indented by 4). */
export function versionedWeb(count: number, ports: number[], gateway: number, extra = "") {
  const addresses = ports.map((p) => `"127.0.0.1:${p}"`).join(", ");
  return (version: string, mode = "") => `
services:
  web:
    instances: { count: ${count}, addresses: [${addresses}] }
${extra}    ${fixture(mode, `, ready: listening, gateway: { port: ${gateway}, timeout: 5s }`).replace(`MODE: "${mode}"`, `MODE: "${mode}", VERSION: "${version}"`)}
`;
}
