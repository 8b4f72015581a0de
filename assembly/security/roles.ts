// Roles, capabilities and control commands: the access-control decision table. A principal
// holds a capability set (a bit set); a role is a named set. Each control command needs one
// capability, and a command that changes a `system` service needs CAP_SYSTEM as well.
//
//   role      capabilities
//   viewer    view                                       (status, logs, metrics)
//   operator  view operate                               (start, stop, restart, reload, rollouts, silences)
//   admin     view operate system secrets upgrade fleet roles audit
//
// Deny by default: a command outside the table, an unknown principal or an empty set is refused.

export const CAP_VIEW: i32 = 1;
export const CAP_OPERATE: i32 = 2;
/** Changing a service of type `system` (start, stop, restart, ... on it). */
export const CAP_SYSTEM: i32 = 4;
export const CAP_SECRETS: i32 = 8;
export const CAP_UPGRADE: i32 = 16;
export const CAP_FLEET: i32 = 32;
export const CAP_ROLES: i32 = 64;
export const CAP_AUDIT: i32 = 128;
export const CAP_ALL: i32 = 255;

export const ROLE_VIEWER: i32 = 0;
export const ROLE_OPERATOR: i32 = 1;
export const ROLE_ADMIN: i32 = 2;
/** A principal given a capability set of its own rather than a role's. */
export const ROLE_CUSTOM: i32 = 3;

// Control commands (the `command` argument of authorise), stable numbers.
export const CMD_STATUS: i32 = 0;
export const CMD_LOGS: i32 = 1;
export const CMD_METRICS: i32 = 2;
export const CMD_START: i32 = 3;
export const CMD_STOP: i32 = 4;
export const CMD_RESTART: i32 = 5;
export const CMD_RELOAD: i32 = 6;
export const CMD_ROLLOUT: i32 = 7;
export const CMD_SILENCE: i32 = 8;
export const CMD_SECRETS: i32 = 9;
export const CMD_UPGRADE: i32 = 10;
export const CMD_FLEET_MOVE: i32 = 11;
export const CMD_ROLES: i32 = 12;
export const CMD_AUDIT: i32 = 13;
export const COMMANDS: i32 = 14;

/** The capability set of a role (0 for an unknown role). */
export function roleCapabilities(role: i32): i32 {
  switch (role) {
    case ROLE_VIEWER: return CAP_VIEW;
    case ROLE_OPERATOR: return CAP_VIEW | CAP_OPERATE;
    case ROLE_ADMIN: return CAP_ALL;
    default: return 0;
  }
}

/** The capability a command needs (0: not a command). */
export function commandCapability(command: i32): i32 {
  switch (command) {
    case CMD_STATUS: case CMD_LOGS: case CMD_METRICS: return CAP_VIEW;
    case CMD_START: case CMD_STOP: case CMD_RESTART: case CMD_RELOAD: case CMD_ROLLOUT: case CMD_SILENCE: return CAP_OPERATE;
    case CMD_SECRETS: return CAP_SECRETS;
    case CMD_UPGRADE: return CAP_UPGRADE;
    case CMD_FLEET_MOVE: return CAP_FLEET;
    case CMD_ROLES: return CAP_ROLES;
    case CMD_AUDIT: return CAP_AUDIT;
    default: return 0;
  }
}

/** Whether a command changes something: those are audited whether allowed or denied (reads only when denied). */
@inline export function commandChanges(command: i32): bool { return commandCapability(command) != CAP_VIEW; }
