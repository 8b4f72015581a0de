// Tags: interned names shared by services, reference-counted so a tag no service uses any more
// frees its slot. A service's tags are a 64-bit set of tag ids.
import { TAGS_MAX } from "../limits";
import { E_CAPACITY_TAGS } from "../errors";
import { NameTable, validateName } from "./names";
import { fail } from "../util/detail";
import { fillAll } from "../util/fill";

export const tagNames = new NameTable(TAGS_MAX, TAGS_MAX * 2);
const tagUses = new StaticArray<i32>(TAGS_MAX);

/** The tag id for this name, interning it if new (one more use); or an error code. */
export function tagAcquire(ptr: usize, len: i32): i32 {
  const invalid = validateName(ptr, len, "tag");
  if (invalid < 0) return invalid;
  let tag = tagNames.find(ptr, len);
  if (tag < 0) {
    tag = tagUses.indexOf(0);
    if (tag < 0) {
      return fail(E_CAPACITY_TAGS).text("tag '").raw(ptr, len).text("' does not fit: all ").int(TAGS_MAX)
        .text(" tags are in use").code();
    }
    tagNames.insertUnique(tag, ptr, len);
  }
  tagUses[tag]++;
  return tag;
}

export function tagRelease(tag: i32): void {
  assert(tagUses[tag] > 0, "tag released more often than acquired");
  if (--tagUses[tag] == 0) tagNames.remove(tag);
}

/** The id of an existing tag, or -1. */
export function tagFind(ptr: usize, len: i32): i32 { return tagNames.find(ptr, len); }

export function tagsReset(): void {
  tagNames.clear();
  fillAll(tagUses, 0);
}
