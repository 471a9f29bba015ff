/** Turns OCR lines into citable units and merges them into a parsed document in page order. */
import type { DocumentModel, Unit } from '../model/document.js';
import { rectUnion, type Rect } from '../model/geometry.js';
import type { OcrLine, OcrPage } from './ocr.js';

/** Below this tesseract confidence a line is mostly misread pictures (icons, charts, photos). */
const MIN_LINE_CONFIDENCE = 60;
/** Lines need this many letters or digits, most of their characters being such: "| = —" is not text. */
const MIN_ALNUM = 3;
const MIN_ALNUM_SHARE = 0.5;
/** A one-line paragraph this much taller than the page's typical line, and short, reads as a heading. */
const HEADING_HEIGHT_RATIO = 1.4;
const HEADING_MAX_WORDS = 12;

export function keepLine(line: OcrLine): boolean {
  if (line.confidence < MIN_LINE_CONFIDENCE) return false;
  const chars = line.text.replace(/\s/g, '');
  const alnum = chars.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  return alnum >= MIN_ALNUM && alnum >= chars.length * MIN_ALNUM_SHARE;
}

/** Ids start with `o` so they never meet the parser's `u` ids; page and position keep them stable per parse. */
function ocrId(page: number, i: number): string {
  return `o${String(page).padStart(5, '0')}${String(i).padStart(3, '0')}`;
}

export function ocrUnits(pages: readonly OcrPage[]): Unit[] {
  const units: Unit[] = [];
  for (const page of pages) {
    const paragraphs = page.paragraphs.flatMap((p) => splitRuns(p.lines.filter(keepLine)));
    const heights = paragraphs.flat().map((l) => l.bbox[3] - l.bbox[1]).sort((a, b) => a - b);
    const median = heights[Math.floor(heights.length / 2)] ?? 0;
    paragraphs.forEach((lines, i) => {
      const lineRects: Rect[] = lines.map((l) => l.bbox);
      const text = joinLines(lines.map((l) => l.text));
      const height = Math.max(...lineRects.map((r) => r[3] - r[1]));
      const heading = lines.length === 1 && heights.length > 2 && height >= median * HEADING_HEIGHT_RATIO && text.split(' ').length <= HEADING_MAX_WORDS;
      units.push({
        id: ocrId(page.page, i),
        kind: heading ? 'heading' : 'paragraph',
        page: page.page,
        bbox: rectUnion(lineRects),
        lineRects,
        text,
        section: [],
        // A line box spans ascenders to descenders, about 1.2 times the font size.
        fontSize: Math.round((height / 1.2) * 10) / 10,
        ocr: true,
      });
    });
  }
  return units;
}

/** Where the size jumps more than this between lines, or the gap exceeds a line, a new block starts. */
const SIZE_JUMP = 1.3;

/**
 * Tesseract often groups a slide title with the bullets under it; splitting where the text size or the
 * spacing changes keeps the title its own (heading) unit and the passages shorter.
 */
function splitRuns(lines: readonly OcrLine[]): OcrLine[][] {
  const runs: OcrLine[][] = [];
  let prev: OcrLine | undefined;
  for (const line of lines) {
    const h = line.bbox[3] - line.bbox[1];
    const ph = prev ? prev.bbox[3] - prev.bbox[1] : h;
    const jump = Math.max(h, ph) > SIZE_JUMP * Math.min(h, ph);
    const gap = prev ? line.bbox[1] - prev.bbox[3] > Math.max(h, ph) : false;
    if (!prev || jump || gap) runs.push([line]);
    else runs[runs.length - 1].push(line);
    prev = line;
  }
  return runs;
}

/** Joins lines the way the parser does for printed text: a hyphen at a line end splits one word. */
function joinLines(lines: readonly string[]): string {
  let text = '';
  for (const line of lines) {
    if (text.endsWith('-') && /^\p{Ll}/u.test(line)) text = text.slice(0, -1) + line;
    else text = text ? `${text} ${line}` : line;
  }
  return text;
}

/** A copy of `doc` with the OCR units placed among the parser's units by page, and those pages marked. */
export function mergeOcrUnits(doc: DocumentModel, pages: readonly OcrPage[]): DocumentModel {
  const added = ocrUnits(pages);
  const read = new Set(pages.map((p) => p.page));
  const units: Unit[] = [];
  let j = 0;
  for (const u of doc.units) {
    while (j < added.length && added[j].page < u.page) units.push(added[j++]);
    units.push(u);
  }
  units.push(...added.slice(j));
  return {
    ...doc,
    units,
    pages: doc.pages.map((p) => (read.has(p.number) ? { ...p, ocr: true } : p)),
  };
}
