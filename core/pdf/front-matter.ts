/**
 * The band of a paper's first page between the top and the abstract: title, author names with affiliation
 * marks, affiliations, e-mail addresses. Set centred in several sizes and fonts, it leaves layout as short
 * blocks that look like headings ("Yaosheng Yang1, Meishan Zhang4, ...") and as pieces of one line split at
 * a superscript ("Tsolak Ghukasyan1, Garnik Davtyan" / "2" / ", Karen Avetisyan3"), the title itself in
 * pieces when a glyph comes from another font ("Off" / "ensive Language Detection"). Here the title is one
 * heading again, the pieces of a byline are one line, and no byline is a section heading.
 */
import { makeLine } from './lines.js';
import { blockBottom, blockTop, toBlock } from './paragraphs.js';
import type { Block, Glyphs, Line } from './types.js';

/** Where the body starts: the abstract, a first section, or running prose. */
const BODY_HEADING = /^(abstract|a\s?b\s?s\s?t\s?r\s?a\s?c\s?t|introduction|keywords?|summary|background)\b|^(\d+|[IVX]+)\.?\s+\p{Lu}/iu;
const AFFILIATION =
  /\b(universit\w*|institut\w*|department|dept\.|laborator\w*|school of|college|faculty|academy|cent(re|er) for|hospital|inc\.|ltd\b|corporation|gmbh)|@|\b[A-Z]{2}\s?\d{5}\b/i;
const MARKED_NAME = /\p{Lu}\p{Ll}+(\d{1,2}|[∗*†‡§¶]+)(?=[\s,]|$)/u;
const FULL_NAME = /\p{Lu}[\p{Ll}.'’-]+\s+(\p{Lu}[\p{L}.'’-]*\s+)*\p{Lu}[\p{Ll}'’-]+/u;
const NAME = /^(\p{Lu}[\p{L}.'’-]*\s+){1,3}\p{Lu}[\p{L}'’-]+$/u;
/** The last name of a byline alone on its line, affiliation marks after a space: "June Ereño-Orbea 1,6". */
const NAME_WITH_MARKS = /^(\p{Lu}[\p{L}.'’-]*\s+){1,3}\p{Lu}[\p{L}'’-]+\s?\d{1,2}(,\s?\d{1,2})*\s?[∗*†‡§¶✉]*$/u;

function bylineLike(text: string): boolean {
  // An affiliation names a place as well: "School of Pharmacy, University of Connecticut, Storrs".
  if ((AFFILIATION.test(text) && /,/.test(text)) || /@/.test(text) || MARKED_NAME.test(text) || NAME_WITH_MARKS.test(text.trim())) return true;
  // "Liliang Ren, Jianmo Ni and Julian McAuley"; "A, B, and H. Andrew Schwartz"; "Ziad Jowhar 1,2,3, Albert Xu 1,2, ..."
  const parts = text.split(/\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*/).filter((p) => p.trim());
  if (parts.length >= 2 && parts.every((p) => NAME.test(p.trim()))) return true;
  const named = parts.filter((p) => FULL_NAME.test(p)).length;
  return named >= 2 && /\d|[∗*†‡§¶✉]/u.test(text);
}

/**
 * Names set side by side on one line with wide gaps, each over its affiliation (Journal of Statistical
 * Software: "Douglas Bates      Martin Mächler      Benjamin M. Bolker"): a byline without commas.
 */
function spacedNames(b: Block): boolean {
  // One visual line, though column detection may have cut it into several at the gaps.
  const base = b.lines[0].baseline;
  if (b.lines.some((l) => Math.abs(l.baseline - base) > 0.3 * l.size)) return false;
  const items = b.lines.flatMap((l) => l.items).sort((x, y) => x.x0 - y.x0);
  // Each name its own run, however close the next one is set ("Benjamin M. Bolker" "Steven C. Walker").
  const runs = items.map((g) => g.text.trim()).filter(Boolean);
  if (runs.length >= 2 && runs.every((r) => NAME.test(r))) return true;
  const names: string[] = [];
  let prev: Glyphs | undefined;
  for (const g of items) {
    if (prev && g.x0 - prev.x1 <= 0.6 * g.size) names[names.length - 1] += (g.x0 - prev.x1 > 0.1 * g.size ? ' ' : '') + g.text;
    else names.push(g.text);
    prev = g;
  }
  return names.length >= 2 && names.every((n) => NAME.test(n.trim()));
}

/** Words of three letters or more: a title has a few; a journal's name or label above it ("Chemical Science") hardly. */
function titleWords(b: Block): number {
  return b.text.split(/\s+/).filter((w) => /\p{L}{3,}/u.test(w)).length;
}

function bodyStarts(b: Block): boolean {
  if (b.kind === 'heading') return BODY_HEADING.test(b.text);
  return b.kind === 'paragraph' && b.text.split(/\s+/).length >= 40;
}

const top = blockTop;
const bottom = blockBottom;

/** Two lines on one visual line: their heights overlap by more than 40% of the shorter's. */
function onOneLine(la: Line, lb: Line): boolean {
  const overlap = Math.min(la.bbox[3], lb.bbox[3]) - Math.max(la.bbox[1], lb.bbox[1]);
  return overlap > 0.4 * Math.min(la.bbox[3] - la.bbox[1], lb.bbox[3] - lb.bbox[1]);
}

/** `right` starts at most two ems after `left` ends: an ORCID badge between a name and the next leaves about one and a half. */
function closeAfter(left: Line, right: Line): boolean {
  const gap = right.bbox[0] - left.bbox[2];
  return gap >= -1 && gap <= 2 * Math.max(left.size, right.size);
}

/** Pieces of one visual line as one line, their runs left to right. */
function joined(pieces: readonly Line[]): Line {
  const items = pieces.flatMap((l) => l.items).sort((x, y) => x.x0 - y.x0);
  return { ...makeLine(items), column: pieces[0].column };
}

/** Single-line blocks sharing one visual line. */
function sameLine(a: Block, b: Block): boolean {
  return a.lines.length === 1 && b.lines.length === 1 && onOneLine(a.lines[0], b.lines[0]);
}

const isText = (b: Block): boolean => (b.kind === 'heading' || b.kind === 'paragraph') && !b.region && b.lines.length > 0;

/**
 * Pieces of one visual line that follow each other with at most a word space or so between them (read left
 * to right, whatever order layout gave them) are joined into one line; null when they are not such pieces.
 */
function mergeLine(parts: Block[]): Block | null {
  const sorted = parts.map((p) => p.lines[0]).sort((a, b) => a.bbox[0] - b.bbox[0]);
  if (sorted.some((l, i) => i > 0 && !closeAfter(sorted[i - 1], l))) return null;
  const line = joined(sorted);
  // A heading stays one; a byline made of heading-looking pieces is put right by the caller.
  return toBlock(parts.some((p) => p.kind === 'heading') ? 'heading' : 'paragraph', [line], parts[0].page);
}

/** Marks opening a piece of a byline: ",1,2 Renee", "2, Prodhi", "1,*"; not a number opening text ("64K"). */
const AFFILIATION_MARKS = /^(?:,|\d{1,2}(?:[,*∗†‡§¶✉]|$)|[*∗†‡§¶✉])/u;

/**
 * Two lines of one visual line, the second starting at most two ems after the first ends: the title's
 * line cut at a gutter, or a byline's cut at a badge, after which its affiliation marks go on (",1,2 Renee
 * C. Geck"). Other text can come that close across a gutter (a sidebar's e-mail address beside a highlight).
 */
function linePieces(a: Line, b: Line, titleSize: number): boolean {
  const [left, right] = a.bbox[0] <= b.bbox[0] ? [a, b] : [b, a];
  if (!onOneLine(a, b) || !closeAfter(left, right)) return false;
  return Math.min(a.size, b.size) >= titleSize - 0.5 || AFFILIATION_MARKS.test(right.text.trim());
}

/**
 * A byline broken at every ORCID badge leaves each visual line in pieces, and layout stacks pieces of
 * successive lines into blocks of their own (G3: "Riddhiman K. Garge" over ",2 Mario Leutert") or puts an
 * affiliation mark left at a line's end after the body ("1,*"). Blocks sharing visual lines, where one of
 * them runs over several lines, become one block with its visual lines whole again; a lone mark belonging
 * to one of those lines joins it from wherever it went. Blocks of one line each are left to the caller,
 * which joins them line by line.
 */
function joinStackedPieces(head: Block[], rest: Block[]): [Block[], Block[]] {
  const headLines = head.filter(isText).flatMap((b) => b.lines);
  if (!headLines.length) return [head, rest];
  const titleSize = Math.max(...headLines.map((l) => l.size));
  const pieces = (a: Line, b: Line): boolean => linePieces(a, b, titleSize);
  const marks = rest.filter((b) => b.page === head[0].page && isText(b) && !/\p{L}{2}/u.test(b.text) && b.lines.every((l) => headLines.some((h) => pieces(h, l))));
  const text = [...head.filter(isText), ...marks];
  const parent = new Map<Block, Block>(text.map((b) => [b, b]));
  const find = (b: Block): Block => {
    let r = b;
    while (parent.get(r) !== r) r = parent.get(r) as Block;
    return r;
  };
  for (let i = 0; i < text.length; i++) {
    for (let j = i + 1; j < text.length; j++) {
      if (text[i].lines.some((a) => text[j].lines.some((b) => pieces(a, b)))) parent.set(find(text[j]), find(text[i]));
    }
  }
  const groups = new Map<Block, Block[]>();
  for (const b of text) groups.set(find(b), [...(groups.get(find(b)) ?? []), b]);
  const stacked = (g: Block[]): boolean => g.length > 1 && g.some((b) => b.lines.length > 1);
  const out: Block[] = [];
  for (const b of head) {
    const group = isText(b) ? (groups.get(find(b)) as Block[]) : [b];
    if (!stacked(group)) out.push(b);
    else if (group[0] === b) out.push(joinVisualLines(group, pieces));
  }
  const taken = new Set(marks.filter((m) => stacked(groups.get(find(m)) as Block[])));
  return [out, rest.filter((b) => !taken.has(b))];
}

/** One block of the groups' lines, pieces of one visual line joined into one line, top to bottom. */
function joinVisualLines(group: Block[], pieces: (a: Line, b: Line) => boolean): Block {
  const rows: Line[][] = [];
  for (const l of group.flatMap((g) => g.lines).sort((a, b) => a.bbox[0] - b.bbox[0])) {
    const row = rows.find((r) => r.some((o) => pieces(o, l)));
    if (row) row.push(l);
    else rows.push([l]);
  }
  const lines = rows
    .map((r) => (r.length > 1 ? joined(r) : r[0]))
    .sort((a, b) => a.baseline - b.baseline || a.bbox[0] - b.bbox[0]);
  return toBlock(group.some((g) => g.kind === 'heading') ? 'heading' : 'paragraph', lines, group[0].page);
}

/** The running text size: the size most characters of the document are set in. */
function bodySize(blocks: readonly Block[]): number {
  const weight = new Map<number, number>();
  for (const b of blocks) weight.set(Math.round(b.size * 2) / 2, (weight.get(Math.round(b.size * 2) / 2) ?? 0) + b.text.length);
  return [...weight.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 10;
}

export function tidyFrontMatter(blocks: Block[]): Block[] {
  if (!blocks.length) return blocks;
  const page = blocks[0].page;
  let end = blocks.findIndex((b) => b.page !== page || bodyStarts(b));
  if (end < 0) end = blocks.length;
  const [head, rest] = joinStackedPieces(blocks.slice(0, end), blocks.slice(end));
  const text = head.filter(isText);
  if (text.length < 2) return blocks;
  let titleSize = Math.max(...text.map((b) => b.size));
  // A journal's name can open the page larger than the title (Chemical Science's masthead, "EDGE ARTICLE" under
  // it): when the largest text is the page's first and no title's length, the title is the next big text that is.
  const masthead = text[0].size >= titleSize - 0.5 && titleWords(text[0]) < 3;
  // Not far smaller: under a cover's huge name ("San Francisco", 45 pt) a 12 pt line is no title.
  const next = masthead ? text.find((b) => b.size >= Math.max(1.3 * bodySize(blocks), 0.6 * titleSize) && titleWords(b) >= 3 && !bylineLike(b.text)) : undefined;
  if (next) titleSize = next.size;
  const titleLike = (b: Block): boolean => !next || titleWords(b) >= 3;
  // Pieces of one visual line (split at a superscript or a glyph from another font) become one line again.
  const out: Block[] = [];
  const used = new Set<Block>();
  for (const b of head) {
    if (used.has(b)) continue;
    const group = isText(b) ? head.filter((o) => !used.has(o) && isText(o) && (o === b || sameLine(b, o))) : [b];
    const merged = group.length > 1 ? mergeLine(group) : null;
    if (merged) {
      for (const g of group) used.add(g);
      out.push(merged);
    } else {
      used.add(b);
      out.push(b);
    }
  }
  // The title: the first run of blocks in the largest size, one heading even when set over several lines.
  const first = out.findIndex((b) => isText(b) && b.size >= titleSize - 0.5 && titleLike(b));
  let last = first;
  while (last + 1 < out.length && isText(out[last + 1]) && out[last + 1].size >= titleSize - 0.5 && top(out[last + 1]) - bottom(out[last]) < titleSize) last++;
  const run = first >= 0 ? out.slice(first, last + 1) : [];
  // A title of three or four lines is too long for the heading rules, yet it is plainly bigger than the text.
  const bigger = titleSize >= 1.3 * bodySize(blocks) && run.map((b) => b.text).join(' ').split(/\s+/).filter((w) => /\p{L}{3,}/u.test(w)).length >= 3;
  if (run.length && (run.some((b) => b.kind === 'heading') || bigger) && run.every((b) => b.lines.length <= 4)) {
    out.splice(first, run.length, run.length > 1 ? toBlock('heading', run.flatMap((b) => b.lines), page) : Object.assign(run[0], { kind: 'heading' as const }));
    // Above the title stand a journal's labels ("Article", "Research Article"), not sections.
    for (const b of out.slice(0, first)) if (b.kind === 'heading') b.kind = 'paragraph';
  }
  for (const b of out) if (b.kind === 'heading' && b.size < titleSize - 0.5 && (bylineLike(b.text) || spacedNames(b))) b.kind = 'paragraph';
  return [...out, ...rest];
}

const words = (t: string): string => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/**
 * A journal that opens with a summary page (Cell Press: highlights, graphical abstract) sets the title again
 * on the article's first page, in pieces of heading and text. That is the paper's title again, not a new
 * top-level section named after its first words: the pieces become one heading marked as a repeat, and a
 * journal label above it ("Article") is no heading either.
 */
export function markRepeatedTitle(blocks: Block[]): Block[] {
  const title = blocks.find((b) => b.kind === 'heading');
  if (!title) return blocks;
  const full = words(title.text);
  if (full.split(' ').length < 4) return blocks;
  const out: Block[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const near = b.page > title.page && b.page <= title.page + 2;
    if (!near || b.kind !== 'heading' || words(b.text).split(' ').length < 3 || !full.startsWith(words(b.text))) {
      out.push(b);
      continue;
    }
    const parts = [b];
    let sofar = words(b.text);
    while (sofar !== full && i + 1 < blocks.length && blocks[i + 1].page === b.page && isText(blocks[i + 1])) {
      const joined = `${sofar} ${words(blocks[i + 1].text)}`;
      if (!full.startsWith(joined)) break;
      parts.push(blocks[++i]);
      sofar = joined;
    }
    for (let k = out.length - 1; k >= 0 && out[k].page === b.page; k--) if (out[k].kind === 'heading') out[k].kind = 'paragraph';
    const merged = parts.length > 1 ? toBlock('heading', parts.flatMap((p) => p.lines), b.page) : b;
    merged.repeatsTitle = true;
    out.push(merged);
  }
  return out;
}
