import { describe, expect, it } from 'vitest';
import { extractiveAnswer, indexDocument, retrieve, retrieveEvidence } from '../../core/retrieval/index.js';
import type { TokenCounter } from '../../core/retrieval/budget.js';
import { syntheticDoc } from './synthetic.js';

const filler = (n: number, seed: string) => Array.from({ length: n }, (_, i) => `${seed}${i % 7}`).join(' ') + '.';

const doc = syntheticDoc([
  { kind: 'heading', text: 'Methods', section: ['Methods'] },
  { text: 'We fit linear mixed models with restricted maximum likelihood (REML) estimation. The fixed effects and the variance components are estimated together, and the random effects are predicted as conditional modes given the data.', section: ['Methods'] },
  { text: 'The penalized least squares step is solved with a sparse Cholesky factorization. Its fill-reducing permutation is computed once, at the start, because the sparsity pattern stays the same for every iteration.', section: ['Methods'] },
  { text: 'Weather in the mountains changes quickly and hikers should carry rain gear.', section: ['Other'], page: 2 },
  { kind: 'figure', text: 'days reaction ms 200 300', page: 3, section: ['Results'] },
  { kind: 'caption', text: 'Figure 3: Reaction time versus days of sleep deprivation.', page: 3, captionOf: 4, label: 'Figure 3', section: ['Results'] },
  { text: 'As Figure 3 shows, reaction time grows with sleep deprivation in nearly every subject of the study, although the slope differs markedly between subjects and two of them barely change at all.', page: 3, refs: [4], section: ['Results'] },
  { kind: 'table', text: 'model AIC BIC m1 1794 1812 m2 1763 1785', page: 4, section: ['Results'] },
  { kind: 'caption', text: 'Table 2: Information criteria of the two models.', page: 4, captionOf: 7, label: 'Table 2', section: ['Results'] },
  { text: filler(400, 'lorem'), page: 5, section: ['Appendix'] },
  { text: 'Weather in the valley is milder and the paths are well marked, so the walk suits families with children and people who are new to hiking in the area.', section: ['Other'], page: 2 },
]);

describe('retrieveEvidence (lexical)', () => {
  it('finds the paragraph that holds the answer, with its geometry and section', async () => {
    const index = await indexDocument(doc);
    const ev = await retrieveEvidence([{ doc, index }], 'How is the penalized least squares problem solved?', { retriever: 'bm25' });
    expect(ev[0].unitId).toBe('u0002');
    expect(ev[0]).toMatchObject({ rank: 1, kind: 'paragraph', page: 1, section: ['Methods'], docId: 'doc1' });
    expect(ev[0].lineRects.length).toBeGreaterThan(0);
    expect(ev[0].tokens).toBeGreaterThan(0);
  });

  it('scores a figure by its caption and cites it with the caption folded in', async () => {
    const index = await indexDocument(doc);
    const ev = await retrieveEvidence([{ doc, index }], 'reaction time and sleep deprivation plot', { retriever: 'bm25', k: 2 });
    expect(ev.map((e) => e.unitId)).toContain('u0004');
    const fig = ev.find((e) => e.unitId === 'u0004')!;
    expect(fig.kind).toBe('figure');
    expect(fig.text).toContain('Figure 3: Reaction time');
    expect(fig.label).toBe('Figure 3');
  });

  it('lifts the unit a question names ("Table 2") even without shared words', async () => {
    const index = await indexDocument(doc);
    const ev = await retrieveEvidence([{ doc, index }], 'What does Table 2 say?', { retriever: 'bm25', k: 1 });
    expect(ev[0].unitId).toBe('u0007');
  });

  it('keeps within the token budget, cutting a long unit rather than overflowing', async () => {
    const index = await indexDocument(doc);
    const words: TokenCounter = { id: 'words', count: (t) => t.split(/\s+/).filter(Boolean).length };
    const ev = await retrieveEvidence([{ doc, index }], 'lorem0 lorem1 lorem2', { retriever: 'bm25', budget: 100, tokenCounter: words });
    const total = ev.reduce((a, e) => a + e.tokens, 0);
    expect(total).toBeLessThanOrEqual(100);
    expect(ev[0].text.endsWith('…')).toBe(true);
  });

  it('merges adjacent paragraphs of one page into one evidence item', async () => {
    const index = await indexDocument(doc);
    const r = await retrieve([{ doc, index }], 'REML estimation and sparse Cholesky factorization of least squares', { retriever: 'bm25', k: 3 });
    const merged = r.units.find((u) => u.unitIds.includes('u0001') && u.unitIds.includes('u0002'));
    expect(merged).toBeDefined();
  });

  it('is JSON-serialisable and gives the same evidence after a round trip', async () => {
    const index = JSON.parse(JSON.stringify(await indexDocument(doc)));
    const ev = await retrieveEvidence([{ doc, index }], 'sparse Cholesky', { retriever: 'bm25', k: 1 });
    expect(ev[0].unitId).toBe('u0002');
  });

  it('falls back to lexical retrieval when the index has no vectors', async () => {
    const index = await indexDocument(doc);
    const r = await retrieve([{ doc, index }], 'sparse Cholesky', { retriever: 'hybrid' });
    expect(r.retriever).toBe('bm25');
  });
});

describe('extractiveAnswer', () => {
  it('quotes the best sentences and cites them with the evidence rank', async () => {
    const index = await indexDocument(doc);
    const ev = await retrieveEvidence([{ doc, index }], 'How is the penalized least squares step solved?', { retriever: 'bm25' });
    const a = extractiveAnswer('How is the penalized least squares step solved?', ev);
    expect(a.answerable).toBe(true);
    expect(a.mode).toBe('extractive');
    expect(a.text).toContain('“The penalized least squares step is solved with a sparse Cholesky factorization.” [1]');
    expect(a.citations[0]).toMatchObject({ n: 1, unitId: 'u0002', page: 1 });
  });

  it('says not answerable when nothing relevant was found', () => {
    const a = extractiveAnswer('What is the capital of Mongolia?', []);
    expect(a.answerable).toBe(false);
    expect(a.citations).toEqual([]);
  });
});

describe('image embedding hook', () => {
  it('adds image similarity to figure items when a vision encoder is given', async () => {
    const { normalize } = await import('../../core/retrieval/embedder.js');
    const figDoc = syntheticDoc([
      { text: 'An introduction to the survey and its sampling design across the regions of the country over several years.', section: ['A'] },
      { kind: 'figure', text: '', page: 2, section: ['B'] },
      { kind: 'figure', text: '', page: 3, section: ['C'] },
    ]);
    // A fake encoder: the "image" of figure u0002 matches the question, u0001 does not.
    const fake = {
      id: 'fake-clip',
      dims: 2,
      fusionWeight: 0.5,
      embedImages: async (pngs: Uint8Array[]) => pngs.map((p) => normalize(Float32Array.from(p[0] === 2 ? [1, 0] : [0, 1]))),
      embedQuery: async () => Float32Array.from([1, 0]),
    };
    const index = await indexDocument(figDoc, { imageEmbedder: fake, renderItem: async (u) => Uint8Array.from([Number(u.id.slice(1))]) });
    expect(index.images?.items).toEqual([1, 2]);
    const ev = await retrieveEvidence([{ doc: figDoc, index }], 'the map of rainfall', { imageEmbedder: fake, k: 1 });
    expect(ev[0].unitId).toBe('u0002');
  });
});

describe('splitSentences', () => {
  it('does not cut after et al., e.g. or Fig.', async () => {
    const { splitSentences } = await import('../../core/retrieval/extractive.js');
    expect(splitSentences('As shown by Johnson et al. (2017), it works. See Fig. 3 for details. Next one.')).toEqual([
      'As shown by Johnson et al. (2017), it works.',
      'See Fig. 3 for details.',
      'Next one.',
    ]);
  });
});

describe('edge cases', () => {
  it('returns no evidence for an empty scope, an empty question or k = 0', async () => {
    const index = await indexDocument(doc);
    expect(await retrieveEvidence([], 'anything')).toEqual([]);
    expect(await retrieveEvidence([{ doc, index }], '   ')).toEqual([]);
    expect(await retrieveEvidence([{ doc, index }], 'sparse Cholesky', { k: 0 })).toEqual([]);
  });

  it('reports embedding progress and honours cancellation', async () => {
    const seen: [number, number][] = [];
    const slow = {
      id: 'slow',
      dims: 2,
      fusionWeight: 0.1,
      embed: async (texts: string[]) => texts.map(() => Float32Array.from([1, 0])),
    };
    await indexDocument(doc, { embedder: slow, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.at(-1)![0]).toBe(seen.at(-1)![1]);
    const ac = new AbortController();
    ac.abort();
    await expect(indexDocument(doc, { embedder: slow, signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('ranks across documents in one scope', async () => {
    const other = syntheticDoc([{ text: 'Sparse Cholesky factorization of the penalized least squares system is the core of the algorithm in this other paper.', section: ['X'] }], 'doc2');
    const [i1, i2] = await Promise.all([indexDocument(doc), indexDocument(other)]);
    const ev = await retrieveEvidence([{ doc, index: i1 }, { doc: other, index: i2 }], 'sparse Cholesky factorization', { k: 2 });
    expect(new Set(ev.map((e) => e.docId))).toEqual(new Set(['doc1', 'doc2']));
  });
});

describe('labelKeys', () => {
  it('reads figure and table names, supplementary ones included', async () => {
    const { labelKeys } = await import('../../core/retrieval/items.js');
    expect(labelKeys('As Fig. 3b and Table 2 show, and Figure S2 too')).toEqual(['figure 3', 'table 2', 'figure s2']);
  });
});
