/**
 * The lexical tokenizer for papers: case folding, Porter stemming, stop words, and technical terms
 * kept whole ("F1", "BERT-base", "x86-64", "3.5", "adr-1"), because splitting them loses exactly the
 * tokens that make a question specific.
 */
import { stemmer } from 'stemmer';
import { STOP_WORDS } from './stopwords.js';

// A term is letters/digits, optionally joined by - . / _ ' between two letters/digits.
const TERM = /[\p{L}\p{N}]+(?:[-./_'’][\p{L}\p{N}]+)*/gu;
const HAS_DIGIT = /\p{N}/u;
const ALPHA = /^\p{L}+$/u;

const stemCache = new Map<string, string>();

/** Stems a purely alphabetic, lower-case word; anything with digits or joiners stays as it is. */
export function stemWord(word: string): string {
  if (word.length <= 3 || !ALPHA.test(word)) return word;
  let s = stemCache.get(word);
  if (s === undefined) {
    s = stemmer(word);
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** NFKC, lower case, thousands separators removed, dashes unified, so "1,000" and "1000" meet. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .replace(/[\u2010-\u2015\u2212]/g, '-');
}

/** Surface words (no stemming, no stop-word removal): for coverage measures and sentence matching. */
export function words(text: string): string[] {
  return normalizeText(text).match(TERM) ?? [];
}

export interface TokenizeOptions {
  /** Keep stop words (default false). */
  keepStopWords?: boolean;
}

/**
 * Index/query terms. A compound ("bert-base", "state-of-the-art") is emitted whole and, when it has
 * alphabetic parts, also as those parts, so "BERT base" and "BERT-base" still match.
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const out: string[] = [];
  const keepStop = options.keepStopWords === true;
  for (let raw of words(text)) {
    raw = raw.replace(/['’]s$/, '').replace(/\.+$/, '');
    if (raw.length === 0) continue;
    if (/[-./_'’]/.test(raw)) {
      out.push(raw);
      // Decimal numbers and versions stay whole only; word compounds also give their parts.
      if (!/^[\p{N}.]+$/u.test(raw)) {
        for (const part of raw.split(/[-./_'’]/)) {
          if (part.length > 1 && (keepStop || !STOP_WORDS.has(part))) out.push(HAS_DIGIT.test(part) ? part : stemWord(part));
        }
      }
      continue;
    }
    if (!keepStop && STOP_WORDS.has(raw)) continue;
    if (raw.length === 1 && !HAS_DIGIT.test(raw)) continue;
    out.push(HAS_DIGIT.test(raw) ? raw : stemWord(raw));
  }
  return out;
}
