import { describe, expect, it } from 'vitest';
import type { Evidence } from '../../core/api.js';
import { extractiveAnswer } from '../../core/retrieval/index.js';

function ev(rank: number, text: string): Evidence {
  return { rank, docId: 'd', unitId: `u${rank}`, kind: 'paragraph', page: rank, bbox: [0, 0, 1, 1], lineRects: [], text, section: [], score: 1, tokens: 10 };
}

describe('extractive answers', () => {
  it('answers "what does X stand for" with the sentence that defines the acronym', () => {
    const a = extractiveAnswer('What does REML stand for?', [
      ev(1, 'Use REMLcrit for the REML criterion. The optimizer is bobyqa.'),
      ev(2, 'Maximum likelihood or restricted maximum likelihood (REML) estimates of the parameters can be determined.'),
    ]);
    expect(a.answerable).toBe(true);
    expect(a.text).toContain('“Maximum likelihood or restricted maximum likelihood (REML) estimates of the parameters can be determined.” [2]');
    expect(a.citations.map((c) => c.n)).toContain(2);
  });

  it('says not answerable when no sentence holds the question\'s terms', () => {
    const a = extractiveAnswer('Which GPU was used for training?', [ev(1, 'The weather was fine all week.')]);
    expect(a).toMatchObject({ answerable: false, citations: [] });
  });
});
