import { reset, serviceCount } from "../index";
import { setNowMs, getNowMs } from "./support/hal";
describe("smoke", () => {
  beforeEach(() => { reset(); setNowMs(0); });
  it("works", () => {
    expect<i32>(serviceCount()).toBe(0);
    setNowMs(42);
    expect<i64>(getNowMs()).toBe(42);
  });
});
