/**
 * Runs a question set through the evidence sampler and scores it: page recall@k, passage hit@k,
 * recall by evidence source, tokens fed and milliseconds per question.
 */
import { join } from 'node:path';
import type { Rect, RetrieverKind, UnitKind } from '../api.js';
import type { DocumentModel } from '../model/document.js';
import { throwIfCancelled } from '../errors.js';
import type { DocumentIndex } from '../retrieval/document-index.js';
import { extractiveAnswer } from '../retrieval/extractive.js';
import { splitSentences } from '../model/sentences.js';
import { DEFAULT_K, retrieve, type RetrievalOptions } from '../retrieval/retrieve.js';
import { words as wordsOf } from '../retrieval/tokenize.js';
import { coverage, goldFor, hasPageGold, PASSAGE_HIT_COVERAGE } from './metrics.js';
import { sourceGroup, type QuestionSet } from './questions.js';

export const CUTOFFS = [1, 3, 5, 10] as const;
export type Cutoff = (typeof CUTOFFS)[number];

export interface EvalOptions {
  retriever?: RetrieverKind;
  /** Evidence items fed to the model (default: the sampler's, DEFAULT_K). */
  k?: number;
  /** Token budget of the fed evidence (default 2,000). */
  budget?: number;
  /** Parses and indexes one PDF (absolute path); called once per document of the set. */
  parse: (path: string) => Promise<{ doc: DocumentModel; index: DocumentIndex }>;
  /** Embedder, token counter and tuning knobs passed to retrieval. */
  retrieval?: Omit<RetrievalOptions, 'k' | 'budget' | 'retriever'>;
  onQuestion?: (result: QuestionResult, done: number, total: number) => void;
  signal?: AbortSignal;
}

/** One line of `wukong eval` output. */
export interface QuestionOutput {
  id: string;
  evidence: { rank: number; kind: UnitKind; page: number; text: string; score: number; bbox: Rect }[];
  /** Tokens of the evidence fed to the model. */
  tokens: number;
  ms: number;
}

export interface QuestionResult extends QuestionOutput {
  doc: string;
  group: 'visual' | 'text' | null;
  sources: string[];
  goldPages: number[];
  /** Counted in page recall (has gold pages or gold passages). */
  counted: boolean;
  /** Pages of each fed item (k items within the budget), for recall@k: what the model sees. */
  rankedPages: number[][];
  pageHit: Record<Cutoff, boolean>;
  /** Null when the question has no gold passage. Fed items: a hit holds >= 60% of a gold passage's words. */
  passageHit: Record<Cutoff, boolean> | null;
  /** All fed evidence together holds >= 60% of a gold passage's words; null without gold passages. */
  fedCovers: boolean | null;
  /** The same hits over the top 10 items ranked without a budget (whole items): what the ranking finds. */
  unbudgeted: { pageHit: Record<Cutoff, boolean>; passageHit: Record<Cutoff, boolean> | null };
  unresolvedPassages: number;
  /** Lines a viewer highlights for each citation of the extractive answer over the fed evidence. */
  citationLines: number[];
  /**
   * The extractive answer quotes a sentence of a gold passage (>= 60% of its words in one quote); null when
   * no gold sentence is in the fed evidence, so the quote could not hold one.
   */
  quoteHit: boolean | null;
  /** Every gold page lacks a text layer (scanned): no text retriever can find it. */
  goldWithoutText: boolean;
}

export async function evaluateSet(set: QuestionSet, options: EvalOptions): Promise<QuestionResult[]> {
  const k = options.k ?? DEFAULT_K;
  const budget = options.budget ?? 2000;
  const byDoc = new Map<string, typeof set.questions>();
  for (const q of set.questions) byDoc.set(q.doc, [...(byDoc.get(q.doc) ?? []), q]);
  const results: QuestionResult[] = [];
  const total = set.questions.length;
  for (const [docPath, questions] of byDoc) {
    throwIfCancelled(options.signal);
    const scoped = await options.parse(join(set.dir, docPath));
    for (const q of questions) {
      throwIfCancelled(options.signal);
      const base = { ...options.retrieval, retriever: options.retriever };
      const t0 = performance.now();
      const fed = await retrieve([scoped], q.question, { ...base, k, budget });
      const ms = performance.now() - t0;
      // Ranking metrics count what is fed (k items in the budget); the top 10 without a budget is reported beside them.
      const ranked = await retrieve([scoped], q.question, { ...base, k: 10, budget: Number.POSITIVE_INFINITY });
      const gold = goldFor(q, scoped.doc);
      const counted = hasPageGold(q);
      const textPages = new Set(scoped.doc.units.filter((u) => u.text.trim()).map((u) => u.page));
      const goldWithoutText = gold.pages.length > 0 && gold.pages.every((p) => !textPages.has(p));
      const goldPages = new Set(gold.pages);
      const hitsOf = (res: typeof fed) => {
        const pages = res.units.map((u) => u.pages);
        const pageHit = {} as Record<Cutoff, boolean>;
        for (const c of CUTOFFS) pageHit[c] = counted && pages.slice(0, c).some((ps) => ps.some((p) => goldPages.has(p)));
        let passageHit: Record<Cutoff, boolean> | null = null;
        if (gold.passages.length) {
          const hits = res.evidence.map((e) => {
            const ws = new Set(wordsOf(e.text));
            return gold.passages.some((p) => coverage(p, ws) >= PASSAGE_HIT_COVERAGE);
          });
          passageHit = {} as Record<Cutoff, boolean>;
          for (const c of CUTOFFS) passageHit[c] = hits.slice(0, c).some(Boolean);
        }
        return { pages, pageHit, passageHit };
      };
      const fedHits = hitsOf(fed);
      const rankedHits = hitsOf(ranked);
      const fedWords = new Set(fed.evidence.flatMap((e) => wordsOf(e.text)));
      const fedCovers = gold.passages.length ? gold.passages.some((p) => coverage(p, fedWords) >= PASSAGE_HIT_COVERAGE) : null;
      const answer = extractiveAnswer(q.question, fed.evidence);
      const citationLines = answer.citations.map((c) => {
        const e = fed.evidence.find((x) => x.rank === c.n);
        const spans = c.spans ?? e?.spans;
        if (spans) return spans.reduce((n, sp) => n + sp.lineRects.length, 0);
        return (e?.lineRects.length ?? 0) + (e?.continuation ?? []).reduce((n, part) => n + part.lineRects.length, 0);
      });
      const goldSentences = (q.evidence_text ?? [])
        .filter((p): p is string => typeof p === 'string')
        .flatMap((p) => splitSentences(p))
        .map((t) => new Set(wordsOf(t)))
        .filter((ws) => ws.size >= 5);
      const quotes = [...answer.text.matchAll(/“([^”]+)”/g)].map((m) => new Set(wordsOf(m[1])));
      const holdsGold = (texts: ReadonlySet<string>[]) => goldSentences.some((g) => texts.some((ws) => coverage(g, ws) >= PASSAGE_HIT_COVERAGE));
      const r: QuestionResult = {
        id: q.id,
        evidence: fed.evidence.map((e) => ({ rank: e.rank, kind: e.kind, page: e.page, text: e.text, score: e.score, bbox: e.bbox })),
        tokens: fed.evidence.reduce((a, e) => a + e.tokens, 0),
        ms: Math.round(ms * 100) / 100,
        doc: q.doc,
        group: sourceGroup(q),
        sources: q.evidence_sources ?? [],
        goldPages: gold.pages,
        counted,
        rankedPages: fedHits.pages,
        pageHit: fedHits.pageHit,
        passageHit: fedHits.passageHit,
        fedCovers,
        unbudgeted: { pageHit: rankedHits.pageHit, passageHit: rankedHits.passageHit },
        unresolvedPassages: gold.unresolvedPassages,
        citationLines,
        quoteHit: goldSentences.length && holdsGold(fed.evidence.map((e) => new Set(wordsOf(e.text)))) ? holdsGold(quotes) : null,
        goldWithoutText,
      };
      results.push(r);
      options.onQuestion?.(r, results.length, total);
    }
  }
  return results;
}

export interface Summary {
  questions: number;
  /** Questions counted in page recall. */
  counted: number;
  pageRecall: Record<Cutoff, number>;
  /** Questions with gold passages, and the share hit at each cutoff. */
  passageQuestions: number;
  passageHit: Record<Cutoff, number> | null;
  /** Share of questions with gold passages whose fed evidence, all items together, covers one. */
  fedCoverage: number | null;
  /** Page recall and passage hit of the top 10 ranked without a budget. */
  unbudgeted: { pageRecall: Record<Cutoff, number>; passageHit: Record<Cutoff, number> | null };
  /** Page recall@5 by evidence source group and by each source label. */
  byGroup: Record<string, { n: number; pageRecall5: number }>;
  bySource: Record<string, { n: number; pageRecall5: number }>;
  meanTokens: number;
  maxTokens: number;
  /** Lines highlighted per citation of the extractive answers: median and 90th percentile, and how many citations. */
  citationLines: { median: number; p90: number; n: number };
  /** Questions whose fed evidence holds a gold sentence, and the share of them whose extractive answer quotes one. */
  quoteHit: { n: number; rate: number };
  meanMs: number;
  p95Ms: number;
  unresolvedPassages: number;
  /** Counted questions whose gold pages all lack text, and page recall@5 over the others. */
  goldWithoutText: number;
  pageRecall5WithText: number;
}

export function summarize(results: QuestionResult[]): Summary {
  const counted = results.filter((r) => r.counted);
  const rate = (rs: QuestionResult[], f: (r: QuestionResult) => boolean) => (rs.length ? round(rs.filter(f).length / rs.length) : 0);
  const withPassages = results.filter((r) => r.passageHit);
  const recall = (pick: (r: QuestionResult) => Pick<QuestionResult, 'pageHit' | 'passageHit'>) => {
    const pageRecall = {} as Record<Cutoff, number>;
    for (const c of CUTOFFS) pageRecall[c] = rate(counted, (r) => pick(r).pageHit[c]);
    let passageHit: Record<Cutoff, number> | null = null;
    if (withPassages.length) {
      passageHit = {} as Record<Cutoff, number>;
      for (const c of CUTOFFS) passageHit[c] = rate(withPassages, (r) => pick(r).passageHit![c]);
    }
    return { pageRecall, passageHit };
  };
  const { pageRecall, passageHit } = recall((r) => r);
  const unbudgeted = recall((r) => r.unbudgeted);
  const byGroup: Summary['byGroup'] = {};
  for (const g of ['text', 'visual'] as const) {
    const rs = counted.filter((r) => r.group === g);
    if (rs.length) byGroup[g] = { n: rs.length, pageRecall5: rate(rs, (r) => r.pageHit[5]) };
  }
  const bySource: Summary['bySource'] = {};
  for (const s of new Set(counted.flatMap((r) => r.sources))) {
    const rs = counted.filter((r) => r.sources.includes(s));
    bySource[s] = { n: rs.length, pageRecall5: rate(rs, (r) => r.pageHit[5]) };
  }
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const quoted = results.filter((r) => r.quoteHit !== null);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return {
    questions: results.length,
    counted: counted.length,
    pageRecall,
    passageQuestions: withPassages.length,
    passageHit,
    fedCoverage: withPassages.length ? rate(withPassages, (r) => r.fedCovers === true) : null,
    unbudgeted,
    byGroup,
    bySource,
    meanTokens: Math.round(mean(results.map((r) => r.tokens))),
    maxTokens: Math.max(0, ...results.map((r) => r.tokens)),
    citationLines: spread(results.flatMap((r) => r.citationLines)),
    quoteHit: { n: quoted.length, rate: rate(quoted, (r) => r.quoteHit === true) },
    meanMs: round(mean(ms), 2),
    p95Ms: round(ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.95))] ?? 0, 2),
    unresolvedPassages: results.reduce((a, r) => a + r.unresolvedPassages, 0),
    goldWithoutText: counted.filter((r) => r.goldWithoutText).length,
    pageRecall5WithText: rate(
      counted.filter((r) => !r.goldWithoutText),
      (r) => r.pageHit[5],
    ),
  };
}

function spread(xs: number[]): Summary['citationLines'] {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return { median: at(0.5), p90: at(0.9), n: s.length };
}

function round(v: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** The `{"id","evidence","tokens","ms"}` line of a result. */
export function questionOutput(r: QuestionResult): QuestionOutput {
  return { id: r.id, evidence: r.evidence, tokens: r.tokens, ms: r.ms };
}
