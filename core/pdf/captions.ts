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
  if (!m[3] && /^[\p{L}\d,;)\]]/u.test(rest) && !/\s$/.test(m[0])) return null;
  if (/^[,;)\]]/.test(rest)) return null;
  if (m[3]) return { kind, label };
  const after = rest.trim();
  if (!after) return { kind, label };
  if (!/^[\p{Lu}(]/u.test(after)) return null;
  // Without punctuation the label must be set apart by its font (bold "Fig. 3" then plain text): the label
  // fills whole runs and the run after it is in another font.
  const want = m[0].replace(/\s/g, '').length;
  let seen = 0;
  for (let i = 0; i < line.items.length - 1; i++) {
    seen += line.items[i].text.replace(/\s/g, '').length;
    if (seen < want) continue;
    if (seen === want && line.items[i + 1].font !== line.items[i].font) return { kind, label };
    break;
  }
  return null;
}
