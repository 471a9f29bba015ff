/** Reading a generated answer: citations, unsupported sentences, refusals, and the prompt layout. */
import { describe, expect, it } from 'vitest';
import type { Evidence } from '../../core/api.js';
import { checkAnswer, citedNumbers, isRefusal } from '../../core/answer/check.js';
import { answerMessages, NO_ANSWER_SENTENCE } from '../../core/answer/prompt.js';
import { isWholePaperQuestion } from '../../core/answer/whole-paper.js';

function ev(rank: number, text: string, page = rank): Evidence {
  return { rank, text, page, kind: 'paragraph', bbox: [0, 0, 1, 1], lineRects: [], section: ['2 Data', '2.1 Fine-tuning'], docId: 'd', unitId: `u${rank}`, score: 1, tokens: 10 };
}

const EVIDENCE = [
  ev(1, 'We fine-tune on the SQuAD 2.0 training set, which holds 130,000 questions.'),
  ev(2, 'The learning rate is 3e-5 with a batch size of 32 for two epochs.'),
  ev(3, 'Table 2 compares exact match and F1 on the development set.'),
];

describe('citations', () => {
  it('reads [n], [n, m] and [n-m]', () => {
    expect(citedNumbers('a [1] b [2, 3] c [4-6] d [x]')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('maps each cited number to its unit and checks every sentence against what it cites', () => {
    const text = 'They fine-tune on SQuAD 2.0 with 130,000 questions [1]. Training runs for two epochs [2]. The model was invented on Mars [3]. It is great.';
    const { citations, claims, answerable } = checkAnswer(text, EVIDENCE);
    expect(answerable).toBe(true);
    expect(citations.map((c) => [c.n, c.unitId, c.page])).toEqual([[1, 'u1', 1], [2, 'u2', 2], [3, 'u3', 3]]);
    expect(claims.map((c) => c.supported)).toEqual([true, true, false, false]);
    expect(text.slice(claims[2].start, claims[2].end)).toBe('The model was invented on Mars [3].');
    expect(claims[2].problem).toMatch(/no content word/);
    expect(claims[3].problem).toBe('no citation');
  });

  it('points each citation at the evidence sentences the claim rests on', () => {
    const text = 'The model was fine-tuned on SQuAD 2.0 [1].';
    const e = { ...ev(1, 'We fine-tune on the SQuAD 2.0 training set. It was collected in 2018.'), spans: [
      { unitId: 'u1', offset: 0, start: 0, end: 44, page: 1, lineRects: [] as [number, number, number, number][] },
      { unitId: 'u1', offset: 45, start: 45, end: 69, page: 1, lineRects: [] as [number, number, number, number][] },
    ] };
    const { citations } = checkAnswer(text, [e]);
    expect(citations[0].spans?.map((s) => s.offset)).toEqual([0]);
  });

  it('flags a citation of evidence that was never given', () => {
    const { claims, citations } = checkAnswer('The set has 130,000 questions [7].', EVIDENCE);
    expect(citations).toEqual([]);
    expect(claims[0].supported).toBe(false);
    expect(claims[0].problem).toMatch(/not given/);
  });
});

describe('not answerable', () => {
  it('detects the instructed sentence and short uncited refusals, not cited answers that mention a gap', () => {
    expect(isRefusal(NO_ANSWER_SENTENCE)).toBe(true);
    expect(isRefusal('The evidence does not mention the dataset size.')).toBe(true);
    expect(isRefusal('')).toBe(true);
    expect(isRefusal('The set has 130,000 questions [1], though the paper does not state how they were split.')).toBe(false);
    expect(checkAnswer(NO_ANSWER_SENTENCE, EVIDENCE).answerable).toBe(false);
  });
});

describe('the prompt', () => {
  it('numbers the evidence with section and page, asks for [n] citations, and keeps evidence first for reuse', () => {
    const m = answerMessages('How big is the fine-tuning set?', EVIDENCE);
    expect(m[0].role).toBe('system');
    expect(m[0].content).toContain('[1] (2.1 Fine-tuning, page 1) We fine-tune on the SQuAD 2.0');
    expect(m[0].content).toContain('[3] (2.1 Fine-tuning, page 3)');
    expect(m[0].content).toMatch(/cite .* as \[n\]/);
    expect(m[0].content).toContain(NO_ANSWER_SENTENCE);
    expect(m.at(-1)).toEqual({ role: 'user', content: 'Question: How big is the fine-tuning set?' });
    const follow = answerMessages('And the learning rate?', [], [], [ev(4, 'Warm-up lasts 10% of the steps.')]);
    expect(follow.at(-1)!.content).toMatch(/^More evidence:\n\n\[4\]/);
  });
});

describe('whole-paper questions', () => {
  it('are told apart from passage questions', () => {
    for (const q of ['Summarise this paper.', 'What are the main contributions?', 'What limitations do the authors admit?', 'Compare sections 3 and 5.', 'What is this paper about?']) {
      expect(isWholePaperQuestion(q)).toBe(true);
    }
    for (const q of ['What dataset do they fine-tune on?', 'How big is the training set?', 'What does Table 2 compare?']) {
      expect(isWholePaperQuestion(q)).toBe(false);
    }
  });
});
