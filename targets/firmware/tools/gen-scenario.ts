// Generates scenario_ops.h: the conformance scenario (targets/conformance/scenario.json) as C
// arrays, from the same compiled op list the TypeScript hosts replay, so no C code parses JSON.
import { OP, type Scenario } from "../../conformance/scenario.ts";

const cString = (text: string) => JSON.stringify(text); // JSON escapes are valid C escapes for ASCII

export function generateScenarioHeader(scenario: Scenario): string {
  for (const s of scenario.services) {
    if (!/^[\x20-\x7e]*$/.test(s.name)) throw new Error(`scenario service name ${s.name}: ASCII only`);
  }
  const ops = scenario.ops.map((op) => {
    const expect = op.expect === null ? "0, false" : `${op.expect}, true`;
    return `  {SCENARIO_OP_${op.op.replace(/([A-Z])/g, "_$1").toUpperCase()}, ${op.service}, ${op.target}, ${op.value}, ${op.value2}, ${cString(op.name)}, ${expect}},`;
  });
  const services = scenario.services.map((s) =>
    `  {${cString(s.name)}, ${s.type}, ${s.instances}, ${s.startTimeoutMs}, ${s.stopTimeoutMs}, ${s.startDelayMs}, ${s.startJitterMs}, ${s.stopDelayMs}},`);
  return [
    "/* Generated from targets/conformance/scenario.json by targets/firmware/tools/gen-scenario.ts. Do not edit. */",
    "#ifndef SCENARIO_OPS_H",
    "#define SCENARIO_OPS_H",
    "",
    "#include <stdbool.h>",
    "#include <stdint.h>",
    "",
    ...Object.entries(OP).map(([name, code]) => `#define SCENARIO_OP_${name.replace(/([A-Z])/g, "_$1").toUpperCase()} ${code}`),
    "",
    "typedef struct {",
    "  const char* name;",
    "  int32_t type, instances, start_timeout_ms, stop_timeout_ms;",
    "  int32_t start_delay_ms, start_jitter_ms, stop_delay_ms; /* how the simulated host answers */",
    "} scenario_service_t;",
    "",
    "/* service/target index SCENARIO_SERVICES (-1: unused); expect_exact false means \"any status >= 0\". */",
    "typedef struct {",
    "  int32_t op, service, target, value, value2;",
    "  const char* name;",
    "  int32_t expect;",
    "  bool expect_exact;",
    "} scenario_op_t;",
    "",
    `#define SCENARIO_SEED ${scenario.seed >>> 0}u`,
    `#define SCENARIO_SERVICE_COUNT ${scenario.services.length}`,
    `#define SCENARIO_OP_COUNT ${scenario.ops.length}`,
    "",
    "static const scenario_service_t SCENARIO_SERVICES[SCENARIO_SERVICE_COUNT] = {",
    ...services,
    "};",
    "",
    "static const scenario_op_t SCENARIO_OPS[SCENARIO_OP_COUNT] = {",
    ...ops,
    "};",
    "",
    "#endif",
    "",
  ].join("\n");
}
