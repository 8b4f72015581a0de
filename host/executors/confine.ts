// Confinement of one spawn: the argv that runs a command as its service's user and group, with
// only the Linux capabilities it names, and in its own namespaces. A composable wrapper: it
// takes the argv the executor would exec and returns the argv to exec instead, so other
// wrappers (prlimit, cgroups) compose with it in any order.
//
//   isolation: namespace  unshare --pid --fork --mount-proc --kill-child [--net] --   own PID and mount namespaces (and network)
//   user/group/caps       setpriv --reuid U --regid G --init-groups|--clear-groups
//                           --inh-caps -all,+c --ambient-caps -all,+c --bounding-set -all,+c --no-new-privs --
//
// unshare comes first (creating namespaces needs the privileges setpriv then drops). Both are
// util-linux; the manifest reader (confinement-manifest.ts) refuses what this host cannot do.

export const ISOLATION_LEVELS = ["process", "namespace", "container", "vm"] as const;
export type IsolationLevel = (typeof ISOLATION_LEVELS)[number];

export interface Confinement {
  /** The uid and gid to run as (resolved from `user:` and `group:` when the manifest was read). */
  uid?: number;
  gid?: number;
  /** Set when no `group:` was given: the user's own groups (initgroups); otherwise only the group. */
  userName?: string;
  /** Linux capabilities kept (setpriv's names: net_bind_service); all others dropped. */
  capabilities?: string[];
  isolation: IsolationLevel;
  /** With `namespace`: a network namespace of its own (only loopback, down). */
  privateNetwork?: boolean;
}

/** Whether the spawn changes user, group or capabilities (then setpriv drops what is not kept and sets no-new-privs). */
function dropsPrivileges(c: Confinement): boolean {
  return c.uid !== undefined || c.gid !== undefined || c.capabilities !== undefined;
}

function setprivArgs(c: Confinement): string[] {
  const keep = (c.capabilities ?? []).map((cap) => `,+${cap}`).join("");
  const args = ["setpriv"];
  if (c.gid !== undefined) args.push(`--regid=${c.gid}`);
  if (c.uid !== undefined) args.push(`--reuid=${c.uid}`);
  if (c.uid !== undefined || c.gid !== undefined) args.push(c.userName !== undefined ? "--init-groups" : "--clear-groups");
  args.push(`--inh-caps=-all${keep}`, `--ambient-caps=-all${keep}`, `--bounding-set=-all${keep}`, "--no-new-privs", "--");
  return args;
}

/** The argv to exec for `argv` under the confinement (unchanged for plain process isolation). */
export function confine(argv: string[], c: Confinement | undefined): string[] {
  if (!c) return argv;
  let wrapped = dropsPrivileges(c) ? [...setprivArgs(c), ...argv] : argv;
  if (c.isolation === "namespace") {
    wrapped = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child", ...(c.privateNetwork ? ["--net"] : []), "--", ...wrapped];
  }
  return wrapped;
}
