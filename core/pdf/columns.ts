/** Column layout of a page and the reading order it implies. */
import type { Line } from './types.js';

export interface ColumnLayout {
  /** Pages with three or more columns report 'mixed': the model's field has no value for them. */
  columns: 1 | 2 | 'mixed';
  /** x of each gutter's centre, left to right. */
  gutters: number[];
}

/**
 * Looks for a vertical strip in the middle of the page that body lines do not cross while enough lines
 * sit fully on each side of it. Lines crossing it on such a page are full-width (titles, abstracts).
 */
export function detectColumns(lines: readonly Line[], pageWidth: number, runGutters: readonly number[] = []): ColumnLayout {
  const text = lines.filter((l) => l.text.length >= 3 && !l.items[0].vertical);
  if (text.length < 8) return { columns: 1, gutters: [] };
  if (runGutters.length >= 2) {
    // Three columns: each gutter must keep most lines on one side and leave enough on both.
    const ok = runGutters.every((x) => {
      const crossing = text.filter((l) => l.bbox[0] < x - 1 && l.bbox[2] > x + 1).length;
      const left = text.filter((l) => l.bbox[2] <= x + 1).length;
      const right = text.filter((l) => l.bbox[0] >= x - 1).length;
      return crossing <= 0.35 * text.length && left >= 4 && right >= 4;
    });
    if (ok) return { columns: 'mixed', gutters: [...runGutters] };
  }
  let best: { x: number; crossing: number; left: number; right: number } | null = null;
  for (let x = pageWidth * 0.3; x <= pageWidth * 0.7; x += 2) {
    let crossing = 0;
    let left = 0;
    let right = 0;
    for (const l of text) {
      if (l.bbox[2] <= x) left++;
      else if (l.bbox[0] >= x) right++;
      else crossing++;
    }
    const balance = Math.min(left, right);
    if (!best || crossing < best.crossing || (crossing === best.crossing && balance > Math.min(best.left, best.right))) {
      best = { x, crossing, left, right };
    }
  }
  if (!best) return { columns: 1, gutters: [] };
  const total = text.length;
  const minSide = Math.max(4, 0.15 * total);
  if (best.left < minSide || best.right < minSide || best.crossing > 0.35 * total) return { columns: 1, gutters: [] };
  // Body text in a right column starts at one x; scattered starts are a table or a figure, not a column.
  const starts = new Map<number, number>();
  for (const l of text) if (l.bbox[0] >= best.x) starts.set(Math.round(l.bbox[0] / 3), (starts.get(Math.round(l.bbox[0] / 3)) ?? 0) + 1);
  const aligned = Math.max(...starts.values());
  if (aligned < 0.3 * best.right) return { columns: 1, gutters: [] };
  // A real left column is set justified (or nearly): many of its lines end at one x close to the gutter,
  // and both columns are wide. Short code lines and table cells fail this.
  const leftLines = text.filter((l) => l.bbox[2] <= best.x);
  const rightLines = text.filter((l) => l.bbox[0] >= best.x);
  // The commonest right edge, not the widest: a stray wider line (a caption) must not hide the column edge.
  const ends = new Map<number, number>();
  for (const l of leftLines) for (const k of [Math.floor(l.bbox[2] / 3), Math.ceil(l.bbox[2] / 3)]) ends.set(k, (ends.get(k) ?? 0) + 1);
  const flush = Math.max(0, ...ends.values());
  if (flush < 0.3 * leftLines.length) return { columns: 1, gutters: [] };
  const median = (v: number[]): number => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
  if (median(leftLines.map((l) => l.bbox[2] - l.bbox[0])) < 0.25 * pageWidth) return { columns: 1, gutters: [] };
  if (median(rightLines.map((l) => l.bbox[2] - l.bbox[0])) < 0.25 * pageWidth) return { columns: 1, gutters: [] };
  // Widen the strip to its real extent so lines ending just left of the probe are not miscounted.
  return { columns: best.crossing > 0 ? 'mixed' : 2, gutters: [best.x] };
}

/**
 * Sets line.column (0 = leftmost, -1 = across a gutter) and returns the lines in reading order: bands
 * between full-width lines, each band column by column.
 */
export function readingOrder(lines: Line[], layout: ColumnLayout): Line[] {
  const sorted = [...lines].sort((a, b) => a.bbox[1] - b.bbox[1] || a.bbox[0] - b.bbox[0]);
  if (layout.columns === 1 || !layout.gutters.length) {
    for (const l of sorted) l.column = 0;
    return sorted;
  }
  const gutters = layout.gutters;
  const out: Line[] = [];
  let band: Line[][] = gutters.map(() => []).concat([[]]);
  const flush = (): void => {
    for (const col of band) out.push(...col);
    band = gutters.map(() => []).concat([[]]);
  };
  for (const l of sorted) {
    const crosses = gutters.some((x) => l.bbox[0] < x - 1 && l.bbox[2] > x + 1);
    if (crosses) {
      l.column = -1;
      flush();
      out.push(l);
      continue;
    }
    l.column = gutters.filter((x) => l.bbox[0] >= x - 1).length;
    band[l.column].push(l);
  }
  flush();
  return out;
}
