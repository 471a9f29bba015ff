import type { Rect } from './geometry.js';

export type { Rect } from './geometry.js';

/**
 * A run of a unit's text (one sentence): character offsets into `Unit.text`, its page, and one rectangle
 * per line it touches, cut at the sentence's first and last character where it starts or ends mid-line.
 */
export interface TextSpan {
  start: number;
  end: number;
  page: number;
  lineRects: Rect[];
}

/** What a unit is. Figures and tables are regions; their caption is a separate `caption` unit. */
export type UnitKind =
  | 'paragraph'
  | 'heading'
  | 'figure'
  | 'table'
  | 'caption'
  | 'equation'
  | 'footnote'
  | 'reference';

export const UNIT_KINDS: readonly UnitKind[] = [
  'paragraph',
  'heading',
  'figure',
  'table',
  'caption',
  'equation',
  'footnote',
  'reference',
];

/**
 * The smallest piece of a document that can be cited and highlighted.
 * Coordinates follow the convention in `geometry.ts` (points, top-left origin, y down).
 */
export interface Unit {
  /** Stable within one parse of one document: `u` + zero-padded reading-order index. */
  id: string;
  kind: UnitKind;
  /** 1-indexed page number. */
  page: number;
  /** The unit's bounding box on its page. */
  bbox: Rect;
  /** One rectangle per text line (for figures: the region itself), for exact highlights. */
  lineRects: Rect[];
  /** Normalised text (ligatures expanded, hyphenation joined). Figures/tables: the text inside the region. */
  text: string;
  /**
   * The unit's sentences, each with the (part-)lines it covers, so a citation can highlight one sentence
   * rather than the whole paragraph. Absent for figures, tables and units recognised by OCR.
   */
  spans?: TextSpan[];
  /** Headings from the root of the section tree down to the unit's own section. */
  section: string[];
  /** "Figure 3", "Table 2", "Section 4.1", "Eq. (5)", when the unit has one. */
  label?: string;
  /** Figure/table: the id of its caption unit. */
  captionId?: string;
  /** Caption: the id of the figure/table it describes. */
  targetId?: string;
  /** Ids of units this unit cites ("see Figure 3" -> the figure unit). */
  refs?: string[];
  /** Heading level, 1 = top-level section. */
  level?: number;
  /** Dominant font size in points: a signal for headings and a hint for renderers. */
  fontSize?: number;
  /** Set when the text was recognised from the page image (OCR) rather than read from its text layer. */
  ocr?: true;
}

export interface Page {
  /** 1-indexed. */
  number: number;
  /** Size in PDF points after rotation and crop box (what a viewer displays at scale 1). */
  width: number;
  height: number;
  /** The page's /Rotate in degrees (0, 90, 180, 270). */
  rotation: number;
  /** Column layout found on the page's body text. */
  columns: 1 | 2 | 'mixed';
  /** False when the page has no text layer (scanned): flagged so OCR can take over later. */
  hasText: boolean;
  /** Set when the page had no text layer and its units come from OCR (`hasText` stays false). */
  ocr?: true;
  /** Set when the page could not be parsed in time or at all; the rest of the document still is. */
  warning?: { code: string; message: string };
}

export interface SectionNode {
  title: string;
  /** "3.1" where the heading is numbered. */
  number?: string;
  level: number;
  page: number;
  /** The heading unit, when the section comes from a heading found in the text. */
  unitId?: string;
  children: SectionNode[];
}

export interface DocumentMeta {
  title?: string;
  author?: string;
  subject?: string;
  producer?: string;
  creationDate?: string;
}

/** The parsed document: what `wukong parse --json` prints. */
export interface DocumentModel {
  /** sha256 of the file's bytes, hex: the same file always gets the same id. */
  id: string;
  fileName: string;
  bytes: number;
  pageCount: number;
  meta: DocumentMeta;
  /** The title to show: the PDF's Title entry when it reads like one, else the largest text on page 1. */
  title?: string;
  pages: Page[];
  /** In reading order. */
  units: Unit[];
  sections: SectionNode[];
  parser: { name: string; version: string; ms: number };
}
