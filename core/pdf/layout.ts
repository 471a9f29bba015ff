/** One page's layout: floats out of the text, columns, reading order, paragraphs and their kinds. */
import { classifyBlocks } from './classify.js';
import { detectColumns, readingOrder } from './columns.js';
import { findFloats } from './figures.js';
import { labelFigures } from './label-figures.js';
import { overlapShare } from './geometry.js';
import { buildParagraphs, type TextStats } from './paragraphs.js';
import type { Block, RawPage } from './types.js';

export interface PageLayout {
  columns: 1 | 2 | 'mixed';
  /** Text blocks in reading order with floats (figures, tables, captions, footnotes) placed among them. */
  blocks: Block[];
}

const SENTENCE_DONE = /[.!?:]["'”’)\]]?$/;

export function layoutPage(page: RawPage, stats: TextStats, outlineTitles: ReadonlySet<string> = new Set()): PageLayout {
  const found = findFloats(page.number, page.lines, page.marks, stats, page.width, page.height, page.gutters);
  const floats = found.floats;
  const rest = labelFigures(page.number, found.rest, floats, page.marks, stats, page.width, page.height);
  const layout = detectColumns(rest, page.width, page.gutters);
  const ordered = readingOrder(rest, layout);
  const flow = buildParagraphs(ordered, page.number, stats, outlineTitles);
  classifyBlocks(flow, stats, page.height, outlineTitles);
  const footnotes = flow.filter((b) => b.kind === 'footnote');
  const text = flow.filter((b) => b.kind !== 'footnote');
  return { columns: layout.columns, blocks: placeFloats(text, [...floats, ...footnotes]) };
}

function top(b: Block): number {
  return b.region ? b.region[1] : Math.min(...b.lines.map((l) => l.bbox[1]));
}

function xRange(b: Block): [number, number] {
  if (b.region) return [b.region[0], b.region[2]];
  return [Math.min(...b.lines.map((l) => l.bbox[0])), Math.max(...b.lines.map((l) => l.bbox[2]))];
}

/**
 * A float goes before the first text block below it that shares its horizontal span, but never inside a
 * sentence: when the text before that point stops mid-sentence the float moves past the continuation, so a
 * paragraph broken by a figure or a page turn stays adjacent in reading order.
 */
export function placeFloats(text: Block[], floats: Block[]): Block[] {
  const sortedFloats = [...floats].sort((a, b) => top(a) - top(b));
  const slots = new Map<number, Block[]>();
  for (const f of sortedFloats) {
    const [fx0, fx1] = xRange(f);
    let at = text.findIndex((t) => top(t) > top(f) && overlapShare(fx0, fx1, ...xRange(t)) > 0);
    if (at < 0) at = text.length;
    // Below the last text block, which runs on to the next page: the float goes before that block instead.
    if (at === text.length && at > 0 && text[at - 1].kind === 'paragraph' && !SENTENCE_DONE.test(text[at - 1].text)) at--;
    while (at > 0 && at < text.length && text[at - 1].kind === 'paragraph' && !SENTENCE_DONE.test(text[at - 1].text) && text[at].kind === 'paragraph') at++;
    // Text at the very top of a page most often continues the previous page: floats above it wait.
    if (at === 0 && text.length && text[0].kind === 'paragraph') at = 1;
    const list = slots.get(at) ?? [];
    list.push(f);
    slots.set(at, list);
  }
  const out: Block[] = [];
  for (let i = 0; i <= text.length; i++) {
    out.push(...(slots.get(i) ?? []));
    if (i < text.length) out.push(text[i]);
  }
  return out;
}
