/**
 * Running headers, footers and page numbers: text near the top or bottom edge that repeats across pages
 * (digits ignored, so "Page 3" and "Page 4" match). Publisher banners set sideways in the left or right
 * margin ("Downloaded from ... on June 5, 2024", licence notices) count too. Dropped before layout so they
 * never join paragraphs.
 */
import type { RawPage, Line } from './types.js';

/** Share of the page height, from either edge, where running heads and feet live. */
const EDGE_ZONE = 0.12;
// Supplements number their pages with a letter ("333a", "S12").
const PAGE_NUMBER = /^(page\s*)?[-–—]?\s*(s?\d{1,5}[a-e]?|[ivxlcdm]{1,7})\s*[-–—]?(\s*(of|\/)\s*\d{1,5})?$/i;

function zone(line: Line, page: RawPage): 'top' | 'bottom' | 'left' | 'right' | null {
  if (line.items[0].vertical) {
    if (line.bbox[2] <= page.width * EDGE_ZONE) return 'left';
    if (line.bbox[0] >= page.width * (1 - EDGE_ZONE)) return 'right';
  }
  if (line.bbox[3] <= page.height * EDGE_ZONE) return 'top';
  if (line.bbox[1] >= page.height * (1 - EDGE_ZONE)) return 'bottom';
  return null;
}

function key(line: Line, where: string): string {
  return where + ':' + line.text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
}

/** Removes furniture lines from every page in place; returns how many lines went. */
export function dropFurniture(pages: RawPage[]): number {
  const counts = new Map<string, number>();
  for (const p of pages) {
    const seen = new Set<string>();
    for (const l of p.lines) {
      const z = zone(l, p);
      if (z) seen.add(key(l, z));
    }
    for (const k of seen) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  // Alternating even/odd heads each repeat on half the pages; three repeats rule out coincidence.
  const minRepeats = pages.length <= 3 ? 2 : 3;
  let dropped = 0;
  for (const p of pages) {
    const keep: Line[] = [];
    for (const l of p.lines) {
      const z = zone(l, p);
      // Sideways marks in a margin without a letter (Nature's "1234567890():,;" on a first page) are printer's
      // furniture even on one page.
      const mark = (z === 'left' || z === 'right') && !/\p{L}/u.test(l.text);
      const furniture = z !== null && (mark || (counts.get(key(l, z)) ?? 0) >= minRepeats || PAGE_NUMBER.test(l.text.trim()));
      if (furniture) dropped++;
      else keep.push(l);
    }
    p.lines = keep;
  }
  return dropped;
}
