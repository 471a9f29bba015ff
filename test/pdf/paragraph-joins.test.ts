import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PDFFont, PDFPage } from 'pdf-lib';
import { parsePdf } from '../../core/pdf/index.js';
import { joinLines } from '../../core/pdf/normalize.js';
import { lines, makePdf } from './make-pdf.js';

/** Draws a line word by word so that it spans exactly x0..x1, as a justifying typesetter does. */
function justified(page: PDFPage, font: PDFFont, text: string, x0: number, x1: number, top: number, size = 10): void {
  const words = text.split(' ');
  const widths = words.map((w) => font.widthOfTextAtSize(w, size));
  const gap = (x1 - x0 - widths.reduce((a, b) => a + b, 0)) / (words.length - 1);
  let x = x0;
  words.forEach((w, i) => {
    page.drawText(w, { x, y: page.getHeight() - top, size, font });
    x += widths[i] + gap;
  });
}

const BODY = Array.from({ length: 14 }, (_, i) => `Body line ${i + 1} of the introduction runs across the whole text column of the page as usual.`);

describe('paragraphs of an inset, justified block (an abstract)', () => {
  it('keeps the indented first line with the rest and joins the word broken across them', async () => {
    const pdf = await makePdf([
      (page, fonts) => {
        justified(page, fonts.regular, 'Maximum likelihood or restricted maximum likelihood estimates of the pa-', 130, 500, 100);
        justified(page, fonts.regular, 'rameters in linear mixed models can be determined using the lmer function in', 110, 500, 112);
        justified(page, fonts.regular, 'the lme4 package for R, as for most model-fitting functions in the R language,', 110, 500, 124);
        page.drawText('in the', { x: 110, y: page.getHeight() - 136, size: 10, font: fonts.regular });
        page.drawText('Journal of Statistical Software.', { x: 140, y: page.getHeight() - 136, size: 10, font: fonts.bold });
        lines(page, fonts.regular, BODY, 72, 200, 10, 12);
      },
    ]);
    const m = await parsePdf(pdf, 'abstract.pdf');
    const abs = m.units.filter((u) => u.text.includes('likelihood') || u.text.includes('Journal'));
    expect(abs).toHaveLength(1);
    expect(abs[0].text).toContain('estimates of the parameters in linear');
    expect(abs[0].text).toMatch(/R language, in the Journal of Statistical Software\.$/);
  });

  it('separates a raised footnote marker from the first word', async () => {
    const pdf = await makePdf([
      (page, fonts) => {
        lines(page, fonts.regular, BODY, 72, 100, 10, 12);
        const y = page.getHeight() - 700;
        page.drawText('1', { x: 72, y: y + 3.5, size: 6, font: fonts.regular });
        page.drawText('In principle, more general objects can be indexed.', { x: 75.2, y, size: 9, font: fonts.regular });
      },
    ]);
    const m = await parsePdf(pdf, 'footnote.pdf');
    expect(m.units.some((u) => u.text.startsWith('1 In principle'))).toBe(true);
  });

  it('keeps a hyphen after a closing quote and joins the compound', () => {
    expect(joinLines(['strips off all "zoo"-', 'specific attributes'])).toBe('strips off all "zoo"-specific attributes');
    expect(joinLines(['all “zoo”-', 'specific'])).toBe('all “zoo”-specific');
  });
});

const corpus = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');

describe.skipIf(!existsSync(corpus))('abstracts in ../shared/corpus', () => {
  const units = async (f: string): Promise<string[]> =>
    (await parsePdf(new Uint8Array(readFileSync(join(corpus, f))), f)).units.filter((u) => u.page === 1).map((u) => u.text);

  it('reads each abstract paragraph as one unit with its broken words joined', async () => {
    const lme4 = await units('lme4_lmer.pdf');
    expect(lme4.some((t) => t.startsWith('Maximum likelihood') && t.includes('estimates of the parameters in linear'))).toBe(true);
    const sandwich = await units('sandwich-CL.pdf');
    expect(sandwich.some((t) => t.startsWith('This introduction') && t.includes('published in the Journal of Statistical Software. '.trim()))).toBe(true);
    expect(sandwich.some((t) => t.startsWith('In R, functions') && t.includes('somewhat scattered or available'))).toBe(true);
  }, 60_000);
});
