/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998): picks items one by one, trading relevance
 * against similarity to what is already picked, so five near-identical paragraphs do not crowd out
 * the figure that holds the number.
 */
export function mmrOrder(
  candidates: number[],
  relevance: (i: number) => number,
  similarity: (a: number, b: number) => number,
  lambda: number,
): number[] {
  const left = [...candidates];
  const picked: number[] = [];
  while (left.length) {
    let best = 0;
    let bestScore = -Infinity;
    for (let j = 0; j < left.length; j++) {
      const c = left[j];
      let maxSim = 0;
      for (const p of picked) maxSim = Math.max(maxSim, similarity(c, p));
      const s = lambda * relevance(c) - (1 - lambda) * maxSim;
      if (s > bestScore) {
        bestScore = s;
        best = j;
      }
    }
    picked.push(left[best]);
    left.splice(best, 1);
  }
  return picked;
}

/** Jaccard overlap of term sets: the similarity when no vectors exist. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (!a.size || !b.size) return 0;
  let inter = 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  for (const t of small) if (large.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}
