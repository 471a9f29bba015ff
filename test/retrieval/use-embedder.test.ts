import { describe, expect, it } from 'vitest';
import { dot } from '../../core/retrieval/embedder.js';
import { indexDocument, retrieve } from '../../core/retrieval/index.js';
import { UseEmbedder } from '../../core/retrieval/use-embedder.js';
import { questionForRetrieval } from '../../core/retrieval/question.js';
import { syntheticDoc } from './synthetic.js';

describe('UseEmbedder (Universal Sentence Encoder lite, shipped in npm)', () => {
  it('embeds batches into unit vectors, batch == single, truncation in the id', async () => {
    const e = await UseEmbedder.load({ maxTokens: 32 });
    expect(e.id).toBe('use-lite-512@t32');
    const texts = ['How do I bake bread?', 'A recipe for baking a loaf of bread', 'Mixed models estimate variance components', ''];
    const vs = await e.embed(texts);
    expect(vs).toHaveLength(4);
    for (const v of vs) {
      expect(v).toHaveLength(512);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 4);
    }
    // A trained encoder: paraphrases are closer than unrelated sentences.
    expect(dot(vs[0], vs[1])).toBeGreaterThan(dot(vs[0], vs[2]));
    const [single] = await e.embed([texts[1]]);
    for (let i = 0; i < 512; i += 37) expect(single[i]).toBeCloseTo(vs[1][i], 4);
    expect(e.tokenize('word '.repeat(200)).length).toBe(32);
  });

  it('makes hybrid retrieval available and stores vectors in a JSON index', async () => {
    const e = await UseEmbedder.load();
    const doc = syntheticDoc([
      { text: 'Bread is baked from flour, water, yeast and salt; the dough rises before it goes into a hot oven for forty minutes.', section: ['Baking'] },
      { text: 'Linear mixed models estimate variance components of random effects by restricted maximum likelihood on grouped data.', page: 2, section: ['Statistics'] },
    ]);
    const index = JSON.parse(JSON.stringify(await indexDocument(doc, { embedder: e })));
    expect(index.embedderId).toBe(e.id);
    expect(index.vectors.count).toBe(2);
    const r = await retrieve([{ doc, index }], 'How is a loaf made?', { retriever: 'dense', embedder: e, k: 1 });
    expect(r.retriever).toBe('dense');
    expect(r.evidence[0].page).toBe(1);
    const h = await retrieve([{ doc, index }], 'variance components estimation', { retriever: 'hybrid', embedder: e, k: 1 });
    expect(h.retriever).toBe('hybrid');
    expect(h.evidence[0].page).toBe(2);
  });
});

describe('questionForRetrieval', () => {
  it('drops trailing answer-format instructions and keeps the question', () => {
    expect(questionForRetrieval('How many apps were there in 2014? Write the answer in float format.')).toBe('How many apps were there in 2014?');
    expect(questionForRetrieval('Round your answer to two decimals.')).toBe('Round your answer to two decimals.');
    expect(questionForRetrieval('What is REML? What does it estimate?')).toBe('What is REML? What does it estimate?');
  });
});
