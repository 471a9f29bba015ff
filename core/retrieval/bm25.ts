/**
 * BM25 over weighted fields (a BM25F simplification: one saturation over the field-weighted term
 * frequency and the field-weighted length), stored as plain postings so an index is JSON.
 */
import { tokenize } from './tokenize.js';

export interface FieldText {
  text: string;
  weight: number;
}

export interface LexicalIndex {
  /** term -> flat [itemIndex, weightedTf, itemIndex, weightedTf, ...], item indexes ascending. */
  postings: Record<string, number[]>;
  /** Field-weighted length of each item. */
  lengths: number[];
  avgLength: number;
}

export interface Bm25Params {
  k1: number;
  b: number;
}

export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75 };

export function buildLexicalIndex(items: FieldText[][]): LexicalIndex {
  const postings: Record<string, number[]> = Object.create(null) as Record<string, number[]>;
  const lengths: number[] = [];
  items.forEach((fields, i) => {
    const tf = new Map<string, number>();
    let len = 0;
    for (const f of fields) {
      if (f.weight <= 0 || !f.text) continue;
      for (const t of tokenize(f.text)) {
        tf.set(t, (tf.get(t) ?? 0) + f.weight);
        len += f.weight;
      }
    }
    lengths.push(round3(len));
    for (const [t, v] of tf) (postings[t] ??= []).push(i, round3(v));
  });
  const avgLength = lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : 0;
  return { postings, lengths, avgLength };
}

/** How many items hold the term: postings are flat (item, weight) pairs. */
export function docFreq(index: LexicalIndex, term: string): number {
  return (index.postings[term]?.length ?? 0) / 2;
}

export function idf(index: LexicalIndex, term: string): number {
  return idfOf(index.lengths.length, docFreq(index, term));
}

/** BM25's idf of a term that `df` of `n` items hold. */
export function idfOf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** Query terms with their weights (a repeated word counts more; feedback terms weigh less). */
export type WeightedQuery = Map<string, number>;

export function queryFromText(text: string): WeightedQuery {
  const q: WeightedQuery = new Map();
  for (const t of tokenize(text)) q.set(t, Math.min(2, (q.get(t) ?? 0) + 1));
  return q;
}

/** Scores every item (0 where no term matches). */
export function scoreBm25(index: LexicalIndex, query: WeightedQuery, params: Bm25Params = DEFAULT_BM25): Float64Array {
  const scores = new Float64Array(index.lengths.length);
  const avg = index.avgLength || 1;
  for (const [term, qw] of query) {
    const p = index.postings[term];
    if (!p) continue;
    const w = idf(index, term) * qw;
    for (let j = 0; j < p.length; j += 2) {
      const i = p[j];
      const tf = p[j + 1];
      const norm = params.k1 * (1 - params.b + (params.b * index.lengths[i]) / avg);
      scores[i] += (w * tf * (params.k1 + 1)) / (tf + norm);
    }
  }
  return scores;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
