// The digest of what the host spawns for a service (its `run:` spec and `version:`), carried to
// the kernel in the manifest's RUN DIGEST section (tag 0x8A). The kernel decides from it whether a
// reload makes a new revision (assembly/rollout/reload.ts); the host keeps one spec per digest.

/** FNV-1a over the canonical JSON of a service's run spec, 31 bits (the kernel's ABI answers it as a non-negative i32), never 0 (0: no digest). */
export function runDigestOf(run: object, version: string | undefined): number {
  // userNode is where `user:` is written in the file (for error positions), not what runs
  const text = JSON.stringify({ run, version: version ?? null }, (key, value) => (key === "userNode" ? undefined : value));
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash & 0x7fffffff) || 1;
}
