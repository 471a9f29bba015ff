/**
 * Coordinate convention used by every unit, evidence item and highlight:
 *
 * - Units are PDF points (1/72 inch) at scale 1.
 * - The origin is the TOP-LEFT corner of the page as it is displayed (after the page's
 *   /Rotate and its crop box are applied), x grows to the right, y grows DOWN.
 *   This matches pdf.js viewports (`page.getViewport({ scale: 1 })`) and CSS, so a renderer
 *   draws a highlight at `left = x0 * scale, top = y0 * scale` without flipping anything.
 * - A Rect is `[x0, y0, x1, y1]` with x0 <= x1 and y0 <= y1.
 */
export type Rect = [x0: number, y0: number, x1: number, y1: number];

export function rectUnion(rects: readonly Rect[]): Rect {
  if (rects.length === 0) return [0, 0, 0, 0];
  let [x0, y0, x1, y1] = rects[0];
  for (const r of rects) {
    if (r[0] < x0) x0 = r[0];
    if (r[1] < y0) y0 = r[1];
    if (r[2] > x1) x1 = r[2];
    if (r[3] > y1) y1 = r[3];
  }
  return [x0, y0, x1, y1];
}

export function rectArea(r: Rect): number {
  return Math.max(0, r[2] - r[0]) * Math.max(0, r[3] - r[1]);
}

export function rectIntersection(a: Rect, b: Rect): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Rounds to 0.01 pt so JSON stays small and stable across runs. */
export function roundRect(r: Rect): Rect {
  return [round2(r[0]), round2(r[1]), round2(r[2]), round2(r[3])];
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
