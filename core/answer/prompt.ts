/**
 * The prompt of a generated answer: the evidence numbered [1]..[k] with its section and page,
 * the instruction to cite every claim as [n], and to say so when the evidence does not answer.
 * The evidence sits in the system message so that a follow-up question starts with the same
 * tokens and the model's cache of them is reused.
 */
import type { ChatTurn, Evidence } from '../api.js';

export const NO_ANSWER_SENTENCE = 'The evidence does not answer this question.';

const INSTRUCTIONS = [
  'You answer questions about research papers using only the numbered evidence passages given to you.',
  'After every claim, cite the passage it comes from as [n], for example [2]; cite several as [1][3].',
  'Do not use outside knowledge and do not invent numbers.',
  `If the evidence does not answer the question, reply exactly: "${NO_ANSWER_SENTENCE}"`,
  'Answer briefly, in a few sentences.',
].join(' ');

export interface PromptMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export function evidenceBlock(evidence: Evidence[]): string {
  return evidence
    .map((e) => {
      const where = [e.section.at(-1), e.label, `page ${e.page}`].filter(Boolean).join(', ');
      return `[${e.rank}] (${where}) ${e.text.replace(/\s+/g, ' ').trim()}`;
    })
    .join('\n\n');
}

/**
 * The conversation for one question. `earlier` are the evidence and turns of the same
 * conversation so far (their evidence stays first and keeps its numbers); `fresh` is evidence
 * new to this question, numbered after it.
 */
export function answerMessages(question: string, first: Evidence[], turns: ChatTurn[] = [], fresh: Evidence[] = []): PromptMessage[] {
  const messages: PromptMessage[] = [{ role: 'system', content: `${INSTRUCTIONS}\n\nEvidence:\n\n${evidenceBlock(first)}` }];
  for (const t of turns) messages.push({ role: t.role, content: t.text });
  const more = fresh.length ? `More evidence:\n\n${evidenceBlock(fresh)}\n\n` : '';
  messages.push({ role: 'user', content: `${more}Question: ${question}` });
  return messages;
}
