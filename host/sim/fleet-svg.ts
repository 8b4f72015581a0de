// The fleet simulator's utilisation heat map as SVG: one row per node, grouped by tier
// (sclerotia, rhizomorph, hyphae, each under its own heading), one column per step, the cell's
// colour the node's cpu utilisation at that step (white 0% -> red 100%; grey: the node was not
// there or not alive).
import { TIERS, type Tier } from "../kernel/placement.ts";
import type { UtilisationSample } from "./fleet-run.ts";

const CELL = 4;
const ROW = 8;
const LEFT = 90;
const HEADING = 16;

const escape = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

function colour(u: number): string {
  const v = Math.max(0, Math.min(1, u));
  const g = Math.round(255 * (1 - v));
  return `rgb(255,${g},${g})`;
}

/** Renders the samples of every step (index = step) as an SVG document. */
export function utilisationSvg(steps: UtilisationSample[][], title: string): string {
  const tierOf = new Map<string, Tier>();
  for (const sample of steps) for (const s of sample) tierOf.set(s.node, s.tier); // the latest tier (a promotion moves the row)
  const parts: string[] = [];
  let y = HEADING + 4;
  const width = LEFT + steps.length * CELL + 10;
  for (const tier of TIERS) {
    const nodes = [...tierOf].filter(([, t]) => t === tier).map(([n]) => n).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    y += HEADING;
    parts.push(`<text class="tier" x="4" y="${y - 4}" font-size="12" font-weight="bold">${tier} (${nodes.length} nodes)</text>`);
    for (const node of nodes) {
      parts.push(`<text x="4" y="${y + ROW - 1}" font-size="8">${escape(node)}</text>`);
      steps.forEach((sample, step) => {
        const s = sample.find((x) => x.node === node);
        const fill = s === undefined || s.state === "dead" ? "#ccc" : colour(s.cpu);
        parts.push(`<rect x="${LEFT + step * CELL}" y="${y}" width="${CELL}" height="${ROW - 1}" fill="${fill}"/>`);
      });
      y += ROW;
    }
  }
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" viewBox="0 0 ${width} ${y + 10}">`,
    `<title>${escape(title)}</title>`,
    `<text x="4" y="${HEADING}" font-size="13">${escape(title)}</text>`,
    ...parts,
    `</svg>`,
    "",
  ].join("\n");
}
