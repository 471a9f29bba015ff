/** Score fusion: a convex mix of min-max-normalised scores, or reciprocal-rank fusion. */

export function minMax(scores: ArrayLike<number>): Float64Array {
  const out = new Float64Array(scores.length);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] < lo) lo = scores[i];
    if (scores[i] > hi) hi = scores[i];
  }
  const span = hi - lo;
  // One candidate, or all alike: they are all as good as the best, unless none matched at all.
  if (!(span > 0)) return hi > 0 ? out.fill(1) : out;
  for (let i = 0; i < scores.length; i++) out[i] = (scores[i] - lo) / span;
  return out;
}

/** alpha = weight of the dense score: (1 - alpha) * lexical + alpha * dense, both min-max normalised. */
export function convexFusion(lexical: ArrayLike<number>, dense: ArrayLike<number>, alpha: number): Float64Array {
  const a = minMax(lexical);
  const b = minMax(dense);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (1 - alpha) * a[i] + alpha * b[i];
  return out;
}

/**
 * Reciprocal-rank fusion (Cormack et al. 2009): sum of weight / (k + rank). Rank-based, so it needs
 * no normalisation, at the price of ignoring score gaps. Items a list scores 0 get no contribution.
 */
export function reciprocalRankFusion(lists: { scores: ArrayLike<number>; weight: number }[], k = 60): Float64Array {
  const n = lists[0]?.scores.length ?? 0;
  const out = new Float64Array(n);
  for (const { scores, weight } of lists) {
    const order = Array.from({ length: n }, (_, i) => i)
      .filter((i) => scores[i] > 0)
      .sort((x, y) => scores[y] - scores[x]);
    order.forEach((i, r) => (out[i] += weight / (k + r + 1)));
  }
  return out;
}
