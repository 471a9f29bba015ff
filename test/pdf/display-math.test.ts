import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { parsePdf } from '../../core/pdf/index.js';
import type { DocumentModel, Unit } from '../../core/model/document.js';
import { lines } from './make-pdf.js';

/** Draws one run with its baseline `top` points below the page's top edge. */
function at(page: PDFPage, font: PDFFont, text: string, x: number, top: number, size = 10): void {
  page.drawText(text, { x, y: page.getHeight() - top, size, font });
}

const BODY = Array.from({ length: 8 }, (_, i) => `Body line ${i + 1} of the method section runs across the whole text column as usual.`);

interface Fonts {
  times: PDFFont;
  symbol: PDFFont;
}

/**
 * A display formula as TeX sets it and pdf.js reads it: a big bracket in pieces (the extension pieces read
 * as no text at all), two stacked rows with superscripts, a small fraction, bars, and the number at the
 * right margin. Baselines from `top` to `top` + 24.
 */
function display(page: PDFPage, f: Fonts, top: number, number = '(5)'): void {
  at(page, f.times, 'Z(x) =', 232, top + 12);
  at(page, f.times, '1', 268, top + 7, 7);
  at(page, f.times, 'k', 268, top + 16, 7);
  at(page, f.symbol, '\uf8eb', 280, top);
  at(page, f.symbol, '\uf8ec', 280, top + 8);
  at(page, f.symbol, '\uf8ec', 280, top + 16);
  at(page, f.symbol, '\uf8ed', 280, top + 24);
  at(page, f.times, 'cos(x', 290, top + 4);
  at(page, f.times, 'T', 313, top, 7);
  at(page, f.symbol, 'Ω)', 318, top + 4);
  at(page, f.symbol, '|', 345, top + 12, 7);
  at(page, f.times, 'sin(x', 290, top + 20);
  at(page, f.times, 'T', 311, top + 16, 7);
  at(page, f.symbol, 'Ω)', 316, top + 20);
  at(page, f.times, number, 520, top + 12);
}

/** Two numbered fractions stacked: y = (a + b)/c (1) and z = (d + e)/f (2). */
function twoFractions(page: PDFPage, f: Fonts, top: number): void {
  for (const [i, [lhs, num, den]] of [
    ['y =', 'a + b', 'c'],
    ['z =', 'd + e', 'f'],
  ].entries()) {
    const t = top + i * 34;
    at(page, f.times, num, 280, t);
    // TeX draws the fraction bar as a rule, not as text.
    page.drawLine({ start: { x: 278, y: page.getHeight() - t - 4 }, end: { x: 302, y: page.getHeight() - t - 4 }, thickness: 0.4 });
    at(page, f.times, lhs, 255, t + 7);
    at(page, f.times, den, 288, t + 15);
    at(page, f.times, `(${i + 1})`, 520, t + 7);
  }
}

async function mathPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = { times: await doc.embedFont(StandardFonts.TimesRoman), symbol: await doc.embedFont(StandardFonts.Symbol) };
  // Page 1: a display between two paragraphs; the text after it starts a new sentence.
  let page = doc.addPage([612, 792]);
  let top = lines(page, f.times, [...BODY, 'The kernel is approximated through an explicit mapping, written as follows.'], 72, 80, 10, 12);
  display(page, f, top + 14);
  lines(page, f.times, ['The next paragraph starts here and runs across the whole text column as usual.', ...BODY], 72, top + 62, 10, 12);
  // Page 2: the same display, explained by the text after it.
  page = doc.addPage([612, 792]);
  top = lines(page, f.times, [...BODY, 'The kernel is approximated through an explicit mapping, written as follows.'], 72, 80, 10, 12);
  display(page, f, top + 14, '(4)');
  lines(page, f.times, ['Here, Z(.) denotes the explicit mapping function and k the number of random features', 'drawn for it, as in the earlier work.'], 72, top + 62, 10, 12);
  lines(page, f.times, BODY, 72, top + 100, 10, 12);
  // Page 3: inline notation (bars of a tall inline formula) set on rows of its own between the lines of a
  // paragraph, the baselines pushed apart as TeX does.
  page = doc.addPage([612, 792]);
  top = lines(page, f.times, BODY, 72, 80, 10, 12);
  at(page, f.times, 'Assumption is that this matrix A is of low rank and hence the se-', 72, top);
  for (const x of [160, 173, 186, 210, 241]) at(page, f.symbol, '|', x, top + 7, 7);
  at(page, f.times, 'quence of vectors x1, x2, x3, ... , xk, ..., xm+1 finally become linearly', 72, top + 13.5);
  for (const x of [160, 173, 210, 241]) at(page, f.symbol, '|', x, top + 21.5, 7);
  at(page, f.times, 'dependent. That is, vector xm+1 becomes linearly dependent on the previous', 72, top + 31.5);
  at(page, f.times, 'vectors, which the data matrix shows.', 72, top + 43.5);
  lines(page, f.times, BODY, 72, top + 70, 10, 12);
  // Page 4: two numbered fractions in one display.
  page = doc.addPage([612, 792]);
  top = lines(page, f.times, [...BODY, 'The two ratios are defined as follows.'], 72, 80, 10, 12);
  twoFractions(page, f, top + 16);
  lines(page, f.times, ['The next paragraph starts here and runs across the whole text column as usual.', ...BODY], 72, top + 90, 10, 12);
  return doc.save({ useObjectStreams: false });
}

const onPage = (m: DocumentModel, n: number): Unit[] => m.units.filter((u) => u.page === n);

describe('display math', () => {
  let m: DocumentModel;
  beforeAll(async () => {
    m = await parsePdf(await mathPdf(), 'math.pdf');
  });

  it('keeps a display formula in pieces as one equation unit, with no empty units', () => {
    const units = onPage(m, 1);
    expect(units.map((u) => u.kind)).toEqual(['paragraph', 'equation', 'paragraph']);
    const eq = units[1];
    expect(eq.label).toBe('Eq. (5)');
    for (const piece of ['Z(x) =', 'cos(x', 'sin(x', '(5)']) expect(eq.text).toContain(piece);
    // The box covers every piece: the left-hand side, the bracket, the superscripts and the number.
    expect(eq.bbox[0]).toBeLessThan(233);
    expect(eq.bbox[2]).toBeGreaterThan(529);
    expect(eq.bbox[3] - eq.bbox[1]).toBeGreaterThan(28);
    expect(eq.lineRects.length).toBeGreaterThan(3);
    expect(m.units.filter((u) => !u.text.trim() && u.kind !== 'figure' && u.kind !== 'table')).toEqual([]);
  });

  it('keeps the text explaining a display in the paragraph the display interrupts', () => {
    const units = onPage(m, 2);
    expect(units.map((u) => u.kind)).toEqual(['paragraph', 'equation', 'paragraph']);
    expect(units[0].text).toContain('written as follows. Here, Z(.) denotes the explicit mapping function and k the number');
    expect(units[0].text).toMatch(/as in the earlier work\.$/);
    // The formula stays a unit of its own, right after the paragraph it belongs to.
    expect(units[1].label).toBe('Eq. (4)');
    expect(units[1].text).toContain('Z(x) =');
  });

  it('does not split a paragraph at inline bars set between its lines, and joins the broken word', () => {
    const units = onPage(m, 3);
    const para = units.filter((u) => u.text.includes('low rank') || u.text.includes('quence') || u.text.includes('which the data matrix'));
    expect(para).toHaveLength(1);
    expect(para[0].text).toContain('hence the sequence of vectors x1, x2');
    expect(para[0].text).toContain('finally become linearly dependent. That is, vector xm+1 becomes linearly dependent on the previous vectors');
    expect(para[0].text).not.toContain('|');
    expect(units.filter((u) => !/\p{L}/u.test(u.text))).toEqual([]);
  });

  it('cuts a display holding two numbered formulas between them', () => {
    const eqs = onPage(m, 4).filter((u) => u.kind === 'equation');
    expect(eqs.map((u) => u.label)).toEqual(['Eq. (1)', 'Eq. (2)']);
    expect(eqs[0].text).toMatch(/a \+ b.*y =.*c/);
    expect(eqs[1].text).toMatch(/d \+ e.*z =.*f/);
    expect(onPage(m, 4).map((u) => u.kind)).toEqual(['paragraph', 'equation', 'equation', 'paragraph']);
  });
});

const shared = join(import.meta.dirname, '..', '..', '..', 'shared');
const qasper = join(shared, 'eval', 'qasper-mini', 'docs', '2001.03131.pdf');
const corpus = join(shared, 'corpus');

describe.skipIf(!existsSync(qasper))('display math in ../shared/eval (2001.03131.pdf, page 3)', () => {
  let page: Unit[];
  beforeAll(async () => {
    const m = await parsePdf(new Uint8Array(readFileSync(qasper)), '2001.03131.pdf');
    expect(m.units.filter((u) => !u.text.trim() && u.kind !== 'figure' && u.kind !== 'table')).toEqual([]);
    page = onPage(m, 3);
  });

  it('reads each matrix display as one equation unit', () => {
    const eq3 = page.filter((u) => u.text.includes('λkmbm'));
    expect(eq3).toHaveLength(1);
    expect(eq3[0]).toMatchObject({ kind: 'equation', label: 'Eq. (3)' });
    expect(eq3[0].text).toContain('xk+1 = Φ');
    expect(eq3[0].text).toContain('φ1 φ2');
    const eq5 = page.filter((u) => u.text.includes('Cos(x') || u.text.includes('S in(x'));
    expect(eq5).toHaveLength(1);
    expect(eq5[0]).toMatchObject({ kind: 'equation', label: 'Eq. (5)' });
    expect(eq5[0].text).toContain('Z(x) = 1/k');
    // No shreds: every text unit on the page has words.
    expect(page.filter((u) => u.kind !== 'figure' && u.text.replace(/[^\p{L}]/gu, '').length < 4)).toEqual([]);
  });

  it('keeps the DMD paragraph whole across the bars of its inline formulas', () => {
    const para = page.filter((u) => u.text.includes('eignevalues') || u.text.includes('previous vec'));
    expect(para).toHaveLength(1);
    expect(para[0].text).toContain('hence the sequence of vectors x1, x2, x3');
    expect(para[0].text).toContain('finally become a linearly dependent set. That is, vector xm+1 become linearly dependent on previous vectors.');
  });

  it('keeps "Here, φ(.) denotes ..." with the RKS paragraph across equation (4)', () => {
    const rks = page.find((u) => u.text.includes('The RKS method provides an approximate kernel function via explicit mapping.'));
    expect(rks?.text).toContain('Here, φ(.) denotes the implicit mapping function');
  });
});

describe.skipIf(!existsSync(corpus))('display math in ../shared/corpus', () => {
  const load = async (f: string): Promise<DocumentModel> => parsePdf(new Uint8Array(readFileSync(join(corpus, f))), f);

  it('keeps "where ..." after a display with its paragraph, and numbered displays apart (lme4, sandwich)', async () => {
    const lme4 = await load('lme4_lmer.pdf');
    expect(lme4.units.filter((u) => !u.text.trim() && u.kind !== 'figure' && u.kind !== 'table')).toEqual([]);
    const at = lme4.units.findIndex((u) => u.text.includes('Y, the response, and B, the vector of random effects'));
    expect(lme4.units[at].text).toContain('where n is the dimension of the response vector');
    expect(lme4.units[at + 1]).toMatchObject({ kind: 'equation', label: 'Eq. (1)' });
    // Equation (5) of lme4 was four shreds ("∑k ∑k", "li pi. (5) qi = q =", "i=1 i=1").
    const eq5 = lme4.units.filter((u) => u.page === 9 && u.text.includes('∑k'));
    expect(eq5).toHaveLength(1);
    expect(eq5[0].label).toBe('Eq. (5)');

    const sandwich = await load('sandwich-CL.pdf');
    expect(sandwich.units.filter((u) => !u.text.trim() && u.kind !== 'figure' && u.kind !== 'table')).toEqual([]);
    const estfun = sandwich.units.find((u) => u.text.startsWith('An estimating function'));
    expect(estfun?.text).toContain('An estimating function is defined as the derivative of an objective function');
    const meat = sandwich.units.filter((u) => u.page === 6 && u.kind === 'equation').map((u) => u.label);
    expect(meat).toEqual(['Eq. (4)', 'Eq. (5)', 'Eq. (6)', 'Eq. (7)', 'Eq. (8)', 'Eq. (9)', 'Eq. (10)']);
    // The subscripts of "r(y1, x⊤θˆ), ..., r(yn, x⊤θˆ)" no longer cut their paragraph in two.
    const residuals = sandwich.units.find((u) => u.text.includes('derive estimates of the variance of the empirical working'));
    expect(residuals?.text).toContain('freedom (Zeileis 2006b)');
  }, 90_000);
});
