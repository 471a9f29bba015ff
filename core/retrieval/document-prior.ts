/**
 * Which documents of a scope a question is about. A paper about zero-inflated models says so in a
 * large share of its passages; another paper that cites one such model says it in one sentence or
 * one bibliography entry. Scoring each document by the share of its items that hold each question
 * term (weighted by the term's rarity over the scope) tells the two apart where item scores cannot.
 */
import { docFreq, type LexicalIndex, type WeightedQuery } from './bm25.js';
import type { ScopeIdf } from './scope-idf.js';

/** Per document, how much it is about the question, relative to the most relevant one (0..1). */
export function documentTopicality(indexes: LexicalIndex[], query: WeightedQuery, scope: ScopeIdf): number[] {
  const raw = indexes.map((index) => {
    const n = index.lengths.length;
    if (n === 0) return 0;
    let s = 0;
    for (const [term, w] of query) {
      s += w * scope.idf(term) * (docFreq(index, term) / n);
    }
    return s;
  });
  const max = Math.max(0, ...raw);
  return raw.map((s) => (max > 0 ? s / max : 0));
}
