// An asc transform for the kernel build: `detail.text("literal")` with an ASCII literal becomes
// `detail.ascii(memory.data<u8>([...bytes]), length)`. AssemblyScript stores every string
// literal as UTF-16 behind a 20-byte header, 16-byte aligned: ~64 bytes for a typical fragment
// of an error sentence, several hundred of them. As raw bytes they take a quarter of that, which
// is what lets the mcu profile fit one 64 KiB page. Behaviour is unchanged (text() stays for
// non-literal strings and for builds without the transform, such as the as-pect specs).
// Without sentences (the tiny profile, MYCO_PROFILE=3: assembly/features.ts WITH_SENTENCES) the
// literal is dropped instead: `detail.ascii(0, 0)`, so no byte of it reaches the module; and so
// is every other string literal passed to a call (the field names handed to the error helpers:
// `validateName(p, n, "tag")`, either branch of `.text(a ? "x" : "y")`), but for the few callees
// whose string is behaviour, not a sentence (BEHAVIOUR_STRINGS), and every string of an array
// literal (the names of states and kinds the sentences use); the other arguments of the Detail
// writers become 0, so nothing is computed for a sentence that is not written; and a chain that
// only begins a detail and returns its code (`fail(E).text(..).code()`) becomes `failCode(E)`.
import { Transform } from "assemblyscript/transform";
import { Node } from "assemblyscript";

const NODE_IDENTIFIER = 6;
const NODE_ASSERTION = 7;
const NODE_CALL = 9;
const NODE_ELEMENT_ACCESS = 12;
const NODE_LITERAL = 16;
const NODE_PARENTHESIZED = 20;
const NODE_PROPERTY_ACCESS = 21;
const NODE_TERNARY = 22;
const NODE_UNARY_PREFIX = 28;
const NODE_BLOCK = 30;
const NODE_IF = 41;
const NODE_RETURN = 43;
const NODE_FUNCTION = 55;
const TOKEN_NOT = 95;
const LITERAL_STRING = 2;
const LITERAL_ARRAY = 5;

function asciiBytes(text) {
  const bytes = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7e) return null;
    bytes.push(code);
  }
  return bytes;
}

/** Callees whose string argument is output or a match, not part of an error sentence. */
const BEHAVIOUR_STRINGS = new Set(["writeText", "hasPrefix"]);

/** A string literal becomes "", also as either branch of a ternary (`.text(a ? "x" : "y")`). */
function dropString(node) {
  if (node.kind === NODE_PARENTHESIZED) return dropString(node.expression);
  if (node.kind === NODE_TERNARY) return dropString(node.ifThen) | dropString(node.ifElse);
  if (node.kind !== NODE_LITERAL || node.literalKind !== LITERAL_STRING || node.value.length === 0) return false;
  node.value = "";
  return true;
}

/** Without sentences: a string literal argument of any other call becomes "". */
function dropArguments(call) {
  const callee = call.expression;
  const name = callee.kind === NODE_PROPERTY_ACCESS ? callee.property.text : callee.text;
  if (BEHAVIOUR_STRINGS.has(name)) return false;
  let dropped = false;
  for (const arg of call.args) dropped = dropString(arg) || dropped;
  return dropped;
}

/** The Detail writers (assembly/util/detail.ts): without sentences they return at once. */
const WRITERS = new Set(["byte", "text", "ascii", "raw", "int"]);

/** Without sentences: a writer's arguments become constants ("" or 0), so what they would have
 *  computed for the sentence (a name's loads, a count) is not in the module either. Only Detail
 *  has methods of these names in the kernel, and no writer argument has a side effect. */
function dropWriterArguments(call) {
  const callee = call.expression;
  if (callee.kind !== NODE_PROPERTY_ACCESS || !WRITERS.has(callee.property.text)) return false;
  const range = call.range;
  call.args = call.args.map((arg) => callee.property.text === "text"
    ? Node.createStringLiteralExpression("", range)
    : Node.createIntegerLiteralExpression(globalThis.i64_new(0, 0), range));
  return true;
}

/** Whether a function returns the Detail it is given at once without sentences: its body opens
 *  with `if (!WITH_SENTENCES) return d;`, d its first parameter (registry/services.ts sayService). */
function returnsDetailWithoutSentences(fn) {
  const first = fn.body?.statements?.[0];
  const detail = fn.signature.parameters[0]?.name.text;
  if (!first || first.kind !== NODE_IF || !detail) return false;
  const test = first.condition;
  let then = first.ifTrue;
  if (then.kind === NODE_BLOCK && then.statements.length === 1) then = then.statements[0];
  return test.kind === NODE_UNARY_PREFIX && test.operator === TOKEN_NOT && test.operand.kind === NODE_IDENTIFIER
    && test.operand.text === "WITH_SENTENCES" && then.kind === NODE_RETURN && then.value?.kind === NODE_IDENTIFIER
    && then.value.text === detail;
}

/** The names of the kernel's functions that return their Detail at once without sentences (a
 *  name that some other function also has is left out). */
function passThroughSayers(sources) {
  const passing = new Set();
  const others = new Set();
  for (const source of sources) {
    for (const statement of source.statements) {
      if (statement.kind !== NODE_FUNCTION) continue;
      (returnsDetailWithoutSentences(statement) ? passing : others).add(statement.name.text);
    }
  }
  return new Set([...passing].filter((name) => !others.has(name)));
}

/** An argument whose evaluation does nothing but read (a name, a literal, a table element). */
function onlyReads(node) {
  if (node.kind === NODE_IDENTIFIER || (node.kind === NODE_LITERAL && node.literalKind !== LITERAL_ARRAY)) return true;
  if (node.kind === NODE_PARENTHESIZED || node.kind === NODE_ASSERTION) return onlyReads(node.expression);
  if (node.kind === NODE_PROPERTY_ACCESS) return onlyReads(node.expression);
  return node.kind === NODE_ELEMENT_ACCESS && onlyReads(node.expression) && onlyReads(node.elementExpression);
}

/** Without sentences: `fail(E).text(..).int(..).code()` becomes `failCode(E)` (assembly/util/detail.ts),
 *  also through the sayers (`sayService(fail(E).text(..), id).text(..).code()`): the writers are
 *  empty, their arguments constants, and the sayers return the detail at once, so the chain only
 *  begins the detail, and `.code()` would read back from it the code the site already holds. */
function rewriteFailChain(call, sayers) {
  const callee = call.expression;
  if (callee.kind !== NODE_PROPERTY_ACCESS || callee.property.text !== "code" || call.args.length !== 0) return false;
  let receiver = callee.expression;
  for (;;) {
    if (receiver.kind !== NODE_CALL) return false;
    const inner = receiver.expression;
    if (inner.kind === NODE_PROPERTY_ACCESS && WRITERS.has(inner.property.text)) receiver = inner.expression;
    else if (inner.kind === NODE_IDENTIFIER && sayers.has(inner.text) && receiver.args.slice(1).every(onlyReads)) receiver = receiver.args[0];
    else break;
  }
  if (receiver.expression.kind !== NODE_IDENTIFIER || receiver.expression.text !== "fail") return false;
  call.expression = Node.createIdentifierExpression("failCode", call.range);
  call.args = receiver.args;
  return true;
}

/** Without sentences: the strings of an array literal become "" (the kernel's string arrays name
 *  states and kinds for error sentences: lifecycle/instances.ts STATE_NAMES and the like). */
function dropArrayStrings(node) {
  if (node.kind !== NODE_LITERAL || node.literalKind !== LITERAL_ARRAY) return;
  for (const element of node.elementExpressions) if (element) dropString(element);
}

/** `x.text("...")` -> `x.ascii(memory.data<u8>([...]), n)` (or `x.ascii(0, 0)`), in place. */
function rewrite(call, sentences) {
  const callee = call.expression;
  if (callee.kind !== NODE_PROPERTY_ACCESS || callee.property.text !== "text" || call.args.length !== 1) return false;
  const literal = call.args[0];
  if (literal.kind !== NODE_LITERAL || literal.literalKind !== LITERAL_STRING) return false;
  const bytes = asciiBytes(literal.value);
  if (bytes === null || bytes.length === 0) return false;
  const range = call.range;
  if (!sentences) {
    const zero = () => Node.createIntegerLiteralExpression(globalThis.i64_new(0, 0), range);
    call.expression = Node.createPropertyAccessExpression(callee.expression, Node.createIdentifierExpression("ascii", range), range);
    call.args = [zero(), zero()];
    return true;
  }
  const data = Node.createCallExpression(
    Node.createPropertyAccessExpression(Node.createIdentifierExpression("memory", range), Node.createIdentifierExpression("data", range), range),
    [Node.createNamedType(Node.createSimpleTypeName("u8", range), null, false, range)],
    [Node.createArrayLiteralExpression(bytes.map((b) => Node.createIntegerLiteralExpression(globalThis.i64_new(b, 0), range)), range)],
    range,
  );
  call.expression = Node.createPropertyAccessExpression(callee.expression, Node.createIdentifierExpression("ascii", range), range);
  call.args = [data, Node.createIntegerLiteralExpression(globalThis.i64_new(bytes.length, 0), range)];
  return true;
}

/** Visits every node below `root` (iteratively: no recursion limit on deep ASTs). */
function visitAll(root, visit) {
  const stack = [root];
  const seen = new Set();
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node || typeof node !== "object" || seen.has(node)) continue;
    seen.add(node);
    if (typeof node.kind === "number") visit(node);
    for (const [key, value] of Object.entries(node)) {
      if (key === "range" || key === "parent") continue;
      if (Array.isArray(value)) stack.push(...value);
      else if (value && typeof value === "object" && typeof value.kind === "number") stack.push(value);
    }
  }
}

export default class AsciiLiterals extends Transform {
  afterParse(parser) {
    let rewritten = 0;
    let failChains = 0;
    const sentences = this.program.options.globalAliases?.get("MYCO_PROFILE") !== "3";
    const kernel = parser.sources.filter((source) => !source.isLibrary && source.normalizedPath.startsWith("assembly/")
      && !source.normalizedPath.includes("__tests__"));
    const sayers = sentences ? new Set() : passThroughSayers(kernel);
    for (const source of kernel) {
      visitAll(source, (node) => {
        if (node.kind !== NODE_CALL) { if (!sentences) dropArrayStrings(node); return; }
        if (rewrite(node, sentences)) rewritten++;
        else if (!sentences && rewriteFailChain(node, sayers)) failChains++;
        else if (!sentences && !dropWriterArguments(node)) dropArguments(node);
      });
    }
    if (!sentences && failChains === 0) throw new Error("asc-ascii-literals: no fail(E)...code() chain found; is failCode still needed?");
    if (rewritten === 0) throw new Error("asc-ascii-literals: no detail.text(\"...\") call found; is the transform still needed?");
  }
}
