/** Affine helpers in pdf.js's [a, b, c, d, e, f] convention. */
import type { Rect } from '../model/geometry.js';

export type Matrix = [number, number, number, number, number, number];

export function multiply(m: readonly number[], n: readonly number[]): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

/** Axis-aligned box of a rectangle [x0, y0, x1, y1] after the transform. */
export function transformRect(r: readonly number[], m: readonly number[]): Rect {
  // Called once per painted path (tens of thousands on a scatter plot): plain arithmetic, no arrays.
  const ax = m[0] * r[0];
  const bx = m[0] * r[2];
  const cx = m[2] * r[1];
  const dx = m[2] * r[3];
  const ay = m[1] * r[0];
  const by = m[1] * r[2];
  const cy = m[3] * r[1];
  const dy = m[3] * r[3];
  return [
    Math.min(ax, bx) + Math.min(cx, dx) + m[4],
    Math.min(ay, by) + Math.min(cy, dy) + m[5],
    Math.max(ax, bx) + Math.max(cx, dx) + m[4],
    Math.max(ay, by) + Math.max(cy, dy) + m[5],
  ];
}

/** Overlap of two intervals as a share of the shorter one (0 when apart). */
export function overlapShare(a0: number, a1: number, b0: number, b1: number): number {
  const o = Math.min(a1, b1) - Math.max(a0, b0);
  const shorter = Math.min(a1 - a0, b1 - b0);
  if (o <= 0) return 0;
  return shorter > 0 ? o / shorter : 1;
}

export function centerInside(outer: Rect, inner: Rect): boolean {
  const cx = (inner[0] + inner[2]) / 2;
  const cy = (inner[1] + inner[3]) / 2;
  return cx >= outer[0] && cx <= outer[2] && cy >= outer[1] && cy <= outer[3];
}
