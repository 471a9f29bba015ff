import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Unit } from '../../core/model/document.js';
import { parsePdf } from '../../core/pdf/index.js';
import { paperTitle, plausibleTitle } from '../../core/pdf/title.js';
import { lines, makePdf } from './make-pdf.js';

const docs = join(import.meta.dirname, '..', '..', '..', 'shared', 'eval', 'qasper-mini', 'docs');

const unit = (text: string, bbox: Unit['bbox'], fontSize: number, kind: Unit['kind'] = 'heading'): Unit => ({
  id: text,
  kind,
  page: 1,
  bbox,
  lineRects: [bbox],
  text,
  section: [],
  fontSize,
});

describe('paper title', () => {
  it('keeps a Title entry that reads like a title and refuses typesetter job names', () => {
    expect(plausibleTitle('Fitting Linear Mixed-Effects Models using lme4')).toBe(true);
    for (const job of ['OP-GENE210101 1..14', 'Microsoft Word - draft3.docx', 'paper.tex', 'untitled', 'x']) expect(plausibleTitle(job)).toBe(false);
    expect(paperTitle([], { title: '  Mixed   models for all ' }, 792)).toBe('Mixed models for all');
    // A year opening a title is no job number.
    expect(plausibleTitle('2020 Census of Population and Housing')).toBe(true);
  });

  it('reads the largest text of the upper first page, skipping a margin stamp and joining a broken word', () => {
    const units = [
      unit('arXiv:2001.03131v1 [cs.CL] 9 Jan 2020', [10, 200, 30, 560], 20, 'paragraph'),
      unit('Off', [136, 121, 154, 134], 14.3),
      unit('ensive Language Detection:', [154, 121, 460, 134], 14.3, 'paragraph'),
      unit('A Comparative Analysis∗', [200, 138, 400, 151], 14.3),
      unit('Vyshnav M T', [208, 152, 266, 163], 11, 'paragraph'),
      unit('Huge text low on the page', [100, 600, 500, 640], 30, 'paragraph'),
    ];
    expect(paperTitle(units, { title: 'OP-GENE210101 1..14' }, 792)).toBe('Offensive Language Detection: A Comparative Analysis');
    expect(paperTitle(units.slice(4, 5), {}, 792)).toBe(undefined);
  });

  it('gives a PDF without a Title entry the title printed on its first page', async () => {
    const data = await makePdf([
      (page, f) => {
        page.drawText('Sparse Evidence for Long Documents', { x: 120, y: 792 - 90, size: 18, font: f.bold });
        lines(page, f.regular, ['Ada Lovelace and Alan Turing'], 220, 120, 11);
        lines(page, f.regular, Array.from({ length: 20 }, (_, i) => `Body text of the first page at ten points, line ${i}, which goes on.`), 72, 170);
      },
    ]);
    const m = await parsePdf(data, '2401.00001.pdf');
    expect(m.meta.title).toBe(undefined);
    expect(m.title).toBe('Sparse Evidence for Long Documents');
  });

  it.skipIf(!existsSync(docs))('names arXiv preprints by their printed titles', async () => {
    const read = async (f: string): Promise<string | undefined> => (await parsePdf(new Uint8Array(readFileSync(join(docs, f))), f)).title;
    expect(await read('1705.07830.pdf')).toBe('ASK THE RIGHT QUESTIONS: ACTIVE QUESTION REFORMULATION WITH REINFORCEMENT LEARNING');
    expect(await read('1801.05147.pdf')).toBe('Adversarial Learning for Chinese NER from Crowd Annotations');
  });
});
