/** The section tree: the PDF outline when the file has one, else heading numbering and font size. */
import type { SectionNode } from '../model/document.js';
import { headingInfo, sectionName } from './classify.js';
import { simplifyTitle } from './normalize.js';
import { capitalsOnly } from './paragraphs.js';
import type { Block } from './types.js';

export interface OutlineEntry {
  title: string;
  level: number;
  page: number;
}

const simplify = simplifyTitle;

/**
 * Sets level on every heading block (in reading order). Outline entries give levels to the headings they
 * name; numbered headings take their depth ("3.2" = 2); the rest rank by font size.
 */
export function assignLevels(headings: Block[], outline: readonly OutlineEntry[]): void {
  const outlineLevel = new Map<string, number>();
  for (const o of outline) {
    outlineLevel.set(simplify(o.title), o.level);
    outlineLevel.set(simplify(headingInfo(o.title).title), o.level);
  }
  const depths = numberDepths(headings);
  const numberedSizes = new Map<number, number>();
  for (const h of headings) {
    const depth = depths.get(h);
    if (depth === undefined) continue;
    numberedSizes.set(depth, Math.max(numberedSizes.get(depth) ?? 0, h.size));
  }
  // Capitals rank a heading above mixed-case ones set about as large ("RESULTS" at 9 pt over 9.5 pt subheads).
  const styleRank = (h: Block): number => h.size + (capitalsOnly(h) ? 0.75 : 0);
  // Named sections in one font and size are one level, though one of them is in capitals ("DISCUSSION"
  // beside "Introduction" and "Materials and Methods"): the capitals then mark no rank.
  const namedRank = new Map<string, number>();
  for (const h of headings) {
    if (h.number || !sectionName(h.text)) continue;
    const style = `${h.font}@${h.size}`;
    // The lowest: capitals lift a style only when all its named sections are in capitals (NAR's "RESULTS").
    namedRank.set(style, Math.min(namedRank.get(style) ?? Infinity, styleRank(h)));
  }
  const namedRanks = new Set(namedRank.values());
  const rank = (h: Block): number => {
    const named = namedRank.get(`${h.font}@${h.size}`);
    if (h.number) return styleRank(h);
    // A subhead in a font of its own as large as a named section ("Cloning of GAPR-1" under "Results") is under it.
    if (named === undefined) return h.subhead && namedRanks.has(styleRank(h)) ? styleRank(h) - 0.01 : styleRank(h);
    // Subheads found by sharing the named sections' style sit just under them.
    return sectionName(h.text) ? named : h.subhead ? named - 0.01 : styleRank(h);
  };
  const unnumberedSizes = [...new Set(headings.filter((h) => !h.number).map(rank))].sort((a, b) => b - a);
  const fromOutline = (h: Block): number | undefined => outlineLevel.get(simplify(h.text)) ?? outlineLevel.get(simplify(headingInfo(h.text).title));
  // Headings the outline leaves out take the level of outline headings set in the same font and size.
  const styleLevel = new Map<string, number>();
  for (const h of headings) {
    const level = fromOutline(h);
    const style = `${h.font}@${h.size}`;
    if (level !== undefined && !styleLevel.has(style)) styleLevel.set(style, level);
  }
  let lastNumbered: number | undefined;
  for (const h of headings) {
    const outlined = fromOutline(h) ?? styleLevel.get(`${h.font}@${h.size}`);
    if (h.number) lastNumbered = depths.get(h) ?? 1;
    if (outlined !== undefined) h.level = outlined;
    else if (h.number) h.level = depths.get(h) ?? 1;
    // A subhead found by its style or place inside a numbered section is that section's ("Nonrecurring Fair
    // Value Measurements" in a 10-K's "5. Fair Value Measurements"), whatever numbered level its size is near.
    else if (h.subhead && lastNumbered !== undefined) h.level = lastNumbered + 1;
    // Larger than every numbered heading (the paper's title): the top level.
    else if (numberedSizes.size && h.size > Math.max(...numberedSizes.values()) + 0.5) h.level = 1;
    else if (numberedSizes.size) {
      // Same size as the numbered level whose size is closest: "References" sits beside "5 Discussion".
      let best = 1;
      let bestD = Infinity;
      for (const [depth, size] of numberedSizes) {
        const d = Math.abs(size - h.size) + depth * 0.01;
        if (d < bestD) {
          bestD = d;
          best = depth;
        }
      }
      h.level = best;
    } else h.level = unnumberedSizes.indexOf(rank(h)) + 1;
  }
  liftFrontHeadings(headings);
}

const FRONT_HEADING = /^(?:abstract|author summary|summary)[.:]?$/i;

/**
 * An abstract is a part of the paper beside its sections, though often set smaller than them (AAAI: a
 * 10 pt "Abstract" over 12 pt sections and 11 pt subsections): it takes the level of the section after it.
 */
function liftFrontHeadings(headings: readonly Block[]): void {
  for (let i = 0; i < headings.length; i++) {
    const h = headings[i];
    const front = !h.number && FRONT_HEADING.test(h.text.trim());
    // Only the paper's own abstract: past the first body section (a chapter's closing "Summary") nothing moves.
    if (!front && (h.number !== undefined || sectionName(h.text))) break;
    if (!front) continue;
    const next = headings.slice(i + 1).find((n) => n.number !== undefined || sectionName(n.text));
    if (next?.level !== undefined && h.level !== undefined && next.level < h.level) h.level = next.level;
  }
}

const ROMAN: Record<string, number> = { I: 1, V: 5, X: 10 };

function romanValue(s: string): number {
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const d = ROMAN[s[i]];
    const next = ROMAN[s[i + 1]] ?? 0;
    v += d < next ? -d : d;
  }
  return v;
}

/**
 * Depth of each numbered heading: "3.2" = 2, "A.1" = 2. Papers numbering sections in Roman numerals (IEEE:
 * "II. Method", "A. Data", "B. Model", "III. Results") put the lettered ones a level below; "I", "V" and "X"
 * are Roman when they come next in the count ("IV." then "V."), letters otherwise ("A.", "B.").
 */
function numberDepths(headings: readonly Block[]): Map<Block, number> {
  const depths = new Map<Block, number>();
  const romanPaper = headings.some((h) => h.number !== undefined && /^[IVX]{2,5}$/.test(h.number));
  let roman = 0;
  for (const h of headings) {
    if (!h.number) continue;
    const isRoman = romanPaper && /^[IVX]{1,5}$/.test(h.number) && (h.number.length > 1 || romanValue(h.number) === roman + 1);
    if (isRoman) roman = romanValue(h.number);
    const lettered = romanPaper && !isRoman && roman > 0 && /^[A-Z]\b/.test(h.number);
    // IEEE writes a subsection under a Roman section as "II-A": the hyphen is a level like the dot.
    depths.set(h, h.number.split(/[.-]/).length + (lettered ? 1 : 0));
  }
  return depths;
}

/** Builds the tree from heading units in reading order; outline entries no heading matched are added too. */
export function buildTree(
  headings: { title: string; number?: string; level: number; page: number; unitId?: string }[],
  outline: readonly OutlineEntry[],
): SectionNode[] {
  // An outline entry can leave out what follows a colon in the heading ("Labels in the borders" for
  // "4.1. Labels in the borders: labeling_text()"): it still names that heading.
  const matched = new Set(
    headings.flatMap((h) => {
      const title = headingInfo(h.title).title;
      return [simplify(h.title), simplify(title), simplify(title.replace(/:.*$/, ''))];
    }),
  );
  const extra = outline
    .filter((o) => !matched.has(simplify(o.title)) && !matched.has(simplify(headingInfo(o.title).title)))
    .map((o) => ({ title: o.title, level: o.level, page: o.page, number: headingInfo(o.title).number }));
  // Outline-only entries slot in by page; headings keep their reading order.
  const all: { title: string; number?: string; level: number; page: number; unitId?: string }[] = [...headings];
  for (const e of extra) {
    const at = all.findIndex((h) => h.page > e.page);
    all.splice(at < 0 ? all.length : at, 0, e);
  }
  const roots: SectionNode[] = [];
  const stack: SectionNode[] = [];
  for (const h of all) {
    const node: SectionNode = { title: h.title, level: h.level, page: h.page, children: [] };
    if (h.number) node.number = h.number;
    if (h.unitId) node.unitId = h.unitId;
    while (stack.length && stack[stack.length - 1].level >= node.level) stack.pop();
    if (stack.length) stack[stack.length - 1].children.push(node);
    else roots.push(node);
    stack.push(node);
  }
  return roots;
}
