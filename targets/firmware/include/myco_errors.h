/* Generated from assembly/errors.ts by targets/abi/generate.ts (npm run build). Do not edit. */
#ifndef MYCO_ERRORS_H
#define MYCO_ERRORS_H

#define MYCO_OK (0)
#define MYCO_E_INVALID_ARGUMENT (-1) /* invalid argument */
#define MYCO_E_NAME_EMPTY (-2) /* name is empty */
#define MYCO_E_NAME_TOO_LONG (-3) /* name is longer than the limit */
#define MYCO_E_NAME_INVALID_CHAR (-4) /* name has a character outside [A-Za-z0-9._-] or does not start with a letter or digit */
#define MYCO_E_DUPLICATE_NAME (-5) /* a service with this name is already registered */
#define MYCO_E_UNKNOWN_SERVICE (-6) /* no service has this id or name */
#define MYCO_E_UNKNOWN_INSTANCE (-7) /* no instance has this handle */
#define MYCO_E_STALE_INSTANCE (-8) /* the instance handle belongs to an earlier run of the instance */
#define MYCO_E_CAPACITY_SERVICES (-9) /* service table is full */
#define MYCO_E_CAPACITY_INSTANCES (-10) /* instance table is full */
#define MYCO_E_CAPACITY_EDGES (-11) /* dependency table is full */
#define MYCO_E_CAPACITY_TAGS (-12) /* tag table or the service's tag set is full */
#define MYCO_E_OUTBOX_FULL (-13) /* outbox is full: drain actions, then retry */
#define MYCO_E_IO_LENGTH (-14) /* length is negative or past the I/O buffer */
#define MYCO_E_SELF_DEPENDENCY (-15) /* a service cannot depend on itself */
#define MYCO_E_DUPLICATE_DEPENDENCY (-16) /* the dependency is already declared */
#define MYCO_E_UNKNOWN_DEPENDENCY (-17) /* the dependency names a service that is not registered */
#define MYCO_E_DEPENDENCY_CYCLE (-18) /* the dependencies form a cycle */
#define MYCO_E_ILLEGAL_TRANSITION (-19) /* the service's state does not allow this command */
#define MYCO_E_SERVICE_DISABLED (-20) /* the service is disabled */
#define MYCO_E_SERVICE_ACTIVE (-21) /* the service must be stopped for this command */
#define MYCO_E_SERVICE_IN_USE (-22) /* other services depend on this service */
#define MYCO_E_DEPENDENCY_DISABLED (-23) /* a required dependency is disabled */
#define MYCO_E_INVALID_TYPE (-24) /* service type is not system (0) or user (1) */
#define MYCO_E_INVALID_KIND (-25) /* dependency kind is not requires (1), wants (2) or after (3) */
#define MYCO_E_INVALID_TIMEOUT (-26) /* timeout is out of range */
#define MYCO_E_INVALID_COUNT (-27) /* instance count is out of range */
#define MYCO_E_NO_SUCH_DEPENDENCY (-28) /* the dependency is not declared */
#define MYCO_E_DUPLICATE_TAG (-29) /* the service already has this tag */
#define MYCO_E_INVALID_STRATEGY (-100) /* load-balancing strategy is not one of the nine strategy codes */
#define MYCO_E_INVALID_WEIGHT (-101) /* weight is outside 1..the weight limit */
#define MYCO_E_INVALID_OPTION (-102) /* balancer option is unknown or its value is out of range */
#define MYCO_E_INVALID_BREAKER (-103) /* circuit-breaker setting is out of range or contradicts another */
#define MYCO_E_INVALID_OUTLIER (-104) /* outlier-ejection setting is out of range or contradicts another */
#define MYCO_E_INVALID_HEALTH (-105) /* health is not unknown (0), healthy (1), degraded (2) or unhealthy (3) */
#define MYCO_E_INVALID_OUTCOME (-106) /* request outcome is not failure (0), success (1) or cancelled (2) */
#define MYCO_E_INVALID_LATENCY (-107) /* latency is negative, not a number or above the limit */
#define MYCO_E_NO_ELIGIBLE_INSTANCE (-108) /* no instance of the service is eligible for a request */
#define MYCO_E_BREAKER_OPEN (-109) /* the instance's circuit breaker admits no request now */
#define MYCO_E_NO_ACTIVE_REQUEST (-110) /* the instance has no request in flight */
#define MYCO_E_CAPACITY_HASH_TABLES (-111) /* every consistent-hash table is in use */
#define MYCO_E_INVALID_KEY (-112) /* key length does not fit the strategy (IP hash takes 4 or 16 bytes) */
#define MYCO_E_NOT_ISOLATED (-113) /* the instance's breaker is not isolated */
#define MYCO_E_INVALID_CHECK_KIND (-150) /* check kind is not http (0), tcp (1), process (2), file (3), command (4) or custom (5) */
#define MYCO_E_INVALID_CHECK_ROLE (-151) /* check role is not liveness (0), readiness (1) or startup (2) */
#define MYCO_E_INVALID_PERIOD (-152) /* a period, interval, window or timeout is out of range */
#define MYCO_E_INVALID_THRESHOLD (-153) /* a threshold or count is out of range */
#define MYCO_E_CAPACITY_CHECKS (-154) /* check table or the service's check slots are full */
#define MYCO_E_UNKNOWN_CHECK (-155) /* no health check has this id */
#define MYCO_E_INVALID_CHECK_OUTCOME (-156) /* check outcome is not success (0), failure (1) or timeout (2) */
#define MYCO_E_INVALID_POLICY (-157) /* restart policy is not never (0), on-failure (1) or always (2) */
#define MYCO_E_INVALID_INTENSITY (-158) /* restart intensity cannot allow the restart policy */
#define MYCO_E_INVALID_BACKOFF (-159) /* backoff kind, factor, jitter, base or cap is invalid */
#define MYCO_E_UNKNOWN_STRATEGY (-160) /* recovery strategy, group strategy or fault pattern is unknown */
#define MYCO_E_START_LIMIT (-161) /* the service hit its restart limit and stays failed until reset */
#define MYCO_E_INVALID_CONDITION (-162) /* dependency condition is not started (0) or healthy (1) */
#define MYCO_E_MANIFEST_TRUNCATED (-200) /* manifest blob ends before its header or a record does */
#define MYCO_E_MANIFEST_TOO_LARGE (-201) /* manifest blob is larger than the manifest limit */
#define MYCO_E_MANIFEST_MAGIC (-202) /* manifest blob does not start with the MYCM magic */
#define MYCO_E_MANIFEST_VERSION (-203) /* manifest blob has a format version this kernel does not know */
#define MYCO_E_MANIFEST_CHECKSUM (-204) /* manifest blob checksum does not match its bytes */
#define MYCO_E_MANIFEST_RECORD (-205) /* manifest record is malformed */
#define MYCO_E_MANIFEST_UNKNOWN_SECTION (-206) /* manifest record has an unknown critical tag */
#define MYCO_E_MANIFEST_ORDER (-207) /* manifest record is out of place */
#define MYCO_E_MANIFEST_REFERENCE (-208) /* manifest record refers to a service that is not in the blob */
#define MYCO_E_MANIFEST_NO_PREVIOUS (-209) /* there is no previous manifest version to roll back to */
#define MYCO_E_MANIFEST_NONE (-210) /* no manifest is loaded */
#define MYCO_E_CONFIG_TYPE (-211) /* config key has an unknown type */
#define MYCO_E_CONFIG_RANGE (-212) /* config value is out of its range */
#define MYCO_E_CONFIG_PATTERN (-213) /* config value does not match its pattern or choices */
#define MYCO_E_CONFIG_REQUIRED (-214) /* a required config key has no value */
#define MYCO_E_CONFIG_DUPLICATE_KEY (-215) /* config key is declared twice */
#define MYCO_E_CONFIG_UNKNOWN_KEY (-216) /* the service has no config key of this name */
#define MYCO_E_CAPACITY_CONFIG (-217) /* config key table is full */
#define MYCO_E_PATTERN_SYNTAX (-218) /* pattern syntax error */
#define MYCO_E_PATTERN_TOO_COMPLEX (-219) /* pattern needs more states or classes than the limit */
#define MYCO_E_CAPACITY_SUBSCRIPTIONS (-220) /* subscription table is full */
#define MYCO_E_UNKNOWN_SUBSCRIPTION (-221) /* no subscription has this id */
#define MYCO_E_CONFIG_SECRET (-222) /* config key is secret: its value is never written out */
#define MYCO_E_INVALID_ADDRESS (-223) /* instance address is malformed or names a missing instance */
#define MYCO_E_UNKNOWN_TAG (-224) /* no service has this tag */
#define MYCO_E_MANIFEST_STAGE (-225) /* manifest staging chunk is outside the manifest limit */
#define MYCO_E_CONFIG_VALUE (-226) /* config value is malformed for its type */
#define MYCO_E_NO_NODE_FITS (-227) /* no node fits */
#define MYCO_E_NO_MOVE (-300) /* the assignment slot has no move of this state in the plan */
#define MYCO_E_NOT_PROMOTABLE (-301) /* the node is not a rhizomorph alive and healthy for the promotion period */
#define MYCO_E_INVALID_PLAN_SETTING (-302) /* plan setting is outside its range */
#define MYCO_E_INVALID_MOVE_REQUEST (-303) /* a manual move needs a requester and a reason */
#define MYCO_E_MOVE_GAVE_UP (-304) /* a move failed on its target too often and no other node may take the instance: given up */
#define MYCO_E_RESOURCE_EXHAUSTED (-320) /* the node has not enough of a resource free for the start */
#define MYCO_E_INVALID_RESOURCE (-321) /* resource is not one of the node's dimensions or units */
#define MYCO_E_INVALID_RESOURCES_RECORD (-322) /* resources record field is out of range */
#define MYCO_E_CAPACITY_UNITS (-323) /* the node's unit table is full */
#define MYCO_E_CAPACITY_RESERVATIONS (-324) /* every reservation slot is held */
#define MYCO_E_UNKNOWN_RESERVATION (-325) /* no reservation has this id (released, expired or never made) */
#define MYCO_E_RESOURCES_ABSENT (-326) /* this build has no resources layer */
#define MYCO_E_RUNS_AS_ROOT (-327) /* a user service would run as root without allow-root */
#define MYCO_E_ACCESS_DENIED (-340) /* the caller's capabilities do not allow this command */
#define MYCO_E_UNKNOWN_PRINCIPAL (-341) /* no principal has this id or name */
#define MYCO_E_CAPACITY_PRINCIPALS (-342) /* principal table is full */
#define MYCO_E_INVALID_ROLE (-343) /* role is not viewer (0), operator (1), admin (2) or custom (3) with a capability set */
#define MYCO_E_INVALID_COMMAND (-344) /* control command is not one of the command codes */
#define MYCO_E_NO_ACCESS_CONTROL (-345) /* this build has no access control */
#define MYCO_E_DUPLICATE_PRINCIPAL (-346) /* a principal with this name is already registered */
#define MYCO_E_RESIZE_PENDING (-350) /* the service is still draining the instances its last resize removes */
#define MYCO_E_ROLLOUT_ABSENT (-351) /* rollouts are not in this profile */
#define MYCO_E_ROLLOUT_NONE (-352) /* the service has no rollout in that phase */
#define MYCO_E_UNKNOWN_REVISION (-353) /* the revision is not in the service's history */
#define MYCO_E_INVALID_UPDATE (-354) /* update strategy setting is out of range */
#define MYCO_E_UPDATE_STRATEGY_UNAVAILABLE (-355) /* update strategy is not carried out by this kernel */
#define MYCO_E_BLUE_GREEN_ADDRESSES (-356) /* blue-green needs a spare address per instance */
#define MYCO_E_NO_CANARY (-357) /* no canary waits for promotion */
#define MYCO_E_COMPAT_BREAKS (-363) /* the version change would break a running dependant's version constraint */
#define MYCO_E_COMPAT_UNSATISFIED (-364) /* a service's version constraint is not met by its dependency's version */
#define MYCO_E_CAPACITY_CONSTRAINTS (-365) /* version constraint table is full */
#define MYCO_E_INVALID_CONSTRAINT (-366) /* version constraint names no dependency or holds no version */
#define MYCO_E_COMPAT_RUNNING (-367) /* a running dependant's new version constraint does not hold for the version its dependency runs */
#define MYCO_E_SNAPSHOT_UNAVAILABLE (-370) /* this profile has no snapshot and restore */
#define MYCO_E_SNAPSHOT_CORRUPT (-371) /* snapshot is damaged: bad magic, CRC-32, length or section head */
#define MYCO_E_SNAPSHOT_VERSION (-372) /* snapshot format version is not one this kernel reads */
#define MYCO_E_SNAPSHOT_PROFILE (-373) /* snapshot was taken on another build profile */
#define MYCO_E_SNAPSHOT_LAYOUT (-374) /* snapshot was taken by a kernel build whose state layout differs */
#define MYCO_E_SNAPSHOT_SEQUENCE (-375) /* snapshot chunk is out of order, misaligned or past the end */
#define MYCO_E_SNAPSHOT_STATE (-376) /* snapshot holds a value out of range for its table */
#define MYCO_E_SNAPSHOT_UNVERIFIED (-377) /* snapshot apply without a verified snapshot, or bytes changed since */
#define MYCO_E_NOT_IN_PROFILE (-395) /* this profile does not have the layer behind this export */

#endif
