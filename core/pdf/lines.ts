/** Text runs -> lines: runs on one baseline, split where a gap is wider than any word space (column gutters, table cells). */
import { visibleLength } from './normalize.js';
import type { Glyphs, Line } from './types.js';

/** Baselines closer than this share of the font size belong to one line (sub/superscripts stay in it). */
const BASELINE_TOLERANCE = 0.45;
/** A horizontal gap wider than this many ems separates two lines on the same baseline. */
const SPLIT_GAP_EM = 1.6;
/** A gap wider than this share of an em is a space even when the PDF has no space character. */
const SPACE_GAP_EM = 0.12;

/**
 * The widest gap two runs on one baseline may leave and still be one line. Words in print much smaller than
 * the run they follow (a sidebar's small print right of a title) join only when they nearly touch: a
 * sidebar beside a title's line is not part of the title. Marks (superscripts) and a small bullet before
 * its text join as usual.
 */
function joinGap(line: readonly Glyphs[], right: Glyphs): number {
  const left = line[line.length - 1];
  const big = Math.max(left.size, right.size);
  const phrase = (text: string): boolean => /\p{L}{3,}\S*\s+\S*\p{L}{3,}/u.test(text);
  // Either way round: a sidebar's line ("Cite this: Chem. Sci., 2022, 13, 1408") can also end where a
  // title's line begins; its last run alone may hold no words.
  const before = (): string => line.filter((g) => g.size === left.size).map((g) => g.text).join(' ');
  const small = (phrase(right.text) && right.size <= 0.6 * left.size) || (left.size <= 0.6 * right.size && phrase(before()));
  return small ? 0.5 * big : SPLIT_GAP_EM * big;
}

/** The widest strip of least coverage within [lo, hi], if runs clear it and enough lie on each side. */
function lowestStrip(cover: Int32Array, from: number, lo: number, hi: number, runs: readonly Glyphs[], minSide: number): number | null {
  let min = Infinity;
  for (let x = lo; x <= hi; x++) min = Math.min(min, cover[x - from]);
  if (min > 0.15 * runs.length) return null;
  let best = -1;
  let bestLen = 0;
  for (let x = lo; x <= hi; ) {
    if (cover[x - from] > min) {
      x++;
      continue;
    }
    let y = x;
    while (y <= hi && cover[y - from] === min) y++;
    if (y - x > bestLen) {
      bestLen = y - x;
      best = (x + y - 1) / 2;
    }
    x = y;
  }
  if (best < 0 || bestLen < 3) return null;
  // A gutter is a clear drop from the columns beside it; a dip inside one column (runs that happen to break
  // near one x) is not.
  let peakL = 0;
  let peakR = 0;
  for (let i = 0; i < cover.length; i++) {
    if (i + from < best) peakL = Math.max(peakL, cover[i]);
    else peakR = Math.max(peakR, cover[i]);
  }
  if (min > 0.5 * Math.min(peakL, peakR)) return null;
  let left = 0;
  let right = 0;
  for (const g of runs) {
    if (g.x1 <= best) left++;
    else if (g.x0 >= best) right++;
  }
  return left >= minSide * runs.length && right >= minSide * runs.length ? best : null;
}

/**
 * x of the column gutters: vertical strips that (almost) no body text run crosses while plenty of runs lie
 * on each side. Three columns are looked for first (gutters near a third and two thirds of the width), then
 * two. Narrow gutters (about one em) would otherwise merge neighbouring column lines sharing a baseline.
 */
export function findGutters(glyphs: readonly Glyphs[], pageWidth: number): number[] {
  const all = glyphs.filter((g) => !g.vertical && g.text.trim());
  // Figure labels and footnotes do not respect the gutter and would hide it: only running text counts.
  const bySize = new Map<number, number>();
  for (const g of all) bySize.set(Math.round(g.size), (bySize.get(Math.round(g.size)) ?? 0) + g.text.length);
  // Every size carrying a fifth of the text counts as running text (a body column beside small-print
  // reference columns); rarer sizes are labels.
  const total = [...bySize.values()].reduce((a, b) => a + b, 0);
  // Heaviest first: the retry below tries the body's size before the others.
  const major = [...bySize.entries()].filter(([, n]) => n >= 0.2 * total).sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const runs = all.filter((g) => major.some((k) => Math.abs(g.size - k) <= 1));
  if (runs.length < 20 || pageWidth <= 0) return [];
  const found = guttersOf(runs, pageWidth);
  if (found.length) return found;
  // A full-width abstract in its own size over two body columns (a Nature first page) crosses the middle on
  // every line and hides the body's gutter: the body's size alone still shows it.
  for (const k of major) {
    const own = all.filter((g) => Math.abs(g.size - k) <= 0.5);
    if (own.length < 20 || own.length === runs.length) continue;
    const g = guttersOf(own, pageWidth);
    if (g.length) return g;
  }
  return [];
}

function guttersOf(runs: readonly Glyphs[], pageWidth: number): number[] {
  const from = Math.floor(pageWidth * 0.15);
  const to = Math.ceil(pageWidth * 0.85);
  const cover = new Int32Array(to - from + 1);
  for (const g of runs) {
    const a = Math.max(from, Math.ceil(g.x0 + 0.5));
    const b = Math.min(to, Math.floor(g.x1 - 0.5));
    for (let x = a; x <= b; x++) cover[x - from]++;
  }
  const w = pageWidth;
  const first = lowestStrip(cover, from, Math.floor(0.22 * w), Math.ceil(0.45 * w), runs, 0.15);
  const second = lowestStrip(cover, from, Math.floor(0.55 * w), Math.ceil(0.78 * w), runs, 0.15);
  if (first !== null && second !== null && second - first > 0.2 * w) return [first, second];
  const middle = lowestStrip(cover, from, Math.floor(0.3 * w), Math.ceil(0.7 * w), runs, 0.2);
  return middle === null ? [] : [middle];
}

/**
 * Line numbers of manuscripts and preprints: bare integers stacked in one margin column, counting up as y
 * grows. They are not text of the paper and would glue themselves to the lines beside them.
 */
export function dropLineNumbers(glyphs: readonly Glyphs[]): Glyphs[] {
  const numeric = glyphs.filter((g) => !g.vertical && /^\s*\d{1,4}\s*$/.test(g.text));
  if (numeric.length < 8) return [...glyphs];
  const drop = new Set<Glyphs>();
  for (const edge of [(g: Glyphs) => g.x1, (g: Glyphs) => g.x0]) {
    const groups = new Map<number, Glyphs[]>();
    for (const g of numeric) {
      const k = Math.round(edge(g) / 2);
      const list = groups.get(k) ?? [];
      list.push(g);
      groups.set(k, list);
    }
    for (const list of groups.values()) {
      if (list.length < 8) continue;
      const byY = [...list].sort((a, b) => a.baseline - b.baseline);
      let rising = 0;
      for (let i = 1; i < byY.length; i++) if (Number(byY[i].text) > Number(byY[i - 1].text)) rising++;
      if (rising >= 0.8 * (byY.length - 1)) for (const g of list) drop.add(g);
    }
  }
  return drop.size ? glyphs.filter((g) => !drop.has(g)) : [...glyphs];
}

/** A superscript or subscript (clearly smaller) sits up to half the larger em off the main baseline. */
function baselineTolerance(a: Glyphs, b: Glyphs): number {
  const big = Math.max(a.size, b.size);
  const small = Math.min(a.size, b.size);
  if (small <= 0.75 * big) return 0.5 * big;
  return BASELINE_TOLERANCE * Math.max(a.size, Math.min(b.size, a.size * 1.5));
}

/** Runs sharing a baseline (within the tolerance), top to bottom. */
function baselineBands(glyphs: readonly Glyphs[]): Glyphs[][] {
  const flat = [...glyphs].sort((a, b) => a.baseline - b.baseline || a.x0 - b.x0);
  const bands: Glyphs[][] = [];
  let band: Glyphs[] = [];
  let ref: Glyphs | null = null;
  for (const g of flat) {
    if (ref && g.baseline - ref.baseline <= baselineTolerance(ref, g)) {
      band.push(g);
      if (g.size > ref.size) ref = g;
      continue;
    }
    if (band.length) bands.push(band);
    band = [g];
    ref = g;
  }
  if (band.length) bands.push(band);
  return bands;
}

/** A drop cap is at least this many times the size of the text beside it. */
const DROP_CAP_RATIO = 1.8;

interface DropCaps {
  /** The runs with each drop cap replaced by a copy set on the baseline of the line it starts. */
  glyphs: Glyphs[];
  /** Leftmost runs of the further lines beside a drop cap -> the cap's left edge, where those lines begin. */
  beside: Map<Glyphs, number>;
}

/**
 * Drop caps: a single capital several lines tall opening a paragraph ("B" beside "acteria and archaea…").
 * Its huge em would band the lines beside it into one, so it is moved onto the first of them (top aligned
 * with its top), ending where that line's word goes on so the word reads whole ("Bacteria"). Figure panel
 * letters have no stack of text lines starting right beside them at their top, and headings are more than
 * one letter, so neither qualifies.
 */
function placeDropCaps(glyphs: readonly Glyphs[]): DropCaps {
  const beside = new Map<Glyphs, number>();
  const replaced = new Map<Glyphs, Glyphs>();
  // Only a capital well above the smallest text can be one; the common italic "X" or "N" of a formula is
  // not, and skipping it keeps the scan below off most pages.
  let smallest = Infinity;
  for (const g of glyphs) if (!g.vertical && g.size < smallest) smallest = g.size;
  for (const cap of glyphs) {
    if (cap.vertical || cap.size < DROP_CAP_RATIO * smallest || !/^\p{Lu}$/u.test(cap.text.trim())) continue;
    // Nearest run to the right on each baseline within the cap's height (and a little above its top).
    const capTop = cap.baseline - 0.7 * cap.size;
    const rows: Glyphs[] = [];
    for (const r of glyphs) {
      if (r === cap || r.vertical || !r.text.trim() || r.size * DROP_CAP_RATIO > cap.size) continue;
      if (r.x0 < cap.x1 - 0.5 || r.x0 - cap.x1 > 1.5 * r.size) continue;
      if (r.baseline < capTop - 2 * r.size || r.baseline > cap.baseline + 0.5 * r.size) continue;
      const row = rows.findIndex((o) => Math.abs(o.baseline - r.baseline) < 0.3 * Math.min(o.size, r.size));
      if (row < 0) rows.push(r);
      else if (r.x0 < rows[row].x0) rows[row] = r;
    }
    if (rows.length < 2) continue;
    rows.sort((a, b) => a.baseline - b.baseline);
    const first = rows[0];
    const body = first.size;
    // Body lines: all the same size, flush with one another, the first going on with the cap's word in
    // lower case (icons and logos set as letters stand before whole words: "M Grab a strap…") and its top
    // level with the cap's top.
    if (rows.some((r) => Math.abs(r.size - body) > 0.1 * body || Math.abs(r.x0 - first.x0) > 0.3 * body)) continue;
    if (!/^\p{Ll}/u.test(first.text)) continue;
    if (Math.abs(first.baseline - 0.7 * body - capTop) > 0.6 * body + 0.1 * cap.size) continue;
    replaced.set(cap, { ...cap, x1: Math.max(cap.x1, first.x0), y0: first.y0, y1: first.y1, baseline: first.baseline, size: first.size });
    for (const r of rows.slice(1)) beside.set(r, cap.x0);
  }
  return { glyphs: replaced.size ? glyphs.map((g) => replaced.get(g) ?? g) : [...glyphs], beside };
}

/** Groups runs into lines; `gutters` (from findGutters) are x positions no line may cross between runs. */
export function buildLines(all: readonly Glyphs[], gutters: readonly number[] = []): Line[] {
  const { glyphs, beside } = placeDropCaps(all);
  // Columns are banded apart: small print in a neighbouring column must not pull a superscript away from
  // its own line.
  const byColumn = new Map<number, Glyphs[]>();
  for (const g of glyphs) {
    if (g.vertical) continue;
    const crosses = gutters.some((x) => g.x0 < x - 0.5 && g.x1 > x + 0.5);
    const key = crosses ? -1 : gutters.filter((x) => g.x0 >= x - 0.5).length;
    const list = byColumn.get(key) ?? [];
    list.push(g);
    byColumn.set(key, list);
  }
  if (byColumn.has(-1)) joinCrossing(byColumn);
  const bands = [...byColumn.values()].flatMap(baselineBands);

  const lines: Line[] = [];
  for (const b of bands) {
    b.sort((p, q) => p.x0 - q.x0);
    let cur: Glyphs[] = [];
    let right = -Infinity;
    for (const g of b) {
      const acrossGutter = gutters.some((x) => right <= x + 0.5 && g.x0 >= x - 0.5);
      if (cur.length && (g.x0 - right > joinGap(cur, g) || acrossGutter)) {
        lines.push(makeLine(cur));
        cur = [];
        right = -Infinity;
      }
      cur.push(g);
      right = Math.max(right, g.x1);
    }
    if (cur.length) lines.push(makeLine(cur));
  }
  // The lines beside a drop cap begin where it does: they are flush with the paragraph, not indented.
  if (beside.size) {
    for (const l of lines) for (const g of l.items) if (beside.has(g)) l.bbox[0] = Math.min(l.bbox[0], beside.get(g) as number);
  }
  // Vertical runs each become their own line so figures can claim them as region text.
  for (const g of glyphs) if (g.vertical) lines.push(makeLine([g]));
  return lines;
}

/**
 * A run crossing a gutter makes its baseline a full-width line: runs of the columns that continue it on that
 * baseline (within a word gap, step by step) join it rather than standing as lines of their own.
 */
function joinCrossing(byColumn: Map<number, Glyphs[]>): void {
  const joined = [...(byColumn.get(-1) as Glyphs[])];
  const rows = new Map<number, Glyphs[]>();
  const add = (g: Glyphs): void => {
    const k = Math.round(g.baseline / 4);
    const row = rows.get(k);
    if (row) row.push(g);
    else rows.set(k, [g]);
  };
  joined.forEach(add);
  const touches = (g: Glyphs): boolean => {
    const k = Math.round(g.baseline / 4);
    for (let d = -2; d <= 2; d++) {
      for (const c of rows.get(k + d) ?? []) {
        if (Math.abs(g.baseline - c.baseline) <= baselineTolerance(c, g) && (g.x0 >= c.x1 ? g.x0 - c.x1 <= joinGap([c], g) : c.x0 - g.x1 <= joinGap([g], c))) return true;
      }
    }
    return false;
  };
  for (let grew = true; grew; ) {
    grew = false;
    for (const [key, list] of byColumn) {
      if (key === -1) continue;
      const keep: Glyphs[] = [];
      for (const g of list) {
        if (!touches(g)) keep.push(g);
        else {
          joined.push(g);
          add(g);
          grew = true;
        }
      }
      byColumn.set(key, keep);
    }
  }
  byColumn.set(-1, joined);
}

export function makeLine(items: Glyphs[]): Line {
  let text = '';
  let prev: Glyphs | null = null;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  const weightBySize = new Map<number, number>();
  const weightByFont = new Map<string, number>();
  for (const g of items) {
    if (prev) {
      const gapEm = (g.x0 - prev.x1) / Math.max(1, Math.min(g.size, prev.size));
      if ((gapEm > SPACE_GAP_EM || isLeadingMarker(prev, g, items)) && !text.endsWith(' ') && !g.text.startsWith(' ')) text += ' ';
    }
    text += g.text;
    prev = g;
    x0 = Math.min(x0, g.x0);
    y0 = Math.min(y0, g.y0);
    x1 = Math.max(x1, g.x1);
    y1 = Math.max(y1, g.y1);
    const w = visibleLength(g.text);
    const size = Math.round(g.size * 10) / 10;
    weightBySize.set(size, (weightBySize.get(size) ?? 0) + w);
    weightByFont.set(g.font, (weightByFont.get(g.font) ?? 0) + w);
  }
  const main = items.reduce((a, b) => (b.size > a.size ? b : a));
  const size = smallCaps(items, main.size) ? main.size : (argmax(weightBySize) ?? items[0].size);
  return {
    items,
    text: text.replace(/\s+/g, ' ').trim(),
    bbox: [x0, y0, x1, y1],
    size,
    font: argmax(weightByFont) ?? items[0].font,
    baseline: main.baseline,
    column: 0,
  };
}

/**
 * Small capitals ("REFERENCES" set as an "R" at 12 pt and "EFERENCES" at 9.6 pt): most letters are the
 * smaller size, yet the line is as big as its capitals, which is what makes it a heading.
 */
function smallCaps(items: readonly Glyphs[], max: number): boolean {
  let big = 0;
  let small = 0;
  for (const g of items) {
    const t = g.text.trim();
    if (!t) continue;
    if (/\p{Ll}/u.test(t)) return false;
    if (g.size >= 0.97 * max) {
      if (t.length > 2 && /\p{Lu}{3}/u.test(t)) return false;
      big++;
    } else if (g.size >= 0.7 * max && g.size <= 0.9 * max && /^\p{Lu}/u.test(t)) small++;
    else return false;
  }
  return big > 0 && small > 0;
}

/**
 * A footnote's marker ("¹In principle", "ᵃIn previous versions") is set smaller and raised with no space
 * before the text; it is its own word, so the line reads "1 In principle".
 */
function isLeadingMarker(prev: Glyphs, g: Glyphs, items: readonly Glyphs[]): boolean {
  return (
    prev === items[0] &&
    prev.size < 0.85 * g.size &&
    prev.baseline < g.baseline - 0.2 * g.size &&
    /^[\p{N}\p{Ll}*†‡§]{1,3}$/u.test(prev.text.trim()) &&
    /^\p{L}/u.test(g.text)
  );
}

export function argmax<K>(m: Map<K, number>): K | undefined {
  let best: K | undefined;
  let bestW = -Infinity;
  for (const [k, w] of m) {
    if (w > bestW) {
      best = k;
      bestW = w;
    }
  }
  return best;
}
