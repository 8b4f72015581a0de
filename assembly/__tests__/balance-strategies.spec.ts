// balance/: the strategies through the exported ABI, and the hashing they share.
import {
  serviceStart, serviceInstance, ioBuffer, balanceSetWeight, balancePick,
  balancePickKey, balanceSetDraining, balanceRequestFinished, balanceServiceStats, instanceSetHealth,
} from "../index";
import { E_NO_ELIGIBLE_INSTANCE, E_INVALID_STRATEGY } from "../errors";
import { hashBytes, mix32, addressKey } from "../balance/hash";
import {
  STRATEGY_WEIGHTED_ROUND_ROBIN, STRATEGY_LEAST_CONNECTIONS, STRATEGY_CONSISTENT_HASH, STRATEGY_HEALTH_BASED,
  HEALTH_UNHEALTHY, HEALTH_DEGRADED, OUTCOME_SUCCESS,
} from "../balance/tables";
import { applyStrategy as balanceSetStrategy } from "./support/records";
import { ln, expNonPositive } from "../balance/math";
import { freshKernel, mustRegister, answerAll, put, detailText } from "./support/kernel";

let id = 0;
const handles = new StaticArray<i32>(8);

function pool(instances: i32): void {
  freshKernel();
  id = mustRegister("api", instances);
  serviceStart(id);
  answerAll();
  for (let k = 0; k < instances; k++) handles[k] = serviceInstance(id, k);
}

function letters(picks: i32, finish: bool = false): string {
  let s = "";
  for (let i = 0; i < picks; i++) {
    const handle = balancePick(id);
    if (handle < 0) return s + "!";
    if (finish) balanceRequestFinished(handle, 1, OUTCOME_SUCCESS);
    for (let k = 0; k < 8; k++) if (handles[k] == handle) s += String.fromCharCode(97 + k);
  }
  return s;
}

describe("hashing", () => {
  it("is MurmurHash3 x86_32 (the published test vectors)", () => {
    expect<u32>(hashBytes(ioBuffer(), 0)).toBe(0);
    expect<u32>(hashBytes(ioBuffer(), put("hello"))).toBe(0x248bfa47);
    expect<u32>(hashBytes(ioBuffer(), put("Hello, world!"))).toBe(0xc0363e43);
    expect<u32>(hashBytes(ioBuffer(), put("The quick brown fox jumps over the lazy dog"))).toBe(0x2e4ff723);
  });

  it("keys IPv4 by its number, and an IPv4-mapped IPv6 address by the IPv4 address", () => {
    const ptr = ioBuffer();
    store<u32>(ptr, 0x0702_00c0); // 192.0.2.7
    expect<u32>(addressKey(ptr, 4)).toBe(0xc0000207);
    memory.fill(ptr, 0, 16);
    store<u16>(ptr + 10, 0xffff);
    store<u32>(ptr + 12, 0x0702_00c0);
    expect<u32>(addressKey(ptr, 16)).toBe(0xc0000207);
    store<u8>(ptr, 0x20);
    expect<u32>(addressKey(ptr, 16)).toBe(hashBytes(ptr, 16));
  });

  it("mixes with MurmurHash3's finalizer (a bijection: distinct keys stay distinct)", () => {
    expect<u32>(mix32(0)).toBe(0);
    expect<bool>(mix32(1) != mix32(2)).toBe(true);
  });
});

describe("math", () => {
  it("ln and exp agree with the general-purpose versions to 1e-10 (relative)", () => {
    for (let i = 1; i < 2000; i++) {
      const x = <f64>i * 0.731 + <f64>(i * i) * 1e-3;
      const u = <f64>i / 2001.0;
      expect<bool>(Math.abs(ln(x) - Math.log(x)) <= 1e-10 * Math.max(1, Math.abs(Math.log(x)))).toBe(true);
      expect<bool>(Math.abs(ln(u) - Math.log(u)) <= 1e-10 * Math.abs(Math.log(u))).toBe(true);
      const y = -<f64>i * 0.0173;
      expect<bool>(Math.abs(expNonPositive(y) - Math.exp(y)) <= 1e-10 * Math.exp(y)).toBe(true);
    }
    expect<f64>(expNonPositive(0)).toBe(1);
    expect<f64>(expNonPositive(-1000)).toBe(0);
    expect<f64>(ln(1)).toBe(0);
  });
});

describe("strategies", () => {
  it("round robin is the default and rotates", () => {
    pool(3);
    expect<string>(letters(6, true)).toBe("abcabc");
  });

  it("weighted round robin is nginx's smooth WRR: 5:1:1 gives a a b a c a a", () => {
    pool(3);
    expect<i32>(balanceSetStrategy(id, STRATEGY_WEIGHTED_ROUND_ROBIN)).toBe(0);
    balanceSetWeight(handles[0], 5);
    expect<string>(letters(14)).toBe("aabacaaaabacaa");
  });

  it("least connections with choices 0 (the full scan) rotates among ties", () => {
    pool(3);
    balanceSetStrategy(id, STRATEGY_LEAST_CONNECTIONS, 0);
    expect<string>(letters(6, true)).toBe("abcabc");
  });

  it("consistent hash maps a key to the same instance every time", () => {
    pool(5);
    balanceSetStrategy(id, STRATEGY_CONSISTENT_HASH);
    const first = balancePickKey(id, 12345);
    for (let i = 0; i < 10; i++) expect<i32>(balancePickKey(id, 12345)).toBe(first);
  });

  it("health-based prefers healthy over degraded and skips unhealthy", () => {
    pool(3);
    balanceSetStrategy(id, STRATEGY_HEALTH_BASED);
    instanceSetHealth(handles[0], HEALTH_DEGRADED);
    instanceSetHealth(handles[1], HEALTH_UNHEALTHY);
    expect<string>(letters(3)).toBe("ccc");
  });

  it("with nothing eligible, a pick is an error naming the service, never a trap", () => {
    pool(2);
    balanceSetStrategy(id, 0, -1, 0); // round robin, no panic rule
    balanceSetDraining(handles[0], 1);
    balanceSetDraining(handles[1], 1);
    expect<i32>(balancePick(id)).toBe(E_NO_ELIGIBLE_INSTANCE);
    expect<string>(detailText()).toBe("service 'api': none of its 2 instances is eligible (0 running, enabled and not draining)");
    expect<i32>(balanceServiceStats(id)).toBe(64);
    expect<u32>(load<u32>(ioBuffer(), 28)).toBe(1); // picks that found none
  });

  it("a strategy code out of range is refused with the field and the value", () => {
    pool(1);
    expect<i32>(balanceSetStrategy(id, 9)).toBe(E_INVALID_STRATEGY);
    expect<string>(detailText()).toBe("service 'api': strategy 9 is outside 0..8");
  });
});
