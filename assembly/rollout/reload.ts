// What a manifest load's run spec means for a service's revisions: the kernel's decision, so every
// host gets the same one. The RUN DIGEST section (manifest tag 0x8A) carries a digest of what the host
// spawns for the service (its command, arguments, environment, version...); the kernel compares
// it with the digest in force:
//   - the same, or none on either side: nothing happens;
//   - changed on a service that is up (an instance starting or running) or in a rollout: a new
//     revision, rolled out by the service's strategy; a rollout in progress is superseded (its
//     target moves to the new revision, as a Kubernetes Deployment's does; the old target's
//     outcome in the history: superseded) and a paused one stays paused;
//   - changed on a service at rest (stopped, failed, waiting out a restart backoff): the new
//     revision is stable at once (logged as STEP_ADOPT), so its next start runs the new spec.
// The history keeps each revision's digest: the host keeps a spec per digest and spawns an
// instance with the spec of the revision instanceRevision names (rolloutRevisionDigest).
import { CAUSE_COMMAND } from "../lifecycle/causes";
import { rollout, rolloutLog, PHASE_IDLE, PHASE_PAUSED, OUTCOME_GOOD, OUTCOME_SUPERSEDED, STEP_ADOPT } from "./tables";
import { historyAppend, historySetDigest, historyMark } from "./history";
import { rolloutBegin } from "./control";
import { isUp } from "./compat";

/** Does a changed run spec roll out (true) or become stable at once (false)? */
export function specRollsOut(service: i32): bool {
  return rollout.phase[service] != PHASE_IDLE || isUp(service);
}

/**
 * The run-spec `digest` (0: none) a manifest load gives `service`. Called twice per load, once
 * for the services at rest (`rolling` false: before the versions apply, so the revision made
 * stable at rest takes the new version as its own) and once for the ones that roll out (after
 * them, so the new revision records the new version).
 */
export function rolloutSpecLoaded(service: i32, digest: u32, rolling: bool): void {
  const before = rollout.runDigest[service];
  if (before == digest || specRollsOut(service) != rolling) return;
  rollout.runDigest[service] = digest;
  if (before == 0 || digest == 0) { // the first digest (a new service, an older blob), or none any more: no new spec to judge
    historySetDigest(service, <i32>rollout.stable[service], digest);
    return;
  }
  const revision = <i32>rollout.nextRevision[service];
  rollout.nextRevision[service] = <u16>(revision + 1);
  if (rolling) {
    const paused = rollout.phase[service] == PHASE_PAUSED;
    const superseded = <i32>rollout.target[service];
    if (superseded != <i32>rollout.stable[service]) historyMark(service, superseded, OUTCOME_SUPERSEDED);
    rolloutBegin(service, revision, CAUSE_COMMAND);
    if (paused) rollout.phase[service] = PHASE_PAUSED;
    return;
  }
  rollout.stable[service] = <u16>revision;
  rollout.target[service] = <u16>revision;
  historyAppend(service, revision, OUTCOME_GOOD);
  rolloutLog(service, STEP_ADOPT, CAUSE_COMMAND, revision);
}
