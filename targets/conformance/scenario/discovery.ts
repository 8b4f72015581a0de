// The discovery part of the all-layer scenario: subscriptions made before boot (so their
// change events run through the whole scenario), then queries by pattern, type, state, health
// and tags, subscription members, addresses, dependencies, the pattern tester and the cache.
import type { World } from "../world.ts";
import type { Ids } from "./common.ts";

const ANY = -1;
const TYPE_SYSTEM = 0;
const TYPE_USER = 1;
const STATE_RUNNING = 2;
const HEALTHY = 1;

function tagMask(world: World, tag: string): bigint {
  const id = world.expect((n) => n >= 0, "tagLookup", ...world.put(tag));
  return 1n << BigInt(id);
}

export function discoveryPhase(world: World, ids: Ids, part: "subscribe" | "query", subscriptions: number[] = []): number[] {
  // A tag's mask is looked up before the pattern goes into the buffer (the lookup uses it too).
  if (part === "subscribe") {
    const web = tagMask(world, "web");
    return [
      world.expect((n) => n >= 0, "discoverySubscribe", ...world.put("r*"), ANY, 0n),
      world.expect((n) => n >= 0, "discoverySubscribe", ...world.put("*"), TYPE_USER, web),
    ];
  }
  const edge = tagMask(world, "edge");
  world.expect((n) => n === Object.keys(ids).length, "discoveryQuery", ...world.put("*"), ANY, ANY, ANY, 0n);
  world.expect((n) => n >= 1, "discoveryQuery", ...world.put("w*"), TYPE_USER, STATE_RUNNING, ANY, 0n);
  world.expect((n) => n === 1, "discoveryQuery", ...world.put("i*"), ANY, ANY, ANY, edge);
  world.call("discoveryQuery", ...world.put("*"), TYPE_SYSTEM, ANY, HEALTHY, 0n);
  world.call("discoveryQuery", ...world.put("[unclosed"), ANY, ANY, ANY, 0n);
  for (const subscription of subscriptions) world.expect((n) => n >= 1, "discoverySubscriptionMembers", subscription);
  world.expect((n) => n > 0, "discoveryAddresses", ids.rr);
  world.expect((n) => n >= 2, "discoveryDependencies", ids.telemetry);
  world.expect(1, "discoveryPatternTest", ...world.put("r?", "rr"));
  world.expect(0, "discoveryPatternTest", ...world.put("w*b", "wrr"));
  world.call("discoveryPatternSteps");
  world.call("discoveryHealth", ids.storage);
  world.expect(0, "discoveryCacheTtl", 500);
  for (let i = 0; i < 2; i++) world.call("discoveryQuery", ...world.put("*c*"), ANY, ANY, ANY, 0n);
  for (let which = 0; which <= 5; which++) world.call("discoveryCounter", which);
  world.expect(0, "discoveryUnsubscribe", subscriptions[1]);
  return subscriptions;
}
