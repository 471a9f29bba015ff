/**
 * Selection: MMR over the best-scored items, at most k evidence items within a token budget,
 * paragraphs adjacent on the same page merged into one item, the section heading given as context.
 */
import type { Evidence, EvidenceSpan } from '../api.js';
import { rectUnion, type Rect } from '../model/geometry.js';
import type { Unit } from '../model/document.js';
import type { TokenCounter } from './budget.js';
import type { DocumentIndex } from './document-index.js';
import type { DocumentModel } from '../model/document.js';
import { itemText, itemUnitIds, unitMap } from './items.js';
import { mmrOrder } from './mmr.js';
import type { Fed } from './windows.js';

export interface Candidate {
  doc: { doc: DocumentModel; index: DocumentIndex };
  /** Item index in doc.index.items. */
  item: number;
  score: number;
}

export interface SelectedEvidence {
  evidence: Evidence;
  unitIds: string[];
  pages: number[];
  items: number[];
}

export interface SelectOptions {
  k: number;
  budget: number;
  counter: TokenCounter;
  mmrLambda: number;
  similarity: (a: Candidate, b: Candidate) => number;
  /** The part of an item fed within `limit` tokens (whole sentences); null = the item's whole text. */
  feed?: (c: Candidate, limit: number) => Fed | null;
}

/** Slots at the end of the list where a neighbour too long to merge with its host may go. */
const NEIGHBOUR_SLOTS = 2;

/** The MMR order, then the neighbours that waited (read as they are pushed). */
function* inTurn(order: readonly number[], waiting: readonly number[]): Generator<number> {
  yield* order;
  for (let i = 0; i < waiting.length; i++) yield waiting[i];
}

/** Below this many tokens left, a long unit is skipped rather than cut to a stub. */
const MIN_TRUNCATED = 64;
/**
 * An item gets at most an equal share of the budget (but never less than this): a long paragraph
 * group is cut to its best sentences, so the k items all fit instead of two or three long ones.
 */
const MIN_SHARE = 160;

function shiftSpans(spans: readonly EvidenceSpan[] | undefined, by: number): EvidenceSpan[] {
  return (spans ?? []).map((sp) => ({ ...sp, offset: sp.offset + by }));
}

/** The text the generator reads for an evidence item: its section heading, then the text. */
export function evidenceContext(e: Pick<Evidence, 'section' | 'text'>): string {
  const section = e.section.at(-1);
  return section ? `[${section}]\n${e.text}` : e.text;
}

export function selectEvidence(candidates: Candidate[], o: SelectOptions): SelectedEvidence[] {
  if (!candidates.length || o.k <= 0) return [];
  const max = candidates[0].score || 1;
  const order = mmrOrder(
    candidates.map((_, i) => i),
    (i) => candidates[i].score / max,
    (a, b) => o.similarity(candidates[a], candidates[b]),
    o.mmrLambda,
  );
  const out: SelectedEvidence[] = [];
  let used = 0;
  const origin = new Map<SelectedEvidence, Candidate>();
  const share = Number.isFinite(o.budget) ? Math.max(MIN_SHARE, Math.floor(o.budget / o.k)) : Number.POSITIVE_INFINITY;
  const waiting: number[] = [];
  for (const ci of inTurn(order, waiting)) {
    if (out.length >= o.k && !out.some((s) => adjacent(s, candidates[ci]))) continue;
    const c = candidates[ci];
    const byId = unitMap(c.doc.doc);
    const item = c.doc.index.items[c.item];
    const unit = byId.get(item.unitId);
    if (!unit) continue;
    const cap = item.captionId ? byId.get(item.captionId) : undefined;
    const fed = o.feed?.(c, share) ?? null;
    const text = fed?.text ?? itemText(c.doc.doc, item);
    const host = out.find((s) => adjacent(s, c));
    const first = host ? c.item < host.items[0] : false;
    const merged = host ? (first ? `${text}\n${host.evidence.text}` : `${host.evidence.text}\n${text}`) : '';
    const tokens = host ? o.counter.count(evidenceContext({ section: host.evidence.section, text: merged })) : 0;
    // A neighbour joins while the evidence stays within its share; past it, it is an item of its own, but
    // only in the last slots: the first ones go to passages elsewhere, so they reach more places.
    if (host && used - host.evidence.tokens + tokens <= o.budget && tokens <= share) {
      used += tokens - host.evidence.tokens;
      const e = host.evidence;
      if (fed || e.spans) {
        const own = fed?.spans ?? [];
        e.spans = first ? [...own, ...shiftSpans(e.spans, text.length + 1)] : [...(e.spans ?? []), ...shiftSpans(own, e.text.length + 1)];
      }
      e.text = merged;
      e.tokens = tokens;
      const rects = [unit, ...(item.more ?? []).map((id) => byId.get(id))]
        .filter((x): x is Unit => !!x && x.page === e.page)
        .flatMap((x) => x.lineRects);
      e.lineRects = first ? [...rects, ...e.lineRects] : [...e.lineRects, ...rects];
      e.bbox = rectUnion([e.bbox, ...rects]);
      host.unitIds.push(...itemUnitIds(item));
      host.items.push(c.item);
      host.items.sort((a, b) => a - b);
      continue;
    }
    if (out.length >= o.k) continue;
    if (host && out.length < o.k - NEIGHBOUR_SLOTS && !waiting.includes(ci)) {
      waiting.push(ci);
      continue;
    }
    const more = (item.more ?? []).map((id) => byId.get(id)).filter((m): m is Unit => !!m);
    let e = makeEvidence(c, unit, cap, more, text, o.counter);
    if (fed) e.spans = fed.spans;
    const left = Math.min(share, o.budget - used);
    if (e.tokens > left) {
      if (left < MIN_TRUNCATED) continue;
      const refed = fed && o.feed?.(c, left);
      if (refed) {
        e.text = refed.text;
        e.spans = refed.spans;
        e.tokens = o.counter.count(evidenceContext(e));
      }
      // One sentence longer than what is left (a table row run, a reference list) is cut at a word.
      if (e.tokens > left) e = truncateEvidence(e, left, o.counter);
    }
    used += e.tokens;
    const picked: SelectedEvidence = {
      evidence: e,
      unitIds: itemUnitIds(item),
      pages: [...new Set([unit, ...(cap ? [cap] : []), ...more].map((x) => x.page))],
      items: [c.item],
    };
    out.push(picked);
    origin.set(picked, c);
  }
  grow(out, origin, o, used);
  const ranked = newPagesFirst(out);
  ranked.forEach((s, i) => (s.evidence.rank = i + 1));
  return ranked;
}

/**
 * The items that reach a page no better-ranked item reaches come first, in rank order, then the ones
 * repeating a page. The set fed stays the same, but its first items cover every page it holds: three
 * windows of one report page no longer put the only window of another page in the last slot, where the
 * reader (and a cut to fewer items) meets it last.
 */
function newPagesFirst(out: readonly SelectedEvidence[]): SelectedEvidence[] {
  const seen = new Set<string>();
  const fresh: SelectedEvidence[] = [];
  const repeats: SelectedEvidence[] = [];
  for (const s of out) {
    const keys = s.pages.map((p) => `${s.evidence.docId}\u0000${p}`);
    (keys.some((k) => !seen.has(k)) ? fresh : repeats).push(s);
    for (const k of keys) seen.add(k);
  }
  return [...fresh, ...repeats];
}

/**
 * Budget the k items left unused goes to widening their windows, best-ranked first: more of the
 * passage around the matching sentences, never another item's share.
 */
function grow(out: SelectedEvidence[], origin: Map<SelectedEvidence, Candidate>, o: SelectOptions, used: number): void {
  if (!o.feed || !Number.isFinite(o.budget)) return;
  for (const s of out) {
    const left = o.budget - used;
    const c = origin.get(s);
    if (left < 16) return;
    if (!c || s.items.length > 1 || !s.evidence.spans || s.evidence.text.endsWith(' …')) continue;
    const wider = o.feed(c, s.evidence.tokens + left);
    if (!wider || wider.text.length <= s.evidence.text.length) continue;
    const tokens = o.counter.count(evidenceContext({ section: s.evidence.section, text: wider.text }));
    if (tokens - s.evidence.tokens > left) continue;
    used += tokens - s.evidence.tokens;
    Object.assign(s.evidence, { text: wider.text, spans: wider.spans, tokens });
  }
}

function adjacent(s: SelectedEvidence, c: Candidate): boolean {
  if (s.evidence.docId !== c.doc.index.docId || s.evidence.kind !== 'paragraph') return false;
  const item = c.doc.index.items[c.item];
  const u = unitMap(c.doc.doc).get(item.unitId);
  if (!u || u.kind !== 'paragraph' || u.page !== s.evidence.page) return false;
  // A neighbour in another section is other content: merging it would show the wrong section heading.
  if (u.section.join('\u0000') !== s.evidence.section.join('\u0000')) return false;
  return c.item === s.items[0] - 1 || c.item === s.items[s.items.length - 1] + 1;
}

function makeEvidence(c: Candidate, unit: Unit, cap: Unit | undefined, more: Unit[], text: string, counter: TokenCounter): Evidence {
  // The evidence's page is its first unit's; parts on other pages (a caption, a paragraph's
  // continuation) are highlighted through `continuation`.
  const capSamePage = cap && cap.page === unit.page;
  const samePage = more.filter((m) => m.page === unit.page);
  const lineRects: Rect[] = [...unit.lineRects, ...(capSamePage ? cap.lineRects : []), ...samePage.flatMap((m) => m.lineRects)];
  const e: Evidence = {
    rank: 0,
    docId: c.doc.index.docId,
    unitId: unit.id,
    kind: unit.kind,
    page: unit.page,
    bbox: capSamePage || samePage.length ? rectUnion([unit.bbox, ...(capSamePage ? [cap.bbox] : []), ...samePage.map((m) => m.bbox)]) : unit.bbox,
    lineRects,
    text,
    section: unit.section,
    score: Math.round(c.score * 10000) / 10000,
    tokens: 0,
  };
  const elsewhere = [...(cap && !capSamePage ? [cap] : []), ...more.filter((m) => m.page !== unit.page)];
  if (elsewhere.length) {
    const byPage = new Map<number, Rect[]>();
    for (const m of elsewhere) byPage.set(m.page, [...(byPage.get(m.page) ?? []), ...m.lineRects]);
    e.continuation = [...byPage].sort((a, b) => a[0] - b[0]).map(([page, lineRects]) => ({ page, lineRects }));
  }
  const label = unit.label ?? cap?.label;
  if (label) e.label = label;
  e.tokens = counter.count(evidenceContext(e));
  return e;
}

/** Cuts the text at a word boundary to fit `limit` tokens, keeping the matching share of line rectangles. */
function truncateEvidence(e: Evidence, limit: number, counter: TokenCounter): Evidence {
  const parts = e.text.split(/(\s+)/);
  let lo = 0;
  let hi = parts.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const t = parts.slice(0, mid).join('') + ' …';
    if (counter.count(evidenceContext({ section: e.section, text: t })) <= limit) lo = mid;
    else hi = mid - 1;
  }
  const text = parts.slice(0, lo).join('').trimEnd() + ' …';
  const share = text.length / Math.max(1, e.text.length);
  const lines = e.lineRects.slice(0, Math.max(1, Math.ceil(e.lineRects.length * share)));
  // The text kept, without the ' …' that marks the cut.
  const kept = text.length - 2;
  const spans = e.spans
    ?.filter((sp) => sp.offset < kept)
    .map((sp) => (sp.offset + sp.end - sp.start <= kept ? sp : { ...sp, end: sp.start + (kept - sp.offset) }));
  return {
    ...e,
    ...(spans ? { spans } : {}),
    text,
    lineRects: lines,
    bbox: e.kind === 'paragraph' ? rectUnion(lines) : e.bbox,
    tokens: counter.count(evidenceContext({ section: e.section, text })),
  };
}
