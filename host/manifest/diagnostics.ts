// Validation findings with a place: file:line:col, the service, the field, what was expected.

export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  service?: string;
  field?: string;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const who = [d.service !== undefined ? `service '${d.service}'` : "", d.field ? `field '${d.field}'` : ""].filter(Boolean).join(", ");
  return `${d.file}:${d.line}:${d.col}: ${who ? who + ": " : ""}${d.message}`;
}

/** Levenshtein distance (two rows, O(a x b)). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** " (did you mean 'x'?)" for the closest candidate within a third of the word's length, or "". */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  let best = "";
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) { best = candidate; bestDistance = distance; }
  }
  const limit = word.length <= 3 ? 1 : Math.max(2, Math.ceil(word.length / 3));
  return best && bestDistance <= limit && bestDistance < Math.max(word.length, best.length) ? ` (did you mean '${best}'?)` : "";
}

export class ManifestError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join("\n"));
    this.name = "ManifestError";
  }
}
