/**
 * Term rarity over a whole scope of documents. Each document's lexical index weighs a term by how
 * rare it is in that document alone, which ranks a library question backwards: "zero-inflated" is
 * everywhere in the paper about zero-inflated models (low idf there) and in one bibliography entry
 * of another paper (high idf there), so that entry outscores the paper the question is about.
 */
import { docFreq, idf, idfOf, type LexicalIndex, type WeightedQuery } from './bm25.js';

export interface ScopeIdf {
  /** Items across the scope. */
  n: number;
  /** Items across the scope that hold the term. */
  df(term: string): number;
  idf(term: string): number;
}

export function scopeIdf(indexes: LexicalIndex[]): ScopeIdf {
  const n = indexes.reduce((a, x) => a + x.lengths.length, 0);
  const cache = new Map<string, number>();
  const df = (term: string): number => {
    let v = cache.get(term);
    if (v === undefined) {
      v = indexes.reduce((a, x) => a + docFreq(x, term), 0);
      cache.set(term, v);
    }
    return v;
  };
  return { n, df, idf: (term) => idfOf(n, df(term)) };
}

/**
 * The query re-weighted so that BM25 over one document's index gives each term the scope's idf
 * instead of the document's own: BM25 multiplies a term's query weight by its idf, so the weight
 * takes the ratio of the two.
 */
export function inScope(query: WeightedQuery, index: LexicalIndex, scope: ScopeIdf): WeightedQuery {
  const out: WeightedQuery = new Map();
  for (const [term, w] of query) {
    const local = idf(index, term);
    if (local > 0) out.set(term, (w * scope.idf(term)) / local);
  }
  return out;
}
