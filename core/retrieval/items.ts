/**
 * Retrieval candidates ("items") built from a document's units. A figure or table absorbs its
 * caption, so the pair is scored and cited once; headings are not candidates but give their words
 * to the units under them; a figure/table also takes the words of the paragraphs that cite it.
 */
import type { DocumentModel, Unit } from '../model/document.js';
import type { FieldText } from './bm25.js';

export interface IndexItem {
  /** The unit cited and highlighted. */
  unitId: string;
  /** A figure's or table's caption unit, folded into the item. */
  captionId?: string;
  /**
   * Paragraph units that continue this one: the parser cuts paragraphs at column and page breaks,
   * and a sentence cut in two matches a question in neither half.
   */
  more?: string[];
}

/** A paragraph group stops growing past this many words. */
const MAX_GROUP_WORDS = 220;
/** A paragraph shorter than this is joined to the next: alone it is too small to be evidence. */
const MIN_WORDS = 25;
const SENTENCE_END = /[.!?:;]["'”’)\]]?$/;

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Page furniture and extraction debris ("1234567890():,;"): text with hardly any letters. */
function isDebris(text: string): boolean {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  return letters < 3 || letters / text.replace(/\s+/g, '').length < 0.3;
}

/**
 * Publisher furniture that layout leaves as text (licence and copyright notes, received/accepted/published
 * dates, download stamps) and figure-panel letters ("A A A", "D C MS SLE"): never an answer, and they
 * crowd out prose in a budget.
 */
const FURNITURE = /^(?:©|copyright ©|\(c\) \d{4}|published online|received:|accepted:|published:|downloaded from|open access this article|this article is licensed|this open access article)/i;

/**
 * A journal's label for the kind of paper ("Article", "Research Article", "EDGE ARTICLE") or its update badge,
 * standing alone: it names no finding, yet as a one-word item it ranks wherever "article" is asked about.
 */
const ARTICLE_LABEL = /^(?:(?:research|original|review|edge|short|brief|full|regular)\s+)?(?:article|paper|report|communication|letter|review)$|^check for updates$/i;

function isFurniture(text: string): boolean {
  const t = text.trim();
  if (ARTICLE_LABEL.test(t)) return true;
  if (FURNITURE.test(t) && t.split(/\s+/).length < 200) return true;
  const words = t.split(/\s+/);
  return words.length <= 8 && words.every((w) => /^\p{Lu}{1,3}$/u.test(w));
}

export interface FieldWeights {
  body: number;
  /** Text found inside a figure region (axis labels, legends): noisy, so it counts less than prose. */
  figureBody: number;
  caption: number;
  section: number;
  citing: number;
  neighbours: number;
}

export const DEFAULT_FIELD_WEIGHTS: FieldWeights = {
  body: 1,
  figureBody: 0.7,
  caption: 2,
  section: 0.4,
  citing: 0.3,
  neighbours: 0.15,
};

const CANDIDATE_KINDS = new Set(['paragraph', 'figure', 'table', 'caption', 'equation', 'footnote', 'reference']);

const unitMaps = new WeakMap<DocumentModel, Map<string, Unit>>();

export function unitMap(doc: DocumentModel): Map<string, Unit> {
  let m = unitMaps.get(doc);
  if (!m) {
    m = new Map(doc.units.map((u) => [u.id, u]));
    unitMaps.set(doc, m);
  }
  return m;
}

export function buildItems(doc: DocumentModel): IndexItem[] {
  const byId = unitMap(doc);
  // Slides and posters often hold their only words in a heading (the rest is pictures): there the
  // heading stands for the page, or the page could never be found.
  const pagesWithText = new Set<number>();
  for (const u of doc.units) {
    if (u.kind !== 'heading' && CANDIDATE_KINDS.has(u.kind) && u.text.trim() && !isDebris(u.text)) pagesWithText.add(u.page);
  }
  const items: IndexItem[] = [];
  for (const u of doc.units) {
    if (u.kind === 'heading' && !pagesWithText.has(u.page) && u.text.trim()) {
      items.push({ unitId: u.id });
      continue;
    }
    if (!CANDIDATE_KINDS.has(u.kind)) continue;
    if (u.kind === 'caption' && u.targetId && byId.has(u.targetId)) continue;
    if (u.kind === 'figure' || u.kind === 'table') {
      const cap = u.captionId && byId.has(u.captionId) ? u.captionId : undefined;
      items.push(cap ? { unitId: u.id, captionId: cap } : { unitId: u.id });
      continue;
    }
    if (!u.text.trim()) continue;
    if (u.kind === 'paragraph' && (isDebris(u.text) || isFurniture(u.text))) continue;
    const prev = items.at(-1);
    const prevUnit = prev ? byId.get(prev.more?.at(-1) ?? prev.unitId) : undefined;
    if (prev && prevUnit && continues(prevUnit, u, groupWords(byId, prev))) {
      (prev.more ??= []).push(u.id);
      continue;
    }
    items.push({ unitId: u.id });
  }
  return items;
}

function groupWords(byId: Map<string, Unit>, item: IndexItem): number {
  return [item.unitId, ...(item.more ?? [])].reduce((n, id) => n + wordCount(byId.get(id)?.text ?? ''), 0);
}

function continues(prev: Unit, u: Unit, prevWords: number): boolean {
  if (prev.kind !== 'paragraph' || u.kind !== 'paragraph') return false;
  if (Math.abs(u.page - prev.page) > 1 || prev.section.join('\u0000') !== u.section.join('\u0000')) return false;
  const words = wordCount(u.text);
  if (prevWords + words > MAX_GROUP_WORDS) return false;
  return !SENTENCE_END.test(prev.text.trim()) || prevWords < MIN_WORDS;
}

/** Every unit an item covers, the cited one first. */
export function itemUnitIds(item: IndexItem): string[] {
  return [item.unitId, ...(item.captionId ? [item.captionId] : []), ...(item.more ?? [])];
}

/** What the model reads for an item: a figure's caption first, then the text inside it. */
export function itemText(doc: DocumentModel, item: IndexItem): string {
  const byId = unitMap(doc);
  const u = byId.get(item.unitId);
  if (!u) return '';
  const cap = item.captionId ? byId.get(item.captionId) : undefined;
  if (item.more) return [u.text, ...item.more.map((id) => byId.get(id)?.text ?? '')].join('\n');
  if (!cap) return u.text;
  return u.text.trim() ? `${cap.text}\n${u.text}` : cap.text;
}

export function itemFields(doc: DocumentModel, items: IndexItem[], w: FieldWeights = DEFAULT_FIELD_WEIGHTS): FieldText[][] {
  const byId = unitMap(doc);
  const citing = new Map<string, string[]>();
  for (const u of doc.units) {
    for (const r of u.refs ?? []) {
      const list = citing.get(r) ?? [];
      if (list.length < 3) list.push(u.text);
      citing.set(r, list);
    }
  }
  return items.map((item, i) => {
    const u = byId.get(item.unitId) as Unit;
    const fields: FieldText[] = [];
    const isFigure = u.kind === 'figure' || u.kind === 'table';
    fields.push({ text: item.more ? itemText(doc, item) : u.text, weight: u.kind === 'figure' ? w.figureBody : w.body });
    if (item.captionId) fields.push({ text: byId.get(item.captionId)?.text ?? '', weight: w.caption });
    else if (u.kind === 'caption') fields.push({ text: u.text, weight: w.caption - w.body });
    if (u.label) fields.push({ text: u.label, weight: w.caption });
    const section = u.section.at(-1);
    if (section) fields.push({ text: section, weight: w.section });
    if (isFigure) {
      const cites = [...(citing.get(u.id) ?? []), ...(item.captionId ? (citing.get(item.captionId) ?? []) : [])];
      if (cites.length) fields.push({ text: cites.join('\n'), weight: w.citing });
    } else if (w.neighbours > 0) {
      const near = [items[i - 1], items[i + 1]]
        .map((n) => (n ? byId.get(n.unitId) : undefined))
        .filter((n): n is Unit => !!n && n.kind === 'paragraph' && Math.abs(n.page - u.page) <= 1);
      if (near.length) fields.push({ text: near.map((n) => n.text).join('\n'), weight: w.neighbours });
    }
    return fields;
  });
}

const LABEL_RE = /\b(fig(?:ure)?s?|tab(?:le)?s?)\.?\s*(S?\d+)([a-z])?\b/gi;

/** "Figure 3", "Fig. 3b", "table 2" -> "figure 3" / "table 2": the key a question and a unit share. */
export function labelKeys(text: string): string[] {
  const keys: string[] = [];
  for (const m of text.matchAll(LABEL_RE)) {
    const kind = m[1].toLowerCase().startsWith('fig') ? 'figure' : 'table';
    keys.push(`${kind} ${m[2].toLowerCase()}`);
  }
  return keys;
}

/** The label key of an item: from the unit's label, else from the start of its caption. */
export function itemLabelKey(doc: DocumentModel, item: IndexItem): string | undefined {
  const byId = unitMap(doc);
  const u = byId.get(item.unitId);
  if (!u) return undefined;
  const cap = item.captionId ? byId.get(item.captionId) : u.kind === 'caption' ? u : undefined;
  const source = u.label ?? cap?.label ?? cap?.text.slice(0, 20);
  if (!source) return undefined;
  const keys = labelKeys(source);
  return keys[0];
}
