/** Outline entries, whatever their source, and the ones built from the parser's section tree (no DOM here). */
import type { DocumentModel, SectionNode } from '../../../core/api.js';

export interface Place {
  page: number;
  /** Points from the page's top. */
  y: number;
}

export interface OutlineNode {
  title: string;
  items: OutlineNode[];
  /** A bookmark to a web address instead of a place in the file. */
  url?: string;
  /** null when the destination is missing from the file. */
  target?: () => Promise<Place | null>;
}

/** The parsed section tree, each entry at its heading's top (or its page's top when the heading is not a unit). */
export function sectionOutline(model: Pick<DocumentModel, 'sections' | 'units'>): OutlineNode[] {
  const tops = new Map(model.units.map((u) => [u.id, u.bbox[1]]));
  const convert = (sections: SectionNode[]): OutlineNode[] =>
    sections.map((s) => {
      const place = { page: s.page, y: (s.unitId ? tops.get(s.unitId) : undefined) ?? 0 };
      return { title: s.number && !s.title.startsWith(s.number) ? `${s.number} ${s.title}` : s.title, items: convert(s.children), target: () => Promise.resolve(place) };
    });
  return convert(model.sections);
}
