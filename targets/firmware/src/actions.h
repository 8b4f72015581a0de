/*
 * The kernel's action kinds a firmware performs (assembly/log/outbox.ts ACTION_*) and the event
 * fields its programs read (assembly/log/events.ts, lifecycle/causes.ts). The kernel exports no constants for them:
 * every export costs the tiny profile bytes, and these values are part of the ABI, never renumbered.
 */
#ifndef ACTIONS_H
#define ACTIONS_H

#define ACTION_SPAWN 1
#define ACTION_STOP 2
#define ACTION_KILL 3
#define ACTION_RUN_CHECK 4

#define EVENT_INSTANCE_STATE 2
#define CAUSE_START_TIMEOUT 7

#endif
