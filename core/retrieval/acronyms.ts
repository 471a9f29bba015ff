/**
 * Acronyms a paper defines ("random kitchen sinks (RKS)"), found with a simplified Schwartz-Hearst
 * rule: the letters of the short form are the initials of the words just before the parenthesis.
 * A question using one form then also matches text that uses the other, which papers do
 * constantly after the first mention.
 */
import type { WeightedQuery } from './bm25.js';
import { normalizeText, tokenize } from './tokenize.js';

const DEFINITION = /((?:[\p{L}][\p{L}\p{N}'’-]*\s+){1,8})\(\s*([\p{Lu}][\p{L}\p{N}-]{1,9}?)(s?)\s*\)/gu;

/** Short form (lower case) -> long form (lower case words). */
export type AcronymMap = Record<string, string>;

export function findAcronyms(texts: Iterable<string>): AcronymMap {
  const out: AcronymMap = {};
  for (const text of texts) {
    for (const m of text.matchAll(DEFINITION)) {
      const short = m[2];
      const letters = short.replace(/[^\p{L}]/gu, '');
      // At least two capitals: "(Table)" or "(Fig)" are not acronyms.
      if (letters.length < 2 || (short.match(/\p{Lu}/gu)?.length ?? 0) < 2) continue;
      const words = m[1].trim().split(/\s+/);
      const long = matchInitials(words, letters.toLowerCase());
      if (long) out[short.toLowerCase()] ??= long;
    }
  }
  return out;
}

/**
 * Schwartz & Hearst (2003): walking both strings from the end, every letter of the short form must
 * appear in order in the long form, the first one at the start of a word. The long form is the
 * shortest tail of `words` that works, at most min(|short| + 5, 2 |short|) words.
 */
function matchInitials(words: string[], letters: string): string | null {
  const maxWords = Math.min(letters.length + 5, letters.length * 2);
  for (let n = 1; n <= Math.min(words.length, maxWords); n++) {
    const long = words.slice(-n).join(' ').toLowerCase();
    if (spells(long, letters) && long.split(/\s+/).length >= Math.min(2, letters.length)) return normalizeText(long);
  }
  return null;
}

function spells(long: string, short: string): boolean {
  let l = long.length - 1;
  for (let s = short.length - 1; s >= 0; s--) {
    const c = short[s];
    while (l >= 0 && (long[l] !== c || (s === 0 && l > 0 && /[\p{L}\p{N}]/u.test(long[l - 1])))) l--;
    if (l < 0) return false;
    l--;
  }
  return true;
}

/** Adds the other form of every acronym the question uses (long form words weigh half each). */
export function expandAcronyms(question: string, query: WeightedQuery, acronyms: AcronymMap | undefined): WeightedQuery {
  if (!acronyms) return query;
  // Stemmed term sequences, so "random kitchen sink" matches "random kitchen sinks".
  const q = ` ${tokenize(question, { keepStopWords: true }).join(' ')} `;
  let out: WeightedQuery | null = null;
  for (const [short, long] of Object.entries(acronyms)) {
    const longHere = q.includes(` ${tokenize(long, { keepStopWords: true }).join(' ')} `);
    const shortHere = q.includes(` ${short} `) || q.includes(` ${short}s `);
    if (longHere && !query.has(short)) {
      out ??= new Map(query);
      out.set(short, 1);
    } else if (shortHere) {
      for (const t of tokenize(long)) {
        if (query.has(t)) continue;
        out ??= new Map(query);
        out.set(t, 0.5);
      }
    }
  }
  return out ?? query;
}
