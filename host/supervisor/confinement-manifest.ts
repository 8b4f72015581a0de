// The `run:` keys that confine a service on a Linux host, checked with FILE:LINE:COL, resolved
// (names to uid/gid) and refused when this host cannot apply them; never silently downgraded:
//
//   run:
//     user: www-data              # a name or a uid; the group defaults to the user's own
//     group: www-data
//     allow-root: false           # a `type: user` service runs as root only with `allow-root: true`
//     capabilities: [net-bind-service]   # kept; every other capability dropped, no-new-privs set
//     isolation: namespace        # process (default) | namespace | container | vm
//     private-network: true       # with namespace: a network namespace of its own
//
// The rules live here, in the one validator `myco check`, `myco run` and `myco up` share: user
// ids and Linux capabilities mean nothing to the firmware host. The one rule that is a decision,
// a user service never runs as root without `allow-root: true`, is the kernel's (root-rule.ts).
import { spawnSync } from "node:child_process";
import { isMap, isScalar, isSeq, type YAMLMap } from "yaml";
import { ISOLATION_LEVELS, type Confinement, type IsolationLevel } from "../executors/confine.ts";

export const CONFINEMENT_KEYS = ["user", "group", "allow-root", "capabilities", "isolation", "private-network"];

/** Linux capabilities (capabilities(7)), as the manifest spells them. */
const CAPABILITIES = [
  "chown", "dac-override", "dac-read-search", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap", "linux-immutable",
  "net-bind-service", "net-broadcast", "net-admin", "net-raw", "ipc-lock", "ipc-owner", "sys-module", "sys-rawio", "sys-chroot",
  "sys-ptrace", "sys-pacct", "sys-admin", "sys-boot", "sys-nice", "sys-resource", "sys-time", "sys-tty-config", "mknod", "lease",
  "audit-write", "audit-control", "setfcap", "mac-override", "mac-admin", "syslog", "wake-alarm", "block-suspend", "audit-read",
  "perfmon", "bpf", "checkpoint-restore",
];

export interface ConfinementSpec extends Confinement {
  allowRoot: boolean;
  /** Where `user:` is written (the root rule reports there). */
  userNode?: unknown;
}

type Report = (where: unknown, field: string, message: string) => void;

const probes = new Map<string, string | undefined>();

/** Why this host cannot apply a level (undefined: it can), probed once per process. */
export function isolationMissing(level: IsolationLevel): string | undefined {
  if (level === "process") return undefined;
  if (!probes.has(level)) probes.set(level, probe(level));
  return probes.get(level);
}

function runs(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: "ignore", timeout: 5000 });
  return result.error === undefined && result.status === 0;
}

function probe(level: IsolationLevel): string | undefined {
  switch (level) {
    case "namespace":
      if (!runs("unshare", ["--version"])) return "unshare is not installed (Debian: util-linux)";
      return runs("unshare", ["--pid", "--fork", "--mount-proc", "--", "true"]) ? undefined
        : "unshare cannot create PID and mount namespaces here (it needs root or user namespaces enabled)";
    case "container": {
      const installed = ["podman", "docker"].filter((tool) => runs(tool, ["--version"]));
      if (installed.length === 0) return "no container runtime is installed (Debian: podman or docker.io)";
      const answering = installed.filter((tool) => runs(tool, ["info"]));
      if (answering.length === 0) return `${installed.join(" and ")} ${installed.length > 1 ? "are" : "is"} installed but no runtime answers (is its daemon running?)`;
      return `${answering[0]} answers, but this host does not run services in containers yet (it would need an image per service)`;
    }
    case "vm": {
      const hypervisor = ["firecracker", "qemu-system-x86_64"].find((tool) => runs(tool, ["--version"]));
      if (!hypervisor) return "no hypervisor is installed (Debian: qemu-system-x86, or firecracker)";
      return runs("test", ["-w", "/dev/kvm"]) ? `${hypervisor} is installed, but this host does not run services in VMs yet`
        : `${hypervisor} is installed but /dev/kvm is not available`;
    }
  }
  return undefined;
}

/** uid/gid of a user (name or number) and gid of a group, from the system's databases (getent). */
function lookup(database: "passwd" | "group", key: string): string[] | undefined {
  const result = spawnSync("getent", [database, key], { encoding: "utf8", timeout: 5000 });
  if (result.status !== 0) return undefined;
  return result.stdout.split("\n")[0]?.split(":");
}

function scalar(node: unknown): unknown { return isScalar(node) ? node.value : undefined; }

/** The confinement of a run section, or undefined when it has none of the keys. */
export function readConfinement(node: YAMLMap, error: Report): ConfinementSpec | undefined {
  const get = (key: string): unknown => node.get(key, true);
  if (!CONFINEMENT_KEYS.some((key) => get(key) !== undefined)) return undefined;
  const spec: ConfinementSpec = { isolation: "process", allowRoot: false };
  const userNode = get("user");
  if (userNode !== undefined) {
    const value = scalar(userNode);
    const entry = typeof value === "string" || typeof value === "number" ? lookup("passwd", String(value)) : undefined;
    if (!entry) error(userNode, "run.user", `user ${JSON.stringify(value)} does not exist on this host (getent passwd)`);
    else {
      spec.uid = Number(entry[2]);
      spec.userName = entry[0];
      spec.userNode = userNode;
    }
  }
  const groupNode = get("group");
  if (groupNode !== undefined) {
    const value = scalar(groupNode);
    const entry = typeof value === "string" || typeof value === "number" ? lookup("group", String(value)) : undefined;
    if (!entry) error(groupNode, "run.group", `group ${JSON.stringify(value)} does not exist on this host (getent group)`);
    else spec.gid = Number(entry[2]);
  }
  // No group given: the user's own, with its supplementary groups (initgroups); a group given: only it.
  if (groupNode === undefined && spec.userName !== undefined) spec.gid = Number(lookup("passwd", spec.userName)![3]);
  else spec.userName = undefined;
  const allow = get("allow-root");
  if (allow !== undefined) {
    if (typeof scalar(allow) !== "boolean") error(allow, "run.allow-root", "expected true or false"); else spec.allowRoot = scalar(allow) as boolean;
  }
  const caps = get("capabilities");
  if (caps !== undefined) {
    if (!isSeq(caps)) error(caps, "run.capabilities", "expected a list such as [net-bind-service]");
    else {
      spec.capabilities = [];
      for (const item of caps.items) {
        const name = String(scalar(item)).toLowerCase().replace(/^cap[-_]/, "").replaceAll("_", "-");
        if (!CAPABILITIES.includes(name)) error(item, "run.capabilities", `'${scalar(item)}' is not a Linux capability (e.g. net-bind-service, net-raw, sys-time)`);
        else spec.capabilities.push(name.replaceAll("-", "_"));
      }
    }
  }
  const isolation = get("isolation");
  if (isolation !== undefined) {
    const level = scalar(isolation) as IsolationLevel;
    if (!ISOLATION_LEVELS.includes(level)) error(isolation, "run.isolation", `expected one of: ${ISOLATION_LEVELS.join(", ")}`);
    else {
      const missing = isolationMissing(level);
      if (missing) error(isolation, "run.isolation", `isolation '${level}' cannot be applied on this host: ${missing}`);
      else spec.isolation = level;
    }
  }
  const network = get("private-network");
  if (network !== undefined) {
    if (typeof scalar(network) !== "boolean") error(network, "run.private-network", "expected true or false");
    else if (scalar(network) === true && spec.isolation !== "namespace") error(network, "run.private-network", "a private network needs isolation: namespace");
    else spec.privateNetwork = scalar(network) as boolean;
  }
  if ((spec.uid !== undefined || spec.gid !== undefined || spec.capabilities) && !runs("setpriv", ["--version"])) {
    error(userNode ?? caps ?? groupNode, "run.user", "setpriv is not installed (Debian: util-linux)");
  }
  return spec;
}
