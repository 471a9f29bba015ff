import { describe, expect, it } from 'vitest';
import { indexDocument, retrieveEvidence } from '../../core/retrieval/index.js';
import { syntheticDoc } from './synthetic.js';

describe('evidence that runs over a page break', () => {
  it('cites the first page and carries the lines on the next page for highlighting', async () => {
    const doc = syntheticDoc([
      { text: 'Weather in the mountains changes quickly, and hikers who set out on a sunny morning should still carry rain gear, warm layers and a map on every trip, because storms build over the ridges by noon.', page: 1 },
      { text: 'The sparse Cholesky factorization of the penalized least squares system is updated at every iteration of the optimizer, while its fill-reducing', page: 1 },
      { text: 'permutation is computed only once because the sparsity pattern of the system never changes between iterations.', page: 2 },
      { text: 'Valley paths are milder and well marked, so families can walk them with children, and the huts along the way serve soup and tea to anyone who arrives before the evening.', page: 2 },
    ]);
    const index = await indexDocument(doc);
    const [top] = await retrieveEvidence([{ doc, index }], 'How often is the fill-reducing permutation of the Cholesky factorization computed?', { retriever: 'bm25', k: 1 });
    expect(top.unitId).toBe('u0001');
    expect(top.page).toBe(1);
    expect(top.text).toContain('permutation is computed only once');
    expect(top.lineRects).toEqual(expect.arrayContaining(doc.units[1].lineRects));
    expect(top.continuation).toEqual([{ page: 2, lineRects: doc.units[2].lineRects }]);
  });
});

describe('merging neighbouring paragraphs', () => {
  it('never joins a paragraph of another section to the evidence', async () => {
    const long = (s: string) => `${s} ${'The sparse factor is reused across iterations of the fit.'.repeat(3)}`;
    const doc = syntheticDoc([
      { text: long('Storage of the dense matrix N needs only its nonzeros and the row indices of the grouping factors.'), section: ['3. Structure'] },
      { text: long('The nonlinear optimizer bobyqa minimises the profiled deviance by default in lmer fits.'), section: ['4. Optimization'] },
      { text: long('The optimizer can be changed with lmerControl, for example to Nelder-Mead, when bobyqa fails.'), section: ['4. Optimization'] },
      { text: 'Weather in the valley is mild, the paths are well marked, and the huts along the way serve soup and tea to walkers who arrive before the evening.', section: ['5. Other'] },
    ]);
    const index = await indexDocument(doc);
    const evidence = await retrieveEvidence([{ doc, index }], 'Which optimizer minimises the profiled deviance and the sparse factor?', { retriever: 'bm25', k: 3 });
    for (const e of evidence) {
      const sections = doc.units.filter((u) => e.text.includes(u.text.slice(0, 40))).map((u) => u.section[0]);
      expect(new Set(sections).size).toBe(1);
      expect(sections[0]).toBe(e.section[0]);
    }
  });
});
