import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { approxTokenCounter, HfTokenCounter } from '../../core/retrieval/budget.js';

const smol = join(__dirname, '..', '..', '..', 'shared', 'tokenizers', 'SmolLM-360M-Instruct', 'tokenizer.json');

describe('token counters', () => {
  it('approximation: never fewer tokens than words and marks, ~4 chars a token for prose', () => {
    expect(approxTokenCounter.count('')).toBe(0);
    expect(approxTokenCounter.count('1, 2, 3, 4')).toBe(7);
    const prose = 'The penalized least squares problem is solved with a sparse Cholesky factorization.';
    expect(approxTokenCounter.count(prose)).toBe(Math.ceil(prose.length / 4));
  });

  describe.skipIf(!existsSync(smol))('HF tokenizer.json (SmolLM-360M-Instruct)', () => {
    it('counts the generator tokens, without special tokens', async () => {
      const c = await HfTokenCounter.fromFile(smol);
      expect(c.count('Hello world')).toBe(2);
      expect(c.count('')).toBe(0);
      const prose = 'Maximum likelihood or restricted maximum likelihood (REML) estimates of the parameters in linear mixed-effects models can be determined.';
      const n = c.count(prose);
      expect(n).toBeGreaterThan(15);
      expect(n).toBeLessThan(40);
      // The approximation should stay within a factor of two of the real count on prose.
      expect(approxTokenCounter.count(prose) / n).toBeGreaterThan(0.5);
      expect(approxTokenCounter.count(prose) / n).toBeLessThan(2);
    });
  });
});
