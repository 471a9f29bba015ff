import { describe, expect, it } from 'vitest';
import { tokenize, words } from '../../core/retrieval/tokenize.js';

describe('tokenize', () => {
  it('folds case, stems and drops stop words', () => {
    expect(tokenize('The Models were Estimating effects')).toEqual(['model', 'estim', 'effect']);
  });
  it('keeps technical terms and numbers whole', () => {
    const t = tokenize('F1 of BERT-base on x86-64 with 1,000 samples and 3.5% error');
    expect(t).toContain('f1');
    expect(t).toContain('bert-base');
    expect(t).toContain('x86-64');
    expect(t).toContain('1000');
    expect(t).toContain('3.5');
    expect(t).not.toContain('5');
  });
  it('also gives the parts of a word compound, so spaced and hyphenated forms meet', () => {
    expect(tokenize('BERT base')).toEqual(expect.arrayContaining(['bert', 'base']));
    expect(tokenize('BERT-base')).toEqual(expect.arrayContaining(['bert', 'base']));
  });
  it('words() keeps every surface word for coverage measures', () => {
    expect(words('The cat, the HAT.')).toEqual(['the', 'cat', 'the', 'hat']);
  });
});
