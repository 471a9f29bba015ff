import type { DocumentModel, Unit, UnitKind } from '../../core/model/document.js';

export interface UnitSpec {
  kind?: UnitKind;
  page?: number;
  text: string;
  section?: string[];
  label?: string;
  captionOf?: number;
  refs?: number[];
}

/** A DocumentModel from unit specs: ids u0000.., boxes stacked down the page, one line rect a unit. */
export function syntheticDoc(specs: UnitSpec[], id = 'doc1'): DocumentModel {
  const units: Unit[] = specs.map((s, i) => {
    const y = 50 + (i % 20) * 30;
    const u: Unit = {
      id: `u${String(i).padStart(4, '0')}`,
      kind: s.kind ?? 'paragraph',
      page: s.page ?? 1,
      bbox: [50, y, 550, y + 25],
      lineRects: [[50, y, 550, y + 12], [50, y + 13, 550, y + 25]],
      text: s.text,
      section: s.section ?? ['Introduction'],
    };
    if (s.label) u.label = s.label;
    if (s.refs) u.refs = s.refs.map((r) => `u${String(r).padStart(4, '0')}`);
    return u;
  });
  specs.forEach((s, i) => {
    if (s.captionOf !== undefined) {
      units[i].targetId = units[s.captionOf].id;
      units[s.captionOf].captionId = units[i].id;
    }
  });
  const pageCount = Math.max(1, ...units.map((u) => u.page));
  return {
    id,
    fileName: `${id}.pdf`,
    bytes: 1000,
    pageCount,
    meta: {},
    pages: Array.from({ length: pageCount }, (_, i) => ({ number: i + 1, width: 612, height: 792, rotation: 0, columns: 1 as const, hasText: true })),
    units,
    sections: [],
    parser: { name: 'synthetic', version: '0', ms: 0 },
  };
}
