/**
 * Sentence spans of a text block: each sentence of the block's text gets the rectangles of the lines
 * it covers, cut at the x where it starts or ends inside a line. Line texts are found in the block's
 * text (which may differ from their plain join: hyphens dropped, decoration lines left out), and a
 * character's x comes from the pdf.js text run holding it.
 */
import type { TextSpan } from '../model/document.js';
import { roundRect, type Rect } from '../model/geometry.js';
import { sentenceRanges } from '../model/sentences.js';
import type { Line } from './types.js';

interface PlacedLine {
  line: Line;
  /** Offset of the line's first character in the block text. */
  start: number;
}

/** Enough of a line's opening to find it again in the block text without matching an earlier word. */
const PROBE = 12;

function placeLines(text: string, lines: readonly Line[]): PlacedLine[] {
  const out: PlacedLine[] = [];
  let from = 0;
  for (const line of lines) {
    const t = line.text.trim();
    if (!t) continue;
    const at = text.indexOf(t.slice(0, PROBE), from);
    // A line not found (decoration, a bar of a formula) carries no text of the block.
    if (at < 0) continue;
    out.push({ line, start: at });
    // The next line starts after this one's text, less the hyphen a join may drop.
    from = at + Math.max(1, t.length - 2);
  }
  return out;
}

/**
 * x of a character edge in the line's text, from the run that holds the character: its left edge for
 * `offset` (where a span starts), or the right edge of the character before it (where a span ends), so
 * a span ending at a space stops at its last letter.
 */
function xAt(line: Line, offset: number, end: boolean): number {
  const [x0, , x1] = line.bbox;
  const text = line.text;
  if (offset <= 0) return x0;
  if (offset >= text.length) return x1;
  const c = end ? offset - 1 : offset;
  let from = 0;
  let lastRight = x0;
  for (const g of line.items) {
    const t = g.text.trim();
    if (!t) continue;
    const at = text.indexOf(t, from);
    if (at < 0) break;
    if (c < at) return end ? lastRight : g.x0;
    if (c < at + t.length) return g.x0 + ((g.x1 - g.x0) * (c - at + (end ? 1 : 0))) / t.length;
    from = at + t.length;
    lastRight = g.x1;
  }
  // Runs that cannot be matched (repaired glyphs): proportional to the line's length.
  return x0 + ((x1 - x0) * offset) / text.length;
}

export function sentenceSpans(text: string, lines: readonly Line[], page: number): TextSpan[] {
  const placed = placeLines(text, lines);
  if (!placed.length) return [];
  return sentenceRanges(text).map(([start, end]) => {
    const rects: Rect[] = [];
    placed.forEach((p, i) => {
      const lineEnd = i + 1 < placed.length ? placed[i + 1].start : text.length;
      if (p.start >= end || lineEnd <= start) return;
      const [x0, y0, x1, y1] = p.line.bbox;
      const a = start > p.start ? Math.max(x0, xAt(p.line, start - p.start, false)) : x0;
      const b = end < lineEnd ? Math.min(x1, xAt(p.line, end - p.start, true)) : x1;
      if (b > a) rects.push(roundRect([a, y0, b, y1]));
    });
    return { start, end, page, lineRects: rects };
  });
}
