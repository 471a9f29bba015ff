/**
 * Reads a generated answer: which evidence each sentence cites, whether the cited evidence
 * shares any content word with the sentence (none = flagged unsupported), and whether the model
 * said the evidence does not answer.
 */
import type { Citation, Claim, Evidence } from '../api.js';
import { splitSentences } from '../retrieval/extractive.js';
import { tokenize } from '../retrieval/tokenize.js';
import { NO_ANSWER_SENTENCE } from './prompt.js';

const CITE = /\[(\d+(?:\s*[,;–-]\s*\d+)*)\]/g;

/** Numbers in "[2]", "[1, 3]", "[2-4]". */
export function citedNumbers(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(CITE)) {
    for (const part of m[1].split(/\s*[,;]\s*/)) {
      const range = /^(\d+)\s*[–-]\s*(\d+)$/.exec(part);
      if (range) for (let n = Number(range[1]); n <= Number(range[2]) && n - Number(range[1]) < 20; n++) out.push(n);
      else out.push(Number(part));
    }
  }
  return out;
}

const REFUSALS = [
  /does not (?:answer|contain|say|mention|provide|specify|state)/i,
  /do not (?:answer|contain|say|mention|provide|specify|state)/i,
  /not (?:answerable|mentioned|specified|stated|provided) in the (?:evidence|passages|text)/i,
  /\bno (?:information|evidence|mention)\b/i,
  /cannot be (?:answered|determined)/i,
];

export function isRefusal(text: string): boolean {
  const t = text.trim();
  if (!t) return true;
  if (t.includes(NO_ANSWER_SENTENCE.slice(0, -1))) return true;
  // A refusal is short and has no citation; a long cited answer that mentions a gap still answers.
  return citedNumbers(t).length === 0 && t.length < 300 && REFUSALS.some((r) => r.test(t));
}

export interface CheckedAnswer {
  citations: Citation[];
  claims: Claim[];
  answerable: boolean;
}

export function checkAnswer(text: string, evidence: Evidence[]): CheckedAnswer {
  const byRank = new Map(evidence.map((e) => [e.rank, e]));
  const citations: Citation[] = [];
  const claims: Claim[] = [];
  let from = 0;
  for (const sentence of splitSentences(text)) {
    const start = text.indexOf(sentence.slice(0, 20), from);
    const at = start >= 0 ? start : from;
    const end = at + sentence.length;
    from = end;
    const numbers = [...new Set(citedNumbers(sentence))];
    const known = numbers.filter((n) => byRank.has(n));
    const words = new Set(tokenize(sentence.replace(CITE, ' ')));
    for (const n of known) {
      const e = byRank.get(n)!;
      let c = citations.find((x) => x.n === n);
      if (!c) citations.push((c = { n, docId: e.docId, unitId: e.unitId, page: e.page }));
      // Highlight the evidence sentences the claim rests on (those sharing its words), not the whole passage.
      for (const span of e.spans ?? []) {
        const text = e.text.slice(span.offset, span.offset + (span.end - span.start));
        if (tokenize(text).some((w) => words.has(w)) && !c.spans?.includes(span)) (c.spans ??= []).push(span);
      }
    }
    const supported =
      known.length > 0 && known.some((n) => tokenize(byRank.get(n)!.text).some((w) => words.has(w)));
    claims.push({
      start: at,
      end,
      citations: numbers,
      supported,
      ...(numbers.length > known.length ? { problem: 'cites evidence that was not given' } : !known.length ? { problem: 'no citation' } : !supported ? { problem: 'shares no content word with the cited evidence' } : {}),
    });
  }
  citations.sort((a, b) => a.n - b.n);
  return { citations, claims, answerable: !isRefusal(text) };
}
