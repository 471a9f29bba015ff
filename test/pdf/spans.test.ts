import { describe, expect, it } from 'vitest';
import { sentenceRanges, splitSentences } from '../../core/model/sentences.js';
import { sentenceSpans } from '../../core/pdf/spans.js';
import type { Glyphs, Line } from '../../core/pdf/types.js';

/** A line of one run per word, 5 pt per character, words one space (5 pt) apart. */
function line(text: string, y: number, x = 100): Line {
  const items: Glyphs[] = [];
  let at = x;
  for (const w of text.split(' ')) {
    items.push({ text: w, x0: at, x1: at + 5 * w.length, y0: y, y1: y + 10, baseline: y + 8, size: 10, font: 'F', vertical: false });
    at += 5 * (w.length + 1);
  }
  return { items, text, bbox: [x, y, at - 5, y + 10], size: 10, font: 'F', baseline: y + 8, column: 0 };
}

describe('sentenceRanges', () => {
  it('keeps abbreviations, initials and "et al." inside a sentence', () => {
    expect(splitSentences('As shown by Johnson et al. (2017), it works. See Fig. 3 for J. Smith. Next one.')).toEqual([
      'As shown by Johnson et al. (2017), it works.',
      'See Fig. 3 for J. Smith.',
      'Next one.',
    ]);
  });

  it('ends a sentence at a closing quote or bracket and at a line break', () => {
    const text = 'He said "stop." Then left (as planned.) Done\nNew part';
    expect(sentenceRanges(text).map(([a, b]) => text.slice(a, b))).toEqual(['He said "stop."', 'Then left (as planned.)', 'Done', 'New part']);
  });
});

describe('sentenceSpans', () => {
  it('gives each sentence its own lines, cut where it starts or ends mid-line', () => {
    const lines = [line('The first sentence is here. The second', 0), line('one runs on to the next line. Third.', 12)];
    const text = 'The first sentence is here. The second one runs on to the next line. Third.';
    const spans = sentenceSpans(text, lines, 4);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['The first sentence is here.', 'The second one runs on to the next line.', 'Third.']);
    expect(spans.every((s) => s.page === 4)).toBe(true);
    // "here." ends at character 27: x = 100 + 27 * 5.
    expect(spans[0].lineRects).toEqual([[100, 0, 235, 10]]);
    expect(spans[1].lineRects).toEqual([
      [240, 0, 290, 10],
      [100, 12, 245, 22],
    ]);
    expect(spans[2].lineRects).toEqual([[250, 12, 280, 22]]);
  });

  it('finds lines whose hyphen the join dropped and skips lines that hold no text of the block', () => {
    const lines = [line('A long compu-', 0), line('—', 6), line('tation ends. Next.', 12)];
    const text = 'A long computation ends. Next.';
    const spans = sentenceSpans(text, lines, 1);
    expect(spans).toHaveLength(2);
    expect(spans[0].lineRects).toHaveLength(2);
    expect(spans[1].lineRects).toEqual([[165, 12, 190, 22]]);
  });
});
