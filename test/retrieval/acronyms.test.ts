import { describe, expect, it } from 'vitest';
import { expandAcronyms, findAcronyms } from '../../core/retrieval/acronyms.js';
import { queryFromText } from '../../core/retrieval/bm25.js';

describe('acronyms', () => {
  const map = findAcronyms([
    'We use Random Kitchen Sinks (RKS) and restricted maximum likelihood (REML) with long short-term memory (LSTM) cells, as in Table (T1) and (Fig).',
  ]);

  it('finds definitions whose letters spell the short form (Schwartz-Hearst)', () => {
    expect(map).toEqual({ rks: 'random kitchen sinks', reml: 'restricted maximum likelihood', lstm: 'long short-term memory' });
  });

  it('adds the short form for a question using the long form (plural-insensitive), and the long form for the short', () => {
    expect(expandAcronyms('What is the Random Kitchen Sink approach?', queryFromText('What is the Random Kitchen Sink approach?'), map).get('rks')).toBe(1);
    const q = expandAcronyms('Why REML?', queryFromText('Why REML?'), map);
    expect(q.get('restrict')).toBe(0.5);
    expect(q.get('likelihood')).toBe(0.5);
  });
});
