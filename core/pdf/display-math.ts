/**
 * Display math and inline notation among the lines of a text column. pdf.js gives a typeset formula as
 * many small runs (numerators and denominators, sub/superscripts, pieces of tall brackets, an equation
 * number at the margin) that become many short lines. Here:
 *   - sub/superscripts that missed their line go back into it (attachScripts);
 *   - lines are told prose or notation (proseLines);
 *   - a run of notation lines between two lines of one paragraph is decoration of that paragraph (it never
 *     splits it; wordless bars add no text), and elsewhere, with relation signs and set off from the text,
 *     it is one display (findMathZones), cut between its equation numbers (splitDisplay).
 * Every pass is linear in the lines of a page (a fixed window at most).
 */
import { makeLine } from './lines.js';
import { visibleLength } from './normalize.js';
import type { TextStats } from './paragraphs.js';
import type { Line } from './types.js';

/** Symbols that formulas use and running text hardly does: relations, operators, arrows, Greek letters. */
const MATH_SIGN = /[=<>≤≥≠≈≡≜∝∼≃≅≪≫∈∉∋⊂⊆⊃⊇∪∩∑∏∐∫∮∂∇√∞±∓×÷·∗\u2212→←↔⇒⇐⇔↦⊗⊕⊙⊤⊥〈〉⟨⟩‖∥∀∃\p{Script=Greek}]/u;
/** Relations and big operators: a formula, not a word with a Greek letter in it. */
const RELATION = /[=<>≤≥≠≈≡≜∝∼≃≅≪≫∈∉⊂⊆⊃⊇→←↔⇒⇔↦∑∏∐∫∮∂∇√]/u;
const URL = /https?:\/\/|www\.|doi\.org/i;
/** A run of pure notation: no letter or digit (bars, brackets, dots, operators). */
const NO_WORD = /^[^\p{L}\p{N}]*$/u;
/** Names of functions and operators, written like words inside formulas. */
const OPERATOR_NAMES = new Set(
  'log exp sin cos tan sec csc cot sinh cosh tanh arcsin arccos arctan max min arg argmax argmin sup inf lim det diag tr var cov sgn sign mod erf softmax sigmoid relu logit probit'.split(' '),
);
/** An equation number closing a line: "(5)", "(2.3)", "(4b)". */
export const EQUATION_NUMBER = /(?:^|\s)\((\d+(?:\.\d+)?[a-z]?)\)$/;

export interface ColumnEdges {
  left: number;
  right: number;
}

/**
 * Words of running text on a line: letters with lower case after the first, not function names. Counting
 * stops at `enough`: callers only tell none, one, two and several apart, and most lines are long.
 */
export function proseWords(text: string, enough = Infinity): number {
  let n = 0;
  for (const token of text.split(' ')) {
    const core = token.replace(/^[([{“"‘']+|[)\]}”"’',.;:!?]+$/gu, '');
    if (/^\p{L}\p{Ll}{2,}(?:[-’']\p{L}+)*$/u.test(core) && !OPERATOR_NAMES.has(core.toLowerCase()) && ++n >= enough) break;
  }
  return n;
}

/** A row of a table: mostly numbers. */
function numberRow(text: string): boolean {
  const tokens = text.split(' ');
  const numbers = tokens.filter((t) => /^[(−–-]?\d[\d.,]*%?[)*]*$/.test(t)).length;
  return numbers >= 3 && numbers >= 0.5 * tokens.length;
}

/** Set mostly in a typewriter font: code and program output. */
export function monospaced(lines: readonly Line[], stats: TextStats): boolean {
  if (!stats.monoFonts?.size) return false;
  let mono = 0;
  let all = 0;
  for (const l of lines) {
    for (const g of l.items) {
      const n = visibleLength(g.text);
      all += n;
      if (stats.monoFonts.has(g.font)) mono += n;
    }
  }
  return mono > 0.5 * all;
}

/**
 * Lines that read as text, not notation: three or more words, or fewer words on a line with no formula
 * signs (a last line "spectively," counts when it starts at the column's left edge). Code in a typewriter
 * font and table rows are never formula pieces. A line flush with the column's left edge right under a
 * full line of the same paragraph is the paragraph's own continuation, however mathy.
 */
export function proseLines(ordered: readonly Line[], edges: Map<number, ColumnEdges>, stats: TextStats): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < ordered.length; i++) {
    const l = ordered[i];
    const e = edges.get(l.column) ?? { left: 0, right: 1e9 };
    const em = Math.max(l.size, 1);
    const flushLeft = l.bbox[0] - e.left < 0.5 * em;
    const fullWidth = flushLeft && e.right - l.bbox[2] < 2 * em;
    let prose = l.items[0].vertical || fullWidth;
    if (!prose) {
      const words = proseWords(l.text, 3);
      const math = MATH_SIGN.test(l.text);
      prose = URL.test(l.text) || words >= 3 || (words >= 2 && !math) || (words === 1 && !math && flushLeft) || monospaced([l], stats) || numberRow(l.text);
    }
    const prev = ordered[i - 1];
    if (!prose && prev && out[i - 1] && prev.column === l.column) {
      const dy = l.baseline - prev.baseline;
      // The rest of a text line, cut off at a wide gap, on the same baseline.
      if (Math.abs(dy) < 0.3 * em && l.bbox[0] >= prev.bbox[2] && Math.abs(l.size - prev.size) < 0.8) prose = true;
      // The next line of a paragraph whose line before runs to the column's right edge.
      else if (flushLeft && e.right - prev.bbox[2] < 2 * em) prose = dy > 0 && dy <= paragraphGap(prev, stats) && Math.abs(l.size - prev.size) < 0.8;
    }
    out.push(prose);
  }
  return out;
}

/**
 * Sub- and superscripts that missed their line (shifted further than the baseline tolerance) come out as
 * lines of their own: a clearly smaller piece that mostly overlaps a nearby line of its column vertically
 * and sits within its width goes back into that line, in x order ("r(yn" + "n", "Davtyan" + "2").
 */
export function attachScripts(ordered: readonly Line[]): Line[] {
  const into = new Map<Line, Line[]>();
  const moved = new Set<Line>();
  for (let i = 0; i < ordered.length; i++) {
    const l = ordered[i];
    if (l.items[0].vertical || l.text.length > 12 || into.has(l)) continue;
    const h = l.bbox[3] - l.bbox[1];
    let host: Line | null = null;
    let best = 0.5 * h;
    for (let k = Math.max(0, i - 3); k <= Math.min(ordered.length - 1, i + 3); k++) {
      const o = ordered[k];
      if (k === i || moved.has(o) || o.column !== l.column || o.items[0].vertical || l.size >= 0.85 * o.size) continue;
      if (l.bbox[0] < o.bbox[0] - o.size || l.bbox[2] > o.bbox[2] + o.size) continue;
      const overlap = verticalOverlap(l, o);
      if (overlap > best) {
        best = overlap;
        host = o;
      }
    }
    if (!host) continue;
    moved.add(l);
    into.set(host, [...(into.get(host) ?? []), l]);
  }
  if (!moved.size) return [...ordered];
  const out: Line[] = [];
  for (const l of ordered) {
    if (moved.has(l)) continue;
    const pieces = into.get(l);
    if (!pieces) {
      out.push(l);
      continue;
    }
    const items = [...l.items, ...pieces.flatMap((p) => p.items)].sort((a, b) => a.x0 - b.x0);
    out.push({ ...makeLine(items), column: l.column });
  }
  return out;
}

/** The largest baseline step that still keeps two lines in one paragraph. */
export function paragraphGap(prev: Line, stats: TextStats): number {
  const expected = Math.max(stats.leading * (prev.size / stats.bodySize), prev.size * 1.05);
  return expected * 1.45 + 0.5;
}

/**
 * Inline notation set on its own rows (tall bars, stacked sub/superscripts) between two lines of a
 * paragraph pushes the second one down; that much of the baseline step is not paragraph spacing. Only the
 * notation clear of both lines counts, at most about half a line.
 */
export function notationHeight(between: readonly Line[], prev: Line, next: Line, stats: TextStats): number {
  if (!between.length) return 0;
  const top = Math.max(prev.bbox[3], Math.min(...between.map((l) => l.bbox[1])));
  const bottom = Math.min(next.bbox[1], Math.max(...between.map((l) => l.bbox[3])));
  return Math.max(0, Math.min(bottom - top, 0.6 * stats.leading * (prev.size / stats.bodySize)));
}

/** Notation without a letter or digit (bars, brackets, dots) adds nothing to a paragraph's text. */
export function wordless(line: Line): boolean {
  return NO_WORD.test(line.text);
}

export interface MathZones {
  /** Inline notation set apart from a paragraph's lines: kept with the paragraph, never splitting it. */
  decoration: Set<Line>;
  /** Decoration sitting on the line after it (a raised marker opening that line) rather than the one before. */
  leading: Set<Line>;
  /** Stray labels between two lines of a paragraph but beside them (a figure's panel letter): read after it. */
  stray: Set<Line>;
  /** Display formulas: start index in the ordered lines -> end index (exclusive). */
  displays: Map<number, number>;
}

/** Sub/superscripts and notation pieces: clearly smaller than the text line beside them, or wordless. */
function small(l: Line, ref: Line): boolean {
  return l.size < 0.85 * ref.size || NO_WORD.test(l.text);
}

function verticalOverlap(a: Line, b: Line): number {
  return Math.max(0, Math.min(a.bbox[3], b.bbox[3]) - Math.max(a.bbox[1], b.bbox[1]));
}

/**
 * A display is set off from the text: extra space above or below it, the column's edge, or (TeX's short
 * skip) a line above that ends before the display begins.
 */
function setOffVertically(zone: readonly Line[], before: Line | null, after: Line | null, stats: TextStats): boolean {
  const lead = (l: Line): number => Math.max(stats.leading * (l.size / stats.bodySize), l.size * 1.05);
  const first = Math.min(...zone.map((l) => l.baseline));
  const last = Math.max(...zone.map((l) => l.baseline));
  const left = Math.min(...zone.map((l) => l.bbox[0]));
  return !before || !after || first - before.baseline > 1.3 * lead(before) || after.baseline - last > 1.3 * lead(after) || before.bbox[2] < left;
}

/**
 * Runs of consecutive non-prose lines of one column. Small pieces between two lines of a paragraph (their
 * baselines no further apart than a paragraph's leading, once the pieces' own height is taken out) are
 * inline notation; pieces touching the only text line beside them likewise. Elsewhere a run with relation
 * or operator signs (or Greek beside an equation number) that is numbered or set in from the column's left
 * edge is a display.
 */
export function findMathZones(ordered: readonly Line[], prose: readonly boolean[], edges: Map<number, ColumnEdges>, stats: TextStats): MathZones {
  const decoration = new Set<Line>();
  const leading = new Set<Line>();
  const stray = new Set<Line>();
  const displays = new Map<number, number>();
  for (let i = 0; i < ordered.length; ) {
    if (prose[i]) {
      i++;
      continue;
    }
    const start = i;
    const column = ordered[start].column;
    while (i < ordered.length && !prose[i] && ordered[i].column === column) i++;
    const zone = ordered.slice(start, i);
    const before = start > 0 && ordered[start - 1].column === column ? ordered[start - 1] : null;
    const after = i < ordered.length && ordered[i].column === column ? ordered[i] : null;
    const top = Math.min(...zone.map((l) => l.bbox[1]));
    const bottom = Math.max(...zone.map((l) => l.bbox[3]));
    const pieces = (ref: Line | null): ref is Line => ref !== null && !ref.items[0].vertical && zone.every((l) => small(l, ref));
    const beside = (l: Line, refs: Line[]): boolean => {
      const em = Math.max(...refs.map((r) => r.size));
      return l.bbox[2] > Math.min(...refs.map((r) => r.bbox[0])) - em && l.bbox[0] < Math.max(...refs.map((r) => r.bbox[2])) + em;
    };
    if (pieces(before) && after !== null && !after.items[0].vertical && after.baseline - before.baseline - notationHeight(zone, before, after, stats) <= paragraphGap(before, stats)) {
      for (const l of zone) {
        if (!beside(l, [before, after])) stray.add(l);
        else {
          decoration.add(l);
          if (verticalOverlap(l, after) > verticalOverlap(l, before)) leading.add(l);
        }
      }
      continue;
    }
    const touchesBefore = pieces(before) && after === null && top < before.bbox[3] + 0.2 * before.size && zone.every((l) => beside(l, [before]));
    const touchesAfter = pieces(after) && before === null && bottom > after.bbox[1] - 0.2 * after.size && zone.every((l) => beside(l, [after]));
    if (touchesBefore || touchesAfter) {
      for (const l of zone) decoration.add(l);
      if (touchesAfter) for (const l of zone) leading.add(l);
      continue;
    }
    const numbered = zone.some((l) => EQUATION_NUMBER.test(l.text));
    const signs = zone.some((l) => RELATION.test(l.text)) || (numbered && zone.some((l) => MATH_SIGN.test(l.text) || /[+/]/.test(l.text)));
    const e = edges.get(column) ?? { left: 0, right: 1e9 };
    const setOff = numbered || Math.min(...zone.map((l) => l.bbox[0])) - e.left >= 0.8 * Math.max(...zone.map((l) => l.size));
    // Captions and legends in small print report "p ≤ 0.05"; a display is set at the body size.
    const bodySized = Math.max(...zone.map((l) => l.size)) >= stats.bodySize - 0.8;
    if (signs && setOff && bodySized && setOffVertically(zone, before, after, stats)) displays.set(start, i);
  }
  return { decoration, leading, stray, displays };
}

/** Text of a display: row by row (baselines within a third of an em), left to right; a lone number last. */
export function displayText(lines: readonly Line[]): string {
  const numbers = lines.filter((l) => /^\(\d+(?:\.\d+)?[a-z]?\)$/.test(l.text));
  const rest = lines.filter((l) => !numbers.includes(l)).sort((a, b) => a.baseline - b.baseline);
  const rows: Line[][] = [];
  for (const l of rest) {
    const row = rows[rows.length - 1];
    if (row && l.baseline - row[0].baseline < 0.35 * Math.max(l.size, row[0].size)) row.push(l);
    else rows.push([l]);
  }
  const parts = rows.flatMap((row) => row.sort((a, b) => a.bbox[0] - b.bbox[0]).map((l) => l.text));
  return [...parts, ...numbers.map((l) => l.text)].filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * A display holding several numbered equations is cut between each two numbers, top to bottom, where the
 * vertical gap between the lines above and the lines below is widest (or their overlap least): a tall
 * formula's own pieces overlap each other far more than two formulas stacked one under the other.
 */
export function splitDisplay(lines: readonly Line[]): Line[][] {
  const sorted = [...lines].sort((a, b) => a.bbox[1] - b.bbox[1] || a.bbox[0] - b.bbox[0]);
  const numbers = sorted.flatMap((l, i) => (EQUATION_NUMBER.test(l.text) ? [i] : []));
  if (numbers.length < 2) return [sorted];
  const groups: Line[][] = [];
  let from = 0;
  for (let k = 0; k + 1 < numbers.length; k++) {
    let bottom = -Infinity;
    for (let p = from; p <= numbers[k]; p++) bottom = Math.max(bottom, sorted[p].bbox[3]);
    let cut = numbers[k + 1];
    let best = -Infinity;
    for (let p = numbers[k] + 1; p <= numbers[k + 1]; p++) {
      const gap = sorted[p].bbox[1] - bottom;
      if (gap > best) {
        best = gap;
        cut = p;
      }
      bottom = Math.max(bottom, sorted[p].bbox[3]);
    }
    groups.push(sorted.slice(from, cut));
    from = cut;
  }
  groups.push(sorted.slice(from));
  return groups;
}
