/** Column layout of a page and the reading order it implies. */
import type { Line } from './types.js';

export interface ColumnLayout {
  columns: 1 | 2 | 'mixed';
  /** x of the gutter's centre on two-column and mixed pages. */
  gutter?: number;
}

/**
 * Looks for a vertical strip in the middle of the page that body lines do not cross while enough lines
 * sit fully on each side of it. Lines crossing it on such a page are full-width (titles, abstracts).
 */
export function detectColumns(lines: readonly Line[], pageWidth: number): ColumnLayout {
  const text = lines.filter((l) => l.text.length >= 3 && !l.items[0].vertical);
  if (text.length < 8) return { columns: 1 };
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
  if (!best) return { columns: 1 };
  const total = text.length;
  const minSide = Math.max(4, 0.15 * total);
  if (best.left < minSide || best.right < minSide || best.crossing > 0.35 * total) return { columns: 1 };
  // Body text in a right column starts at one x; scattered starts are a table or a figure, not a column.
  const starts = new Map<number, number>();
  for (const l of text) if (l.bbox[0] >= best.x) starts.set(Math.round(l.bbox[0] / 3), (starts.get(Math.round(l.bbox[0] / 3)) ?? 0) + 1);
  const aligned = Math.max(...starts.values());
  if (aligned < 0.3 * best.right) return { columns: 1 };
  // A real left column is set justified (or nearly): many of its lines end at one x close to the gutter,
  // and both columns are wide. Short code lines and table cells fail this.
  const leftLines = text.filter((l) => l.bbox[2] <= best.x);
  const rightLines = text.filter((l) => l.bbox[0] >= best.x);
  const leftEdge = Math.max(...leftLines.map((l) => l.bbox[2]));
  const flush = leftLines.filter((l) => leftEdge - l.bbox[2] < 4).length;
  if (flush < 0.3 * leftLines.length) return { columns: 1 };
  const median = (v: number[]): number => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
  if (median(leftLines.map((l) => l.bbox[2] - l.bbox[0])) < 0.25 * pageWidth) return { columns: 1 };
  if (median(rightLines.map((l) => l.bbox[2] - l.bbox[0])) < 0.25 * pageWidth) return { columns: 1 };
  // Widen the strip to its real extent so lines ending just left of the probe are not miscounted.
  return { columns: best.crossing > 0 ? 'mixed' : 2, gutter: best.x };
}

/** Sets line.column and returns the lines in reading order: bands between full-width lines, left then right. */
export function readingOrder(lines: Line[], layout: ColumnLayout): Line[] {
  const sorted = [...lines].sort((a, b) => a.bbox[1] - b.bbox[1] || a.bbox[0] - b.bbox[0]);
  if (layout.columns === 1 || layout.gutter === undefined) {
    for (const l of sorted) l.column = 0;
    return sorted;
  }
  const g = layout.gutter;
  const out: Line[] = [];
  let left: Line[] = [];
  let right: Line[] = [];
  const flush = (): void => {
    out.push(...left, ...right);
    left = [];
    right = [];
  };
  for (const l of sorted) {
    if (l.bbox[2] <= g + 1) {
      l.column = 0;
      left.push(l);
    } else if (l.bbox[0] >= g - 1) {
      l.column = 1;
      right.push(l);
    } else {
      l.column = -1;
      flush();
      out.push(l);
    }
  }
  flush();
  return out;
}
