/**
 * Query-time lexical modelling on top of BM25: a proximity bonus for query words that appear next
 * to each other in a unit, and pseudo-relevance feedback (RM3-style: terms frequent in the first
 * results and rare in the document are added with a small weight).
 */
import { docFreq, idf, type LexicalIndex, type WeightedQuery } from './bm25.js';
import { tokenize } from './tokenize.js';

export interface LexicalTuning {
  /** Weight of the adjacency bonus per matched query-word pair (0 = off). */
  proximity: number;
  /** Items whose words feed back into the query (0 = off). */
  prfDocs: number;
  prfTerms: number;
  /** Weight of a feedback term relative to a question word. */
  prfWeight: number;
  /** Weight of the page-level score added to each item (0 = off). */
  page: number;
  /** Expand acronyms the document defines (1 = on, 0 = off). */
  acronyms: number;
}

export const DEFAULT_LEXICAL_TUNING: LexicalTuning = { proximity: 0.3, prfDocs: 3, prfTerms: 8, prfWeight: 0.25, page: 1, acronyms: 1 };

/** Terms of each item's text in order, computed when first needed and kept with the index object. */
export type ItemTokens = (i: number) => string[];

export function topIndexes(scores: ArrayLike<number>, n: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i] > 0) idx.push(i);
  idx.sort((a, b) => scores[b] - scores[a]);
  return idx.slice(0, n);
}

export function proximityBonus(
  index: LexicalIndex,
  queryText: string,
  scores: Float64Array,
  tokensOf: ItemTokens,
  weight: number,
  candidates = 50,
  rarity: (term: string) => number = (term) => idf(index, term),
): void {
  if (weight <= 0) return;
  const q = tokenize(queryText);
  const pairs: [string, string, number][] = [];
  for (let i = 0; i + 1 < q.length; i++) {
    if (q[i] === q[i + 1]) continue;
    pairs.push([q[i], q[i + 1], Math.min(rarity(q[i]), rarity(q[i + 1]))]);
  }
  if (!pairs.length) return;
  for (const i of topIndexes(scores, candidates)) {
    const toks = tokensOf(i);
    const pos = new Map<string, number[]>();
    toks.forEach((t, p) => {
      const l = pos.get(t);
      if (l) l.push(p);
      else pos.set(t, [p]);
    });
    let bonus = 0;
    for (const [a, b, w] of pairs) {
      const pa = pos.get(a);
      const pb = pos.get(b);
      if (!pa || !pb) continue;
      // Within 3 terms in either order: stop words are gone, so "effect of dose" -> [effect, dose].
      if (pa.some((x) => pb.some((y) => Math.abs(x - y) <= 3))) bonus += w;
    }
    scores[i] += weight * bonus;
  }
}

export function feedbackQuery(
  index: LexicalIndex,
  query: WeightedQuery,
  scores: ArrayLike<number>,
  tokensOf: ItemTokens,
  tuning: LexicalTuning,
): WeightedQuery | null {
  if (tuning.prfDocs <= 0 || tuning.prfTerms <= 0) return null;
  const top = topIndexes(scores, tuning.prfDocs);
  if (!top.length) return null;
  const n = index.lengths.length;
  const weight = new Map<string, number>();
  const best = scores[top[0]];
  for (const i of top) {
    const toks = tokensOf(i);
    if (!toks.length) continue;
    const rel = scores[i] / best;
    // Only results close to the best one are trusted to be about the question.
    if (rel < 0.5) continue;
    const tf = new Map<string, number>();
    for (const t of toks) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, c] of tf) {
      if (query.has(t) || t.length < 3 || /^\p{N}+$/u.test(t)) continue;
      const df = docFreq(index, t);
      // Terms in a tenth of the items or more say nothing about this question.
      if (df > Math.max(2, n * 0.1)) continue;
      weight.set(t, (weight.get(t) ?? 0) + rel * (c / toks.length) * idf(index, t));
    }
  }
  const picked = [...weight.entries()].sort((a, b) => b[1] - a[1]).slice(0, tuning.prfTerms);
  if (!picked.length) return null;
  const max = picked[0][1];
  const q: WeightedQuery = new Map(query);
  for (const [t, w] of picked) q.set(t, tuning.prfWeight * (w / max));
  return q;
}
