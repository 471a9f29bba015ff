/** Gold pages and passage coverage, as FORMAT.md defines them. */
import type { DocumentModel } from '../model/document.js';
import { words } from '../retrieval/tokenize.js';
import type { Question } from './questions.js';

/** Share of a passage's distinct words a page must hold to be its gold page. */
export const GOLD_PAGE_COVERAGE = 0.8;
/** Share of a gold passage's distinct words an evidence item must hold to count as a hit. */
export const PASSAGE_HIT_COVERAGE = 0.6;

export function coverage(passageWords: ReadonlySet<string>, text: string | ReadonlySet<string>): number {
  if (!passageWords.size) return 0;
  const have = typeof text === 'string' ? new Set(words(text)) : text;
  let n = 0;
  for (const w of passageWords) if (have.has(w)) n++;
  return n / passageWords.size;
}

const pageWordCache = new WeakMap<DocumentModel, Map<number, Set<string>>>();

function pageWords(doc: DocumentModel): Map<number, Set<string>> {
  let m = pageWordCache.get(doc);
  if (!m) {
    m = new Map();
    for (const u of doc.units) {
      let s = m.get(u.page);
      if (!s) m.set(u.page, (s = new Set()));
      for (const w of words(u.text)) s.add(w);
    }
    pageWordCache.set(doc, m);
  }
  return m;
}

export interface Gold {
  pages: number[];
  /** evidence_text passages (as word sets); empty when the set gives pages only. */
  passages: Set<string>[];
  /** Passages no page holds >= 80% of (text the parser lost or split over pages). */
  unresolvedPassages: number;
}

export function goldFor(q: Question, doc: DocumentModel): Gold {
  const passages = (q.evidence_text ?? []).filter((t) => typeof t === 'string' && t.trim()).map((t) => new Set(words(t)));
  if (q.evidence_pages.length) return { pages: [...q.evidence_pages], passages, unresolvedPassages: 0 };
  const pages = new Set<number>();
  let unresolved = 0;
  const pw = pageWords(doc);
  for (const p of passages) {
    let best = 0;
    let bestPage = 0;
    for (const [page, ws] of pw) {
      const c = coverage(p, ws);
      if (c > best) [best, bestPage] = [c, page];
    }
    if (best >= GOLD_PAGE_COVERAGE) pages.add(bestPage);
    else unresolved++;
  }
  return { pages: [...pages].sort((a, b) => a - b), passages, unresolvedPassages: unresolved };
}

/** Counted for page recall: has gold pages, or gold passages (even ones no page resolves). */
export function hasPageGold(q: Question): boolean {
  return q.evidence_pages.length > 0 || (q.evidence_text ?? []).some((t) => typeof t === 'string' && t.trim());
}
