// Consistent hashing: rendezvous hashing (highest random weight; Thaler & Ravishankar) compiled
// into a lookup table of HASH_TABLE_SLOTS positions (a prime, like Maglev's), so a lookup is
// O(1): the key's hash selects a position; each position belongs to the member with the highest
// score hash(position, member) — with unequal weights, the lowest -ln(score) / weight
// (weighted rendezvous hashing). Compared with Maglev's fill:
//   - removing a member moves only the positions it owned, each to its runner-up (Maglev moves
//     ~1.4/N of the keys at N = 64); adding it back restores the table exactly;
//   - each member owns its share of positions within a few per cent (Maglev: exactly); with
//     ~1000 positions per member that is small next to the keys' own sampling noise.
// Membership is the service's enabled instances (by ordinal) and their weights; the table is a
// pure function of it, so every host builds the same one (its checksum is a statistic). It is
// rebuilt only when membership or a weight changes, O(positions x members), never on health,
// breaker or lifecycle changes. An ineligible owner is skipped at lookup: its keys go to their
// runner-up among the eligible instances (O(n), for those keys only) and come back after.
import { HASH_TABLE_SLOTS, HASH_TABLES_MAX, INSTANCES_PER_SERVICE_MAX } from "../../limits";
import { instanceSlotOf, serviceInstanceCount, isService } from "../../registry/services";
import { mix32 } from "../hash";
import { ln } from "../math";
import {
  STRATEGY_CONSISTENT_HASH, FLAG_DISABLED, FLAG_STANDBY, serviceAt, slotAt, slotOfOrdinal, strategyOf, poolSlotAt, hashTableAt, hashTableOwner,
  SLOT_FLAGS, SLOT_WEIGHT, SLOT_IN_POOL, SLOT_ORDINAL, SERVICE_HASH_TABLE, SERVICE_HASH_DIRTY, SERVICE_TABLE_BUILDS,
  SERVICE_TABLE_CHECKSUM,
} from "../tables";

const NO_OWNER: u8 = 0xff;

// Scratch for a build: the members' ordinals, seeds and inverse weights.
const memberOrdinals = new StaticArray<u8>(INSTANCES_PER_SERVICE_MAX);
const memberSeeds = new StaticArray<u32>(INSTANCES_PER_SERVICE_MAX);
const memberInverseWeights = new StaticArray<f64>(INSTANCES_PER_SERVICE_MAX);
/** Whether each table was built weighted (its members' weights differ). */
const tableWeighted = new StaticArray<bool>(HASH_TABLES_MAX);

@inline function seedOf(ordinal: i32): u32 { return mix32(<u32>ordinal * 0x9e3779b1 + 0x632be5ab); }
@inline function positionHash(position: i32): u32 { return mix32(<u32>position * 0x85ebca77 + 0x165667b1); }
@inline function score(positionHash: u32, seed: u32): u32 { return mix32(positionHash ^ seed); }

/** Weighted rendezvous: -ln(u) / weight for u = score in (0, 1); the lowest wins. */
@inline function weightedScore(positionHash: u32, seed: u32, inverseWeight: f64): f64 {
  return -ln((<f64>score(positionHash, seed) + 0.5) * (1.0 / 4294967296.0)) * inverseWeight;
}

@inline function tableOf(service: i32): i32 { return <i32>load<i8>(serviceAt(service), SERVICE_HASH_TABLE); }

/** A table for the service, or -1 when all are held (a table whose holder let it go is free). */
export function hashTableAcquire(service: i32): i32 {
  const held = tableOf(service);
  if (held >= 0 && <i32>unchecked(hashTableOwner[held]) == service) return held;
  for (let table = 0; table < HASH_TABLES_MAX; table++) {
    const owner = <i32>unchecked(hashTableOwner[table]);
    const free = owner < 0 || !isService(owner) || strategyOf(owner) != STRATEGY_CONSISTENT_HASH || tableOf(owner) != table;
    if (!free) continue;
    unchecked(hashTableOwner[table] = <i16>service);
    store<i8>(serviceAt(service), <i8>table, SERVICE_HASH_TABLE);
    store<u8>(serviceAt(service), 1, SERVICE_HASH_DIRTY);
    return table;
  }
  return -1;
}

export function hashTableBuild(service: i32): void {
  const table = tableOf(service);
  const count = <i32>serviceInstanceCount[service];
  let members = 0;
  let weighted = false;
  let firstWeight: u16 = 0;
  for (let ordinal = 0; ordinal < count; ordinal++) {
    const record = slotAt(instanceSlotOf(service, ordinal));
    if ((load<u8>(record, SLOT_FLAGS) & (FLAG_DISABLED | FLAG_STANDBY)) != 0) continue;
    const weight = load<u16>(record, SLOT_WEIGHT);
    if (members == 0) firstWeight = weight;
    else if (weight != firstWeight) weighted = true;
    unchecked(memberOrdinals[members] = <u8>ordinal);
    unchecked(memberSeeds[members] = seedOf(ordinal));
    unchecked(memberInverseWeights[members] = 1.0 / <f64>weight);
    members++;
  }
  unchecked(tableWeighted[table] = weighted);
  const entries = hashTableAt(table);
  let checksum: u32 = 0x811c9dc5; // FNV-1a over the table
  for (let position = 0; position < HASH_TABLE_SLOTS; position++) {
    const owner = weighted ? weightedOwner(position, members) : ownerOf(position, members);
    store<u8>(entries + <usize>position, owner);
    checksum = (checksum ^ <u32>owner) * 16777619;
  }
  const config = serviceAt(service);
  store<u32>(config, checksum, SERVICE_TABLE_CHECKSUM);
  store<u32>(config, load<u32>(config, SERVICE_TABLE_BUILDS) + 1, SERVICE_TABLE_BUILDS);
  store<u8>(config, 0, SERVICE_HASH_DIRTY);
}

function ownerOf(position: i32, members: i32): u8 {
  const hash = positionHash(position);
  let best: u8 = NO_OWNER;
  let bestScore: u32 = 0;
  for (let i = 0; i < members; i++) {
    const s = score(hash, unchecked(memberSeeds[i]));
    if (best == NO_OWNER || s > bestScore) { bestScore = s; best = unchecked(memberOrdinals[i]); }
  }
  return best;
}

function weightedOwner(position: i32, members: i32): u8 {
  const hash = positionHash(position);
  let best: u8 = NO_OWNER;
  let bestScore = Infinity;
  for (let i = 0; i < members; i++) {
    const s = weightedScore(hash, unchecked(memberSeeds[i]), unchecked(memberInverseWeights[i]));
    if (s < bestScore) { bestScore = s; best = unchecked(memberOrdinals[i]); }
  }
  return best;
}

@inline export function pickConsistentHash(service: i32, count: i32, key: u32): i32 {
  const table = tableOf(service);
  const position = <i32>((<u64>mix32(key) * <u64>HASH_TABLE_SLOTS) >>> 32);
  const ordinal = load<u8>(hashTableAt(table) + <usize>position);
  if (ordinal != NO_OWNER) {
    const slot = slotOfOrdinal(service, <i32>ordinal);
    if (load<u8>(slotAt(slot), SLOT_IN_POOL) != 0) return slot;
  }
  return runnerUp(service, count, position, unchecked(tableWeighted[table]));
}

/** The position's owner among the eligible pool: the same rendezvous order the table follows. */
function runnerUp(service: i32, count: i32, position: i32, weighted: bool): i32 {
  const hash = positionHash(position);
  let best = poolSlotAt(service, 0);
  let bestScore: u32 = 0;
  let bestWeighted = Infinity;
  for (let i = 0; i < count; i++) {
    const slot = poolSlotAt(service, i);
    const record = slotAt(slot);
    const seed = seedOf(<i32>load<u8>(record, SLOT_ORDINAL));
    if (weighted) {
      const s = weightedScore(hash, seed, 1.0 / <f64>load<u16>(record, SLOT_WEIGHT));
      if (s < bestWeighted) { bestWeighted = s; best = slot; }
    } else {
      const s = score(hash, seed);
      if (i == 0 || s > bestScore) { bestScore = s; best = slot; }
    }
  }
  return best;
}
