/**
 * `ask --no-model`: the answer is the evidence sentences the question picks, quoted whole and cited
 * [n] with the evidence rank, so nothing is claimed beyond the text. Each citation carries the spans
 * it quotes, so the viewer highlights those sentences and not the whole passage.
 */
import type { Answer, Citation, Evidence, EvidenceSpan } from '../api.js';
import { sentenceRanges, splitSentences } from '../model/sentences.js';
import { questionForRetrieval } from './question.js';
import { tokenize } from './tokenize.js';

export { splitSentences };

export const NOT_ANSWERABLE_TEXT = 'The selected passages do not appear to answer this question.';

export interface ExtractiveOptions {
  /** Most sentences quoted (default 3). */
  maxSentences?: number;
  /** Share of the question's weighted terms a sentence must hold (default 0.3). */
  minCoverage?: number;
}

/**
 * Words that frame a question rather than name what it is about ("what does REML *stand for*",
 * "how is X *defined* in the *paper*"): a sentence need not repeat them to answer it.
 */
const FRAME_TERMS = new Set(
  tokenize('stand stands standing mean means meaning refer refers called call describe described explain explained define defined definition paper article authors study work propose proposed use used using approximately'),
);

/** Questions that ask for a quantity: a sentence with a number answers them better. */
const ASKS_NUMBER = /\b(how (?:many|much|long|often|large|big|small|fast|far|old)|what (?:percentage|proportion|fraction|number|concentration|temperature|size|length|amount|dose|ratio|rate)|at what (?:\w+ )?(?:temperature|concentration|time|age|dose|rate))\b/i;
/**
 * A question asking for the top or bottom of a comparison ("which strain has the largest copy number",
 * "compacts most quickly") is answered by the sentence that compares, which often shares few other words.
 * The question must ask with a superlative; the sentence may answer with one or a comparative ("greater").
 */
const SUPERLATIVES = 'most|least|best|worst|highest|lowest|largest|smallest|greatest|fewest|fastest|slowest|strongest|weakest|longest|shortest|earliest|biggest|quickest|maximum|maximal|minimum|minimal';
const ASKS_RANK = new RegExp(`\\b(?:${SUPERLATIVES})\\b`, 'i');
const RANKS = new RegExp(`\\b(?:${SUPERLATIVES}|greater|higher|lower|larger|smaller|faster|slower|stronger|weaker)\\b`, 'i');
/** Phrases that use those words without ranking anything ("at least one", "most likely", "most of them"). */
const NOT_RANKING = /\b(?:at (?:least|most)|most (?:likely|of)|least (?:one|once))\b/gi;
/** Units a question may name ("in nm", "%", "°C"): a sentence quoting that unit is the one asked for. */
const UNITS = /(%|°\s?c|ºc|\b(?:[kmµnp]?m|[mµn]?g|[mµn]?l|kda|bp|kb|nt|aa|h|hr|hrs|hours?|min|minutes?|s|sec|days?|weeks?|years?|fold|x)\b)/giu;

/** One sentence a quote may come from: the evidence's own span when it has spans, else a cut of its text. */
interface Candidate {
  e: Evidence;
  text: string;
  span?: EvidenceSpan;
  order: number;
}

function candidates(e: Evidence): Candidate[] {
  if (e.spans?.length) return e.spans.map((span, order) => ({ e, span, order, text: e.text.slice(span.offset, span.offset + span.end - span.start) }));
  return sentenceRanges(e.text).map(([a, b], order) => ({ e, order, text: e.text.slice(a, b) }));
}

/**
 * Not a sentence a person would quote: figure-panel labels and axis text ("A B C 0 10 20"), pieces of
 * a sentence cut at a page or budget edge, bibliography entries, sequences (primers).
 */
export function isFragment(s: string): boolean {
  const words = s.match(/\p{L}{2,}/gu) ?? [];
  if (words.length < 5) return true;
  const visible = s.replace(/\s+/g, '').length;
  if ((s.match(/\p{L}/gu)?.length ?? 0) < 0.55 * visible) return true;
  // Program output and table rows ("npar AIC BIC logLik ... 4 1802 1815 -897"): mostly bare numbers.
  const tokens = s.split(/\s+/).length;
  if ((s.match(/(?:^|\s)[-+]?\d[\d.,e-]*(?=\s|$)/g)?.length ?? 0) > 0.25 * tokens) return true;
  if (/^[\p{Ll},;)\]]/u.test(s) || s.endsWith('…')) return true;
  if (/\b[ACGTU]{12,}\b/.test(s)) return true;
  // "Smith, J. A., Jones, B. (2019). Title. Journal 12, 1–9." and DOIs: a reference, not a claim.
  if (/\bdoi[:.]|https?:\/\//i.test(s) || (s.match(/\b\p{Lu}\.\s?(?:\p{Lu}\.\s?)?,/gu)?.length ?? 0) >= 2) return true;
  return false;
}

export function extractiveAnswer(fullQuestion: string, evidence: Evidence[], options: ExtractiveOptions = {}): Answer {
  const t0 = performance.now();
  const maxSentences = options.maxSentences ?? 3;
  const minCoverage = options.minCoverage ?? 0.3;
  const question = questionForRetrieval(fullQuestion);
  const pool = evidence.filter((e) => e.kind !== 'reference').flatMap(candidates).filter((c) => !isFragment(c.text));
  const termsOf = pool.map((c) => new Set(tokenize(c.text)));
  // A term every candidate holds (the paper's topic) tells sentences apart less than a rare one.
  const df = new Map<string, number>();
  for (const ts of termsOf) for (const t of ts) df.set(t, (df.get(t) ?? 0) + 1);
  const qTerms = new Map<string, number>();
  for (const t of tokenize(question)) {
    if (FRAME_TERMS.has(t)) continue;
    // Numbers and technical compounds pin an answer down more than common words do.
    const base = /[\p{N}-]/u.test(t) ? 2 : 1;
    qTerms.set(t, base * (1 + Math.log((pool.length + 1) / ((df.get(t) ?? 0) + 1)) / 4));
  }
  const totalWeight = [...qTerms.values()].reduce((a, b) => a + b, 0);
  // "What does REML stand for?": the sentence that defines the acronym, "restricted maximum likelihood (REML)", answers it.
  const acronyms = [...question.matchAll(/\b(\p{Lu}[\p{Lu}\p{N}]+)\b/gu)].map((m) => m[1]);
  const asksNumber = ASKS_NUMBER.test(question);
  const asksRank = ASKS_RANK.test(question.replace(NOT_RANKING, ' '));
  const units = new Set([...question.matchAll(UNITS)].map((m) => m[1].toLowerCase().replace(/\s/g, '')));
  const scored: { c: Candidate; coverage: number }[] = [];
  if (totalWeight > 0) {
    pool.forEach((c, i) => {
      let w = 0;
      let hits = 0;
      for (const [t, tw] of qTerms) {
        if (!termsOf[i].has(t)) continue;
        w += tw;
        hits++;
      }
      let coverage = w / totalWeight;
      if (acronyms.some((a) => c.text.includes(`(${a})`))) coverage += 0.5;
      if (asksNumber && /\d/.test(c.text)) coverage += 0.1;
      if (units.size && [...c.text.matchAll(UNITS)].some((m) => units.has(m[1].toLowerCase().replace(/\s/g, '')))) coverage += 0.1;
      // Ranking words order the sentences that hold the question; they never make one hold it.
      const rank = asksRank && RANKS.test(c.text.replace(NOT_RANKING, ' ')) ? 0.15 : 0;
      if (coverage >= minCoverage && hits >= Math.min(2, qTerms.size)) scored.push({ c, coverage: coverage + rank });
    });
  }
  // Best coverage first; ties go to the better-ranked evidence.
  scored.sort((a, b) => b.coverage - a.coverage || a.c.e.rank - b.c.e.rank || a.c.order - b.c.order);
  const picked = scored.slice(0, maxSentences).map((s) => s.c);
  if (!picked.length) {
    return { text: NOT_ANSWERABLE_TEXT, mode: 'extractive', answerable: false, citations: [], ms: Math.round(performance.now() - t0) };
  }
  // Quotes read in evidence order, as a person would cite them.
  picked.sort((a, b) => a.e.rank - b.e.rank || a.order - b.order);
  const citations: Citation[] = [];
  const lines = picked.map(({ e, text, span }) => {
    let cite = citations.find((c) => c.n === e.rank);
    if (!cite) citations.push((cite = { n: e.rank, docId: e.docId, unitId: e.unitId, page: e.page }));
    if (span) (cite.spans ??= []).push(span);
    return `“${text.replace(/\s+/g, ' ')}” [${e.rank}]`;
  });
  return { text: lines.join('\n'), mode: 'extractive', answerable: true, citations, ms: Math.round(performance.now() - t0) };
}
