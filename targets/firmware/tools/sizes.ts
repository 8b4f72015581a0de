// Flash and RAM of a Cortex-M image, and the kernel's share of each, read from the GNU ld map:
// every input section is attributed to the object it came from.
//   flash = .text (vectors, code, rodata) + .ARM.exidx + .data (its initial values live in flash)
//   RAM   = .data + .bss (the stack is reserved separately and reported apart)
//   kernel share: wasm2c's kernel.o (code, data segments, its own statics), the linear memory and
//   function table (wasm-rt-static.c) and the instance struct with the module's globals (myco.c).
import { readFile } from "node:fs/promises";
import { basename } from "node:path";

export interface ImageSizes {
  flashBytes: number;
  ramBytes: number;
  stackBytes: number;
  kernelFlashBytes: number;
  kernelRamBytes: number;
  /** The linear memory alone (part of kernelRamBytes). */
  linearMemoryBytes: number;
  /** The embedded conformance program (test data a product would not carry), part of flashBytes. */
  programFlashBytes: number;
}

interface InputSection { output: string; name: string; size: number; object: string }

const FLASH_OUTPUTS = new Set([".text", ".ARM.exidx", ".data"]);
const RAM_OUTPUTS = new Set([".data", ".bss"]);
const KERNEL_STATICS = new Set([".bss.memory_bytes", ".bss.table_slots", ".bss.myco_kernel"]);

/** The input sections of the allocated output sections in a GNU ld map file. */
export function parseMap(text: string): { sections: InputSection[]; outputs: Map<string, number> } {
  const lines = text.slice(text.indexOf("Linker script and memory map")).split("\n");
  const sections: InputSection[] = [];
  const outputs = new Map<string, number>();
  let output = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const top = /^(\.[\w.]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)/.exec(line) ?? (/^(\.[\w.]+)$/.test(line)
      ? /^(\.[\w.]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)/.exec(line + lines[i + 1]) : null);
    if (top) { output = top[1]; outputs.set(output, parseInt(top[2], 16)); continue; }
    let input = /^ (\.[^\s]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
    if (!input && /^ \.[^\s]+$/.test(line)) {
      input = /^ (\.[^\s]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line + lines[i + 1]);
      if (input) i++;
    }
    if (input && output) sections.push({ output, name: input[1], size: parseInt(input[2], 16), object: input[3].trim() });
  }
  return { sections, outputs };
}

const isKernel = (s: InputSection) => basename(s.object) === "kernel.o" || KERNEL_STATICS.has(s.name);

export async function imageSizes(mapPath: string): Promise<ImageSizes> {
  const { sections, outputs } = parseMap(await readFile(mapPath, "utf8"));
  const total = (names: Set<string>) => [...names].reduce((n, name) => n + (outputs.get(name) ?? 0), 0);
  const kernel = (names: Set<string>) => sections.filter((s) => names.has(s.output) && isKernel(s)).reduce((n, s) => n + s.size, 0);
  const memory = sections.find((s) => s.name === ".bss.memory_bytes");
  if (!memory) throw new Error(`${mapPath}: no .bss.memory_bytes (the linear memory) in the map`);
  return {
    flashBytes: total(FLASH_OUTPUTS),
    ramBytes: total(RAM_OUTPUTS),
    stackBytes: outputs.get(".stack") ?? 0,
    kernelFlashBytes: kernel(FLASH_OUTPUTS),
    kernelRamBytes: kernel(RAM_OUTPUTS),
    linearMemoryBytes: memory.size,
    programFlashBytes: sections.filter((s) => FLASH_OUTPUTS.has(s.output) && basename(s.object) === "conformance_program.o").reduce((n, s) => n + s.size, 0),
  };
}

/** Issue 16's goal for the tiny profile's Cortex-M3 image: 64 KiB of flash. */
export const TINY_FLASH_GOAL_BYTES = 64 * 1024;

/**
 * One line for `npm run build:targets`: an image's flash against the tiny goal, whole and (when it
 * embeds one) without its conformance program, with the kernel's share.
 */
export async function flashLine(hostName: string, mapPath: string): Promise<string> {
  const sizes = await imageSizes(mapPath);
  const verdict = (bytes: number) => (bytes <= TINY_FLASH_GOAL_BYTES ? "goal met" : `goal missed by ${bytes - TINY_FLASH_GOAL_BYTES} bytes`);
  const product = sizes.flashBytes - sizes.programFlashBytes;
  const withoutProgram = sizes.programFlashBytes > 0
    ? `without the ${sizes.programFlashBytes}-byte conformance program ${product} (${verdict(product)}); ` : "";
  return `${hostName}: flash ${sizes.flashBytes} bytes (goal ${TINY_FLASH_GOAL_BYTES}: ${verdict(sizes.flashBytes)}); ` +
    `${withoutProgram}kernel ${sizes.kernelFlashBytes}, RAM ${sizes.ramBytes}`;
}
