/** Intermediate shapes between pdf.js output and the DocumentModel; all coordinates top-left, y down. */
import type { Rect } from '../model/geometry.js';

/** One run of text from getTextContent, mapped to the displayed page. */
export interface Glyphs {
  text: string;
  x0: number;
  x1: number;
  /** Top and bottom of the em box (baseline - ascent, baseline + descent). */
  y0: number;
  y1: number;
  baseline: number;
  size: number;
  font: string;
  /** Text that does not run left-to-right on the displayed page (rotated labels in figures). */
  vertical: boolean;
}

/** Glyph runs sharing a baseline without a column-sized gap between them. */
export interface Line {
  items: Glyphs[];
  text: string;
  bbox: Rect;
  size: number;
  font: string;
  baseline: number;
  /** Set by column detection: 0 = left/only column, 1 = right column, -1 = spans the columns. */
  column: number;
}

/** A painted shape (path or image) on the page, in page space. */
export interface Mark {
  rect: Rect;
  image: boolean;
}

/** What one page gives before document-wide steps (running headers, sections, cross-references). */
export interface RawPage {
  number: number;
  width: number;
  height: number;
  rotation: number;
  lines: Line[];
  /** x of column gutters found on the page's text runs (none on one-column pages). */
  gutters: number[];
  marks: Mark[];
  hasText: boolean;
  warning?: { code: string; message: string };
}

/** A unit before ids are assigned. */
export interface Block {
  kind: 'paragraph' | 'heading' | 'figure' | 'table' | 'caption' | 'equation' | 'footnote' | 'reference';
  page: number;
  lines: Line[];
  /** Figures/tables: the region; otherwise the union of the lines. */
  region?: Rect;
  text: string;
  size: number;
  font: string;
  column: number;
  label?: string;
  level?: number;
  number?: string;
  /** Index of the linked caption / target in the page's block list, resolved to ids later. */
  link?: Block;
  /** Floats (figures, tables, captions, footnotes) do not interrupt sentences in reading order. */
  float?: boolean;
  /** A heading repeating the paper's title on a later page (a Cell Press article's first page after the summary page). */
  repeatsTitle?: boolean;
  /** A subhead found by its style or place (heading-style.ts, classify.ts): it ranks just under the named sections it shares a size with. */
  subhead?: boolean;
}
