/** The outline built from parsed sections, for files without bookmarks. */
import { describe, expect, it } from 'vitest';
import type { SectionNode, Unit } from '../../core/api.js';
import { sectionOutline } from '../../renderer/src/viewer/outline-nodes.js';

const heading = (id: string, page: number, top: number): Unit => ({ id, kind: 'heading', page, bbox: [72, top, 300, top + 14], lineRects: [], text: '', section: [] });

describe('section outline', () => {
  it("keeps the tree, numbers titles once, and places each entry at its heading's top", async () => {
    const sections: SectionNode[] = [
      { title: 'Introduction', number: '1', level: 1, page: 2, unitId: 'u1', children: [{ title: '1.1 Scope', number: '1.1', level: 2, page: 3, unitId: 'u2', children: [] }] },
      { title: 'References', level: 1, page: 9, children: [] },
    ];
    const nodes = sectionOutline({ sections, units: [heading('u1', 2, 410), heading('u2', 3, 96)] });
    expect(nodes.map((n) => n.title)).toEqual(['1 Introduction', 'References']);
    expect(nodes[0].items.map((n) => n.title)).toEqual(['1.1 Scope']);
    expect(await nodes[0].target!()).toEqual({ page: 2, y: 410 });
    expect(await nodes[0].items[0].target!()).toEqual({ page: 3, y: 96 });
    // A section with no heading unit opens at its page's top.
    expect(await nodes[1].target!()).toEqual({ page: 9, y: 0 });
  });
});
