// The registry generation: grows with every change a discovery answer could depend on (a service
// registered, removed, re-tagged, resized, retyped; a state or health change). Cached query
// results remember the generation they were computed at and are stale once it moved.

let generation: u32 = 1;

@inline export function registryGeneration(): u32 { return generation; }

export function registryChanged(): void {
  generation++;
  if (generation == 0) generation = 1; // 0 means "never computed" to caches
}

// The status generation: grows with every state or health change. Only answers that filter by
// state or health depend on it, so a busy lifecycle does not flush every cached name query.
let status: u32 = 1;

@inline export function statusGeneration(): u32 { return status; }

export function statusChanged(): void {
  status++;
  if (status == 0) status = 1;
}
