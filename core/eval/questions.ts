/** Question sets in the format of shared/eval/FORMAT.md: <set>/questions.jsonl + <set>/docs/*.pdf. */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { WukongError } from '../errors.js';

export interface Question {
  id: string;
  /** Relative to the set folder. */
  doc: string;
  question: string;
  answer: string;
  answers?: string[];
  answer_format: string;
  /** 1-indexed; may be empty. */
  evidence_pages: number[];
  evidence_sources?: string[];
  evidence_text?: string[];
  choices?: string[];
}

export interface QuestionSet {
  name: string;
  dir: string;
  questions: Question[];
}

export async function loadQuestionSet(dir: string): Promise<QuestionSet> {
  const abs = resolve(dir);
  let raw: string;
  try {
    raw = await readFile(join(abs, 'questions.jsonl'), 'utf8');
  } catch (err) {
    throw new WukongError('NOT_FOUND', `No questions.jsonl in ${abs}.`, String(err));
  }
  const questions: Question[] = [];
  raw.split('\n').forEach((line, n) => {
    if (!line.trim()) return;
    let q: Partial<Question>;
    try {
      q = JSON.parse(line) as Partial<Question>;
    } catch (err) {
      throw new WukongError('BAD_REQUEST', `questions.jsonl line ${n + 1} is not JSON.`, String(err));
    }
    if (typeof q.id !== 'string' || typeof q.doc !== 'string' || typeof q.question !== 'string') {
      throw new WukongError('BAD_REQUEST', `questions.jsonl line ${n + 1} lacks id, doc or question.`);
    }
    questions.push({
      ...q,
      id: q.id,
      doc: q.doc,
      question: q.question,
      answer: q.answer ?? '',
      answer_format: q.answer_format ?? 'Str',
      evidence_pages: Array.isArray(q.evidence_pages) ? q.evidence_pages : [],
    });
  });
  return { name: basename(abs), dir: abs, questions };
}

/** Charts, tables and figures versus text: the split the benchmark reports. */
export function sourceGroup(q: Question): 'visual' | 'text' | null {
  const s = q.evidence_sources ?? [];
  if (!s.length) return null;
  return s.some((x) => /table|chart|figure/i.test(x)) ? 'visual' : 'text';
}
