// registry/tags.ts (and serviceTagAdd): interned, reference-counted tags; a 64-bit set per service.
import { serviceTagAdd, serviceTagMask, serviceUnregister } from "../index";
import { OK, E_DUPLICATE_TAG, E_CAPACITY_TAGS, E_NAME_INVALID_CHAR, E_NAME_EMPTY, E_UNKNOWN_SERVICE } from "../errors";
import { TAGS_MAX } from "../limits";
import { tagFind } from "../registry/tags";
import { ioBuffer } from "../index";
import { freshKernel, mustRegister, put, detailText } from "./support/kernel";

function tag(service: i32, name: string): i32 { return serviceTagAdd(service, put(name)); }
function find(name: string): i32 { return tagFind(ioBuffer(), put(name)); }

describe("tags", () => {
  beforeEach(() => { freshKernel(); });

  it("intern a name once and share its id between services", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    expect<i32>(tag(a, "edge")).toBe(0);
    expect<i32>(tag(a, "eu")).toBe(1);
    expect<i32>(tag(b, "eu")).toBe(1);
    expect<u64>(serviceTagMask(a)).toBe(0b11);
    expect<u64>(serviceTagMask(b)).toBe(0b10);
    expect<i32>(find("eu")).toBe(1);
  });

  it("refuse a tag a service already has", () => {
    const a = mustRegister("a");
    tag(a, "edge");
    expect<i32>(tag(a, "edge")).toBe(E_DUPLICATE_TAG);
    expect<string>(detailText()).toBe("service 'a' already has tag 'edge'");
    expect<u64>(serviceTagMask(a)).toBe(1);
  });

  it("validate the tag name", () => {
    const a = mustRegister("a");
    expect<i32>(tag(a, "bad tag")).toBe(E_NAME_INVALID_CHAR);
    expect<string>(detailText()).toBe(
      "tag 'bad tag' has a bad character at byte 3 (allowed: letters, digits, and . _ - after the first)");
    expect<i32>(tag(a, "")).toBe(E_NAME_EMPTY);
    expect<u64>(serviceTagMask(a)).toBe(0);
  });

  it("fill all TAGS_MAX bits of one service, then refuse the next with the service named", () => {
    const a = mustRegister("a");
    for (let i = 0; i < TAGS_MAX; i++) expect<i32>(tag(a, "t" + i.toString())).toBe(i);
    expect<u64>(serviceTagMask(a)).toBe(u64.MAX_VALUE);
    expect<i32>(tag(a, "one-more")).toBe(E_CAPACITY_TAGS);
    expect<string>(detailText()).toBe("service 'a': tag 'one-more' does not fit in the tag table");
    const b = mustRegister("b");
    expect<i32>(tag(b, "t5")).toBe(5); // an existing tag still fits another service
    expect<i32>(tag(b, "new")).toBe(E_CAPACITY_TAGS);
  });

  it("free a tag when its last service goes, and keep tags still in use", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    for (let i = 0; i < TAGS_MAX; i++) tag(a, "t" + i.toString());
    tag(b, "t0");
    expect<i32>(serviceUnregister(a)).toBe(OK);
    expect<i32>(find("t1")).toBe(-1);
    expect<i32>(find("t0")).toBe(0);
    expect<i32>(tag(b, "fresh")).toBe(1); // the lowest free tag id
    expect<u64>(serviceTagMask(b)).toBe(0b11);
  });

  it("refuse unknown services", () => {
    expect<i32>(tag(3, "x")).toBe(E_UNKNOWN_SERVICE);
    expect<u64>(serviceTagMask(3)).toBe(0);
  });
});
