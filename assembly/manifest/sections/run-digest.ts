// The RUN DIGEST section (tag 0x8A, read only with the rollout layer): u32 digest of the service's run
// spec as the host compiled it, 31 bits (the ABI answers it as a non-negative i32) (docs/manifest-format.md says what it covers). The kernel never
// sees the spec itself, only whether it changed: rollout/reload.ts decides what that means.
import { WITH_ROLLOUT } from "../../features";
import { TAG_RUN_DIGEST } from "../format";
import { blobServiceCount } from "../blob-tables";
import { sectionPayload } from "../diff";
import { rolloutSpecLoaded } from "../../rollout/reload";

export const RUN_BYTES: i32 = 4;

@inline export function runDigestFits(ptr: usize, size: i32): bool { return size == RUN_BYTES && (load<u32>(ptr) >>> 31) == 0; }

/** Each blob service's digest to the rollout layer, for the services at rest or for the ones that roll out. */
export function runDigestsApply(ptr: usize, kernelId: StaticArray<i32>, rolling: bool): void {
  if (!WITH_ROLLOUT) return;
  for (let i = 0; i < blobServiceCount; i++) {
    const payload = sectionPayload(ptr, i, TAG_RUN_DIGEST);
    rolloutSpecLoaded(kernelId[i], payload == 0 ? 0 : load<u32>(payload), rolling);
  }
}
