/**
 * What of an item is fed to the model. A paragraph group longer than its share of the token budget
 * is cut to the run of whole sentences holding most of the question's (idf-weighted) terms, so the
 * budget buys more distinct passages instead of the unrelated rest of long ones. Every fed sentence
 * keeps its unit, offsets and (part-)lines, so a citation can highlight just those lines.
 */
import type { EvidenceSpan } from '../api.js';
import type { DocumentModel, TextSpan, Unit } from '../model/document.js';
import { sentenceRanges } from '../model/sentences.js';
import type { TokenCounter } from './budget.js';
import { itemText, unitMap, type IndexItem } from './items.js';
import { tokenize } from './tokenize.js';

/**
 * The unit's sentences: as the parser stored them, else (OCR units, figure text) cut from its text
 * with each line given to the sentence holding most of its share of the characters.
 */
export function unitSpans(u: Unit): TextSpan[] {
  if (u.spans?.length) return u.spans;
  const ranges = sentenceRanges(u.text);
  const n = u.lineRects.length;
  const len = Math.max(1, u.text.length);
  return ranges.map(([start, end]) => {
    const first = Math.min(n - 1, Math.floor((start / len) * n));
    const last = Math.max(first, Math.min(n - 1, Math.ceil((end / len) * n) - 1));
    return { start, end, page: u.page, lineRects: n ? u.lineRects.slice(first, last + 1) : [u.bbox] };
  });
}

interface Sentence extends TextSpan {
  unitId: string;
  text: string;
  /** Whether it opens its unit: units are joined by a line break, sentences within one by a space. */
  opens: boolean;
}

const TEXT_KINDS = new Set(['paragraph', 'footnote', 'reference', 'caption', 'equation', 'heading']);

/** The sentences of a text item in reading order; null for figures and tables. */
function itemSentences(doc: DocumentModel, item: IndexItem): Sentence[] | null {
  const byId = unitMap(doc);
  const head = byId.get(item.unitId);
  if (!head || !TEXT_KINDS.has(head.kind) || item.captionId) return null;
  const out: Sentence[] = [];
  for (const id of [item.unitId, ...(item.more ?? [])]) {
    const u = byId.get(id);
    if (!u) continue;
    unitSpans(u).forEach((s, i) => out.push({ ...s, unitId: u.id, text: u.text.slice(s.start, s.end), opens: i === 0 }));
  }
  return out;
}

export interface Fed {
  text: string;
  spans: EvidenceSpan[];
}

/**
 * A figure or table is fed whole, caption first; only the caption's sentences are spans, since the
 * text inside the region (axis labels, panel letters, cells) is nothing to quote.
 */
function captioned(doc: DocumentModel, item: IndexItem): Fed | null {
  const cap = unitMap(doc).get(item.captionId ?? '');
  if (!cap) return null;
  return { text: itemText(doc, item), spans: unitSpans(cap).map((s) => ({ ...s, unitId: cap.id, offset: s.start })) };
}

/** Joins sentences as itemText joins units: a space within a unit, a line break between units. */
function join(sentences: readonly Sentence[]): Fed {
  let text = '';
  const spans: EvidenceSpan[] = [];
  sentences.forEach((s, i) => {
    if (i > 0) text += s.opens || s.unitId !== sentences[i - 1].unitId ? '\n' : ' ';
    spans.push({ unitId: s.unitId, start: s.start, end: s.end, page: s.page, lineRects: s.lineRects, offset: text.length });
    text += s.text;
  });
  return { text, spans };
}

/** Question terms weighted by how much they say (idf), keyed by `termKey`: what a window is scored on. */
export type TermWeights = ReadonlyMap<string, number>;

/** A term without its joiners, so a question's "MSH5" meets the paper's "MSH-5". */
export function termKey(term: string): string {
  return term.replace(/[-./_'’]/g, '');
}

/**
 * The fed part of an item within `limit` tokens (the section heading included, as evidenceContext
 * writes it): the whole item when it fits, else the maximal run of sentences covering the most
 * question weight (ties: the earlier run). Null for figures and tables.
 */
export function feedItem(doc: DocumentModel, item: IndexItem, weights: TermWeights, limit: number, counter: TokenCounter, section?: string): Fed | null {
  if (item.captionId) return captioned(doc, item);
  const sentences = itemSentences(doc, item);
  if (!sentences?.length) return null;
  const head = section ? counter.count(`[${section}]`) + 1 : 0;
  const tokens = sentences.map((s) => counter.count(s.text) + 1);
  const total = tokens.reduce((a, b) => a + b, 0);
  if (head + total <= limit) return join(sentences);
  const terms = sentences.map((s) => new Set(tokenize(s.text).map(termKey)));
  let best = { from: 0, to: 1, score: -1 };
  for (let i = 0; i < sentences.length; i++) {
    let used = head;
    const seen = new Set<string>();
    let score = 0;
    let j = i;
    while (j < sentences.length && (j === i || used + tokens[j] <= limit)) {
      used += tokens[j];
      for (const t of terms[j]) {
        if (seen.has(t)) continue;
        seen.add(t);
        score += weights.get(t) ?? 0;
      }
      j++;
    }
    if (score > best.score) best = { from: i, to: j, score };
    if (j === sentences.length) break;
  }
  return join(sentences.slice(best.from, best.to));
}
