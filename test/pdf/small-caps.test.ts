import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePdf } from '../../core/pdf/index.js';
import { lines, makePdf } from './make-pdf.js';

const qasper = join(import.meta.dirname, '..', '..', '..', 'shared', 'eval', 'qasper-mini', 'docs', '1705.07830.pdf');

describe('small capitals', () => {
  it('reads a small-caps line as big as its capitals, so an unnumbered REFERENCES heading opens the bibliography', async () => {
    const data = await makePdf([
      (page, f) => {
        const body = Array.from({ length: 14 }, (_, i) => `Body text of the paper at ten points, line ${i} of the last section, which goes on.`);
        const y = lines(page, f.regular, body, 72, 80);
        // "REFERENCES" as LaTeX small caps set it: the capital R at 12 pt, the rest as 9.6 pt capitals.
        const top = 792 - (y + 20);
        page.drawText('R', { x: 72, y: top, size: 12, font: f.regular });
        page.drawText('EFERENCES', { x: 72 + f.regular.widthOfTextAtSize('R', 12), y: top, size: 9.6, font: f.regular });
        lines(page, f.regular, ['Ada Lovelace. Notes on the analytical engine. Scientific Memoirs, 1843.'], 72, y + 40);
        lines(page, f.regular, ['Alan Turing. On computable numbers. Proceedings of the LMS, 1936.'], 72, y + 58);
      },
    ]);
    const m = await parsePdf(data, 'small-caps.pdf');
    const heading = m.units.find((u) => u.text === 'REFERENCES');
    expect(heading?.kind).toBe('heading');
    expect(heading?.fontSize).toBe(12);
    const refs = m.units.filter((u) => u.kind === 'reference');
    expect(refs.map((u) => u.text.slice(0, 12))).toEqual(['Ada Lovelace', 'Alan Turing.']);
    // Ordinary mixed sizes (a superscript, a smaller word) keep the line at its running size.
    expect(m.units.find((u) => u.text.startsWith('Body text'))?.fontSize).toBe(10);
  });

  it.skipIf(!existsSync(qasper))('finds ABSTRACT and REFERENCES in an ICLR paper set in small caps', async () => {
    const m = await parsePdf(new Uint8Array(readFileSync(qasper)), '1705.07830.pdf');
    const headings = m.units.filter((u) => u.kind === 'heading').map((u) => u.text);
    expect(headings).toContain('ABSTRACT');
    expect(headings).toContain('REFERENCES');
    expect(m.units.filter((u) => u.kind === 'reference').length).toBeGreaterThan(25);
  });
});
