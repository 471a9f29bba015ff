/**
 * Whether a page is worth an operator-list pass. Walking the drawing operators costs about as much as the
 * text pass itself, and only matters where a figure or table can be: a page with a caption, a page whose
 * text leaves a tall empty band (a drawing sits there), or a page with almost no text (a full-page figure).
 */
import { captionStart } from './captions.js';
import type { Line } from './types.js';

export function mayHoldGraphics(lines: readonly Line[]): boolean {
  const text = lines.filter((l) => !l.items[0].vertical);
  if (text.length < 12) return true;
  if (text.length !== lines.length) return true; // rotated text: axis labels
  if (text.some((l) => captionStart(l))) return true;
  const sizes = text.map((l) => l.size).sort((a, b) => a - b);
  const em = sizes[Math.floor(sizes.length / 2)];
  const spans = text.map((l) => [l.bbox[1], l.bbox[3]]).sort((a, b) => a[0] - b[0]);
  let bottom = spans[0][1];
  for (const [y0, y1] of spans) {
    if (y0 - bottom > Math.max(5 * em, 48)) return true;
    bottom = Math.max(bottom, y1);
  }
  // Many bare numbers (tick labels) hint at a plot; maths fragments, which are also short, do not count.
  // Axis ticks line up: several on one baseline (x axis) or ending at one x (y axis).
  const ticks = text.filter((l) => /^[-−+]?\d+([.,]\d+)?%?$/.test(l.text));
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (const t of ticks) {
    const r = Math.round(t.baseline);
    const c = Math.round(t.bbox[2]);
    rows.set(r, (rows.get(r) ?? 0) + 1);
    cols.set(c, (cols.get(c) ?? 0) + 1);
  }
  return Math.max(0, ...rows.values(), ...cols.values()) >= 4;
}
