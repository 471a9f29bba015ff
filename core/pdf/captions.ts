/** Figure and table captions: "Figure 3:", "Fig. 3.", "Table 2 |", "Table S1." and their labels. */
import type { Line } from './types.js';

const CAPTION = /^(Figure|Fig\.?|FIGURE|FIG\.?|Table|TABLE|Tab\.)\s*((?:S|A)?\d+[a-z]?|[IVX]+)\s*([:.|\u2014\u2013-])?/;

export interface CaptionStart {
  kind: 'figure' | 'table';
  label: string;
}

/**
 * A line opening a caption. Body text can also start a line with "Table 2 shows", so the number must be
 * followed by punctuation, or the label must be set in its own font (bold "Fig. 3" then plain text).
 */
export function captionStart(line: Line): CaptionStart | null {
  const m = CAPTION.exec(line.text);
  if (!m) return null;
  const kind = /^t/i.test(m[1]) ? 'table' : 'figure';
  const label = `${kind === 'table' ? 'Table' : 'Figure'} ${m[2]}`;
  const rest = line.text.slice(m[0].length);
  // "Fig. S1A, B), suggesting" is a mention that happens to open a line, not a caption.
  if (/^[\p{L}\d,;)\]]/u.test(rest)) return null;
  if (m[3]) return { kind, label };
  const after = rest.trim();
  if (!after) return { kind, label };
  if (!/^[\p{Lu}(]/u.test(after)) return null;
  // Without punctuation the label must be set apart by its font (bold "Fig. 3" then plain text).
  const labelEnd = line.items[0].x0 + (line.items[0].x1 - line.items[0].x0) * Math.min(1, m[0].length / Math.max(1, line.items[0].text.length));
  const labelFont = line.items[0].font;
  const next = line.items.find((g) => g.x0 >= labelEnd - 0.5 && g !== line.items[0]);
  if (next && next.font !== labelFont && line.items[0].text.trim().length <= m[0].trim().length + 1) return { kind, label };
  return null;
}

/** "Figure 3" / "Fig. 3" / "Table 2" mentioned anywhere, normalised to the label form captions get. */
export function canonicalLabel(word: string, num: string): string {
  return `${/^tab/i.test(word) ? 'Table' : 'Figure'} ${num}`;
}
