import { describe, expect, it } from 'vitest';
import { indexDocument, retrieveEvidence } from '../../core/retrieval/index.js';
import { syntheticDoc } from './synthetic.js';

const filler = (topic: string, n: number) =>
  Array.from({ length: n }, (_, i) => `The ${topic} paragraph goes on with sentence number ${i + 1}, which repeats common words about walking and weather.`).join(' ');

describe('feeding the best sentences of long passages', () => {
  it('feeds the window that holds the answer, with spans pointing into the evidence text and the unit', async () => {
    const answer = 'The sparse Cholesky factor is updated at every iteration of the bobyqa optimizer.';
    const text = `${filler('long', 60)} ${answer} ${filler('tail', 60)}`;
    const doc = syntheticDoc([
      { text },
      ...Array.from({ length: 6 }, (_, i) => ({ text: `Another passage ${i} mentions the optimizer${' and its factor'.repeat(i)} once, but mostly talks about hiking huts and soup in the valley.`, page: i + 2 })),
      { text: 'Soup and tea are served in the huts of the valley to walkers who arrive before the evening.', page: 9 },
    ]);
    const index = await indexDocument(doc);
    const evidence = await retrieveEvidence([{ doc, index }], 'How often is the sparse Cholesky factor updated by the bobyqa optimizer?', { retriever: 'bm25', k: 5, budget: 2000 });
    const top = evidence.find((e) => e.unitId === 'u0000')!;
    expect(top.text).toContain(answer);
    expect(top.text.length).toBeLessThan(text.length);
    // Widened with the budget the short items left, never past it.
    expect(top.tokens).toBeGreaterThan(400);
    for (const s of top.spans!) {
      expect(top.text.slice(s.offset, s.offset + s.end - s.start)).toBe(doc.units[0].text.slice(s.start, s.end));
      expect(s.lineRects.length).toBeGreaterThan(0);
    }
    // Every item of the five fits: the long one no longer takes the budget of the others.
    expect(evidence).toHaveLength(5);
    expect(evidence.reduce((a, e) => a + e.tokens, 0)).toBeLessThanOrEqual(2000);
  });

  it('feeds a passage whole when it fits its share, and without a budget ranks whole items', async () => {
    const doc = syntheticDoc([
      { text: 'Short passage about the bobyqa optimizer. It has two sentences.' },
      { text: filler('long', 40), page: 2 },
      { text: 'Soup and tea are served in the huts of the valley to visitors who arrive before the evening.', page: 3 },
    ]);
    const index = await indexDocument(doc);
    const [e] = await retrieveEvidence([{ doc, index }], 'bobyqa optimizer', { retriever: 'bm25', k: 1 });
    expect(e.text).toBe(doc.units[0].text);
    expect(e.spans?.map((s) => [s.start, s.end])).toEqual([
      [0, 41],
      [42, 63],
    ]);
    const all = await retrieveEvidence([{ doc, index }], 'sentence number 40 about walking', { retriever: 'bm25', k: 2, budget: Number.POSITIVE_INFINITY });
    expect(all.find((x) => x.unitId === 'u0001')?.text).toBe(doc.units[1].text);
  });
});

describe('publisher furniture', () => {
  it('is never evidence: licence notes, dates and panel letters', async () => {
    const doc = syntheticDoc([
      { text: '© The Author(s) 2024. Open Access This article is licensed under a Creative Commons Attribution 4.0 International License about editing.' },
      { text: 'Received: 28 April 2023 Accepted: 13 May 2024 editing' },
      { text: 'A B C' },
      { text: 'Research Article' },
      { text: 'Check for updates' },
      { text: 'Genome editing with the exonuclease editor was precise in every cell line we tested.' },
    ]);
    const index = await indexDocument(doc);
    // The journal's labels are not even joined to the passage after them: the item cites the passage.
    expect(index.items.map((it) => [it.unitId, ...(it.more ?? [])])).toEqual([['u0005']]);
  });
});

describe('order of the fed items', () => {
  it('puts the best item of each page before a second item of a page already fed', async () => {
    // Every passage is long enough (25 words) to be an item of its own rather than joined to the next.
    const about = (n: number) => `The bobyqa optimizer converged on the sparse factor ${'bobyqa optimizer '.repeat(n)}in this run, ${filler('short', 1)}`;
    const doc = syntheticDoc([
      { text: about(4), page: 1, section: ['A'] },
      { text: filler('soup', 2), page: 1, section: ['A'] },
      { text: about(3), page: 1, section: ['B'] },
      { text: filler('boots', 2), page: 1, section: ['B'] },
      { text: about(2), page: 1, section: ['C'] },
      { text: about(0), page: 2, section: ['D'] },
      { text: filler('tea', 2), page: 3, section: ['E'] },
    ]);
    const index = await indexDocument(doc);
    // Relevance alone (no page penalty in MMR) ranks the three page-1 passages first.
    const evidence = await retrieveEvidence([{ doc, index }], 'bobyqa optimizer', { retriever: 'bm25', k: 4, mmrLambda: 1, samePageSimilarity: 0 });
    expect(evidence.map((e) => [e.unitId, e.page, e.rank])).toEqual([
      ['u0000', 1, 1],
      ['u0005', 2, 2],
      ['u0002', 1, 3],
      ['u0004', 1, 4],
    ]);
  });
});
