/** The ask panel's reading of answer text: citation markers and the answer cut at its claims. */
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../core/api.js';
import { pieces, segments } from '../../renderer/src/ask/answer-text.js';

const claim = (start: number, end: number, supported = true): Claim => ({ start, end, citations: [], supported });

describe('answer text', () => {
  it('reads [n], [n, m], [n][m] and [n-m] markers as the service does', () => {
    expect(segments('A [1]. B [2, 3][4]. C [5-7].')).toEqual([
      { text: 'A ' }, { cite: 1 }, { text: '. B ' }, { cite: 2 }, { cite: 3 }, { cite: 4 }, { text: '. C ' }, { cite: 5 }, { cite: 6 }, { cite: 7 }, { text: '.' },
    ]);
  });

  it('cuts the answer at its claims and keeps each marker whole, in the sentence it starts in', () => {
    const text = 'One fact [1]. Two facts [2].';
    const [a, b] = [claim(0, 13), claim(14, 28, false)];
    expect(pieces(text, [b, a])).toEqual([
      { claim: a, segments: [{ text: 'One fact ' }, { cite: 1 }, { text: '.' }] },
      { claim: undefined, segments: [{ text: ' ' }] },
      { claim: b, segments: [{ text: 'Two facts ' }, { cite: 2 }, { text: '.' }] },
    ]);
    // A claim that ends inside a marker (offsets a little off) still leaves the marker one chip.
    const off = claim(0, 10);
    expect(pieces(text, [off])).toEqual([
      { claim: off, segments: [{ text: 'One fact ' }, { cite: 1 }] },
      { claim: undefined, segments: [{ text: '. Two facts ' }, { cite: 2 }, { text: '.' }] },
    ]);
    expect(pieces(text)).toEqual([{ claim: undefined, segments: segments(text) }]);
  });
});
