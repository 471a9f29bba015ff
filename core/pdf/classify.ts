/** Kinds of text blocks beyond paragraphs: headings, footnotes and display equations. */
import { simplifyTitle } from './normalize.js';
import { EQUATION_NUMBER, monospaced } from './display-math.js';
import { referenceEntry } from './reference-entry.js';
import { blockBottom, blockTop, capitalsOnly, columnEdges, isCentered, NUMBERED_HEADING, TITLE_START, type TextStats } from './paragraphs.js';
import type { Block } from './types.js';

/** Section names that papers use without numbers and often at body size. */
const SECTION_NAMES =
  'abstract|author summary|introduction|background|methods?|materials? and methods|results|discussion|conclusions?|summary|references|bibliography|literature cited|acknowledge?ments?|appendix|appendices|related work|funding|data availability|author contributions|supplementary (?:material|information)|keywords?';
const NAMED_SECTION = new RegExp(`^(?:${SECTION_NAMES})\\b`, 'i');
const SECTION_NAME = new RegExp(`^(?:${SECTION_NAMES})[.:]?$`, 'i');

/** The whole heading is one of the names papers give their sections ("Results", "MATERIALS AND METHODS"). */
export function sectionName(text: string): boolean {
  return SECTION_NAME.test(text.trim());
}

const FOOTNOTE_START = /^(\d{1,2}|[*†‡§¶‖]|[a-z])\s?\S/;
// '^' and '_' are left out: typeset math never shows them, identifiers in code and tables do. So are '+',
// '|' and lone Greek letters: "KIR+ CD8", "View Journal | View Issue" and "α2,6" are labels, not formulas.
const MATHY = /[=\u2212×∑∫≤≥≈∝∂∇√∈∀∃→←⊗⊕]/u;

export interface HeadingInfo {
  number?: string;
  title: string;
}

/** A heading's number: arabic ("3.2"), a letter ("A", "A.1"), Roman ("IV") or an IEEE outline's "II-A". */
const HEADING_NUMBER = /^(\d+(?:\.\d+)*|[A-Z](?:\.\d+)*|[IVX]{1,5}-[A-Z]|[IVX]{2,5})\.?\s+(.*)$/u;

/**
 * Number and title of a heading (or outline entry). Beyond NUMBERED_HEADING, a text already known to be a
 * heading may go on in lower case after a dotted number ("3.1. strucchange: ...", a package name), and outline
 * entries of IEEE papers number without a dot ("II Related work", "II-A Data").
 */
export function headingInfo(text: string): HeadingInfo {
  const m = HEADING_NUMBER.exec(text);
  const numbered = NUMBERED_HEADING.test(text) || /^\d+(?:\.\d+)+\.?\s+\p{Ll}/u.test(text) || /^(?:[IVX]{1,5}-[A-Z]|[IVX]{2,5})\s+\p{Lu}/u.test(text);
  if (m && numbered) return { number: m[1], title: m[2].trim() };
  return { title: text.trim() };
}

/**
 * Headings are words: not formulas, table rows or tick labels. `code`: names with underscores are words too
 * (a numbered title naming a function, "Labels in the borders: labeling_text()").
 */
export function wordy(text: string, code = false): boolean {
  const chars = text.replace(/\s/g, '');
  const letters = (chars.match(/\p{L}/gu) ?? []).length;
  const digits = (chars.match(/\d/g) ?? []).length;
  const tokens = text.split(/\s+/);
  const single = tokens.filter((t) => /^\p{L}$/u.test(t)).length;
  if (!/\p{L}{3,}/u.test(text) || (code ? /[=<>|\\^{}]/ : /[=<>|\\^_{}]/).test(text)) return false;
  return letters >= 0.6 * chars.length && digits <= 0.3 * chars.length && single <= 0.35 * tokens.length;
}

/** A labelled list of keywords ("Keywords: proteomics; genomics", "Index Terms—NER, ..."): front matter, not a section. */
const KEYWORD_LIST = /^(?:key\s?words?|index terms)\s*[:.—–-]\s*\S/i;

function looksLikeHeading(b: Block, stats: TextStats): boolean {
  if (b.lines.length > 3 || b.text.length > 160 || b.text.length < 2 || KEYWORD_LIST.test(b.text)) return false;
  const hasNumber = NUMBERED_HEADING.test(b.text);
  // A numbered title is judged without the years it cites ("5.2. Petersen (2009)").
  const words = hasNumber ? b.text.replace(/\(\d{4}[a-z]?\)/g, '') : b.text;
  if (!wordy(words, hasNumber) || /-$/.test(b.text) || referenceEntry(b.text)) return false;
  if (/[,;]$/.test(b.text) || (/^[\p{Ll}([]/u.test(b.text) && !TITLE_START.test(b.text))) return false;
  const bigger = b.size >= stats.bodySize + 0.9;
  const otherFont = b.font !== stats.bodyFont;
  const numbered = hasNumber && !/\.\s*$/.test(b.text.replace(/^[\d.]+/, ''));
  if (bigger && b.lines.length <= 2 && !/[.:]$/.test(b.text)) return true;
  // A little above body size in a font of its own, on up to three lines: an unnumbered subhead (NAR, 10 pt over 9.3 pt).
  if (otherFont && b.size >= stats.bodySize + 0.5 && !/[.:]$/.test(b.text) && b.text.split(' ').length <= 16) return true;
  if (otherFont && numbered && b.size >= stats.bodySize - 0.5 && b.text.split(' ').length <= 14) return true;
  if (otherFont && NAMED_SECTION.test(b.text) && b.text.split(' ').length <= 6) return true;
  return false;
}

/** Sentence end of the text a subhead follows, a superscript reference number after it included ("observed.23"). */
const ENDS_SENTENCE = /[.!?)\]]["'”’]?[\d,–-]*$/;

/**
 * A subhead in a font of its own set at body size (within half a point) or up to 1 pt under it (Science's
 * sans-serif run of 8.2 pt over 8.7 pt serif text). Size and font alone also fit figure labels, sidebars and
 * table header rows, so the block must also sit where a subhead sits: after a finished paragraph (or atop its
 * column), right over a body-font paragraph that starts at the same edge, its lines stacked (cells of a header
 * row stand side by side).
 */
function subheadInOwnFont(blocks: readonly Block[], i: number, stats: TextStats): boolean {
  const b = blocks[i];
  if (b.font === stats.bodyFont || stats.monoFonts?.has(b.font) || b.lines.length > 2) return false;
  if (b.lines.some((l, k) => k > 0 && l.bbox[1] < b.lines[k - 1].bbox[3] - 1)) return false;
  if (b.size < stats.bodySize - 1 || b.size >= stats.bodySize + 0.5) return false;
  const n = b.text.split(' ').length;
  if (n < 2 || n > 16 || /[.:;,-]$/.test(b.text) || !/^\p{Lu}/u.test(b.text) || !wordy(b.text) || referenceEntry(b.text)) return false;
  const next = blocks.slice(i + 1).find((x) => x.column === b.column);
  if (!next || next.kind !== 'paragraph' || next.font !== stats.bodyFont || next.lines.length < 2) return false;
  const gap = blockTop(next) - blockBottom(b);
  if (gap < 0 || gap > 1.5 * stats.leading) return false;
  if (Math.abs(next.lines[0].bbox[0] - b.lines[0].bbox[0]) > 2 * stats.bodySize) return false;
  const prev = blocks.slice(0, i).reverse().find((x) => x.column === b.column);
  return !prev || prev.kind !== 'paragraph' || ENDS_SENTENCE.test(prev.text);
}

/** Makes a block a heading with its number and label; `subhead`: found as one (it ranks under the named sections). */
export function markHeading(b: Block, subhead = false): Block {
  const info = headingInfo(b.text);
  b.kind = 'heading';
  if (subhead) b.subhead = true;
  b.number = info.number;
  if (info.number) b.label = `Section ${info.number}`;
  return b;
}

/** How a paper's history, editor or licence is announced ("Received: ...", "Published April 24, 2024.", "© The Author(s)"). */
const PUBLISHER_NOTE = /^(?:(?:received|revised|accepted|published(?: online)?|first published|editorial decision|advance access publication(?: date)?)\b\W*(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|on\b|in\b)|(?:edited|reviewed) by\b|handling editor\b|article history\b|©|copyright\b|(?:this is an |this |open access this )(?:open access )?article (?:is )?(?:distributed|licensed))/i;

const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
/** A date and nothing else ("Tuesday, February 22, 2022", "22 February 2022"): a running head or a dateline, never a section. */
const DATE_ONLY = new RegExp(`^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\\s+)?(?:${MONTH}\\s+\\d{1,2},?|\\d{1,2}\\s+${MONTH})\\s+\\d{4}$`, 'i');

/**
 * A licence in a page's foot line, after the journal's citation line ("Current Biology 34, 1469–1478,
 * April 8, 2024 © 2024 The Authors. Published by Elsevier Inc."), where the © may come out as another glyph.
 */
const LICENCE_FOOT = /\b(?:19|20)\d\d,? the authors?\b.{0,40}\bpublished by\b|\bopen access article under\b/i;

/**
 * A publisher's note set smaller than the text (the first page's dates, editor, licence; sidebars and
 * margin lines of PNAS, NAR, Nature journals, Cell Press): never part of the prose beside it.
 */
function publisherNote(b: Block, stats: TextStats, atFoot: boolean): boolean {
  if (b.lines.length > 8) return false;
  // At the foot of the page a licence is the publisher's whatever its size; elsewhere only in small print.
  if (atFoot && b.size <= stats.bodySize + 0.2 && LICENCE_FOOT.test(b.text)) return true;
  return b.size <= stats.bodySize - 0.5 && PUBLISHER_NOTE.test(b.text);
}

/**
 * A block in lower case that reads like an outline entry is only a heading when set apart by its font: a
 * table cell "spacing" in the body font, code "summary()" in the typewriter font or a paragraph's last line
 * "flow cytometry." are not the sections "Spacing", "Summary" or "Flow cytometry".
 */
function notTitle(b: Block, stats: TextStats): boolean {
  if (!/^\p{Ll}/u.test(b.text)) return false;
  return b.font === stats.bodyFont || stats.monoFonts?.has(b.font) === true || /\.$/.test(b.text);
}

/**
 * Reclassifies one page's flow blocks in place. `outlineTitles` (simplified) are the PDF outline's entries:
 * a short block whose text is one of them is a heading whatever its font.
 */
export function classifyBlocks(blocks: Block[], stats: TextStats, pageHeight: number, outlineTitles: ReadonlySet<string> = new Set()): void {
  const edges = columnEdges(blocks.flatMap((b) => b.lines));
  for (const [i, b] of blocks.entries()) {
    if (b.kind !== 'paragraph') continue;
    // An issue's date over a one-page excerpt is a running head that repetition cannot reveal.
    if (DATE_ONLY.test(b.text.trim())) continue;
    const top = Math.min(...b.lines.map((l) => l.bbox[1]));
    // A numbered section always has text after its heading on the same page: a last line at the foot of the
    // page naming one is a running foot ("32.23. v1.0rc1 (13/12/2019)" beside the page number).
    const foot = b === blocks[blocks.length - 1] && top > pageHeight * 0.9 && headingInfo(b.text).number !== undefined;
    const inOutline = !foot && outlineTitles.size > 0 && !notTitle(b, stats) && b.lines.length <= 3 && b.text.length <= 200 && (outlineTitles.has(simplifyTitle(b.text)) || outlineTitles.has(simplifyTitle(headingInfo(b.text).title)));
    const heading = !inOutline && !foot && looksLikeHeading(b, stats);
    const subhead = !inOutline && !foot && !heading && subheadInOwnFont(blocks, i, stats);
    if (inOutline || heading || subhead) {
      markHeading(b, subhead);
      continue;
    }
    if (publisherNote(b, stats, top > pageHeight * 0.85)) {
      b.kind = 'footnote';
      b.float = true;
      continue;
    }
    if (top > pageHeight * 0.6 && b.size <= stats.bodySize - 0.8 && FOOTNOTE_START.test(b.text) && !referenceEntry(b.text)) {
      const small = b.lines[0].items[0].size < b.size - 0.5 || /^[*†‡§¶‖\d]/.test(b.text);
      if (small) {
        b.kind = 'footnote';
        b.float = true;
        continue;
      }
    }
    const e = edges.get(b.column);
    // Code and program output set in a typewriter font stay one listing paragraph, however mathy.
    if (e && b.lines.length <= 4 && !monospaced(b.lines, stats)) {
      const em = b.size;
      const numbered = EQUATION_NUMBER.exec(b.text);
      const centered = b.lines.every((l) => isCentered(l, e, em) || (numbered !== null && l === b.lines[b.lines.length - 1]));
      if ((centered && MATHY.test(b.text) && !/https?:\/\/|www\./.test(b.text) && b.text.split(' ').length < 40) || (numbered && MATHY.test(b.text) && b.lines[0].bbox[0] - e.left > 2 * em)) {
        b.kind = 'equation';
        if (numbered) b.label = `Eq. (${numbered[1]})`;
      }
    }
  }
  for (const b of blocks) {
    const numbered = b.kind === 'equation' && !b.label ? EQUATION_NUMBER.exec(b.text) : null;
    if (numbered) b.label = `Eq. (${numbered[1]})`;
  }
  mergeBrokenHeadings(blocks, stats);
  foldContinuedDisplays(blocks, edges);
}

/** Text after a display that goes on with the sentence around it: "where ...", "with ...", "Here, ...". */
const CONTINUES_DISPLAY = /^(?:\p{Ll}|(?:Where|Whereas|Here|With)\b)/u;

/**
 * Text after a display formula that explains it ("where σ is ...") finishes the paragraph the formula
 * interrupts: it joins that paragraph, and the formula (still its own equation unit, with its number)
 * follows the paragraph in reading order. Without a paragraph just above in the same column (the formula
 * opens a column or page), the explanation moves before the formula so it stays next to the text it
 * continues. Text indented as a new paragraph, or starting a new sentence another way, changes nothing.
 */
function foldContinuedDisplays(blocks: Block[], edges: Map<number, { left: number; right: number }>): void {
  const top = blockTop;
  const bottom = blockBottom;
  for (let i = 0; i < blocks.length; i++) {
    if (blocks[i].kind !== 'equation') continue;
    const column = blocks[i].column;
    let j = i;
    while (j < blocks.length && blocks[j].kind === 'equation' && blocks[j].column === column) j++;
    const after = blocks[j];
    const e = edges.get(column);
    const first = after?.lines[0];
    const continues =
      after !== undefined && after.kind === 'paragraph' && after.column === column && e !== undefined && CONTINUES_DISPLAY.test(after.text) && first.bbox[0] - e.left < 0.7 * first.size && top(after) >= bottom(blocks[j - 1]) - 1;
    if (continues) {
      const before = blocks[i - 1];
      // A display right after a short line can rise beside it (TeX's short skip): compare tops, not edges.
      if (before?.kind === 'paragraph' && before.column === column && top(before) < top(blocks[i])) {
        before.lines.push(...after.lines);
        before.text = `${before.text} ${after.text}`;
        blocks.splice(j, 1);
      } else {
        blocks.splice(j, 1);
        blocks.splice(i, 0, after);
        j++;
      }
    }
    i = j - 1;
  }
}

/** A heading set on two lines can come out as two blocks (a centred second line): join them back. */
function mergeBrokenHeadings(blocks: Block[], stats: TextStats): void {
  for (let i = blocks.length - 1; i > 0; i--) {
    const a = blocks[i - 1];
    const b = blocks[i];
    if (a.kind !== 'heading' || b.kind !== 'heading' || b.number || a.column !== b.column) continue;
    if (Math.abs(a.size - b.size) > 0.5 || a.font !== b.font || (capitalsOnly(a) && !capitalsOnly(b))) continue;
    const gap = b.lines[0].baseline - a.lines[a.lines.length - 1].baseline;
    if (gap <= 0 || gap > 1.6 * Math.max(a.size, stats.leading)) continue;
    a.lines.push(...b.lines);
    a.text = `${a.text} ${b.text}`;
    blocks.splice(i, 1);
  }
}
