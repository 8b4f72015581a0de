// Validation of a whole blob before anything is applied: header, checksum, every record, every
// name, every config value, every reference, and the dependency graph (no cycles). The result
// is a table of the blob's services in scratch arrays (reserved at init); on any error the
// kernel is unchanged and the error names the offset (manifestErrorOffset) and the service.
import {
  SERVICES_MAX, EDGES_MAX, TAGS_MAX, INSTANCES_PER_SERVICE_MAX, MANIFEST_BYTES_MAX, CONFIG_KEYS_MAX,
  CONFIG_KEYS_PER_SERVICE_MAX, CONFIG_VALUE_BYTES_MAX,
} from "../limits";
import {
  OK, E_MANIFEST_TRUNCATED, E_MANIFEST_TOO_LARGE, E_MANIFEST_MAGIC, E_MANIFEST_VERSION, E_MANIFEST_CHECKSUM,
  E_MANIFEST_RECORD, E_MANIFEST_UNKNOWN_SECTION, E_MANIFEST_ORDER, E_DUPLICATE_NAME,
  E_CAPACITY_SERVICES, E_CAPACITY_EDGES, E_CAPACITY_TAGS, E_CAPACITY_CONFIG, E_INVALID_TYPE, E_INVALID_COUNT,
  E_INVALID_KIND, E_DUPLICATE_TAG, E_CONFIG_DUPLICATE_KEY, E_INVALID_ADDRESS,
} from "../errors";
import { validateName } from "../registry/names";
import { fail, detail } from "../util/detail";
import {
  MAGIC, FORMAT_VERSION, HEADER_BYTES, RECORD_HEADER_BYTES, H_VERSION, H_HEADER, H_TOTAL,
  H_CHECKSUM, H_SERVICES, H_FLAGS, CHECKSUM_FROM, TAG_SERVICE, TAG_INSTANCES, TAG_TIMEOUTS, TAG_TAG, TAG_DEPENDENCY,
  TAG_CONFIG, TAG_ADDRESS, TAG_HEALTH, TAG_RECOVERY, TAG_BALANCE, TAG_PLACEMENT, TAG_RESOURCES, TAG_UNITS, TAG_UPDATE, TAG_COMPAT, TAG_IDENTITY, TAG_RUN_DIGEST, CONDITION_HEALTHY, isAncillary, crc32,
} from "./format";
import { runDigestFits } from "./sections/run-digest";
import { SERVICE_SUBJECT } from "../registry/services";
import { START_TIMEOUT_MS_DEFAULT, STOP_TIMEOUT_MS_DEFAULT } from "../defaults";
import { field, recordScratch } from "../util/record";
import { timeoutsResolve, timeoutsValid, TIMEOUTS_RECORD_BYTES, TIMEOUTS_START_MS, TIMEOUTS_STOP_MS } from "../registry/timeouts";
import { healthValid, healthFits } from "./sections/health";
import { recoverySectionValid, recoveryFits } from "./sections/recovery";
import { balanceSectionValid, balanceFits } from "./sections/balance";
import { placementSectionValid, placementFits, placementValidateBegin } from "./sections/placement";
import { WITH_PLACEMENT } from "../features";
import { identityFits, identitySectionValid } from "../security/root-rule";
import { WITH_SECURITY } from "../features";
import { resourcesFits, resourcesSectionValid, unitsFits, unitsSectionValid } from "./sections/resources";
import { updateFits, updateSectionValid, updateAddressesValid } from "./sections/update";
import { compatFits, compatSectionValid } from "./sections/compat";
import { WITH_COMPAT } from "../features";
import { WITH_RESOURCES, WITH_CONFIG_KEYS, WITH_ROLLOUT } from "../features";
import {
  blobServiceCount, blobServiceAt, blobServiceEnd, blobType, blobInstances, blobStartMs, blobStopMs, blobConfigCount,
  blobNames, blobConfigTotal, depFrom, depTo, depKind, depCondition, depCount, blobTags, blobTagCount, blobBase as base,
  blobTablesBegin, blobServiceTake, blobTagTake, depTake, blobConfigCounted, at, sayBlobService, blobSubject, u16At, u32At,
} from "./blob-tables";
import { checkReferences, checkAcyclic } from "./references";
import { findConfig } from "./reader";
import { parseConfig, checkConfig, cfgKeyPtr, cfgKeyLength } from "../config/schema";

function checkHeader(length: i32): i32 {
  if (length > MANIFEST_BYTES_MAX) {
    return at(fail(E_MANIFEST_TOO_LARGE).text("manifest of ").int(length).text(" bytes is larger than the limit of ")
      .int(MANIFEST_BYTES_MAX), 0);
  }
  if (length < HEADER_BYTES) {
    return at(fail(E_MANIFEST_TRUNCATED).text("manifest of ").int(length).text(" bytes is shorter than its ")
      .int(HEADER_BYTES).text("-byte header"), 0);
  }
  if (load<u32>(base) != MAGIC) {
    return at(fail(E_MANIFEST_MAGIC).text("manifest starts with '").raw(base, 4).text("', not 'MYCM'"), 0);
  }
  const version = u16At(H_VERSION);
  if (version != <i32>FORMAT_VERSION) {
    return at(fail(E_MANIFEST_VERSION).text("manifest format version ").int(version).text(" is ")
      .text(version > <i32>FORMAT_VERSION ? "newer than" : "not").text(" this kernel's version ").int(FORMAT_VERSION), H_VERSION);
  }
  if (u16At(H_HEADER) != HEADER_BYTES || u16At(H_FLAGS) != 0) {
    return at(fail(E_MANIFEST_RECORD).text("manifest header size ").int(u16At(H_HEADER)).text(" / flags ").int(u16At(H_FLAGS))
      .text(" are not ").int(HEADER_BYTES).text(" / 0"), H_HEADER);
  }
  const total = <i64>u32At(H_TOTAL);
  if (total != <i64>length) {
    return at(fail(total > <i64>length ? E_MANIFEST_TRUNCATED : E_MANIFEST_RECORD).text("manifest header says ").int(total)
      .text(" bytes; ").int(length).text(" were given"), H_TOTAL);
  }
  const expected = u32At(H_CHECKSUM);
  const actual = crc32(base + <usize>CHECKSUM_FROM, length - CHECKSUM_FROM);
  if (expected != actual) {
    return at(fail(E_MANIFEST_CHECKSUM).text("manifest checksum ").int(expected).text(" does not match the bytes (")
      .int(actual).text(")"), H_CHECKSUM);
  }
  const services = u16At(H_SERVICES);
  if (services > SERVICES_MAX) {
    return at(fail(E_CAPACITY_SERVICES).text("manifest declares ").int(services).text(" services; the limit is ")
      .int(SERVICES_MAX), H_SERVICES);
  }
  return OK;
}

/** Validates the blob at `ptr`; fills the blob tables (blob-tables.ts), nothing else. */
export function validateBlob(ptr: usize, length: i32): i32 {
  blobTablesBegin(ptr);
  if (WITH_PLACEMENT) placementValidateBegin();
  const header = checkHeader(length);
  if (header < 0) return header;
  const records = walkRecords(length);
  if (records < 0) return records;
  if (blobServiceCount != u16At(H_SERVICES)) {
    return at(fail(E_MANIFEST_RECORD).text("manifest header declares ").int(u16At(H_SERVICES)).text(" services; the records hold ")
      .int(blobServiceCount), H_SERVICES);
  }
  const references = checkReferences();
  if (references < 0) return references;
  if (WITH_ROLLOUT) {
    const addresses = updateAddressesValid();
    if (addresses < 0) return addresses;
  }
  return checkAcyclic();
}

function walkRecords(length: i32): i32 {
  let offset = HEADER_BYTES;
  let current = -1;
  let seen: i32 = 0; // bit per single-use tag of the current service
  while (offset < length) {
    if (offset + RECORD_HEADER_BYTES > length) {
      return at(fail(E_MANIFEST_TRUNCATED).text("record header is cut off by the end of the manifest"), offset);
    }
    const tag = load<u8>(base + <usize>offset);
    const size = u16At(offset + 1);
    const payload = offset + RECORD_HEADER_BYTES;
    if (payload + size > length) {
      return at(fail(E_MANIFEST_TRUNCATED).text("record (tag ").int(tag).text(") of ").int(size)
        .text(" bytes runs past the end of the manifest"), offset);
    }
    if (tag == TAG_SERVICE) {
      const made = beginService(offset, size);
      if (made < 0) return made;
      current = made;
      seen = 0;
    } else if (isAncillary(tag) && (current < 0 || (tag > TAG_BALANCE && !(WITH_PLACEMENT && tag == TAG_PLACEMENT) && !isResourcesTag(tag) && !isUpdateTag(tag) && !isCompatTag(tag) && !isIdentityTag(tag) && !isRunDigestTag(tag)))) {
      // skipped here (unknown ones; PLACEMENT, RESOURCES, UNITS and UPDATE without their layers), kept in the service's section for the dump
    } else if (current < 0) {
      return at(fail(E_MANIFEST_ORDER).text("record (tag ").int(tag).text(") comes before the first service"), offset);
    } else {
      if (tag == TAG_INSTANCES || tag == TAG_TIMEOUTS || isAncillary(tag)) {
        const bit = 1 << (tag & 15); // instances 2, timeouts 3; health 0, recovery 1, balance 2 (<< 8)
        const mask = isAncillary(tag) ? bit << 8 : bit;
        if ((seen & mask) != 0) {
          return at(sayBlobService(fail(E_MANIFEST_ORDER), current).text(" has a second record with tag ").int(tag), offset);
        }
        seen |= mask;
      }
      const field = isAncillary(tag) ? sectionRecord(current, tag, payload, size) : serviceRecord(current, tag, payload, size, offset);
      if (field < 0) return isAncillary(tag) ? at(detail, offset) : field;
    }
    offset = payload + size;
    if (current >= 0) blobServiceEnd[current] = offset; // its records reach this far (so far)
  }
  return OK;
}

function beginService(offset: i32, size: i32): i32 {
  const payload = offset + RECORD_HEADER_BYTES;
  if (blobServiceCount >= SERVICES_MAX) {
    return at(fail(E_CAPACITY_SERVICES).text("manifest has more than ").int(SERVICES_MAX).text(" services"), offset);
  }
  if (size < 2) return at(fail(E_MANIFEST_RECORD).text("service record of ").int(size).text(" bytes has no name"), offset);
  const namePtr = base + <usize>(payload + 1);
  const nameLength = size - 1;
  const bad = validateName(namePtr, nameLength, "service name");
  if (bad < 0) return at(detail, offset);
  if (blobNames.find(namePtr, nameLength) >= 0) {
    return at(fail(E_DUPLICATE_NAME).text("service '").raw(namePtr, nameLength).text("' is declared twice"), offset);
  }
  const type = load<u8>(base + <usize>payload);
  if (type > 1) {
    return at(fail(E_INVALID_TYPE).text("service '").raw(namePtr, nameLength).text("': type ").int(type)
      .text(" is not system (0) or user (1)"), offset);
  }
  const index = blobServiceTake();
  blobNames.insertUnique(index, namePtr, nameLength);
  blobServiceAt[index] = offset;
  blobType[index] = type;
  blobInstances[index] = 1;
  blobStartMs[index] = START_TIMEOUT_MS_DEFAULT;
  blobStopMs[index] = STOP_TIMEOUT_MS_DEFAULT;
  blobConfigCount[index] = 0;
  serviceTagSet = 0;
  return index;
}

function serviceRecord(current: i32, tag: u8, payload: i32, size: i32, offset: i32): i32 {
  const ptr = base + <usize>payload;
  // INSTANCES, TIMEOUTS and DEPENDENCY have one size each (the other records take their own)
  const fixed = tag == TAG_INSTANCES ? 2 : tag == TAG_TIMEOUTS ? TIMEOUTS_RECORD_BYTES : tag == TAG_DEPENDENCY ? 4 : size;
  if (size != fixed) {
    return at(sayBlobService(fail(E_MANIFEST_RECORD), current).text(": ")
      .text(tag == TAG_INSTANCES ? "instances" : tag == TAG_TIMEOUTS ? "timeouts" : "dependency").text(" record is ").int(size)
      .text(" bytes, not ").int(fixed), offset);
  }
  if (tag == TAG_INSTANCES) {
    const count = u16At(payload);
    if (count > INSTANCES_PER_SERVICE_MAX) {
      return at(sayBlobService(fail(E_INVALID_COUNT), current).text(": instances ").int(count).text(" is outside 0..")
        .int(INSTANCES_PER_SERVICE_MAX), offset);
    }
    blobInstances[current] = <u16>count;
    return OK;
  }
  if (tag == TAG_TIMEOUTS) {
    blobSubject(current);
    timeoutsResolve(ptr, recordScratch);
    if (timeoutsValid(SERVICE_SUBJECT, recordScratch) < 0) return at(detail, offset);
    blobStartMs[current] = field(recordScratch, TIMEOUTS_START_MS);
    blobStopMs[current] = field(recordScratch, TIMEOUTS_STOP_MS);
    return OK;
  }
  if (tag == TAG_TAG) return tagRecord(current, ptr, size, offset);
  if (tag == TAG_DEPENDENCY) return dependencyRecord(current, payload, size, offset);
  // config keys and addresses are not in the tiny profile: there they are unknown tags
  if (WITH_CONFIG_KEYS && tag == TAG_CONFIG) return configRecord(current, ptr, size, offset);
  if (WITH_CONFIG_KEYS && tag == TAG_ADDRESS) return addressRecord(current, payload, size, offset);
  return at(sayBlobService(fail(E_MANIFEST_UNKNOWN_SECTION), current).text(": record tag ").int(tag)
    .text(" is critical (below 128) and unknown to this kernel"), offset);
}

@inline function isUpdateTag(tag: u8): bool { return WITH_ROLLOUT && tag == TAG_UPDATE; }
@inline function isCompatTag(tag: u8): bool { return WITH_COMPAT && tag == TAG_COMPAT; }
@inline function isIdentityTag(tag: u8): bool { return WITH_SECURITY && tag == TAG_IDENTITY; }
@inline function isRunDigestTag(tag: u8): bool { return WITH_ROLLOUT && tag == TAG_RUN_DIGEST; }
@inline function isResourcesTag(tag: u8): bool { return WITH_RESOURCES && (tag == TAG_RESOURCES || tag == TAG_UNITS); }

function sectionFits(tag: u8, ptr: usize, size: i32): bool {
  if (WITH_RESOURCES && tag == TAG_RESOURCES) return resourcesFits(ptr, size);
  if (WITH_RESOURCES && tag == TAG_UNITS) return unitsFits(ptr, size);
  return tag == TAG_HEALTH ? healthFits(ptr, size) : tag == TAG_RECOVERY ? recoveryFits(ptr, size) : balanceFits(ptr, size);
}

/** HEALTH, RECOVERY, BALANCE (RESOURCES, UNITS): each checked by its section's rules, the layer's own (sections/). */
function sectionRecord(current: i32, tag: u8, payload: i32, size: i32): i32 {
  blobSubject(current);
  const ptr = base + <usize>payload;
  if (WITH_PLACEMENT && tag == TAG_PLACEMENT) return placementFits(ptr, size) ? placementSectionValid(ptr) : sectionMalformed(current, tag, size);
  if (isUpdateTag(tag)) return updateFits(ptr, size) ? updateSectionValid(ptr) : sectionMalformed(current, tag, size);
  if (isCompatTag(tag)) return compatFits(ptr, size) ? compatSectionValid(current, ptr) : sectionMalformed(current, tag, size);
  if (isRunDigestTag(tag)) return runDigestFits(ptr, size) ? OK : sectionMalformed(current, tag, size);
  if (isIdentityTag(tag)) return identityFits(ptr, size) ? identitySectionValid(blobType[current], ptr) : sectionMalformed(current, tag, size);
  if (!sectionFits(tag, ptr, size)) return sectionMalformed(current, tag, size);
  if (tag == TAG_HEALTH) return healthValid(ptr);
  if (WITH_RESOURCES && tag == TAG_RESOURCES) return resourcesSectionValid(ptr);
  if (WITH_RESOURCES && tag == TAG_UNITS) return unitsSectionValid(ptr);
  return tag == TAG_RECOVERY ? recoverySectionValid(ptr) : balanceSectionValid(ptr);
}

function sectionMalformed(current: i32, tag: u8, size: i32): i32 {
  return sayBlobService(fail(E_MANIFEST_RECORD), current).text(": record (tag ").int(tag).text(") of ").int(size)
    .text(" bytes does not hold its fields").code();
}

/** The blob's distinct tags (blobTags indices) the current service has named so far. */
let serviceTagSet: u64 = 0;

function tagRecord(current: i32, ptr: usize, size: i32, offset: i32): i32 {
  const bad = validateName(ptr, size, "tag");
  if (bad < 0) { sayBlobService(detail.text(" ("), current).text(")"); return at(detail, offset); }
  let tag = blobTags.find(ptr, size);
  if (tag < 0) {
    if (blobTagCount >= TAGS_MAX) {
      return at(sayBlobService(fail(E_CAPACITY_TAGS), current).text(": tag '").raw(ptr, size).text("' is one more than the ")
        .int(TAGS_MAX).text(" distinct tags allowed"), offset);
    }
    tag = blobTagTake();
    blobTags.insertUnique(tag, ptr, size);
  }
  const bit = <u64>1 << <u64>tag; // TAGS_MAX <= 64 (limits.ts)
  if ((serviceTagSet & bit) != 0) {
    return at(sayBlobService(fail(E_DUPLICATE_TAG), current).text(" has tag '").raw(ptr, size).text("' twice"), offset);
  }
  serviceTagSet |= bit;
  return OK;
}

function dependencyRecord(current: i32, payload: i32, size: i32, offset: i32): i32 {
  const kind = load<u8>(base + <usize>payload, 2);
  const condition = load<u8>(base + <usize>payload, 3);
  if (kind < 1 || kind > 3 || condition > CONDITION_HEALTHY) {
    return at(sayBlobService(fail(E_INVALID_KIND), current).text(": dependency kind ").int(kind).text(" / condition ")
      .int(condition).text(" is not requires/wants/after (1..3) / started/healthy (0..1)"), offset);
  }
  if (depCount >= EDGES_MAX) {
    return at(sayBlobService(fail(E_CAPACITY_EDGES), current).text(": more than ").int(EDGES_MAX).text(" dependencies"), offset);
  }
  const e = depTake();
  depFrom[e] = <u16>current;
  depTo[e] = <u16>u16At(payload);
  depKind[e] = kind;
  depCondition[e] = condition;
  return OK;
}

function configRecord(current: i32, ptr: usize, size: i32, offset: i32): i32 {
  const parsed = parseConfig(ptr, size);
  if (parsed < 0) { sayBlobService(detail.text(" ("), current).text(")"); return at(detail, offset); }
  const namePtr = blobNames.namePtr(current), nameLength = blobNames.nameLength(current);
  const bad = checkConfig(namePtr, nameLength);
  if (bad < 0) return at(detail, offset);
  if (<i32>blobConfigCount[current] >= CONFIG_KEYS_PER_SERVICE_MAX || blobConfigTotal >= CONFIG_KEYS_MAX) {
    return at(sayBlobService(fail(E_CAPACITY_CONFIG), current).text(": config '").raw(cfgKeyPtr, cfgKeyLength)
      .text("' is past the limit (").int(CONFIG_KEYS_PER_SERVICE_MAX).text(" per service, ").int(CONFIG_KEYS_MAX)
      .text(" in all)"), offset);
  }
  // the same key twice: among the service's earlier config records
  if (findConfig(base, blobServiceAt[current], offset, cfgKeyPtr, cfgKeyLength) >= 0) {
    return at(sayBlobService(fail(E_CONFIG_DUPLICATE_KEY), current).text(": config '").raw(cfgKeyPtr, cfgKeyLength)
      .text("' is declared twice"), offset);
  }
  blobConfigCount[current]++;
  blobConfigCounted();
  return OK;
}

function addressRecord(current: i32, payload: i32, size: i32, offset: i32): i32 {
  const length = size - 2;
  if (size < 3 || length > CONFIG_VALUE_BYTES_MAX) {
    return at(sayBlobService(fail(E_INVALID_ADDRESS), current).text(": address record of ").int(size)
      .text(" bytes (an ordinal and 1..").int(CONFIG_VALUE_BYTES_MAX).text(" address bytes)"), offset);
  }
  for (let i = 0; i < length; i++) {
    const c = load<u8>(base + <usize>(payload + 2 + i));
    if (c <= 0x20 || c >= 0x7f || c == 0x2c) {
      return at(sayBlobService(fail(E_INVALID_ADDRESS), current).text(": address '").raw(base + <usize>(payload + 2), length)
        .text("' has a space, a comma or a non-printable byte at ").int(i), offset);
    }
  }
  return OK; // the ordinal is checked against the final instance count in checkDependencies
}
