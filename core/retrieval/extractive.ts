/**
 * `ask --no-model`: the answer is the evidence sentences that share most of the question's terms,
 * quoted verbatim and cited [n] with the evidence rank, so nothing is claimed beyond the text.
 */
import type { Answer, Citation, Evidence } from '../api.js';
import { splitSentences } from '../model/sentences.js';
import { tokenize } from './tokenize.js';

export { splitSentences };

export const NOT_ANSWERABLE_TEXT = 'The selected passages do not appear to answer this question.';

export interface ExtractiveOptions {
  /** Most sentences quoted (default 3). */
  maxSentences?: number;
  /** Share of the question's weighted terms a sentence must hold (default 0.3). */
  minCoverage?: number;
}

const MAX_SENTENCE_CHARS = 400;

/**
 * Words that frame a question rather than name what it is about ("what does REML *stand for*",
 * "how is X *defined* in the *paper*"): a sentence need not repeat them to answer it.
 */
const FRAME_TERMS = new Set(
  tokenize('stand stands standing mean means meaning refer refers called call describe described explain explained define defined definition paper article authors study work propose proposed use used using')
);

export function extractiveAnswer(question: string, evidence: Evidence[], options: ExtractiveOptions = {}): Answer {
  const t0 = performance.now();
  const maxSentences = options.maxSentences ?? 3;
  const minCoverage = options.minCoverage ?? 0.3;
  const qTerms = new Map<string, number>();
  // Numbers and technical compounds pin an answer down more than common words do.
  for (const t of tokenize(question)) if (!FRAME_TERMS.has(t)) qTerms.set(t, /[\p{N}-]/u.test(t) ? 2 : 1);
  const totalWeight = [...qTerms.values()].reduce((a, b) => a + b, 0);
  // "What does REML stand for?": the sentence that defines the acronym, "restricted maximum likelihood (REML)", answers it.
  const acronyms = [...question.matchAll(/\b(\p{Lu}[\p{Lu}\p{N}]+)\b/gu)].map((m) => m[1]);
  const definesAcronym = (sentence: string) => acronyms.some((a) => sentence.includes(`(${a})`));
  const scored: { sentence: string; e: Evidence; coverage: number; order: number }[] = [];
  if (totalWeight > 0) {
    for (const e of evidence) {
      const sentences = splitSentences(e.text.split(/\n/).join('\n'));
      sentences.forEach((sentence, order) => {
        const terms = new Set(tokenize(sentence));
        let w = 0;
        for (const [t, tw] of qTerms) if (terms.has(t)) w += tw;
        const coverage = w / totalWeight + (definesAcronym(sentence) ? 0.5 : 0);
        if (coverage >= minCoverage && w >= Math.min(2, totalWeight)) scored.push({ sentence, e, coverage, order });
      });
    }
  }
  // Best coverage first; ties go to the better-ranked evidence.
  scored.sort((a, b) => b.coverage - a.coverage || a.e.rank - b.e.rank || a.order - b.order);
  const picked = scored.slice(0, maxSentences);
  if (!picked.length) {
    return { text: NOT_ANSWERABLE_TEXT, mode: 'extractive', answerable: false, citations: [], ms: Math.round(performance.now() - t0) };
  }
  // Quotes read in evidence order, as a person would cite them.
  picked.sort((a, b) => a.e.rank - b.e.rank || a.order - b.order);
  const citations: Citation[] = [];
  const lines = picked.map(({ sentence, e }) => {
    if (!citations.some((c) => c.n === e.rank)) citations.push({ n: e.rank, docId: e.docId, unitId: e.unitId, page: e.page });
    const s = sentence.length > MAX_SENTENCE_CHARS ? `${sentence.slice(0, MAX_SENTENCE_CHARS).replace(/\s+\S*$/, '')} …` : sentence;
    return `“${s}” [${e.rank}]`;
  });
  return { text: lines.join('\n'), mode: 'extractive', answerable: true, citations, ms: Math.round(performance.now() - t0) };
}
