// Steady traffic for the rollout proofs: GETs through the gateway at a fixed pace, every answer kept.
import { get } from "./gateway-helpers.ts";

/** GETs `url` every `everyMs` until stopped; every answer (or error) is kept, in order, with when it was sent. */
export function steadyTraffic(url: string, everyMs: number) {
  const answers: { status: number; body: string; atMs: number }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const atMs = Date.now();
      try {
        const a = await get(url);
        answers.push({ status: a.status, body: a.body, atMs });
      } catch (error) {
        answers.push({ status: 0, body: String(error), atMs });
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return { answers, stop: async () => { running = false; await loop; } };
}
