// registry/states.ts: the one table of legal transitions, checked pair by pair.
import {
  isLegalTransition, isActive, STATE_STOPPED, STATE_STARTING, STATE_RUNNING, STATE_STOPPING, STATE_FAILED,
  STATE_DISABLED, STATE_BACKOFF, STATE_COUNT,
} from "../registry/states";

// The expected table, written out independently of the kernel's bit masks:
// row = from, column = to, in the order stopped starting running stopping failed disabled backoff.
const EXPECTED: string[] = [
  /* stopped  */ "0100010",
  /* starting */ "1011100",
  /* running  */ "1001100",
  /* stopping */ "1000100",
  /* failed   */ "1101011",
  /* disabled */ "1000000",
  /* backoff  */ "1100100",
];

const NAMES: string[] = ["stopped", "starting", "running", "stopping", "failed", "disabled", "backoff"];

describe("legal transitions", () => {
  it("numbers the states as the ABI documents them", () => {
    expect<u8>(STATE_STOPPED).toBe(0);
    expect<u8>(STATE_STARTING).toBe(1);
    expect<u8>(STATE_RUNNING).toBe(2);
    expect<u8>(STATE_STOPPING).toBe(3);
    expect<u8>(STATE_FAILED).toBe(4);
    expect<u8>(STATE_DISABLED).toBe(5);
    expect<u8>(STATE_BACKOFF).toBe(6);
    expect<u8>(STATE_COUNT).toBe(7);
  });

  it("allows exactly the expected pairs (all 49)", () => {
    let allowed = 0;
    for (let from: u8 = 0; from < STATE_COUNT; from++) {
      for (let to: u8 = 0; to < STATE_COUNT; to++) {
        const expected = EXPECTED[from].charCodeAt(to) == 0x31;
        if (expected) allowed++;
        expect<bool>(isLegalTransition(from, to)).toBe(expected, NAMES[from] + " -> " + NAMES[to]);
      }
    }
    expect<i32>(allowed).toBe(20);
  });

  it("never allows staying in the same state", () => {
    for (let s: u8 = 0; s < STATE_COUNT; s++) expect<bool>(isLegalTransition(s, s)).toBe(false, NAMES[s]);
  });

  it("spot checks the rules that matter most", () => {
    expect<bool>(isLegalTransition(STATE_STOPPED, STATE_RUNNING)).toBe(false, "up only by starting");
    expect<bool>(isLegalTransition(STATE_DISABLED, STATE_STARTING)).toBe(false, "enable first");
    expect<bool>(isLegalTransition(STATE_RUNNING, STATE_DISABLED)).toBe(false, "stop first");
    expect<bool>(isLegalTransition(STATE_STOPPING, STATE_RUNNING)).toBe(false, "no way back from stopping");
    expect<bool>(isLegalTransition(STATE_FAILED, STATE_RUNNING)).toBe(false, "restart goes through starting");
  });

  it("refuses states outside the table, on either side", () => {
    for (let s: u8 = 0; s < STATE_COUNT; s++) {
      expect<bool>(isLegalTransition(s, STATE_COUNT)).toBe(false);
      expect<bool>(isLegalTransition(STATE_COUNT, s)).toBe(false);
      expect<bool>(isLegalTransition(s, 255)).toBe(false);
      expect<bool>(isLegalTransition(255, s)).toBe(false);
    }
  });

  it("counts starting, running and stopping as active", () => {
    expect<bool>(isActive(STATE_STOPPED)).toBe(false);
    expect<bool>(isActive(STATE_STARTING)).toBe(true);
    expect<bool>(isActive(STATE_RUNNING)).toBe(true);
    expect<bool>(isActive(STATE_STOPPING)).toBe(true);
    expect<bool>(isActive(STATE_FAILED)).toBe(false);
    expect<bool>(isActive(STATE_DISABLED)).toBe(false);
    expect<bool>(isActive(STATE_BACKOFF)).toBe(false);
  });
});
