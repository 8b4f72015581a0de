// lifecycle/dirty.ts: the FIFO of services to re-evaluate, and the set deferred to the next tick.
import { markDirty, takeDirty, markDeferred, retryDeferred, dirtyReset } from "../lifecycle/dirty";
import { SERVICES_MAX } from "../limits";

function takeAll(): string {
  let s = "";
  for (let id = takeDirty(); id >= 0; id = takeDirty()) s += (s.length > 0 ? "," : "") + id.toString();
  return s;
}

describe("dirty queue", () => {
  beforeEach(() => { dirtyReset(); });

  it("is empty after reset", () => {
    expect<i32>(takeDirty()).toBe(-1);
  });

  it("hands services out first in, first out, each at most once while queued", () => {
    markDirty(3);
    markDirty(1);
    markDirty(3);
    markDirty(2);
    expect<string>(takeAll()).toBe("3,1,2");
  });

  it("queues a service again once it was taken", () => {
    markDirty(4);
    expect<i32>(takeDirty()).toBe(4);
    markDirty(4);
    expect<i32>(takeDirty()).toBe(4);
    expect<i32>(takeDirty()).toBe(-1);
  });

  it("holds every service at once and wraps around its ring", () => {
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < SERVICES_MAX; i++) markDirty((i + round * 7) % SERVICES_MAX);
      for (let i = 0; i < SERVICES_MAX; i++) expect<i32>(takeDirty()).toBe((i + round * 7) % SERVICES_MAX);
      expect<i32>(takeDirty()).toBe(-1);
      markDirty(1); // move the head so the next round wraps
      takeDirty();
    }
  });

  it("keeps deferred services out of the queue until retried, each once", () => {
    markDeferred(5);
    markDeferred(2);
    markDeferred(5);
    expect<i32>(takeDirty()).toBe(-1);
    markDirty(9);
    retryDeferred();
    expect<string>(takeAll()).toBe("9,5,2");
    retryDeferred();
    expect<i32>(takeDirty()).toBe(-1);
  });

  it("a retried service can be deferred again", () => {
    markDeferred(1);
    retryDeferred();
    takeAll();
    markDeferred(1);
    retryDeferred();
    expect<string>(takeAll()).toBe("1");
  });
});
