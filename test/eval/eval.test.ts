import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateSet, goldFor, loadQuestionSet, questionOutput, summarize } from '../../core/eval/index.js';
import { indexDocument } from '../../core/retrieval/index.js';
import { syntheticDoc } from '../retrieval/synthetic.js';

const doc = syntheticDoc([
  { text: 'The sleepstudy data record reaction times of eighteen subjects over ten days of sleep deprivation in a laboratory.', page: 1 },
  { text: 'Random slopes for days capture how much each subject slows down, beyond the average trend across all subjects.', page: 2 },
  { text: 'The optimizer bobyqa from the minqa package is the default for the final fit of linear mixed models.', page: 3 },
  { text: 'Profile confidence intervals are computed by refitting the model with one parameter held fixed at a time.', page: 4 },
]);

const questions = [
  { id: 'q1', doc: 'docs/a.pdf', question: 'Which optimizer is the default for the final fit?', answer: 'bobyqa', answer_format: 'Str', evidence_pages: [3], evidence_sources: ['Pure-text (Plain-text)'] },
  { id: 'q2', doc: 'docs/a.pdf', question: 'How are profile confidence intervals computed?', answer: 'refitting', answer_format: 'Str', evidence_pages: [], evidence_text: ['Profile confidence intervals are computed by refitting the model with one parameter held fixed'] },
  { id: 'q3', doc: 'docs/a.pdf', question: 'What is the capital of France?', answer: 'Not answerable', answer_format: 'None', evidence_pages: [] },
  { id: 'q4', doc: 'docs/a.pdf', question: 'What does the chart of reaction times show?', answer: 'x', answer_format: 'Str', evidence_pages: [2], evidence_sources: ['Chart'] },
];

describe('evaluation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wukong-evalset-'));
  writeFileSync(join(dir, 'questions.jsonl'), questions.map((q) => JSON.stringify(q)).join('\n') + '\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a question set', async () => {
    const set = await loadQuestionSet(dir);
    expect(set.questions.map((q) => q.id)).toEqual(['q1', 'q2', 'q3', 'q4']);
  });

  it('finds the gold page of a passage (>= 80% of its words) and none for a foreign passage', async () => {
    const set = await loadQuestionSet(dir);
    expect(goldFor(set.questions[1], doc).pages).toEqual([4]);
    const foreign = { ...set.questions[1], evidence_text: ['Completely different words about cooking pasta in salted water'] };
    expect(goldFor(foreign, doc)).toMatchObject({ pages: [], unresolvedPassages: 1 });
  });

  it('scores a set: page recall, passage hit, exclusions, tokens and ms', async () => {
    const set = await loadQuestionSet(dir);
    let parses = 0;
    const index = await indexDocument(doc);
    const seen: string[] = [];
    const results = await evaluateSet(set, {
      retriever: 'bm25',
      parse: async (path) => {
        parses++;
        expect(path).toBe(join(dir, 'docs/a.pdf'));
        return { doc, index };
      },
      onQuestion: (r) => seen.push(r.id),
    });
    expect(parses).toBe(1);
    expect(seen).toEqual(['q1', 'q2', 'q3', 'q4']);
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId.q1.pageHit[1]).toBe(true);
    expect(byId.q2.passageHit?.[1]).toBe(true);
    expect(byId.q3.counted).toBe(false);
    const out = questionOutput(byId.q1);
    expect(Object.keys(out)).toEqual(['id', 'evidence', 'tokens', 'ms']);
    expect(out.evidence[0]).toMatchObject({ rank: 1, kind: 'paragraph', page: 3 });
    expect(Object.keys(out.evidence[0]).sort()).toEqual(['bbox', 'kind', 'page', 'rank', 'score', 'text']);
    const s = summarize(results);
    expect(s.questions).toBe(4);
    expect(s.counted).toBe(3);
    expect(s.pageRecall[10]).toBe(1);
    expect(s.passageQuestions).toBe(1);
    expect(s.passageHit?.[1]).toBe(1);
    expect(s.byGroup.text.n).toBe(1);
    expect(s.byGroup.visual.n).toBe(1);
    expect(s.meanTokens).toBeGreaterThan(0);
    // The extractive answer quotes the gold sentence; questions without gold text are left out of the rate.
    expect(byId.q2.quoteHit).toBe(true);
    expect(byId.q1.quoteHit).toBeNull();
    expect(s.quoteHit).toEqual({ n: 1, rate: 1 });
  });
});
