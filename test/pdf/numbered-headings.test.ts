import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PDFFont, PDFPage } from 'pdf-lib';
import { parsePdf } from '../../core/pdf/index.js';
import { headingInfo } from '../../core/pdf/classify.js';
import { assignLevels, buildTree } from '../../core/pdf/sections.js';
import type { Block } from '../../core/pdf/types.js';
import type { DocumentModel, SectionNode } from '../../core/model/document.js';
import { makePdf, unitStarting } from './make-pdf.js';

const SIZE = 11;
const LEADING = 13.6;

/** Greedy line breaking of `text` into lines at most `width` wide. */
function wrap(font: PDFFont, text: string, width: number, first = width): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, SIZE) > (out.length ? width : first)) {
      out.push(line);
      line = word;
    } else line = next;
  }
  if (line) out.push(line);
  return out;
}

/** Draws one line word by word spanning x0..x1 exactly, as a justifying typesetter does. */
function justified(page: PDFPage, font: PDFFont, text: string, x0: number, x1: number, top: number): void {
  const words = text.split(' ');
  const widths = words.map((w) => font.widthOfTextAtSize(w, SIZE));
  const gap = words.length > 1 ? (x1 - x0 - widths.reduce((a, b) => a + b, 0)) / (words.length - 1) : 0;
  let x = x0;
  words.forEach((w, i) => {
    page.drawText(w, { x, y: page.getHeight() - top, size: SIZE, font });
    x += widths[i] + gap;
  });
}

/**
 * A justified paragraph in the column x0..x1 whose first baseline is `top` (from the page top); `lead`: a bold
 * run-in phrase opening its first line. Returns the baseline of its last line.
 */
function paragraph(page: PDFPage, fonts: { regular: PDFFont; bold: PDFFont }, text: string, x0: number, x1: number, top: number, lead?: string): number {
  const leadWidth = lead ? fonts.bold.widthOfTextAtSize(`${lead} `, SIZE) : 0;
  if (lead) page.drawText(lead, { x: x0, y: page.getHeight() - top, size: SIZE, font: fonts.bold });
  const rows = wrap(fonts.regular, text, x1 - x0, x1 - x0 - leadWidth);
  rows.forEach((row, i) => {
    const y = top + i * LEADING;
    const start = i === 0 ? x0 + leadWidth : x0;
    if (i < rows.length - 1) justified(page, fonts.regular, row, start, x1, y);
    else page.drawText(row, { x: start, y: page.getHeight() - y, size: SIZE, font: fonts.regular });
  });
  return top + (rows.length - 1) * LEADING;
}

const heading = (page: PDFPage, font: PDFFont, text: string, x: number, top: number, size = SIZE): void => {
  page.drawText(text, { x, y: page.getHeight() - top, size, font });
};

const WORDS =
  'the model is trained on the messages of the corpus and evaluated on a held out part of it with the same features and settings as before so that the numbers can be compared across all of the tasks';
const body = (opening: string, n = 1): string => [opening, ...Array.from({ length: n }, () => WORDS)].join(' ') + '.';

const find = unitStarting;

describe('numbered subsection headings at body size (ACL style)', () => {
  let m: DocumentModel;
  beforeAll(async () => {
    // Two columns of 218 pt as in ACL papers: left 72..290, right 307..525.
    const L: [number, number] = [72, 290];
    const R: [number, number] = [307, 525];
    const data = await makePdf([
      (page, fonts) => {
        heading(page, fonts.bold, '4 Results', L[0], 80, 12);
        let y = paragraph(page, fonts, body('We investigated various models for both causality detection and explanation identification,'), ...L, 100);
        heading(page, fonts.bold, '4.1 Causality Prediction', L[0], y + 24);
        y = paragraph(page, fonts, body('In order to classify whether a message contains a causal relation, we compared parsers and classifiers;'), ...L, y + 24 + 18);
        // A run-in paragraph heading: the bold phrase opens the paragraph on its first line.
        y = paragraph(page, fonts, body('Table 4 shows the results of a feature ablation test to see how each feature contributes,'), ...L, y + 20, 'Causality Classifier Analysis');
        // The numbered subsection heading on a line of its own, the body only 18.9 pt (1.4 lines) below.
        heading(page, fonts.bold, '4.2 Causal Explanation Identification', L[0], y + 24);
        paragraph(page, fonts, body('In this task, the model identifies causal explanations given the discourse arguments of the message,'), ...L, y + 24 + 18.9);
        // Numbered list items in the body font stay paragraphs.
        y = paragraph(page, fonts, body('1. We collect the messages of the users and their timelines,', 0), ...R, 80);
        y = paragraph(page, fonts, body('2. We label every message for the presence of causal relations,', 0), ...R, y + LEADING);
        // A long heading filling most of its line: only the extra space sets it apart.
        heading(page, fonts.bold, '4.3 Conditional Memory Relation Decoder', R[0], y + 24);
        paragraph(page, fonts, body('Inspired by residual dense networks and end-to-end memory networks, the decoder is built from layers,'), ...R, y + 24 + 18);
      },
    ]);
    m = await parsePdf(data, 'acl.pdf');
  });

  it('makes the bold numbered line its own heading unit, numbered and labelled, the body a paragraph after it', () => {
    const h = find(m, '4.2 Causal');
    expect(h.kind).toBe('heading');
    expect(h.text).toBe('4.2 Causal Explanation Identification');
    expect(h.label).toBe('Section 4.2');
    expect(h.level).toBe(2);
    const after = find(m, 'In this task');
    expect(after.kind).toBe('paragraph');
    expect(after.section).toEqual(['4 Results', '4.2 Causal Explanation Identification']);
    const long = find(m, '4.3 Conditional');
    expect([long.kind, long.text, long.label]).toEqual(['heading', '4.3 Conditional Memory Relation Decoder', 'Section 4.3']);
    expect(find(m, 'Inspired by').section).toEqual(['4 Results', '4.3 Conditional Memory Relation Decoder']);
  });

  it('puts 4.1, 4.2 and 4.3 under 4 in the section tree', () => {
    const results = m.sections.find((s) => s.number === '4');
    expect(results?.title).toBe('4 Results');
    expect(results?.children.map((s) => [s.number, s.title])).toEqual([
      ['4.1', '4.1 Causality Prediction'],
      ['4.2', '4.2 Causal Explanation Identification'],
      ['4.3', '4.3 Conditional Memory Relation Decoder'],
    ]);
  });

  it('leaves a bold run-in phrase with its paragraph and numbered list items as paragraphs', () => {
    const runIn = find(m, 'Causality Classifier Analysis');
    expect(runIn.kind).toBe('paragraph');
    expect(runIn.text).toMatch(/^Causality Classifier Analysis Table 4 shows/);
    expect(runIn.section).toEqual(['4 Results', '4.1 Causality Prediction']);
    expect(find(m, '1. We collect').kind).toBe('paragraph');
    expect(find(m, '2. We label').kind).toBe('paragraph');
    expect(m.units.filter((u) => u.kind === 'heading').map((u) => u.text)).toEqual([
      '4 Results',
      '4.1 Causality Prediction',
      '4.2 Causal Explanation Identification',
      '4.3 Conditional Memory Relation Decoder',
    ]);
  });
});

describe('running feet', () => {
  it('does not take a numbered section name at the foot of the page, below all text, for a heading', async () => {
    const data = await makePdf([
      (page, fonts) => {
        heading(page, fonts.bold, '2.3 Install without GPU support', 72, 80);
        paragraph(page, fonts, body('MMDetection can be built for a CPU only environment, where the model can be run,', 2), 72, 540, 100);
        heading(page, fonts.bold, '2.3. Install without GPU support', 72, 750);
        page.drawText('13', { x: 530, y: 792 - 750, size: SIZE, font: fonts.regular });
      },
    ]);
    const m = await parsePdf(data, 'foot.pdf');
    expect(m.units.filter((u) => u.kind === 'heading').map((u) => u.text)).toEqual(['2.3 Install without GPU support']);
  });
});

describe('heading numbers and levels', () => {
  it('reads arabic, lettered, Roman and IEEE outline numbers', () => {
    expect(headingInfo('4.2 Causal Explanation Identification')).toEqual({ number: '4.2', title: 'Causal Explanation Identification' });
    expect(headingInfo('A.1. Zero slope-slope covariance models')).toEqual({ number: 'A.1', title: 'Zero slope-slope covariance models' });
    expect(headingInfo('II. AUTOMATED TRAINING CORPUS GENERATION')).toEqual({ number: 'II', title: 'AUTOMATED TRAINING CORPUS GENERATION' });
    expect(headingInfo('I. INTRODUCTION')).toEqual({ number: 'I', title: 'INTRODUCTION' });
    // Outline entries of IEEE papers: no dot, subsections as "II-A".
    expect(headingInfo('VI Discussion')).toEqual({ number: 'VI', title: 'Discussion' });
    expect(headingInfo('II-A Dataset extraction')).toEqual({ number: 'II-A', title: 'Dataset extraction' });
    // A title opening with a package name in lower case after a dotted number.
    expect(headingInfo('3.1. strucchange: Empirical fluctuation processes')).toEqual({ number: '3.1', title: 'strucchange: Empirical fluctuation processes' });
    expect(headingInfo('1. we show that')).toEqual({ title: '1. we show that' });
    expect(headingInfo('Introduction')).toEqual({ title: 'Introduction' });
  });

  it('puts IEEE lettered subsections below their Roman section', () => {
    const h = (text: string, size = 10): Block => ({ kind: 'heading', page: 1, lines: [], text, size, font: 'b', column: 0, number: headingInfo(text).number });
    const levels = (texts: string[]): [string | undefined, number | undefined][] => {
      const heads = texts.map((t) => h(t));
      assignLevels(heads, []);
      return heads.map((x) => [x.number, x.level]);
    };
    expect(levels(['I. INTRODUCTION', 'II. METHOD', 'A. Data', 'B. Model', 'III. RESULTS', 'IV. ANALYSIS', 'A. Errors', 'V. CONCLUSION'])).toEqual([
      ['I', 1],
      ['II', 1],
      ['A', 2],
      ['B', 2],
      ['III', 1],
      ['IV', 1],
      ['A', 2],
      ['V', 1],
    ]);
    // The outline's spelling of a subsection, "II-A", is one level down as well.
    expect(levels(['I. Introduction', 'II Method', 'II-A Data', 'III Results'])).toEqual([
      ['I', 1],
      ['II', 1],
      ['II-A', 2],
      ['III', 1],
    ]);
    // Without Roman numerals, letters are appendices at the top level.
    expect(levels(['1. Introduction', '2. Methods', 'A. Proofs', 'B. Data']).map(([, level]) => level)).toEqual([1, 1, 1, 1]);
  });

  it('matches an outline entry that leaves out what follows a colon in the heading', () => {
    const tree = buildTree(
      [
        { title: '4. Labeling', number: '4', level: 1, page: 32 },
        { title: '4.1. Labels in the borders: labeling_text()', number: '4.1', level: 2, page: 32 },
      ],
      [
        { title: 'Labeling', level: 1, page: 32 },
        { title: 'Labels in the borders', level: 2, page: 32 },
      ],
    );
    expect(tree.map((n) => [n.title, n.children.map((c) => c.title)])).toEqual([['4. Labeling', ['4.1. Labels in the borders: labeling_text()']]]);
  });
});

const qasper = join(import.meta.dirname, '..', '..', '..', 'shared', 'eval', 'qasper-mini', 'docs');

const numbered = (nodes: SectionNode[]): string[] => nodes.flatMap((n) => [...(n.number ? [n.number] : []), ...numbered(n.children)]);

describe.skipIf(!existsSync(qasper))('numbered headings of real ACL papers in ../shared/eval/qasper-mini', () => {
  const parse = (name: string): Promise<DocumentModel> => parsePdf(new Uint8Array(readFileSync(join(qasper, name))), name);

  it('1809.01202: "4.2 Causal Explanation Identification" is a heading under 4, its text a paragraph in 4.2', async () => {
    const m = await parse('1809.01202.pdf');
    const h = find(m, '4.2 Causal Explanation');
    expect([h.kind, h.page, h.text, h.label]).toEqual(['heading', 6, '4.2 Causal Explanation Identification', 'Section 4.2']);
    expect(find(m, 'In this task, the model identifies').section).toEqual(['4 Results', '4.2 Causal Explanation Identification']);
    expect(numbered(m.sections)).toEqual(['1', '2', '3', '3.1', '3.2', '3.3', '4', '4.1', '4.2', '4.3', '4.4', '5', '6']);
    expect(m.sections.find((s) => s.number === '4')?.children.map((s) => s.number)).toEqual(['4.1', '4.2', '4.3', '4.4']);
    // The run-in heading of a paragraph stays with it.
    expect(find(m, 'Causality Classifier Analysis Table 4 shows').kind).toBe('paragraph');
  });

  it('1909.00754: 3.2 and 4.2 are headings, and every numbered heading is found once', async () => {
    const m = await parse('1909.00754.pdf');
    const decoder = find(m, '3.2 Conditional Memory');
    expect([decoder.kind, decoder.page, decoder.text]).toEqual(['heading', 4, '3.2 Conditional Memory Relation Decoder']);
    expect(find(m, 'Inspired by Residual Dense Networks').section).toEqual(['3 Hierarchical Sequence Generation for DST', '3.2 Conditional Memory Relation Decoder']);
    const details = find(m, '4.2 Implementation');
    expect([details.kind, details.page, details.text]).toEqual(['heading', 6, '4.2 Implementation Details']);
    expect(numbered(m.sections)).toEqual(['1', '2', '3', '3.1', '3.2', '4', '4.1', '4.2', '4.3', '4.4', '4.5', '5', '6']);
  });
});

const corpus = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');

describe.skipIf(!existsSync(qasper) || !existsSync(corpus))('numbered headings of other real papers in ../shared', () => {
  const parse = (path: string): Promise<DocumentModel> => parsePdf(new Uint8Array(readFileSync(path)), path);
  const headings = (m: DocumentModel): string[] => m.units.filter((u) => u.kind === 'heading').map((u) => u.text);

  it('1810.08699 (IEEE): Roman sections hold their lettered subsections, matched with the outline', async () => {
    const m = await parse(join(qasper, '1810.08699.pdf'));
    const tree = m.sections.filter((s) => s.number).map((s) => [s.number, s.children.map((c) => c.number)]);
    expect(tree.slice(0, 5)).toEqual([
      ['I', []],
      ['II', ['A', 'B', 'C']],
      ['III', []],
      ['IV', []],
      ['V', ['A', 'B']],
    ]);
    expect(find(m, 'A. Models').section).toEqual(['V. EXPERIMENTS', 'A. Models']);
  });

  it('JSS papers: numbered titles citing years or naming functions are headings; table cells named like outline entries are not', async () => {
    const sandwich = await parse(join(corpus, 'sandwich-CL.pdf'));
    expect(headings(sandwich)).toEqual(expect.arrayContaining(['5.1. Aghion et al. (2013) and Berger et al. (2017)', '5.2. Petersen (2009)']));
    const vcd = await parse(join(corpus, 'vcd_strucplot.pdf'));
    const labeling = vcd.sections.find((s) => s.number === '4');
    expect(labeling?.children.map((s) => s.title)).toEqual(['4.1. Labels in the borders: labeling_text()', '4.2. Labels in the cells: labeling_cells()', '4.3. A simple list of labels: labeling_list()']);
    expect(headings(vcd)).not.toContain('spacing');
    const zoo = await parse(join(corpus, 'zoo.pdf'));
    expect(zoo.sections.find((s) => s.number === '3')?.children.map((s) => s.number)).toEqual(['3.1', '3.2', '3.3', '3.4']);
    const pscl = await parse(join(corpus, 'pscl_countreg.pdf'));
    expect(headings(pscl)).not.toContain('summary()');
  });
});
