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
  if (m[3]) return { kind, label };
  const rest = line.text.slice(m[0].length).trim();
  if (!rest) return { kind, label };
  const first = line.items[0];
  const later = line.items.find((g) => g.x0 > first.x1 + 0.5 && g.font !== first.font);
  if (later && line.items.length > 1) return { kind, label };
  return null;
}

/** "Figure 3" / "Fig. 3" / "Table 2" mentioned anywhere, normalised to the label form captions get. */
export function canonicalLabel(word: string, num: string): string {
  return `${/^tab/i.test(word) ? 'Table' : 'Figure'} ${num}`;
}
