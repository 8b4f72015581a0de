// A service's `config:` keys: the schema (type, range, choices, pattern, flags) and the value
// chosen from its sources by precedence (schema default < template < service < environment <
// command line), checked against the schema; secrets may not be written in a manifest file.
import type { ConfigKey, ConfigType, ConfigValue } from "./types.ts";
import { CONFIG_TYPES } from "./types.ts";
import { didYouMean } from "./diagnostics.ts";
import { describe, type LNode, type Location } from "./tree.ts";
import { parseDuration, parseSize, parseBool, parseInteger, patternToRegExp } from "./values.ts";
import { resolveConfigValue, envName, type ConfigSources, type ValueSource } from "./sources.ts";
import { Context, checkKeys, scalar, readNumber, readEnum, NAME, SAFE, type Layer } from "./fields.ts";

const CONFIG_KEYS = ["type", "value", "default", "min", "max", "pattern", "choices", "required", "secret", "hot", "description"];

function inferType(value: unknown): ConfigType {
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return "int";
  return "string";
}

export function readConfigKey(service: string, key: string, keyLoc: Location, node: LNode, layers: Layer[], options: ConfigSources, ctx: Context): ConfigKey | null {
  const field = `config.${key}`;
  if (!NAME.test(key)) { ctx.error(keyLoc, field, `config key '${key}' is not a name (1..32 of [A-Za-z0-9._-])`); return null; }
  const spec = node.kind === "map" ? node : null;
  if (spec) checkKeys(spec, CONFIG_KEYS, `config key '${key}'`, ctx);
  const e = (k: string) => spec?.entries.get(k)?.value;
  const bare = node.kind === "scalar" ? node : undefined;
  const typeNode = e("type");
  const type: ConfigType = typeNode
    ? readEnum(typeNode, `${field}.type`, CONFIG_TYPES, "string", ctx)
    : inferType(scalar(bare ?? e("value") ?? e("default")));
  const flag = (k: string) => { const v = e(k); if (!v) return false; const b = parseBool(scalar(v)); if (b === undefined) ctx.error(v.loc, `${field}.${k}`, `expected true or false, got ${describe(v)}`); return b ?? false; };
  const numeric = type === "int" || type === "duration" || type === "size";
  const parse = type === "duration" ? parseDuration : type === "size" ? parseSize : parseInteger;
  const result: ConfigKey = {
    key, type, required: flag("required"), secret: flag("secret"), hot: flag("hot"),
    min: numeric ? readNumber(e("min"), `${field}.min`, -SAFE, SAFE, type === "int" ? -SAFE : 0, ctx, parse) : type === "string" ? readNumber(e("min"), `${field}.min`, 0, 255, 0, ctx) : 0,
    max: numeric ? readNumber(e("max"), `${field}.max`, -SAFE, SAFE, SAFE, ctx, parse) : type === "string" ? readNumber(e("max"), `${field}.max`, 0, 255, 255, ctx) : 0,
    choices: [], pattern: "",
  };
  if (result.min > result.max) ctx.error(e("min")!.loc, `${field}.min`, `min ${result.min} is above max ${result.max}`);
  const choices = e("choices");
  if (type === "enum") {
    if (!choices || choices.kind !== "seq" || choices.items.length === 0) ctx.error(choices?.loc ?? node.loc, `${field}.choices`, "an enum needs a non-empty list of choices");
    else result.choices = choices.items.map((c) => String(scalar(c)));
  } else if (choices) ctx.error(choices.loc, `${field}.choices`, `choices only apply to an enum, not ${type}`);
  const pattern = e("pattern");
  if (pattern) {
    const text = scalar(pattern);
    if (type !== "string") ctx.error(pattern.loc, `${field}.pattern`, `a pattern only applies to a string, not ${type}`);
    else if (typeof text !== "string") ctx.error(pattern.loc, `${field}.pattern`, `expected a pattern (regex:..., glob:..., or a wildcard), got ${describe(pattern)}`);
    else {
      try { patternToRegExp(text); result.pattern = text; } catch (error) { ctx.error(pattern.loc, `${field}.pattern`, `pattern '${text}' is malformed: ${(error as Error).message}`); }
    }
  }
  // Sources, lowest first: schema default < template value < service value < environment < command line.
  const sources: ValueSource[] = [];
  const defaultNode = e("default");
  if (defaultNode) sources.push({ origin: "default", loc: defaultNode.loc, raw: scalar(defaultNode) });
  for (const layer of layers) {
    const layerNode = layer.node.entries.get("config")?.value;
    const own = layerNode?.kind === "map" ? layerNode.entries.get(key)?.value : undefined;
    const valueNode = own?.kind === "scalar" ? own : own?.kind === "map" ? own.entries.get("value")?.value : undefined;
    if (valueNode) sources.push({ origin: layer.from === "service" ? "service" : "template", loc: valueNode.loc, raw: scalar(valueNode) });
  }
  if (result.secret) {
    for (const source of sources) {
      ctx.error(source.loc ?? keyLoc, field, `secret '${key}' is given in a manifest file, where it would be logged and committed; pass it as ${envName(service, key)} or --set ${service}.${key}=...`);
    }
    sources.length = 0;
  }
  const chosen = resolveConfigValue(service, key, sources, options);
  if (chosen) {
    const value = coerce(result, chosen.raw);
    if (typeof value === "string" && value.startsWith("!")) {
      ctx.error(chosen.loc ?? keyLoc, field, `${result.secret ? "the secret value" : `value ${JSON.stringify(chosen.raw)}`} from ${chosen.origin} ${value.slice(1)}`);
    } else result.value = value;
  }
  if (result.required && result.value === undefined) {
    ctx.error(keyLoc, field, `config '${key}' is required and no source gives it a value (set ${envName(service, key)} or --set ${service}.${key}=...)`);
  }
  return result;
}


/** The typed value, or "!<why>" when it does not fit the schema (never echoing a secret). */
function coerce(key: ConfigKey, raw: unknown): ConfigValue {
  if (key.type === "bool") { const v = parseBool(raw); return v === undefined ? "!is not true or false" : v; }
  if (key.type === "int" || key.type === "duration" || key.type === "size") {
    const v = key.type === "duration" ? parseDuration(raw) : key.type === "size" ? parseSize(raw) : parseInteger(raw);
    if (v === undefined) return `!is not ${key.type === "int" ? "an integer" : `a ${key.type}`}`;
    if (v < key.min || v > key.max) return `!is outside ${key.min}..${key.max}`;
    return v;
  }
  const text = raw === null || raw === undefined ? "" : String(raw);
  if (key.type === "enum") return key.choices.includes(text) ? text : `!is not one of ${key.choices.join(", ")}${key.secret ? "" : didYouMean(text, key.choices)}`;
  const length = new TextEncoder().encode(text).length;
  if (length < key.min || length > key.max) return `!is ${length} bytes; the length must be ${key.min}..${key.max}`;
  if (key.pattern && !patternToRegExp(key.pattern).test(text)) return `!does not match the pattern '${key.pattern}'`;
  return text;
}
