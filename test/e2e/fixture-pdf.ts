/** A small PDF made with pdf-lib whose line positions are known exactly, for the fake-service E2E. */
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import type { Rect } from '../../core/model/geometry.js';

export interface FixturePdf {
  bytes: Uint8Array;
  /** Page 2's paragraph: one rectangle per line, top-left origin, points. */
  lineRects: Rect[];
  figureBox: Rect;
  text: string;
}

const LINES = [
  'Mixed models combine fixed effects with random effects that vary by group.',
  'The random effects are assumed to follow a multivariate normal distribution',
  'whose covariance matrix is parameterised by a relative covariance factor.',
];

export async function makeFixturePdf(pages = 6): Promise<FixturePdf> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const size = 12;
  const lineRects: Rect[] = [];
  const figureBox: Rect = [120, 420, 480, 640];
  for (let p = 1; p <= pages; p++) {
    const page = doc.addPage([612, 792]);
    page.drawText(`Page ${p} heading`, { x: 72, y: 792 - 80, size: 18, font });
    if (p === 2) {
      LINES.forEach((line, i) => {
        const top = 150 + i * 18;
        page.drawText(line, { x: 72, y: 792 - top - size * 0.8, size, font });
        lineRects.push([72, top, 72 + font.widthOfTextAtSize(line, size), top + size]);
      });
      page.drawRectangle({ x: figureBox[0], y: 792 - figureBox[3], width: figureBox[2] - figureBox[0], height: figureBox[3] - figureBox[1], borderWidth: 2, color: rgb(0.85, 0.92, 1) });
      page.drawText('Figure 1: a box.', { x: figureBox[0], y: 792 - figureBox[3] - 20, size: 10, font });
    } else {
      page.drawText(`Filler text on page ${p} about random effects and estimation.`, { x: 72, y: 792 - 150, size, font });
    }
  }
  return { bytes: await doc.save(), lineRects, figureBox, text: LINES.join(' ') };
}
