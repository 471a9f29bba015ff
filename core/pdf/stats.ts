/** Document-wide text statistics: what "body text" looks like, so headings and footnotes stand out. */
import type { TextStats } from './paragraphs.js';
import type { RawPage } from './types.js';
import { argmax } from './lines.js';

export function textStats(pages: readonly RawPage[]): TextStats {
  const sizes = new Map<number, number>();
  const fonts = new Map<string, number>();
  for (const p of pages) {
    for (const l of p.lines) {
      sizes.set(l.size, (sizes.get(l.size) ?? 0) + l.text.length);
    }
  }
  const bodySize = argmax(sizes) ?? 10;
  for (const p of pages) {
    for (const l of p.lines) if (Math.abs(l.size - bodySize) < 0.3) fonts.set(l.font, (fonts.get(l.font) ?? 0) + l.text.length);
  }
  const gaps = new Map<number, number>();
  for (const p of pages) {
    const body = p.lines.filter((l) => Math.abs(l.size - bodySize) < 0.3).sort((a, b) => a.bbox[0] - b.bbox[0] || a.baseline - b.baseline);
    const byX = [...body].sort((a, b) => a.baseline - b.baseline);
    for (let i = 1; i < byX.length; i++) {
      const d = byX[i].baseline - byX[i - 1].baseline;
      if (d > 0.9 * bodySize && d < 3 * bodySize) {
        const k = Math.round(d * 4) / 4;
        gaps.set(k, (gaps.get(k) ?? 0) + 1);
      }
    }
  }
  return { bodySize, bodyFont: argmax(fonts) ?? '', leading: argmax(gaps) ?? bodySize * 1.2 };
}
