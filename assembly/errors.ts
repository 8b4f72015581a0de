// Error codes: small negative integers, stable forever (hosts and firmware store them), with a
// static message table. Printing a message allocates nothing; an unknown code reads "UNKNOWN".
// `npm run build` generates the TypeScript and C mirrors from this file (host/tools/gen-errors.ts):
// keep one `export const E_NAME: i32 = -N;` per line and one `case E_NAME: return "...";` per code.

export const OK: i32 = 0;
export const E_INVALID_ARGUMENT: i32 = -1;
export const E_NAME_EMPTY: i32 = -2;
export const E_NAME_TOO_LONG: i32 = -3;
export const E_NAME_INVALID_CHAR: i32 = -4;
export const E_DUPLICATE_NAME: i32 = -5;
export const E_UNKNOWN_SERVICE: i32 = -6;
export const E_UNKNOWN_INSTANCE: i32 = -7;
export const E_STALE_INSTANCE: i32 = -8;
export const E_CAPACITY_SERVICES: i32 = -9;
export const E_CAPACITY_INSTANCES: i32 = -10;
export const E_CAPACITY_EDGES: i32 = -11;
export const E_CAPACITY_TAGS: i32 = -12;
export const E_OUTBOX_FULL: i32 = -13;
export const E_IO_LENGTH: i32 = -14;
export const E_SELF_DEPENDENCY: i32 = -15;
export const E_DUPLICATE_DEPENDENCY: i32 = -16;
export const E_UNKNOWN_DEPENDENCY: i32 = -17;
export const E_DEPENDENCY_CYCLE: i32 = -18;
export const E_ILLEGAL_TRANSITION: i32 = -19;
export const E_SERVICE_DISABLED: i32 = -20;
export const E_SERVICE_ACTIVE: i32 = -21;
export const E_SERVICE_IN_USE: i32 = -22;
export const E_DEPENDENCY_DISABLED: i32 = -23;
export const E_INVALID_TYPE: i32 = -24;
export const E_INVALID_KIND: i32 = -25;
export const E_INVALID_TIMEOUT: i32 = -26;
export const E_INVALID_COUNT: i32 = -27;
export const E_NO_SUCH_DEPENDENCY: i32 = -28;
export const E_DUPLICATE_TAG: i32 = -29;

export const E_MANIFEST_TRUNCATED: i32 = -200;
export const E_MANIFEST_TOO_LARGE: i32 = -201;
export const E_MANIFEST_MAGIC: i32 = -202;
export const E_MANIFEST_VERSION: i32 = -203;
export const E_MANIFEST_CHECKSUM: i32 = -204;
export const E_MANIFEST_RECORD: i32 = -205;
export const E_MANIFEST_UNKNOWN_SECTION: i32 = -206;
export const E_MANIFEST_ORDER: i32 = -207;
export const E_MANIFEST_REFERENCE: i32 = -208;
export const E_MANIFEST_NO_PREVIOUS: i32 = -209;
export const E_MANIFEST_NONE: i32 = -210;
export const E_CONFIG_TYPE: i32 = -211;
export const E_CONFIG_RANGE: i32 = -212;
export const E_CONFIG_PATTERN: i32 = -213;
export const E_CONFIG_REQUIRED: i32 = -214;
export const E_CONFIG_DUPLICATE_KEY: i32 = -215;
export const E_CONFIG_UNKNOWN_KEY: i32 = -216;
export const E_CAPACITY_CONFIG: i32 = -217;
export const E_PATTERN_SYNTAX: i32 = -218;
export const E_PATTERN_TOO_COMPLEX: i32 = -219;
export const E_CAPACITY_SUBSCRIPTIONS: i32 = -220;
export const E_UNKNOWN_SUBSCRIPTION: i32 = -221;
export const E_CONFIG_SECRET: i32 = -222;
export const E_INVALID_ADDRESS: i32 = -223;
export const E_UNKNOWN_TAG: i32 = -224;
export const E_MANIFEST_STAGE: i32 = -225;
export const E_CONFIG_VALUE: i32 = -226;

/** The last code, so tables sized by it stay in step. */
export const ERROR_CODE_MIN: i32 = -29;

export function errorMessage(code: i32): string {
  switch (code) {
    case OK: return "ok";
    case E_INVALID_ARGUMENT: return "invalid argument";
    case E_NAME_EMPTY: return "name is empty";
    case E_NAME_TOO_LONG: return "name is longer than the limit";
    case E_NAME_INVALID_CHAR: return "name has a character outside [A-Za-z0-9._-] or does not start with a letter or digit";
    case E_DUPLICATE_NAME: return "a service with this name is already registered";
    case E_UNKNOWN_SERVICE: return "no service has this id or name";
    case E_UNKNOWN_INSTANCE: return "no instance has this handle";
    case E_STALE_INSTANCE: return "the instance handle belongs to an earlier run of the instance";
    case E_CAPACITY_SERVICES: return "service table is full";
    case E_CAPACITY_INSTANCES: return "instance table is full";
    case E_CAPACITY_EDGES: return "dependency table is full";
    case E_CAPACITY_TAGS: return "tag table or the service's tag set is full";
    case E_OUTBOX_FULL: return "outbox is full: drain actions, then retry";
    case E_IO_LENGTH: return "length is negative or past the I/O buffer";
    case E_SELF_DEPENDENCY: return "a service cannot depend on itself";
    case E_DUPLICATE_DEPENDENCY: return "the dependency is already declared";
    case E_UNKNOWN_DEPENDENCY: return "the dependency names a service that is not registered";
    case E_DEPENDENCY_CYCLE: return "the dependencies form a cycle";
    case E_ILLEGAL_TRANSITION: return "the service's state does not allow this command";
    case E_SERVICE_DISABLED: return "the service is disabled";
    case E_SERVICE_ACTIVE: return "the service must be stopped for this command";
    case E_SERVICE_IN_USE: return "other services depend on this service";
    case E_DEPENDENCY_DISABLED: return "a required dependency is disabled";
    case E_INVALID_TYPE: return "service type is not system (0) or user (1)";
    case E_INVALID_KIND: return "dependency kind is not requires (1), wants (2) or after (3)";
    case E_INVALID_TIMEOUT: return "timeout is out of range";
    case E_INVALID_COUNT: return "instance count is out of range";
    case E_NO_SUCH_DEPENDENCY: return "the dependency is not declared";
    case E_DUPLICATE_TAG: return "the service already has this tag";
    case E_MANIFEST_TRUNCATED: return "manifest blob ends before its header or a record does";
    case E_MANIFEST_TOO_LARGE: return "manifest blob is larger than the manifest limit";
    case E_MANIFEST_MAGIC: return "manifest blob does not start with the MYCM magic";
    case E_MANIFEST_VERSION: return "manifest blob has a format version this kernel does not know";
    case E_MANIFEST_CHECKSUM: return "manifest blob checksum does not match its bytes";
    case E_MANIFEST_RECORD: return "manifest record is malformed";
    case E_MANIFEST_UNKNOWN_SECTION: return "manifest record has an unknown critical tag";
    case E_MANIFEST_ORDER: return "manifest record is out of place";
    case E_MANIFEST_REFERENCE: return "manifest record refers to a service that is not in the blob";
    case E_MANIFEST_NO_PREVIOUS: return "there is no previous manifest version to roll back to";
    case E_MANIFEST_NONE: return "no manifest is loaded";
    case E_CONFIG_TYPE: return "config key has an unknown type";
    case E_CONFIG_RANGE: return "config value is out of its range";
    case E_CONFIG_PATTERN: return "config value does not match its pattern or choices";
    case E_CONFIG_REQUIRED: return "a required config key has no value";
    case E_CONFIG_DUPLICATE_KEY: return "config key is declared twice";
    case E_CONFIG_UNKNOWN_KEY: return "the service has no config key of this name";
    case E_CAPACITY_CONFIG: return "config key table is full";
    case E_PATTERN_SYNTAX: return "pattern syntax error";
    case E_PATTERN_TOO_COMPLEX: return "pattern needs more states or classes than the limit";
    case E_CAPACITY_SUBSCRIPTIONS: return "subscription table is full";
    case E_UNKNOWN_SUBSCRIPTION: return "no subscription has this id";
    case E_CONFIG_SECRET: return "config key is secret: its value is never written out";
    case E_INVALID_ADDRESS: return "instance address is malformed or names a missing instance";
    case E_UNKNOWN_TAG: return "no service has this tag";
    case E_MANIFEST_STAGE: return "manifest staging chunk is outside the manifest limit";
    case E_CONFIG_VALUE: return "config value is malformed for its type";
    default: return "UNKNOWN";
  }
}
