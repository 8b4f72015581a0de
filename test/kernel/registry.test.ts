// Registration: every byte from the host is validated; errors name the field and the value;
// the kernel stays usable after each rejection.
import { describe, it, expect } from "vitest";
import { virtualKernel, expectError } from "../helpers.ts";

describe("service registration", () => {
  it("registers, looks up, names and unregisters services", () => {
    const { kernel } = virtualKernel();
    const a = kernel.register("sensor-driver", { type: "system", instances: 2, tags: ["io", "critical"] });
    const b = kernel.register("web_ui.v2");
    expect(kernel.id("sensor-driver")).toBe(a);
    expect(kernel.name(b)).toBe("web_ui.v2");
    expect(kernel.instances(a)).toHaveLength(2);
    expect(kernel.state(a)).toBe("stopped");
    expect(kernel.exports.serviceType(a)).toBe(0);
    expect(kernel.exports.serviceTagMask(a)).toBe(0b11n);
    kernel.unregister(a);
    expectError(() => kernel.id("sensor-driver"), "E_UNKNOWN_SERVICE", "'sensor-driver' is not registered");
    expect(kernel.register("sensor-driver")).toBe(a); // the freed id is reused
  });

  it("rejects empty, oversized and illegal names with the value in the message", () => {
    const { kernel } = virtualKernel();
    expectError(() => kernel.register(""), "E_NAME_EMPTY", "service name is empty");
    const long = "a".repeat(33);
    expectError(() => kernel.register(long), "E_NAME_TOO_LONG", `'${long}'`, "33 bytes", "limit is 32");
    expectError(() => kernel.register("web ui"), "E_NAME_INVALID_CHAR", "'web ui'", "byte 3");
    expectError(() => kernel.register("-web"), "E_NAME_INVALID_CHAR", "'-web'", "byte 0");
    expectError(() => kernel.register("caf\u00e9"), "E_NAME_INVALID_CHAR", "'caf\\xc3\\xa9'");
    expectError(() => kernel.register("a\nb"), "E_NAME_INVALID_CHAR", "'a\\x0ab'");
    expect(kernel.register("ok")).toBe(0);
  });

  it("rejects duplicates, bad types and bad instance counts, changing nothing", () => {
    const { kernel } = virtualKernel();
    kernel.register("db");
    expectError(() => kernel.register("db"), "E_DUPLICATE_NAME", "service 'db' is already registered");
    expectError(() => kernel.register("x", { type: "daemon" as never }), "E_INVALID_TYPE", "'x'", "type -1");
    expectError(() => kernel.register("x", { instances: -1 }), "E_INVALID_COUNT", "'x'", "instances -1");
    expectError(() => kernel.register("x", { instances: kernel.limits.instancesPerService + 1 }), "E_INVALID_COUNT", "65");
    expect(kernel.exports.serviceCount()).toBe(1);
    expect(kernel.register("x")).toBe(1);
  });

  it("rejects unknown ids and lengths past the I/O buffer", () => {
    const { kernel } = virtualKernel();
    expectError(() => kernel.start(7), "E_UNKNOWN_SERVICE", "service id 7 is not registered");
    expectError(() => kernel.state(-1), "E_UNKNOWN_SERVICE", "service id -1");
    expectError(() => kernel.check(kernel.exports.serviceRegister(kernel.limits.ioBytes + 1, 1, 1)), "E_IO_LENGTH",
      `length ${kernel.limits.ioBytes + 1}`);
    expectError(() => kernel.check(kernel.exports.serviceRegister(-5, 1, 1)), "E_IO_LENGTH", "length -5");
    expectError(() => kernel.instanceState(12345), "E_UNKNOWN_INSTANCE", "12345");
    expectError(() => kernel.check(kernel.exports.limit(99)), "E_INVALID_ARGUMENT", "limit 99");
    expect(kernel.register("still-fine")).toBe(0);
  });

  it("reports capacity exhaustion of services, instances and tags as errors", () => {
    const { kernel } = virtualKernel("mcu");
    const { services, instances, tags } = kernel.limits;
    expect(services).toBe(16);
    for (let i = 0; i < services; i++) kernel.register(`s${i}`, { instances: i < 4 ? 8 : 0 });
    expectError(() => kernel.register("one-more", { instances: 0 }), "E_CAPACITY_SERVICES", "'one-more'", `all ${services}`);
    kernel.unregister("s15");
    expectError(() => kernel.register("big", { instances: 1 }), "E_CAPACITY_INSTANCES", "'big'", "0 instance slots are free");
    expect(instances).toBe(32);
    for (let t = 0; t < tags; t++) kernel.addTag("s0", `t${t}`);
    expectError(() => kernel.addTag("s1", "overflow"), "E_CAPACITY_TAGS", "'overflow'");
    expectError(() => kernel.addTag("s0", "t3"), "E_DUPLICATE_TAG", "'s0'", "'t3'");
    kernel.unregister("s0"); // frees its 8 instances and its tags
    kernel.addTag("s1", "overflow");
    expect(kernel.register("big", { instances: 8 })).toBeGreaterThanOrEqual(0);
  });

  it("validates timeouts and instance counts by service and value", () => {
    const { kernel } = virtualKernel();
    kernel.register("uplink");
    expectError(() => kernel.setTimeouts("uplink", 0, 100), "E_INVALID_TIMEOUT", "'uplink'", "startTimeoutMs 0");
    expectError(() => kernel.setTimeouts("uplink", 100, -3), "E_INVALID_TIMEOUT", "'uplink'", "stopTimeoutMs -3");
    kernel.setInstances("uplink", 3);
    expect(kernel.instances("uplink")).toHaveLength(3);
  });
});
