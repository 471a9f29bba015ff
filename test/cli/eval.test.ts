import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { makePdf } from '../helpers/pdf.js';

/** A two-question set over a three-page PDF whose answers sit on known pages. */
async function makeSet(): Promise<string> {
  const dir = join(tempHome(), 'set');
  mkdirSync(join(dir, 'docs'), { recursive: true });
  writeFileSync(join(dir, 'docs', 'paper.pdf'), await makePdf([
    ['Introduction', 'We study how sleep deprivation changes reaction times in eighteen volunteers.'],
    ['Methods', 'The optimizer is BOBYQA, a derivative-free bound-constrained method by Powell.'],
    ['Results', 'Reaction times grew by about ten milliseconds per day without sleep.'],
  ]));
  const qs = [
    { id: 'q1', doc: 'docs/paper.pdf', question: 'Which optimizer is used?', answer: 'BOBYQA', answer_format: 'Str', evidence_pages: [2] },
    { id: 'q2', doc: 'docs/paper.pdf', question: 'How much did reaction times grow per day?', answer: '10 ms', answer_format: 'Str', evidence_pages: [], evidence_text: ['Reaction times grew by about ten milliseconds per day without sleep.'] },
  ];
  writeFileSync(join(dir, 'questions.jsonl'), qs.map((q) => JSON.stringify(q)).join('\n') + '\n');
  return dir;
}

describe('wukong eval', () => {
  it('writes one line per question and prints page recall and passage hits', async () => {
    const dir = await makeSet();
    const out = join(dir, 'results.jsonl');
    const r = await runCli(['eval', dir, '--retriever', 'bm25', '--k', '3', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['q1', 'q2']);
    for (const l of lines) {
      expect(Object.keys(l).sort()).toEqual(['evidence', 'id', 'ms', 'tokens']);
      expect(l.evidence[0]).toMatchObject({ rank: 1, kind: expect.any(String), page: expect.any(Number), score: expect.any(Number) });
      expect(l.evidence[0].bbox).toHaveLength(4);
    }
    expect(lines[0].evidence[0].text).toContain('BOBYQA');
    const { summary } = JSON.parse(r.out);
    expect(summary).toMatchObject({ questions: 2, counted: 2 });
    expect(summary.pageRecall['3']).toBe(1);
    expect(summary.passageHit['3']).toBe(1);
  });

  it('refuses an --out it cannot write before running any question', async () => {
    const dir = await makeSet();
    const r = await runCli(['eval', dir, '--out', join(dir, 'no', 'such', 'x.jsonl'), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error).toMatchObject({ code: 'NO_ACCESS', message: expect.stringContaining('x.jsonl') });
  });

  it('fails with exit 1 on a folder that is not a question set', async () => {
    const r = await runCli(['eval', tempHome()]);
    expect(r.code).toBe(1);
  });
});
