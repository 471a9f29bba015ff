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

describe('extractive answers quote whole sentences the question picks', () => {
  const spanned = (rank: number, sentences: string[]): Evidence => {
    const e = ev(rank, sentences.join(' '));
    let offset = 0;
    e.spans = sentences.map((s, i) => {
      const span = { unitId: e.unitId, start: offset, end: offset + s.length, page: rank, lineRects: [[0, i * 12, 100, i * 12 + 10] as [number, number, number, number]], offset };
      offset += s.length + 1;
      return span;
    });
    return e;
  };

  it('cites the quoted sentence spans, never figure labels or reference entries', () => {
    const a = extractiveAnswer('What survival rate did the heat shock at 36 °C give the mutant worms?', [
      spanned(1, ['A B C D 36 °C 0 20 40 60 survival', 'After heat shock at 36 °C, about 10% of the mutant worms died and survival was 90%.', 'Worms were grown on plates.']),
      { ...ev(2, 'Smith, J. A., Jones, B. (2019). Heat shock survival of mutant worms at 36 °C. Genetics 12, 1–9.'), kind: 'reference' },
    ]);
    expect(a.text).toBe('“After heat shock at 36 °C, about 10% of the mutant worms died and survival was 90%.” [1]');
    expect(a.citations).toHaveLength(1);
    expect(a.citations[0].spans?.map((s) => s.lineRects[0][1])).toEqual([12]);
  });

  it('prefers the sentence with a number when the question asks how many', () => {
    const a = extractiveAnswer('How many mutant worms survived the heat shock?', [
      spanned(1, ['The mutant worms were exposed to heat shock in every replicate assay.', 'In total 42 mutant worms survived the heat shock in the assay.']),
    ], { maxSentences: 1 });
    expect(a.text).toContain('42 mutant worms survived');
  });

  it('prefers the sentence that ranks when the question asks for the fastest or highest', () => {
    const a = extractiveAnswer('Which DNA structure is compacted most quickly by the protein?', [
      spanned(1, ['Linear DNA was compacted by the protein in every single assay.', 'Supercoiled DNA was compacted by the protein fastest of all.']),
    ], { maxSentences: 1 });
    expect(a.text).toContain('Supercoiled DNA');
  });

  it('does not take "at least" or "most likely" for a question about a ranking', () => {
    const a = extractiveAnswer('How many organisations does the report introduce in detail (at least one paragraph)?', [
      spanned(1, ['The report introduces six organisations in detail on page 4.', 'The report shows that most organisations introduced in the report grew in detail.']),
    ], { maxSentences: 1 });
    expect(a.text).toContain('six organisations');
  });

  it('does not quote a sentence cut at the start of a unit or by the budget', () => {
    const a = extractiveAnswer('Which optimizer minimises the profiled deviance?', [
      ev(1, 'optimizer minimises the profiled deviance in every fit of the model. The bobyqa optimizer minimises the profiled deviance …'),
    ]);
    expect(a.answerable).toBe(false);
  });
});

describe('fragments', () => {
  it('treats program output and table rows as no sentence', async () => {
    const { isFragment } = await import('../../core/retrieval/extractive.js');
    expect(isFragment('Data: sleepstudy Models: fm1: Reaction ~ Days npar AIC BIC logLik deviance fm3 4 1802 1815 -897 1794 fm2 5 1762 1778 -876 1752 42.08 1 8.8e-11.')).toBe(true);
    expect(isFragment('Starting that night they were restricted to 3 hours of sleep per night.')).toBe(false);
  });
});
