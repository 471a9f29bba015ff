import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePdf } from '../../core/pdf/index.js';
import { drawPlot, lines, makePdf } from './make-pdf.js';

const docs = join(import.meta.dirname, '..', '..', '..', 'shared', 'eval', 'litqa2-dev', 'docs');
const science = join(docs, '10.1126_science.abb3634.pdf');
const science2 = join(docs, '10.1126_science.abi9591.pdf');

const beside = ['acteria are found in soil, in the sea and in every', 'second line of the opening paragraph, set beside', 'third line of the opening paragraph, set beside the'];
const below = ['fourth line of the opening paragraph, which runs the full width of', 'the column below the large initial, and the fifth line, which ends it.'];

describe('drop caps', () => {
  it('reads a capital three lines tall as the first letter of its paragraph, the lines beside it in order', async () => {
    const data = await makePdf([
      (page, f) => {
        page.drawText('Results and discussion', { x: 72, y: 792 - 80, size: 20, font: f.bold });
        // A "B" about 30 pt tall (46 pt type): its top is level with the first line's capitals, its baseline
        // is the third line's.
        const capWidth = f.regular.widthOfTextAtSize('B', 46);
        page.drawText('B', { x: 72, y: 792 - 124, size: 46, font: f.regular });
        lines(page, f.regular, beside, 72 + capWidth + 3, 100);
        lines(page, f.regular, below, 72, 136);
        // A figure panel letter as big as a drop cap, with a plot (no text lines) beside it.
        page.drawText('C', { x: 72, y: 792 - 220, size: 46, font: f.bold });
        drawPlot(page, 110, 190, 300, 150);
        lines(page, f.regular, ['Figure 1. The plot beside its panel letter.'], 72, 360);
      },
    ]);
    const m = await parsePdf(data, 'drop-cap.pdf');
    const para = m.units.find((u) => u.text.startsWith('Bacteria are'));
    expect(para?.text).toBe('Bacteria are found in soil, in the sea and in every ' + [...beside.slice(1), ...below].join(' '));
    expect(m.units.find((u) => u.text === 'Results and discussion')?.kind).toBe('heading');
    expect(m.units.some((u) => /^C\s?Figure|^Cacteria/.test(u.text))).toBe(false);
    expect(m.units.find((u) => u.text.startsWith('Figure 1.'))?.text).toBe('Figure 1. The plot beside its panel letter.');
  });

  it.skipIf(!existsSync(science) || !existsSync(science2))('opens the Science papers with "Bacteria" and "Although"', async () => {
    const m = await parsePdf(new Uint8Array(readFileSync(science)), 'abb3634.pdf');
    const p = m.units.find((u) => u.page === 1 && u.text.startsWith('Bacteria and archaea'));
    expect(p?.text).toMatch(/^Bacteria and archaea are taxonomically and metabolically the most diverse and abundant organisms on Earth, but with only a small fraction of them isolated in culture, we remain grossly ignorant of their biology \(/);
    expect(m.units.some((u) => u.text.startsWith('acteria'))).toBe(false);
    const m2 = await parsePdf(new Uint8Array(readFileSync(science2)), 'abi9591.pdf');
    const q = m2.units.find((u) => u.page === 2 && u.text.startsWith('Although most CD8'));
    expect(q?.text).toMatch(/^Although most CD8\+ ?T cells are geared toward the control of pathogen-infected or cancerous cells/);
  });
});
