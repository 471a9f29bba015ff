import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
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

  it('joins a word broken after an earlier one-letter prefix, and keeps the hyphen of a one-letter prefix', () => {
    expect(joinLines(['fills the cavity above the p-hydrox-', 'ybenzylidene moiety'])).toBe('fills the cavity above the p-hydroxybenzylidene moiety');
    expect(joinLines(['the (p-hydrox-', 'ybenzyl) group'])).toBe('the (p-hydroxybenzyl) group');
    expect(joinLines(['a 2,4-dinitro-', 'phenol solution'])).toBe('a 2,4-dinitrophenol solution');
    expect(joinLines(['evolution, cause p-', 'hydroxybenzylidene rigidification'])).toBe('evolution, cause p-hydroxybenzylidene rigidification');
    expect(joinLines(['the N-', 'terminal domain'])).toBe('the N-terminal domain');
    // Compounds of words still broke on their real hyphen; plain words still lose the typesetter's one.
    expect(joinLines(['state-of-the-', 'art methods'])).toBe('state-of-the-art methods');
    expect(joinLines(['estimates of the pa-', 'rameters'])).toBe('estimates of the parameters');
    expect(joinLines(['COSA-', '1 mutants'])).toBe('COSA-1 mutants');
  });

  it('glues a line opening with a hyphenated word piece to the word before it', () => {
    // An italic "p" run and "-hydroxybenzylidene" touch, but a column gutter cut them into two lines.
    expect(joinLines(['Crystal structure of mSandy2. The p', '-hydroxybenzylidene moiety'])).toBe('Crystal structure of mSandy2. The p-hydroxybenzylidene moiety');
    expect(joinLines(['the values', '- first item'])).toBe('the values - first item');
  });

  it('joins "p-hydrox-" + "ybenzylidene" when the italic prefix is a run of its own', async () => {
    const pdf = await makePdf([
      (page, fonts) => {
        const italic = page.doc.embedStandardFont(StandardFonts.TimesRomanItalic);
        lines(page, fonts.regular, BODY.slice(0, 4), 72, 100, 10, 12);
        const h = page.getHeight();
        const first = 'In all eight molecules the chromophore fills the cavity above the ';
        page.drawText(first, { x: 72, y: h - 148, size: 10, font: fonts.regular });
        const px = 72 + fonts.regular.widthOfTextAtSize(first, 10);
        page.drawText('p', { x: px, y: h - 148, size: 10, font: italic });
        page.drawText('-hydrox-', { x: px + italic.widthOfTextAtSize('p', 10), y: h - 148, size: 10, font: fonts.regular });
        page.drawText('ybenzylidene moiety by packing tightly against it, which in turn leads to a', { x: 72, y: h - 160, size: 10, font: fonts.regular });
        page.drawText('higher quantum yield of the protein.', { x: 72, y: h - 172, size: 10, font: fonts.regular });
        lines(page, fonts.regular, BODY.slice(0, 4), 72, 200, 10, 12);
      },
    ]);
    const m = await parsePdf(pdf, 'hyphen.pdf');
    expect(m.units.map((u) => u.text).join('\n')).toContain('fills the cavity above the p-hydroxybenzylidene moiety by packing');
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

const litqa = join(import.meta.dirname, '..', '..', '..', 'shared', 'eval', 'litqa2-dev', 'docs', '10.1039_d1sc05088e.pdf');

describe.skipIf(!existsSync(litqa))('broken chemical names in ../shared/eval (10.1039_d1sc05088e.pdf)', () => {
  it('reads every "p-hydroxybenzylidene" whole, across line ends and italic runs', async () => {
    const m = await parsePdf(new Uint8Array(readFileSync(litqa)), '10.1039_d1sc05088e.pdf');
    const all = m.units.map((u) => u.text).join('\n');
    expect(all).not.toMatch(/hydrox-ybenzylidene|phydroxybenzylidene|p -hydroxybenzylidene/);
    expect(all.match(/p-hydroxybenzylidene/g)?.length).toBeGreaterThanOrEqual(15);
    const pages45 = m.units.filter((u) => u.page === 4 || u.page === 5).map((u) => u.text).join('\n');
    expect(pages45).toContain('the cavity above the p-hydroxybenzylidene moiety');
    expect(pages45).toContain('B-Factor Z-scores for the chromophore p-hydroxybenzylidene moiety');
  }, 60_000);
});
