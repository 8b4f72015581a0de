// security/: the role table, and the decision through the ABI exports: capabilities decide,
// a change to a system service needs admin, everything else is denied by default.
import { principalRegister, principalGrant, principalRead, authorise } from "../index";
import {
  roleCapabilities, commandCapability, commandChanges, ROLE_VIEWER, ROLE_OPERATOR, ROLE_ADMIN, ROLE_CUSTOM,
  CAP_VIEW, CAP_OPERATE, CAP_ALL, CMD_STATUS, CMD_RESTART, CMD_SECRETS, CMD_ROLES, COMMANDS,
} from "../security/roles";
import { OK, E_ACCESS_DENIED, E_INVALID_COMMAND, E_INVALID_ROLE, E_DUPLICATE_PRINCIPAL } from "../errors";
import { freshKernel, put, register, detailText } from "./support/kernel";

describe("security roles", () => {
  it("gives each role its set, and nothing to an unknown role", () => {
    expect<i32>(roleCapabilities(ROLE_VIEWER)).toBe(CAP_VIEW);
    expect<i32>(roleCapabilities(ROLE_OPERATOR)).toBe(CAP_VIEW | CAP_OPERATE);
    expect<i32>(roleCapabilities(ROLE_ADMIN)).toBe(CAP_ALL);
    expect<i32>(roleCapabilities(ROLE_CUSTOM)).toBe(0);
    expect<i32>(roleCapabilities(9)).toBe(0);
  });

  it("every command needs exactly one capability; reads are the view ones", () => {
    for (let command = 0; command < COMMANDS; command++) {
      const need = commandCapability(command);
      expect<bool>(need != 0 && (need & (need - 1)) == 0).toBe(true);
    }
    expect<i32>(commandCapability(COMMANDS)).toBe(0);
    expect<bool>(commandChanges(CMD_STATUS)).toBe(false);
    expect<bool>(commandChanges(CMD_RESTART)).toBe(true);
  });
});

describe("security decisions", () => {
  beforeEach(() => { freshKernel(); });

  it("authorises by capability, with system services for admins", () => {
    const web = register("sec-web", 1, 1);
    const net = register("sec-net", 1, 0);
    const viewer = principalRegister(put("v"), ROLE_VIEWER, 0);
    const operator = principalRegister(put("o"), ROLE_OPERATOR, 0);
    const admin = principalRegister(put("a"), ROLE_ADMIN, 0);
    expect<i32>(principalRegister(put("a"), ROLE_ADMIN, 0)).toBe(E_DUPLICATE_PRINCIPAL);
    expect<i32>(principalRegister(put("c"), ROLE_CUSTOM, 0)).toBe(E_INVALID_ROLE);
    expect<i32>(authorise(viewer, CMD_STATUS, net)).toBe(OK);
    expect<i32>(authorise(viewer, CMD_RESTART, web)).toBe(E_ACCESS_DENIED);
    expect<string>(detailText()).toBe("principal 'v' (viewer) may not restart service 'sec-web': it needs capabilities 2");
    expect<i32>(authorise(operator, CMD_RESTART, web)).toBe(OK);
    expect<i32>(authorise(operator, CMD_RESTART, net)).toBe(E_ACCESS_DENIED);
    expect<string>(detailText()).toBe("principal 'o' (operator) may not restart service 'sec-net': it is a system service (admin only)");
    expect<i32>(authorise(admin, CMD_RESTART, net)).toBe(OK);
    expect<i32>(authorise(operator, CMD_SECRETS, -1)).toBe(E_ACCESS_DENIED);
    expect<i32>(authorise(-1, CMD_STATUS, -1)).toBe(E_ACCESS_DENIED);
    expect<i32>(authorise(admin, COMMANDS, -1)).toBe(E_INVALID_COMMAND);
    expect<i32>(principalGrant(operator, viewer, ROLE_ADMIN, 0)).toBe(E_ACCESS_DENIED);
    expect<i32>(principalGrant(admin, viewer, ROLE_CUSTOM, CAP_VIEW | CAP_OPERATE)).toBe(OK);
    expect<i32>(principalRead(viewer, 1)).toBe(CAP_VIEW | CAP_OPERATE);
    expect<i32>(authorise(viewer, CMD_RESTART, web)).toBe(OK);
    expect<i32>(authorise(admin, CMD_ROLES, -1)).toBe(OK);
  });
});
