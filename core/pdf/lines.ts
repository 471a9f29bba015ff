/** Text runs -> lines: runs on one baseline, split where a gap is wider than any word space (column gutters, table cells). */
import type { Glyphs, Line } from './types.js';

/** Baselines closer than this share of the font size belong to one line (sub/superscripts stay in it). */
const BASELINE_TOLERANCE = 0.45;
/** A horizontal gap wider than this many ems separates two lines on the same baseline. */
const SPLIT_GAP_EM = 1.6;
/** A gap wider than this share of an em is a space even when the PDF has no space character. */
const SPACE_GAP_EM = 0.12;

/**
 * x of a column gutter: a vertical strip in the middle half of the page that (almost) no text run crosses
 * while plenty of runs lie on each side. Narrow gutters (about one em) would otherwise merge neighbouring
 * column lines that share a baseline.
 */
export function findGutter(glyphs: readonly Glyphs[], pageWidth: number): number | null {
  const all = glyphs.filter((g) => !g.vertical && g.text.trim());
  // Body-size runs only: figure labels and footnotes do not respect the gutter and would hide it.
  const bySize = new Map<number, number>();
  for (const g of all) bySize.set(Math.round(g.size), (bySize.get(Math.round(g.size)) ?? 0) + g.text.length);
  const body = argmax(bySize) ?? 0;
  const runs = all.filter((g) => Math.abs(g.size - body) <= 1);
  if (runs.length < 20 || pageWidth <= 0) return null;
  const lo = Math.floor(pageWidth * 0.3);
  const hi = Math.ceil(pageWidth * 0.7);
  const cover = new Int32Array(hi - lo + 1);
  for (const g of runs) {
    const a = Math.max(lo, Math.ceil(g.x0 + 0.5));
    const b = Math.min(hi, Math.floor(g.x1 - 0.5));
    for (let x = a; x <= b; x++) cover[x - lo]++;
  }
  // The widest run of bins with the least coverage, its middle the gutter.
  const min = Math.min(...cover);
  if (min > 0.15 * runs.length) return null;
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < cover.length; ) {
    if (cover[i] > min) {
      i++;
      continue;
    }
    let j = i;
    while (j < cover.length && cover[j] === min) j++;
    if (j - i > bestLen) {
      bestLen = j - i;
      best = lo + (i + j - 1) / 2;
    }
    i = j;
  }
  if (best < 0 || bestLen < 3) return null;
  let left = 0;
  let right = 0;
  for (const g of runs) {
    if (g.x1 <= best) left++;
    else if (g.x0 >= best) right++;
  }
  return left >= 0.2 * runs.length && right >= 0.2 * runs.length ? best : null;
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

export function buildLines(input: readonly Glyphs[], pageWidth = 0): Line[] {
  const glyphs = dropLineNumbers(input);
  const gutter = findGutter(glyphs, pageWidth);
  const flat = glyphs.filter((g) => !g.vertical).sort((a, b) => a.baseline - b.baseline || a.x0 - b.x0);
  const bands: Glyphs[][] = [];
  let band: Glyphs[] = [];
  let ref: Glyphs | null = null;
  for (const g of flat) {
    if (ref && g.baseline - ref.baseline <= BASELINE_TOLERANCE * Math.max(ref.size, Math.min(g.size, ref.size * 1.5))) {
      band.push(g);
      if (g.size > ref.size) ref = g;
      continue;
    }
    if (band.length) bands.push(band);
    band = [g];
    ref = g;
  }
  if (band.length) bands.push(band);

  const lines: Line[] = [];
  for (const b of bands) {
    b.sort((p, q) => p.x0 - q.x0);
    let cur: Glyphs[] = [];
    let right = -Infinity;
    for (const g of b) {
      const em = Math.max(g.size, cur.length ? cur[cur.length - 1].size : 0);
      const acrossGutter = gutter !== null && right <= gutter + 0.5 && g.x0 >= gutter - 0.5;
      if (cur.length && (g.x0 - right > SPLIT_GAP_EM * em || acrossGutter)) {
        lines.push(makeLine(cur));
        cur = [];
        right = -Infinity;
      }
      cur.push(g);
      right = Math.max(right, g.x1);
    }
    if (cur.length) lines.push(makeLine(cur));
  }
  // Vertical runs each become their own line so figures can claim them as region text.
  for (const g of glyphs) if (g.vertical) lines.push(makeLine([g]));
  return lines;
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
      if (gapEm > SPACE_GAP_EM && !text.endsWith(' ') && !g.text.startsWith(' ')) text += ' ';
    }
    text += g.text;
    prev = g;
    x0 = Math.min(x0, g.x0);
    y0 = Math.min(y0, g.y0);
    x1 = Math.max(x1, g.x1);
    y1 = Math.max(y1, g.y1);
    const w = g.text.replace(/\s/g, '').length;
    const size = Math.round(g.size * 10) / 10;
    weightBySize.set(size, (weightBySize.get(size) ?? 0) + w);
    weightByFont.set(g.font, (weightByFont.get(g.font) ?? 0) + w);
  }
  const size = argmax(weightBySize) ?? items[0].size;
  const main = items.reduce((a, b) => (b.size > a.size ? b : a));
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
