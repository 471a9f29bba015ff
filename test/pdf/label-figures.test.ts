/**
 * A full-page figure whose caption stands on another page (as Nature Communications sets them): many
 * small panels, each too small to count as a figure by its paint alone, with tick values, axis titles and
 * panel letters around them. Those labels used to become dozens of two-word paragraphs among the prose.
 */
import { describe, expect, it } from 'vitest';
import { rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { parsePdf } from '../../core/pdf/index.js';
import { body, lines, makePdf, runs } from './make-pdf.js';

/** A small histogram panel on a grey ground (ggplot's look), 60 x 40 pt, with its tick values and axis title. */
function panel(page: PDFPage, font: PDFFont, bold: PDFFont, letter: string, x: number, top: number): void {
  const h = page.getHeight();
  const w = 60;
  const ph = 40;
  page.drawRectangle({ x, y: h - top - ph, width: w, height: ph, color: rgb(0.92, 0.92, 0.92) });
  page.drawLine({ start: { x, y: h - top - ph }, end: { x: x + w, y: h - top - ph }, thickness: 0.5 });
  page.drawLine({ start: { x, y: h - top - ph }, end: { x, y: h - top }, thickness: 0.5 });
  for (let i = 0; i < 4; i++) page.drawRectangle({ x: x + 6 + i * 14, y: h - top - ph, width: 8, height: 8 + i * 7, color: rgb(0.3, 0.3, 0.7) });
  runs(page, [[letter, bold, 12]], x - 24, top - 6);
  ['2000', '1000', '0'].forEach((t, i) => runs(page, [[t, font, 6]], x - 16, top + 4 + i * 17));
  runs(page, [['0 1 2 3 4 5', font, 5]], x + 4, top + ph + 7);
  runs(page, [['CD4 binding', font, 6.5]], x + 10, top + ph + 15);
}

describe('a figure known only by its labels', () => {
  it('gathers tick values, axis titles and panel letters into one figure and keeps the prose whole', async () => {
    const above = body('glycan binding assays', 8);
    const below = body('proximity labelling of T cells', 10);
    const pdf = await makePdf([
      (page, { regular, bold }) => {
        lines(page, regular, above, 72, 60, 10, 12);
        for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) panel(page, regular, bold, 'abcdefghi'[row * 3 + col], 110 + col * 100, 190 + row * 95);
        lines(page, regular, below, 72, 500, 10, 12);
      },
    ]);
    const m = await parsePdf(pdf, 'figure-page.pdf');
    const paragraphs = m.units.filter((u) => u.kind === 'paragraph');
    // Only the two passages of prose are paragraphs: no tick values, axis titles or letters among them.
    expect(paragraphs.map((u) => u.text.slice(0, 30))).toEqual([above[0].slice(0, 30), below[0].slice(0, 30)]);
    expect(paragraphs[0].text).toContain('Line 8 about glycan binding');
    expect(paragraphs[1].text).toContain('Line 10 about proximity labelling');
    const figures = m.units.filter((u) => u.kind === 'figure');
    expect(figures).toHaveLength(1);
    expect(figures[0].text.match(/CD4 binding/g)).toHaveLength(9);
    expect(figures[0].text).toContain('2000');
  });

  it('leaves short lines of text without paint to the text flow', async () => {
    // A column of years and counts set as short body lines (a list in the text), nothing painted around it.
    const list = ['1990 120', '1995 180', '2000 240', '2005 310', '2010 400', '2015 520', '2020 610', '2025 700'];
    const pdf = await makePdf([
      (page, { regular }) => {
        lines(page, regular, body('publication counts', 6), 72, 60, 10, 12);
        lines(page, regular, list, 90, 150, 8, 10);
        lines(page, regular, body('citation growth', 6), 72, 260, 10, 12);
      },
    ]);
    const m = await parsePdf(pdf, 'list-page.pdf');
    expect(m.units.some((u) => u.kind === 'figure')).toBe(false);
    expect(m.units.map((u) => u.text).join(' ')).toContain('2010 400');
  });
});
