// The kernel's access decision: every control command tried by every role, system services for
// admins only, deny by default, and an audit event for every change (allowed or denied) and
// every denial. The mcu profile holds no access control: its exports refuse, never allow.
import { describe, it, expect } from "vitest";
import { virtualKernel, expectError } from "../helpers.ts";
import { Kernel } from "../../host/kernel/kernel.ts";
import { VirtualHal } from "../../host/hal/virtual.ts";
import { AccessControl, CONTROL_COMMANDS, auditDecision, type ControlCommand, type Role } from "../../host/kernel/security.ts";

const VIEW: ControlCommand[] = ["status", "logs", "metrics"];
const OPERATE: ControlCommand[] = ["start", "stop", "restart", "reload", "rollout", "silence"];
const ADMIN: ControlCommand[] = ["secrets", "upgrade", "fleet-move", "roles", "audit"];
const ALLOWED: Record<Exclude<Role, "custom">, ControlCommand[]> = {
  viewer: VIEW, operator: [...VIEW, ...OPERATE], admin: [...VIEW, ...OPERATE, ...ADMIN],
};

function setup() {
  const { kernel } = virtualKernel();
  const web = kernel.register("web", { type: "user" });
  const net = kernel.register("netd", { type: "system" });
  const access = new AccessControl(kernel);
  const ids = { viewer: access.addPrincipal("vera", "viewer"), operator: access.addPrincipal("otto", "operator"), admin: access.addPrincipal("ada", "admin") };
  kernel.readEvents(); // registrations
  return { kernel, access, ids, web, net };
}

describe("authorisation in the kernel", () => {
  it("every command by every role on a user service: allowed exactly as the role table says", () => {
    const { kernel, access, ids } = setup();
    expect(CONTROL_COMMANDS.length).toBe(VIEW.length + OPERATE.length + ADMIN.length);
    for (const role of ["viewer", "operator", "admin"] as const) {
      for (const command of CONTROL_COMMANDS) {
        const allowed = ALLOWED[role].includes(command);
        if (allowed) access.authorise(ids[role], command, "web");
        else expectError(() => access.authorise(ids[role], command, "web"), "E_ACCESS_DENIED", `(${role}) may not ${command} service 'web'`);
        const audits = kernel.readEvents().map(auditDecision).filter((a) => a !== undefined);
        // a change is audited allowed or denied; a read only when denied
        const expected = !allowed || !VIEW.includes(command) ? 1 : 0;
        expect(audits, `${role} ${command}`).toHaveLength(expected);
        if (expected) {
          expect(audits[0]).toMatchObject({ principal: ids[role], role, command, subject: kernel.id("web"), allowed });
          expect(audits[0].code).toBe(allowed ? 0 : -340);
        }
      }
    }
  });

  it("changing a system service needs admin; reading it does not", () => {
    const { access, ids } = setup();
    for (const command of OPERATE) {
      expectError(() => access.authorise(ids.operator, command, "netd"), "E_ACCESS_DENIED", "principal 'otto' (operator)", `may not ${command} service 'netd'`, "system service (admin only)");
      access.authorise(ids.admin, command, "netd");
    }
    for (const command of VIEW) access.authorise(ids.viewer, command, "netd");
  });

  it("denies by default: an unknown principal, an unknown command, an empty custom set", () => {
    const { kernel, access, ids } = setup();
    expectError(() => access.authorise(-1, "status"), "E_ACCESS_DENIED", "an unidentified caller may not status");
    expectError(() => access.authorise(99, "start", "web"), "E_ACCESS_DENIED", "unidentified caller may not start service 'web'");
    expect(kernel.exports.authorise(ids.admin, 14, -1)).toBe(-344);
    expect(kernel.exports.authorise(ids.admin, -1, -1)).toBe(-344);
    expectError(() => access.addPrincipal("nobody-set", "custom", []), "E_INVALID_ROLE");
    const audits = kernel.readEvents().map(auditDecision).filter((a) => a !== undefined);
    expect(audits.map((a) => [a.principal, a.allowed])).toEqual([[-1, false], [-1, false], [ids.admin, false], [ids.admin, false]]);
  });

  it("a custom capability set allows exactly its capabilities", () => {
    const { access } = setup();
    const deployer = access.addPrincipal("ci-deploy", "custom", ["view", "operate", "system"]);
    expect(access.capabilities(deployer)).toEqual(["view", "operate", "system"]);
    access.authorise(deployer, "restart", "netd");
    expectError(() => access.authorise(deployer, "secrets"), "E_ACCESS_DENIED", "principal 'ci-deploy' (capabilities 7) may not secrets");
  });

  it("role changes need the roles capability and are audited either way", () => {
    const { kernel, access, ids } = setup();
    expectError(() => access.grant(ids.operator, ids.viewer, "admin"), "E_ACCESS_DENIED", "'otto' (operator) may not roles");
    expect(access.role(ids.viewer)).toBe("viewer");
    access.grant(ids.admin, ids.viewer, "operator");
    expect(access.role(ids.viewer)).toBe("operator");
    access.authorise(ids.viewer, "restart", "web");
    const audits = kernel.readEvents().map(auditDecision).filter((a) => a !== undefined);
    expect(audits.map((a) => [a.command, a.principal, a.allowed])).toEqual([["roles", ids.operator, false], ["roles", ids.admin, true], ["restart", ids.viewer, true]]);
  });

  it("principal names are validated, unique and bounded", () => {
    const { access } = setup();
    expectError(() => access.addPrincipal("ada", "viewer"), "E_DUPLICATE_PRINCIPAL", "'ada' is registered already");
    expectError(() => access.addPrincipal("bad name", "viewer"), "E_NAME_INVALID_CHAR", "principal name 'bad name'");
    expectError(() => access.principal("nobody"), "E_UNKNOWN_PRINCIPAL", "'nobody'");
    expectError(() => access.addPrincipal("x", "viewer" as Role, []) && access.grant(0, 77, "viewer"), "E_UNKNOWN_PRINCIPAL", "principal 77");
    const limit = 16;
    for (let i = 4; i < limit; i++) access.addPrincipal(`p${i}`, "viewer");
    expectError(() => access.addPrincipal("one-too-many", "viewer"), "E_CAPACITY_PRINCIPALS", "holds 16");
  });

  it("the mcu profile has no access control: its exports refuse", () => {
    const kernel = new Kernel({ hal: new VirtualHal(), profile: "mcu" });
    kernel.register("web");
    expect(kernel.exports.authorise(0, 0, -1)).toBe(-345);
    expect(kernel.exports.principalRegister(kernel.put("ada"), 2, 0)).toBe(-345);
    expect(kernel.exports.principalGrant(0, 0, 2, 0)).toBe(-345);
  });
});
