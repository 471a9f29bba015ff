/** Lines in reading order -> paragraph blocks, split on spacing, indentation, font and size changes. */
import { joinLines, simplifyTitle } from './normalize.js';
import { captionStart } from './captions.js';
import { referenceEntry } from './reference-entry.js';
import { attachScripts, displayText, findMathZones, notationHeight, proseLines, splitDisplay, wordless } from './display-math.js';
import type { Block, Glyphs, Line } from './types.js';

export interface TextStats {
  /** Dominant body font size and font over the whole document. */
  bodySize: number;
  bodyFont: string;
  /** Usual baseline-to-baseline distance of body text. */
  leading: number;
  /** Fonts whose every glyph has the same advance (typewriter: code listings and program output). */
  monoFonts?: ReadonlySet<string>;
}

interface ColumnEdges {
  left: number;
  right: number;
}

function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(p * (s.length - 1))))];
}

export function columnEdges(lines: readonly Line[]): Map<number, ColumnEdges> {
  const byCol = new Map<number, Line[]>();
  for (const l of lines) {
    const list = byCol.get(l.column) ?? [];
    list.push(l);
    byCol.set(l.column, list);
  }
  const out = new Map<number, ColumnEdges>();
  for (const [c, ls] of byCol) {
    out.set(c, { left: percentile(ls.map((l) => l.bbox[0]), 0.1), right: percentile(ls.map((l) => l.bbox[2]), 0.9) });
  }
  return out;
}

export const SENTENCE_END = /[.!?:;]["'”’)\]]?$/;

/** "3.2 Results", "4.1. Data", "A.1. Proofs", "IV. Experiments": a section number, then the title's first word. */
export const NUMBERED_HEADING = /^(\d+(?:\.\d+)*\.?|[A-Z](?:\.\d+)*\.|[IVX]{2,5}\.)\s+(\p{Lu}|\p{Lt}|[a-z]*[A-Z])/u;

/**
 * A heading set on its own line(s) at (about) body size in a font of its own ("4.2 Causal Explanation
 * Identification" in bold, then the body text after only a little extra space) ends there: `block` is the
 * paragraph so far, `line` the next line. The heading lines carry no other font (a bold lead-in phrase that
 * runs on into the text in the body font is a run-in heading and stays with its paragraph), the body font is
 * not theirs, and the last one does not finish a sentence. Then either it stops well short of the column's
 * right edge, or (a long title filling its line) some extra space sets it apart from the text below.
 */
function endsHeading(block: readonly Line[], line: Line, edges: ColumnEdges, stats: TextStats, spaced: boolean): boolean {
  const prev = block[block.length - 1];
  const font = block[0].font;
  if (block.length > 3 || font === line.font || font === stats.bodyFont) return false;
  // A letter from a symbol font ("Polη") is still the heading's; text in the font of the line after it is not.
  const otherRun = (g: Glyphs): boolean => g.font !== font && g.text.trim() !== '' && (g.font === stats.bodyFont || g.font === line.font || g.text.trim().length > 2);
  if (block.some((l) => l.size < stats.bodySize - 0.5 || l.items.some(otherRun))) return false;
  const text = joinLines(block.map((l) => l.text));
  if (/[.,;]$/.test(text) || text.length > 160 || referenceEntry(text)) return false;
  // Unnumbered, the heading must also stand a little above the body size (NAR's 10 pt subheads over
  // 9.3 pt text), which a bold or italic phrase of the text never does, and start as a title does.
  const sized = headingSized(block, stats);
  if (!NUMBERED_HEADING.test(text) && !(sized && TITLE_START.test(text) && !/:$/.test(text))) return false;
  // Set bigger than the text, a heading filling its line ends where a new sentence starts below it.
  return spaced || edges.right - prev.bbox[2] > 2 * Math.max(prev.size, line.size) || (sized && TITLE_START.test(line.text) && line.size < prev.size - 0.3);
}

/** A capital or a digit, or a name like "siRNA" or "mRNA" whose capitals come after its first letters. */
export const TITLE_START = /^(?:[\p{Lu}\p{N}]|\p{Ll}+\p{Lu})/u;

/** Lines set at least half a point above the body size. */
function headingSized(block: readonly Line[], stats: TextStats): boolean {
  return block.every((l) => l.size >= stats.bodySize + 0.5);
}

export function isCentered(line: Line, edges: ColumnEdges, em: number): boolean {
  const l = line.bbox[0] - edges.left;
  const r = edges.right - line.bbox[2];
  return l > 3 * em && r > 2 * em && Math.abs(l - r) < Math.max(l, r) * 0.8 + 2 * em;
}

/**
 * A line's size is its dominant run's, so a run-in heading set smaller than the text after it (PNAS: an
 * 8 pt bold lead-in, then 10 pt body on the same line) makes its lines look like a size change. Text that
 * goes on across the break in the same font and size (the lead-in wrapping, or the body after it) is
 * one paragraph; the size test is for lines that change type where they meet.
 */
function runContinues(prev: Line, line: Line): boolean {
  const last = [...prev.items].reverse().find((g) => g.text.trim() !== '');
  const first = line.items.find((g) => g.text.trim() !== '');
  if (!last || !first || last.font !== first.font || Math.abs(last.size - first.size) > 0.3) return false;
  // Both lines must carry the run, not just touch it: a tiny superscript or a lone mark says nothing.
  const share = (l: Line, g: Glyphs): number => l.items.filter((x) => x.font === g.font).reduce((n, x) => n + x.text.length, 0) / Math.max(1, l.text.length);
  if (share(line, first) < 0.3) return false;
  if (share(prev, last) >= 0.3) return true;
  // A run-in head filling its line but for the first word of the text ("... Activity. The"): the word after
  // the head's closing period goes on with the next line.
  const words = prev.items.filter((g) => g.text.trim() !== '');
  const before = words[words.length - 2];
  return !!before && before.font !== last.font && /[.:]$/.test(before.text.trim()) && /^\p{L}{2,}/u.test(last.text.trim());
}

const BULLET = /^[•●▪◦‣∙·■□►▸✓✔–—*-]$/u;

/**
 * Where the text of a list item starts, when the line opens with a bullet: a bullet character, or a lone
 * glyph in a font of its own and smaller (a dingbat font's "d" or "n"), standing apart from the text after it.
 */
export function bulletTextStart(line: Line): number | null {
  const items = line.items.filter((g) => g.text.trim() !== '');
  if (items.length < 2) return null;
  const [mark, text] = items;
  const glyph = mark.text.trim();
  if ([...glyph].length !== 1 || /\p{N}/u.test(glyph)) return null;
  // A word of one letter in another face ("R package ...") is text: a lettered mark must be set smaller too.
  const apart = text.x0 - mark.x1 >= 0.4 * text.size;
  const ownFace = mark.font !== text.font && mark.size < 0.8 * text.size;
  return apart && (BULLET.test(glyph) || ownFace) ? text.x0 : null;
}

/**
 * A section name in capitals over its first subhead in the same bold face ("RESULTS" / "In vivo
 * bacteriophage biopanning") is two headings, not one.
 */
export const capitalsOnly = (l: { text: string }): boolean => /\p{Lu}{3}/u.test(l.text) && !/\p{Ll}/u.test(l.text);

/**
 * `notation`: height of inline notation rows set between the two lines, not counted as spacing. `block`: the
 * text lines of the paragraph so far (`prev` is its last).
 */
function startsNewParagraph(prev: Line, line: Line, edges: ColumnEdges, stats: TextStats, notation = 0, block: readonly Line[] = [prev]): boolean {
  if (line.column !== prev.column) return true;
  if (line.bbox[1] < prev.bbox[1] - 1) return true; // moved up: a new column or band
  const em = Math.max(line.size, prev.size);
  const dy = line.baseline - prev.baseline;
  if (Math.abs(dy) < 0.3 * em) return false; // same visual line (an equation and its number, table cells)
  const expected = Math.max(stats.leading * (prev.size / stats.bodySize), prev.size * 1.05);
  if (dy - notation > expected * 1.45 + 0.5) return true;
  if (Math.abs(line.size - prev.size) > 0.8 && !runContinues(prev, line)) return true;
  if (captionStart(line)) return true;
  // Bulleted items: each bullet starts one; lines hanging under an item's text continue it whatever their font.
  if (bulletTextStart(line) !== null) return true;
  const item = bulletTextStart(block[0]);
  if (item !== null && Math.abs(line.bbox[0] - item) < 0.5 * em) return false;
  if (prev.font !== stats.bodyFont && line.font === prev.font && block.every(capitalsOnly) && !capitalsOnly(line) && prev.bbox[2] - prev.bbox[0] < 0.5 * (edges.right - edges.left)) return true;
  if (endsHeading(block, line, edges, stats, dy - notation > expected * 1.2)) return true;
  // A code listing's continuation lines are indented at will; only spacing and font end a listing.
  if (stats.monoFonts?.has(line.font) && stats.monoFonts.has(prev.font)) return false;
  const colWidth = edges.right - edges.left;
  const short = (l: Line): boolean => l.bbox[2] - l.bbox[0] < 0.6 * colWidth;
  // A short last line in another font ("…in the Journal of Statistical Software.") still ends its
  // paragraph when the line before it runs on: only a finished sentence lets a font change split.
  if (line.font !== prev.font && (short(prev) || (short(line) && SENTENCE_END.test(prev.text)))) return true;
  const indent = line.bbox[0] - edges.left;
  const prevIndent = prev.bbox[0] - edges.left;
  if (indent > 0.7 * em && indent < 5 * em && prevIndent < 0.4 * em) return true;
  // In an inset block (an abstract) the indented first line or the short last one can look centred within
  // the page column; two lines sharing an edge are flush text, not a centred line beside a flush one.
  const sharedEdge = Math.abs(line.bbox[2] - prev.bbox[2]) < em || Math.abs(line.bbox[0] - prev.bbox[0]) < 0.5 * em;
  if (!sharedEdge && isCentered(line, edges, em) !== isCentered(prev, edges, em)) return true;
  const prevEndsEarly = edges.right - prev.bbox[2] > 3 * em;
  if (prevEndsEarly && SENTENCE_END.test(prev.text)) return true;
  return false;
}

export function buildParagraphs(lines: readonly Line[], page: number, stats: TextStats, outlineTitles: ReadonlySet<string> = new Set()): Block[] {
  const ordered = attachScripts(lines);
  const edges = columnEdges(ordered);
  // A line that is exactly an outline entry is a heading line: it stands alone whatever the spacing.
  const titledLines = new Set(outlineTitles.size ? ordered.filter((l) => outlineTitles.has(simplifyTitle(l.text))) : []);
  const titled = (l: Line): boolean => titledLines.has(l);
  const { decoration, leading, stray, displays } = findMathZones(ordered, proseLines(ordered, edges, stats), edges, stats);
  const blocks: Block[] = [];
  let cur: Line[] = [];
  // Inline notation met before the line it belongs to waits for that line's paragraph.
  let pending: Line[] = [];
  let later: Line[] = [];
  const flush = (): void => {
    // Bars and brackets of inline formulas set apart from the words are highlighted with the paragraph
    // but are no text (and must not stand between a word broken across two lines).
    const text = cur.filter((l) => !decoration.has(l) || !wordless(l));
    if (text.length) {
      const b = toBlock('paragraph', cur, page);
      if (text.length < cur.length) b.text = joinLines(text.map((l) => l.text));
      // A block without text (only pieces of brackets) is nothing to read or cite.
      if (b.text) blocks.push(b);
    }
    cur = [];
    const aside = later.length ? toBlock('paragraph', later, page) : null;
    if (aside?.text) blocks.push(aside);
    later = [];
  };
  for (let i = 0; i < ordered.length; i++) {
    const end = displays.get(i);
    if (end !== undefined) {
      flush();
      for (const group of splitDisplay(ordered.slice(i, end))) {
        const b = toBlock('equation', group, page);
        b.text = displayText(group);
        if (b.text) blocks.push(b);
      }
      i = end - 1;
      continue;
    }
    const line = ordered[i];
    if (stray.has(line)) {
      later.push(line);
      continue;
    }
    if (decoration.has(line)) {
      if (cur.length && !leading.has(line)) cur.push(line);
      else pending.push(line);
      continue;
    }
    const at = cur.findLastIndex((l) => !decoration.has(l));
    const prev = cur[at];
    const notation = prev ? notationHeight([...cur.slice(at + 1), ...pending], prev, line, stats) : 0;
    // The paragraph's text lines so far, but no more than four: only a block of up to three can be a
    // heading (endsHeading), and copying every line of a long paragraph per line would be quadratic.
    const block: Line[] = [];
    for (const l of cur) if (!decoration.has(l) && block.push(l) > 3) break;
    if (prev && (titled(prev) || titled(line) || startsNewParagraph(prev, line, edges.get(line.column) ?? { left: 0, right: 1e9 }, stats, notation, block))) flush();
    cur.push(...pending, line);
    pending = [];
  }
  cur.push(...pending);
  flush();
  return blocks;
}

/** Top and bottom of a text block: its highest and lowest line. */
export const blockTop = (b: Block): number => Math.min(...b.lines.map((l) => l.bbox[1]));
export const blockBottom = (b: Block): number => Math.max(...b.lines.map((l) => l.bbox[3]));

export function toBlock(kind: Block['kind'], lines: Line[], page: number): Block {
  const sizes = new Map<number, number>();
  const fonts = new Map<string, number>();
  for (const l of lines) {
    sizes.set(l.size, (sizes.get(l.size) ?? 0) + l.text.length);
    fonts.set(l.font, (fonts.get(l.font) ?? 0) + l.text.length);
  }
  const top = (m: Map<string | number, number>): string | number => [...m.entries()].sort((a, b) => b[1] - a[1])[0][0];
  return {
    kind,
    page,
    lines,
    text: joinLines(lines.map((l) => l.text)),
    size: top(sizes) as number,
    font: top(fonts) as string,
    column: lines[0].column,
  };
}
