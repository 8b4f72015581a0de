// What one spawn of an instance gets on a Linux host: its run spec (with `ready: listening`
// aimed at its own address) and its environment:
//
//   MYCO_SERVICE, MYCO_INSTANCE   who it is (the ordinal)
//   MYCO_ADDR, HOST, PORT         its own address, if it has one
//   MYCO_CONFIG                   its service's config file (config-files.ts), if it has keys
//   run.env { secret: NAME }      the secret, decrypted from the encrypted store at this spawn
//   {DEP}_ADDR                    every dependency: the gateway's address for one that has a
//                                 gateway (which follows a failover), else its instances'
//                                 addresses, or its backup's while the kernel has failed it over
import type { Action } from "../kernel/abi.ts";
import type { Service } from "../manifest/types.ts";
import { addressVariable, type ProcessSpec } from "../executors/process.ts";
import type { Gateway } from "../gateway/gateway.ts";
import { splitAddress, type RunSpec } from "./host-manifest.ts";
import { CONFIG_VARIABLE, type ConfigFiles } from "./config-files.ts";
import type { Failover } from "./failover.ts";
import type { SecretStore } from "./secret-store.ts";

export interface SpawnContext {
  services: Map<string, Service>;
  run: Map<string, RunSpec>;
  gateways: Map<string, Gateway>;
  failover: Failover;
  configFiles: ConfigFiles;
  /** The encrypted secret store, opened when first needed (throws its clear error without a key). */
  secrets: () => SecretStore;
}

/** The run spec of one instance: `ready: listening` becomes that instance's own address. */
export function processSpecOf(context: SpawnContext, service: string, ordinal: number): ProcessSpec | undefined {
  const run = context.run.get(service);
  if (!run?.readyWhenListening) return run;
  const address = splitAddress(addressOf(context, service, ordinal) ?? "");
  return address ? { ...run, ready: address } : run;
}

/** The variables added to the environment of one spawn. */
export function environmentOf(context: SpawnContext, action: Action): Record<string, string> {
  const env: Record<string, string> = {
    MYCO_SERVICE: action.serviceName,
    MYCO_INSTANCE: String(action.ordinal),
  };
  for (const [variable, secret] of Object.entries(context.run.get(action.serviceName)?.secretEnv ?? {})) env[variable] = context.secrets().reveal(secret);
  const config = context.configFiles.write(action.serviceName);
  if (config) env[CONFIG_VARIABLE] = config;
  const own = addressOf(context, action.serviceName, action.ordinal);
  if (own) {
    env.MYCO_ADDR = own;
    const split = splitAddress(own);
    if (split) { env.HOST = split.host; env.PORT = String(split.port); }
  }
  for (const dep of context.services.get(action.serviceName)?.dependencies ?? []) {
    const gateway = context.gateways.get(dep.name);
    const target = context.services.get(context.failover.backupOf(dep.name) ?? dep.name);
    const addresses = gateway?.address ? [gateway.address] : target?.addresses.map((a) => a.address) ?? [];
    if (addresses.length > 0) env[addressVariable(dep.name)] = addresses.join(",");
  }
  return env;
}

function addressOf(context: SpawnContext, service: string, ordinal: number): string | undefined {
  return context.services.get(service)?.addresses.find((a) => a.ordinal === ordinal)?.address;
}
