import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { parsePdf } from '../../core/pdf/index.js';
import { lines } from './make-pdf.js';

const BODY = Array.from({ length: 12 }, (_, i) => `Body line ${i + 1} of the section runs across the whole text column of the page as usual.`);

/** Prose, an indented R listing in Courier, a numbered display equation and a centred table row. */
async function mixedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const times = await doc.embedFont(StandardFonts.TimesRoman);
  const courier = await doc.embedFont(StandardFonts.Courier);
  const page = doc.addPage([612, 792]);
  let top = lines(page, times, BODY, 72, 80, 10, 12);
  top = lines(page, courier, ['> fm1 <- lmer(Reaction ~ Days + (Days | Subject),'], 130, top + 14, 9, 11);
  // A continuation line indented under the call's arguments, as R listings are.
  top = lines(page, courier, ['data = sleepstudy)'], 260, top, 9, 11);
  // Monospace is told from several different runs in the font, as a real listing has.
  top = lines(page, courier, ['> x <- c(a = 1, b = 2)', '> summary(fm1)', '> plot(fm1, type = c("p", "smooth"))'], 130, top, 9, 11);
  top = lines(page, times, BODY.slice(0, 4), 72, top + 14, 10, 12);
  page.drawText('y = a + b x', { x: 280, y: 792 - (top + 16), size: 10, font: times });
  page.drawText('(5)', { x: 520, y: 792 - (top + 16), size: 10, font: times });
  top = lines(page, times, BODY.slice(0, 4), 72, top + 34, 10, 12);
  page.drawText('core function for sieve plots struc_sieve()', { x: 200, y: 792 - (top + 16), size: 10, font: times });
  lines(page, times, BODY.slice(0, 4), 72, top + 34, 10, 12);
  return doc.save({ useObjectStreams: false });
}

describe('display equations need math, not code or table rows', () => {
  it('keeps a typewriter listing as one paragraph and a numbered formula as an equation', async () => {
    const m = await parsePdf(await mixedPdf(), 'mixed.pdf');
    const code = m.units.filter((u) => u.text.includes('lmer(') || u.text.includes('sleepstudy') || u.text.includes('x <- c('));
    expect(code).toHaveLength(1);
    expect(code[0].text).toContain('(Days | Subject), data = sleepstudy) > x <- c(');
    expect(code[0].kind).toBe('paragraph');
    const eq = m.units.find((u) => u.text.includes('y = a + b x'));
    expect(eq?.kind).toBe('equation');
    expect(eq?.label).toBe('Eq. (5)');
    expect(m.units.find((u) => u.text.includes('struc_sieve()'))?.kind).not.toBe('equation');
  });
});

const corpus = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');

describe.skipIf(!existsSync(corpus))('equations in ../shared/corpus', () => {
  it('classes no R code or R output as an equation', async () => {
    for (const f of ['lme4_lmer.pdf', 'pscl_countreg.pdf', 'vcd_strucplot.pdf']) {
      const m = await parsePdf(new Uint8Array(readFileSync(join(corpus, f))), f);
      const eqs = m.units.filter((u) => u.kind === 'equation').map((u) => u.text);
      expect(eqs.filter((t) => /<-|\$|Std\. Error|\w_\w+\(\)|system = /.test(t))).toEqual([]);
    }
  }, 90_000);
});
