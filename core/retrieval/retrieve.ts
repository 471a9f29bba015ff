/**
 * The evidence sampler: scores every item of the documents in scope (lexical, dense or both),
 * lifts figures/tables a question names, then selects a diverse top-k within a token budget.
 */
import type { Evidence, RetrieveOptions, RetrieverKind } from '../api.js';
import type { DocumentModel, UnitKind } from '../model/document.js';
import { idf, queryFromText, scoreBm25, DEFAULT_BM25, type Bm25Params, type WeightedQuery } from './bm25.js';
import { approxTokenCounter, type TokenCounter } from './budget.js';
import type { DocumentIndex } from './document-index.js';
import { dot, type Embedder, type ImageEmbedder } from './embedder.js';
import { convexFusion, minMax, reciprocalRankFusion } from './fusion.js';
import { itemLabelKey, itemText, labelKeys, unitMap } from './items.js';
import { DEFAULT_LEXICAL_TUNING, feedbackQuery, proximityBonus, type LexicalTuning } from './lexical-query.js';
import { jaccard } from './mmr.js';
import { questionForRetrieval } from './question.js';
import { expandAcronyms } from './acronyms.js';
import { documentTopicality } from './document-prior.js';
import { inScope, scopeIdf } from './scope-idf.js';
import { selectEvidence, type Candidate, type SelectedEvidence } from './select.js';
import { tokenize } from './tokenize.js';
import { unpackVectors } from './vectors.js';
import { feedItem, termKey, type TermWeights } from './windows.js';

export interface RetrievalOptions extends RetrieveOptions {
  /** Adds image similarity to figure/table items of indexes that have image vectors from it. */
  imageEmbedder?: ImageEmbedder | null;
  /** Needed for dense and hybrid retrieval; must be the embedder that made the index's vectors. */
  embedder?: Embedder | null;
  /** Counts the budget in the generator's tokens (default: approximation). */
  tokenCounter?: TokenCounter;
  /** Weight of the dense score in convex fusion (default: the embedder's fusionWeight). */
  alpha?: number;
  fusion?: 'convex' | 'rrf';
  /** MMR trade-off: 1 = relevance only (default 0.8). */
  mmrLambda?: number;
  /**
   * Similarity MMR gives two items of the same page at least (default 1): a second unit of a page
   * adds less than a unit from another page the question may be about.
   */
  samePageSimilarity?: number;
  bm25?: Bm25Params;
  /** Score multipliers by unit kind (default: references 0.5, across several documents 0.25). */
  kindPrior?: Partial<Record<UnitKind, number>>;
  /**
   * Across several documents, the share of each item's score that depends on how much its document
   * is about the question (0 = none; default 0.5).
   */
  documentPrior?: number;
  /** Match the question's answer-format instructions too (default false: they are stripped). */
  keepInstructions?: boolean;
  lexical?: Partial<LexicalTuning>;
}

export interface ScopedDocument {
  doc: DocumentModel;
  index: DocumentIndex;
}

interface Prepared {
  /** Entry in index.pages of each item. */
  itemPage: number[];
  tokens: (string[] | undefined)[];
  termSets: (Set<string> | undefined)[];
  labels: Map<string, number>;
}

const prepared = new WeakMap<DocumentIndex, Prepared>();

function prepare(d: ScopedDocument): Prepared {
  let p = prepared.get(d.index);
  if (!p) {
    const labels = new Map<string, number>();
    d.index.items.forEach((it, i) => {
      const key = itemLabelKey(d.doc, it);
      if (key && !labels.has(key)) labels.set(key, i);
    });
    const entry = new Map((d.index.pageNumbers ?? []).map((n, i) => [n, i]));
    const byId = unitMap(d.doc);
    const itemPage = d.index.items.map((it) => entry.get(byId.get(it.unitId)?.page ?? 0) ?? -1);
    p = { itemPage, tokens: [], termSets: [], labels };
    prepared.set(d.index, p);
  }
  return p;
}

function tokensOf(d: ScopedDocument, p: Prepared, i: number): string[] {
  let t = p.tokens[i];
  if (!t) {
    t = tokenize(itemText(d.doc, d.index.items[i]));
    p.tokens[i] = t;
  }
  return t;
}

const queryVectors = new Map<string, Float32Array>();

async function queryVector(embedder: Embedder, question: string): Promise<Float32Array> {
  const key = `${embedder.id}\u0000${question}`;
  let v = queryVectors.get(key);
  if (!v) {
    v = embedder.embedQuery ? await embedder.embedQuery(question) : (await embedder.embed([question]))[0];
    if (queryVectors.size > 256) queryVectors.clear();
    queryVectors.set(key, v);
  }
  return v;
}

/**
 * Evidence items fed by default. Items are cut to their best sentences within an equal share of the
 * budget, so seven fit in 2,000 tokens; on litqa2-dev seven cover a gold passage for 26 of 27
 * questions where five covered 23.
 */
export const DEFAULT_K = 7;
const DEFAULT_SAME_PAGE = 1;
const DEFAULT_KIND_PRIOR: Partial<Record<UnitKind, number>> = { reference: 0.5 };
const LIBRARY_KIND_PRIOR: Partial<Record<UnitKind, number>> = { reference: 0.25 };
/** Share of an item's score that depends on how much its document is about the question. */
const DEFAULT_DOCUMENT_PRIOR = 0.5;

/** Less than a named figure's lift: every unit of the page is lifted, their own scores order them. */
const PAGE_LIFT = 0.5;
const ORDINALS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, last: -1 };

/** Page numbers a question names (-1 = the last page). */
export function namedPages(question: string): number[] {
  const out: number[] = [];
  for (const m of question.matchAll(/\b(?:pages?|slides?|p\.|pp\.)\s*(\d{1,4})(?:\s*(?:-|–|and|to|,)\s*(\d{1,4}))?/gi)) {
    out.push(Number(m[1]));
    if (m[2]) out.push(Number(m[2]));
  }
  for (const m of question.matchAll(/\b(first|second|third|fourth|fifth|last)\s+(?:page|slide)\b/gi)) out.push(ORDINALS[m[1].toLowerCase()]);
  if (/\b(?:front|back)?\s*cover\b/i.test(question) && !/\bback cover\b/i.test(question)) out.push(1);
  if (/\bback cover\b/i.test(question)) out.push(-1);
  return out;
}

export interface RetrievalResult {
  evidence: Evidence[];
  /** Per evidence item, every unit it covers (adjacent paragraphs are merged into one item). */
  units: { docId: string; unitIds: string[]; pages: number[] }[];
  retriever: RetrieverKind;
}

export async function retrieve(docs: ScopedDocument[], fullQuestion: string, options: RetrievalOptions = {}): Promise<RetrievalResult> {
  const question = options.keepInstructions ? fullQuestion : questionForRetrieval(fullQuestion);
  const k = options.k ?? DEFAULT_K;
  const budget = options.budget ?? 2000;
  const embedder = options.embedder ?? null;
  const tuning: LexicalTuning = { ...DEFAULT_LEXICAL_TUNING, ...options.lexical };
  const bm25 = options.bm25 ?? DEFAULT_BM25;
  const denseReady = !!embedder && docs.length > 0 && docs.every((d) => d.index.vectors && d.index.embedderId === embedder.id);
  let retriever: RetrieverKind = options.retriever ?? 'hybrid';
  if (!denseReady && retriever !== 'bm25') retriever = 'bm25';

  // One flat candidate list across documents, so scores are normalised over the whole scope.
  const offsets: number[] = [];
  let total = 0;
  for (const d of docs) {
    offsets.push(total);
    total += d.index.items.length;
  }
  const lexical = new Float64Array(total);
  const dense = new Float64Array(total);
  const query = queryFromText(question);
  // Across documents a term weighs what it weighs in the whole scope, so scores compare between them.
  const scope = docs.length > 1 ? scopeIdf(docs.map((d) => d.index.lexical)) : null;
  docs.forEach((d, di) => {
    if (retriever === 'dense') return;
    const p = prepare(d);
    const tok = (i: number) => tokensOf(d, p, i);
    const weigh = (w: WeightedQuery): WeightedQuery => (scope ? inScope(w, d.index.lexical, scope) : w);
    const q = tuning.acronyms ? expandAcronyms(question, query, d.index.acronyms) : query;
    let s = scoreBm25(d.index.lexical, weigh(q), bm25);
    const fb = feedbackQuery(d.index.lexical, q, s, tok, tuning);
    if (fb) s = scoreBm25(d.index.lexical, weigh(fb), bm25);
    proximityBonus(d.index.lexical, question, s, tok, tuning.proximity, undefined, scope?.idf);
    if (tuning.page > 0 && d.index.pages) addPageScores(d, p, s, fb ?? q, bm25, tuning.page);
    lexical.set(s, offsets[di]);
  });
  let qv: Float32Array | null = null;
  if (retriever !== 'bm25' && embedder) {
    qv = await queryVector(embedder, question);
    docs.forEach((d, di) => {
      const vs = unpackVectors(d.index.vectors!);
      for (let i = 0; i < vs.length; i++) dense[offsets[di] + i] = dot(qv!, vs[i]);
    });
  }

  let fused: Float64Array;
  if (retriever === 'bm25') fused = minMax(lexical);
  else if (retriever === 'dense') fused = minMax(dense);
  else {
    const alpha = options.alpha ?? embedder!.fusionWeight;
    fused =
      options.fusion === 'rrf'
        ? minMax(reciprocalRankFusion([{ scores: lexical, weight: 1 - alpha }, { scores: dense.map((x) => x + 1), weight: alpha }]))
        : convexFusion(lexical, dense, alpha);
  }

  // Bibliography entries share a question's words (titles!) but rarely answer it; across documents
  // even less: an entry that names the topic sits in a paper about something else.
  const priors = { ...(scope ? LIBRARY_KIND_PRIOR : DEFAULT_KIND_PRIOR), ...options.kindPrior };
  const docPrior = scope ? (options.documentPrior ?? DEFAULT_DOCUMENT_PRIOR) : 0;
  const topical = docPrior > 0 && scope ? documentTopicality(docs.map((d) => d.index.lexical), query, scope) : [];
  docs.forEach((d, di) => {
    const byId = unitMap(d.doc);
    const docWeight = docPrior > 0 ? 1 - docPrior + docPrior * topical[di] : 1;
    d.index.items.forEach((it, i) => {
      const kind = byId.get(it.unitId)?.kind;
      const prior = kind ? priors[kind] : undefined;
      fused[offsets[di] + i] *= (prior ?? 1) * docWeight;
    });
  });

  const imageEmbedder = options.imageEmbedder;
  if (imageEmbedder && options.retriever !== 'bm25' && docs.some((d) => d.index.images?.embedderId === imageEmbedder.id)) {
    const iq = await imageEmbedder.embedQuery(question);
    const image = new Float64Array(total);
    docs.forEach((d, di) => {
      const im = d.index.images;
      if (!im || im.embedderId !== imageEmbedder.id) return;
      unpackVectors(im.vectors).forEach((v, j) => (image[offsets[di] + im.items[j]] = Math.max(0, dot(iq, v))));
    });
    const norm = minMax(image);
    for (let i = 0; i < total; i++) fused[i] += imageEmbedder.fusionWeight * norm[i];
  }

  // A question that names "Figure 3" or "Table 2" is about that unit, whatever its wording.
  const named = new Set(labelKeys(question));
  if (named.size) {
    docs.forEach((d, di) => {
      const p = prepare(d);
      for (const key of named) {
        const i = p.labels.get(key);
        if (i !== undefined) fused[offsets[di] + i] += 1;
      }
    });
  }

  // "page 14", "slide 3", "the cover": the question says where to look.
  const pagesNamed = namedPages(question);
  if (pagesNamed.length) {
    docs.forEach((d, di) => {
      const byId = unitMap(d.doc);
      const want = new Set(pagesNamed.map((n) => (n < 0 ? d.doc.pageCount : n)));
      d.index.items.forEach((it, i) => {
        if (want.has(byId.get(it.unitId)?.page ?? 0)) fused[offsets[di] + i] += PAGE_LIFT;
      });
    });
  }

  const candidates: Candidate[] = [];
  const order = Array.from({ length: total }, (_, i) => i)
    .filter((i) => fused[i] > 0)
    .sort((a, b) => fused[b] - fused[a])
    .slice(0, Math.max(30, k * 6));
  for (const g of order) {
    let di = 0;
    while (di + 1 < docs.length && offsets[di + 1] <= g) di++;
    candidates.push({ doc: docs[di], item: g - offsets[di], score: fused[g] });
  }
  const samePage = options.samePageSimilarity ?? DEFAULT_SAME_PAGE;
  const similarity = (a: Candidate, b: Candidate): number => {
    if (a.doc !== b.doc) return 0;
    const pa = prepare(a.doc).itemPage;
    if (samePage > 0 && pa[a.item] === pa[b.item]) return Math.max(samePage, contentSimilarity(a, b));
    return contentSimilarity(a, b);
  };
  const contentSimilarity = (a: Candidate, b: Candidate): number => {
    // Term overlap, not vector cosine: sentence encoders put every passage of one paper close
    // together (cosine 0.5-0.8), which made MMR trade away relevance for nothing.
    const p = prepare(a.doc);
    p.termSets[a.item] ??= new Set(tokensOf(a.doc, p, a.item));
    p.termSets[b.item] ??= new Set(tokensOf(b.doc, p, b.item));
    return jaccard(p.termSets[a.item]!, p.termSets[b.item]!);
  };
  const counter = options.tokenCounter ?? approxTokenCounter;
  const selected: SelectedEvidence[] = selectEvidence(candidates, {
    k,
    budget,
    counter,
    mmrLambda: options.mmrLambda ?? 0.8,
    similarity,
    feed: (c, limit) => {
      const item = c.doc.index.items[c.item];
      const section = unitMap(c.doc.doc).get(item.unitId)?.section.at(-1);
      return feedItem(c.doc.doc, item, termWeights(c.doc, query), limit, counter, section);
    },
  });
  return {
    evidence: selected.map((s) => s.evidence),
    units: selected.map((s) => ({ docId: s.evidence.docId, unitIds: s.unitIds, pages: s.pages })),
    retriever,
  };
}

const weightCache = new WeakMap<DocumentIndex, { query: WeightedQuery; weights: TermWeights }>();

/** The question's terms weighted by idf in this document: a window is scored on what is rare here. */
function termWeights(d: ScopedDocument, query: WeightedQuery): TermWeights {
  const hit = weightCache.get(d.index);
  if (hit?.query === query) return hit.weights;
  const weights = new Map<string, number>();
  for (const [t, w] of query) weights.set(termKey(t), Math.max(weights.get(termKey(t)) ?? 0, w * idf(d.index.lexical, t)));
  weightCache.set(d.index, { query, weights });
  return weights;
}

/** Adds the item's page score, scaled to the item scores' range, times `weight`. */
function addPageScores(d: ScopedDocument, p: Prepared, s: Float64Array, query: WeightedQuery, bm25: Bm25Params, weight: number): void {
  const ps = scoreBm25(d.index.pages, query, bm25);
  let maxItem = 0;
  let maxPage = 0;
  for (const v of s) if (v > maxItem) maxItem = v;
  for (const v of ps) if (v > maxPage) maxPage = v;
  if (!(maxItem > 0 && maxPage > 0)) return;
  const f = (weight * maxItem) / maxPage;
  for (let i = 0; i < s.length; i++) if (p.itemPage[i] >= 0) s[i] += f * ps[p.itemPage[i]];
}
