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
  return { bodySize, bodyFont: argmax(fonts) ?? '', leading: argmax(gaps) ?? bodySize * 1.2, monoFonts: monospaceFonts(pages) };
}

function threeLetters(s: string): boolean {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (c >= 0x61 && c <= 0x7a && ++n === 3) return true;
  }
  return false;
}

/**
 * Fonts are told monospace by their runs, not their names (subset names and pdf.js's flags are unreliable):
 * in a typewriter font every run's width per character per em is the same, whatever its letters. Digits
 * alone share one width in most fonts, so only runs with letters count, and several different ones.
 */
export function monospaceFonts(pages: readonly RawPage[]): Set<string> {
  const ratios = new Map<string, Map<string, number>>();
  for (const p of pages) {
    for (const l of p.lines) {
      for (const g of l.items) {
        if (g.vertical || g.text.length < 3 || !threeLetters(g.text)) continue;
        const byText = ratios.get(g.font) ?? new Map<string, number>();
        // Keyed by the letters alone: runs differing only in digits say nothing about letter widths.
        byText.set(g.text.replace(/[^A-Za-z]/g, ''), (g.x1 - g.x0) / (g.text.length * g.size));
        ratios.set(g.font, byText);
      }
    }
  }
  const out = new Set<string>();
  for (const [font, byText] of ratios) {
    const rs = [...byText.values()].sort((a, b) => a - b);
    if (rs.length < 5) continue;
    const mid = rs[Math.floor(rs.length / 2)];
    if (mid > 0 && rs.filter((r) => Math.abs(r - mid) < 0.015 * mid).length >= 0.9 * rs.length) out.add(font);
  }
  return out;
}
