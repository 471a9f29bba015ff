/** Kinds of text blocks beyond paragraphs: headings, footnotes and display equations. */
import { simplifyTitle } from './normalize.js';
import { columnEdges, isCentered, type TextStats } from './paragraphs.js';
import type { Block } from './types.js';

const NUMBERED_HEADING = /^(\d+(?:\.\d+)*\.?|[A-Z](?:\.\d+)*\.)\s+(\p{Lu}|\p{Lt}|[a-z]*[A-Z])/u;
/** Section names that papers use without numbers and often at body size. */
const NAMED_SECTION = /^(abstract|introduction|background|methods?|materials and methods|results|discussion|conclusions?|summary|references|bibliography|literature cited|acknowledge?ments?|appendix|appendices|related work|funding|data availability|author contributions|supplementary (material|information)|keywords?)\b/i;
const FOOTNOTE_START = /^(\d{1,2}|[*†‡§¶‖]|[a-z])\s?\S/;
const EQUATION_NUMBER = /\((\d+(?:\.\d+)?[a-z]?)\)$/;
// '^' and '_' are left out: typeset math never shows them, identifiers in code and tables do.
const MATHY = /[=+\u2212×∑∫≤≥≈∝∂∇√|∈∀∃→←⊗⊕αβγδεθλμσφψωΣΠΩ]/u;

export interface HeadingInfo {
  number?: string;
  title: string;
}

export function headingInfo(text: string): HeadingInfo {
  const m = /^(\d+(?:\.\d+)*|[A-Z](?:\.\d+)*)\.?\s+(.*)$/u.exec(text);
  if (m && NUMBERED_HEADING.test(text)) return { number: m[1], title: m[2].trim() };
  return { title: text.trim() };
}

/** Headings are words: not formulas, table rows or tick labels. */
function wordy(text: string): boolean {
  const chars = text.replace(/\s/g, '');
  const letters = (chars.match(/\p{L}/gu) ?? []).length;
  const digits = (chars.match(/\d/g) ?? []).length;
  const tokens = text.split(/\s+/);
  const single = tokens.filter((t) => /^\p{L}$/u.test(t)).length;
  if (!/\p{L}{3,}/u.test(text) || /[=<>|\\^_{}]/.test(text)) return false;
  return letters >= 0.6 * chars.length && digits <= 0.3 * chars.length && single <= 0.35 * tokens.length;
}

function looksLikeHeading(b: Block, stats: TextStats): boolean {
  if (b.lines.length > 3 || b.text.length > 160 || b.text.length < 2) return false;
  if (!wordy(b.text) || /-$/.test(b.text)) return false;
  if (/[,;]$/.test(b.text) || /^[\p{Ll}([]/u.test(b.text)) return false;
  const bigger = b.size >= stats.bodySize + 0.9;
  const otherFont = b.font !== stats.bodyFont;
  const numbered = NUMBERED_HEADING.test(b.text) && !/\.\s*$/.test(b.text.replace(/^[\d.]+/, ''));
  if (bigger && b.lines.length <= 2 && !/[.:]$/.test(b.text)) return true;
  if (otherFont && numbered && b.size >= stats.bodySize - 0.5 && b.text.split(' ').length <= 14) return true;
  if (otherFont && NAMED_SECTION.test(b.text) && b.text.split(' ').length <= 6) return true;
  return false;
}

/** Reclassifies one page's flow blocks in place. */
/**
 * Reclassifies one page's flow blocks in place. `outlineTitles` (simplified) are the PDF outline's entries:
 * a short block whose text is one of them is a heading whatever its font.
 */
export function classifyBlocks(blocks: Block[], stats: TextStats, pageHeight: number, outlineTitles: ReadonlySet<string> = new Set()): void {
  const edges = columnEdges(blocks.flatMap((b) => b.lines));
  for (const b of blocks) {
    if (b.kind !== 'paragraph') continue;
    const inOutline = outlineTitles.size > 0 && b.lines.length <= 3 && b.text.length <= 200 && (outlineTitles.has(simplifyTitle(b.text)) || outlineTitles.has(simplifyTitle(headingInfo(b.text).title)));
    if (inOutline || looksLikeHeading(b, stats)) {
      b.kind = 'heading';
      const info = headingInfo(b.text);
      b.number = info.number;
      if (info.number) b.label = `Section ${info.number}`;
      continue;
    }
    const top = Math.min(...b.lines.map((l) => l.bbox[1]));
    if (top > pageHeight * 0.6 && b.size <= stats.bodySize - 0.8 && FOOTNOTE_START.test(b.text)) {
      const small = b.lines[0].items[0].size < b.size - 0.5 || /^[*†‡§¶‖\d]/.test(b.text);
      if (small) {
        b.kind = 'footnote';
        b.float = true;
        continue;
      }
    }
    const e = edges.get(b.column);
    // Code and program output set in a typewriter font stay one listing paragraph, however mathy.
    if (e && b.lines.length <= 4 && !monospaced(b, stats)) {
      const em = b.size;
      const numbered = EQUATION_NUMBER.exec(b.text);
      const centered = b.lines.every((l) => isCentered(l, e, em) || (numbered !== null && l === b.lines[b.lines.length - 1]));
      if ((centered && MATHY.test(b.text) && b.text.split(' ').length < 40) || (numbered && MATHY.test(b.text) && b.lines[0].bbox[0] - e.left > 2 * em)) {
        b.kind = 'equation';
        if (numbered) b.label = `Eq. (${numbered[1]})`;
      }
    }
  }
  mergeBrokenHeadings(blocks, stats);
}

function monospaced(b: Block, stats: TextStats): boolean {
  if (!stats.monoFonts?.size) return false;
  let mono = 0;
  let all = 0;
  for (const l of b.lines) {
    for (const g of l.items) {
      const n = g.text.replace(/\s/g, '').length;
      all += n;
      if (stats.monoFonts.has(g.font)) mono += n;
    }
  }
  return mono > 0.5 * all;
}

/** A heading set on two lines can come out as two blocks (a centred second line): join them back. */
function mergeBrokenHeadings(blocks: Block[], stats: TextStats): void {
  for (let i = blocks.length - 1; i > 0; i--) {
    const a = blocks[i - 1];
    const b = blocks[i];
    if (a.kind !== 'heading' || b.kind !== 'heading' || b.number || a.column !== b.column) continue;
    if (Math.abs(a.size - b.size) > 0.5 || a.font !== b.font) continue;
    const gap = b.lines[0].baseline - a.lines[a.lines.length - 1].baseline;
    if (gap <= 0 || gap > 1.6 * Math.max(a.size, stats.leading)) continue;
    a.lines.push(...b.lines);
    a.text = `${a.text} ${b.text}`;
    blocks.splice(i, 1);
  }
}
