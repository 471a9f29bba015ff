/** Text runs -> lines: runs on one baseline, split where a gap is wider than any word space (column gutters, table cells). */
import type { Glyphs, Line } from './types.js';

/** Baselines closer than this share of the font size belong to one line (sub/superscripts stay in it). */
const BASELINE_TOLERANCE = 0.45;
/** A horizontal gap wider than this many ems separates two lines on the same baseline. */
const SPLIT_GAP_EM = 1.6;
/** A gap wider than this share of an em is a space even when the PDF has no space character. */
const SPACE_GAP_EM = 0.12;

export function buildLines(glyphs: readonly Glyphs[]): Line[] {
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
      if (cur.length && g.x0 - right > SPLIT_GAP_EM * em) {
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
