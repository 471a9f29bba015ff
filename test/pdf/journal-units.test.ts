/** Units on journal layouts: run-in heads that wrap (PNAS), unnumbered subheads a little above body size (NAR) or under it in a font of their own (Science), publisher notes. */
import { describe, expect, it } from 'vitest';
import { parsePdf } from '../../core/pdf/index.js';
import { body, lines, makePdf, runs } from './make-pdf.js';

describe('a run-in heading set smaller than the text (PNAS)', () => {
  it('stays with its paragraph when it wraps, and a one-line run-in head does not cut the paragraph after its line', async () => {
    const pdf = await makePdf([
      (page, { regular, bold }) => {
        let top = lines(page, regular, body('the introduction', 8), 72, 80, 10, 12) + 10;
        // Justified across the column, as the typesetter sets the first line of the head.
        const words = 'Defective Repair of the Damaged Template Strands Compromises Stalled Replication Fork'.split(' ');
        const right = 72 + regular.widthOfTextAtSize(body('the introduction', 1)[0], 10);
        const gap = (right - 72 - words.reduce((w, x) => w + bold.widthOfTextAtSize(x, 8), 0)) / (words.length - 1);
        let x = 72;
        for (const w of words) {
          page.drawText(w, { x, y: page.getHeight() - top, size: 8, font: bold });
          x += bold.widthOfTextAtSize(w, 8) + gap;
        }
        runs(page, [['Stability and Restart.', bold, 8], ['To explore the function of repair at the forks,', regular, 10]], 72, top + 12);
        top = lines(page, regular, body('the fork assay', 5), 72, top + 24, 10, 12) + 10;
        runs(page, [['The Enzyme Is Modified on K548.', bold, 8], ['To identify the mechanism', regular, 10]], 72, top);
        lines(page, regular, body('the modified site', 5), 72, top + 12, 10, 12);
      },
    ]);
    const m = await parsePdf(pdf, 'run-in.pdf');
    const texts = m.units.map((u) => u.text);
    const fork = texts.filter((t) => /Stalled Replication Fork|fork assay/.test(t));
    expect(fork).toHaveLength(1);
    expect(fork[0]).toMatch(/^Defective Repair of the Damaged Template Strands Compromises Stalled Replication Fork Stability and Restart\. To explore the function/);
    expect(fork[0]).toContain('Line 5 about the fork assay');
    const site = texts.filter((t) => /K548|modified site/.test(t));
    expect(site).toHaveLength(1);
    expect(site[0]).toMatch(/^The Enzyme Is Modified on K548\. To identify the mechanism Line 1 about the modified site/);
  });
});

describe('unnumbered subheads a little above body size (NAR)', () => {
  it('are headings of their own, under the section above them, even with no extra space before the text', async () => {
    const pdf = await makePdf([
      (page, { regular, bold }) => {
        let top = lines(page, regular, body('the introduction', 10), 72, 80, 9.3, 11) + 16;
        runs(page, [['Materials and methods', bold, 11]], 72, top);
        runs(page, [['Cell culture', bold, 10]], 72, top + 18);
        top = lines(page, regular, body('the culture medium', 4), 72, top + 31, 9.3, 11) + 14;
        runs(page, [['siRNA knockdown and viability assay', bold, 10]], 72, top);
        top = lines(page, regular, body('the transfection', 4), 72, top + 11, 9.3, 11) + 16;
        runs(page, [['Results', bold, 11]], 72, top);
        runs(page, [['The drug triggers degradation of the polymerase', bold, 10]], 72, top + 16);
        lines(page, regular, body('the degradation', 4), 72, top + 29, 9.3, 11);
      },
    ]);
    const m = await parsePdf(pdf, 'subheads.pdf');
    const headings = m.units.filter((u) => u.kind === 'heading').map((u) => u.section);
    expect(headings).toEqual([
      ['Materials and methods'],
      ['Materials and methods', 'Cell culture'],
      ['Materials and methods', 'siRNA knockdown and viability assay'],
      ['Results'],
      ['Results', 'The drug triggers degradation of the polymerase'],
    ]);
    const transfection = m.units.find((u) => u.text.includes('about the transfection'))!;
    expect(transfection.kind).toBe('paragraph');
    expect(transfection.text).toMatch(/^Line 1 about the transfection/);
    expect(transfection.section).toEqual(['Materials and methods', 'siRNA knockdown and viability assay']);
    // A bold phrase at body size opening a line is no subhead.
    expect(m.units.find((u) => u.text.includes('about the degradation'))?.section).toEqual(['Results', 'The drug triggers degradation of the polymerase']);
  });
});

describe('subheads in a font of their own under body size (Science)', () => {
  it('are headings where a subhead sits: after a finished paragraph, right over text at the same edge', async () => {
    const pdf = await makePdf([
      (page, { regular, bold }) => {
        let top = lines(page, regular, body('the introduction', 5), 72, 80, 8.7, 10.5) + 8;
        runs(page, [['Increased killer cells in infected patients', bold, 8.2]], 72, top);
        top = lines(page, regular, body('the infection', 5), 72, top + 11, 8.7, 10.5) + 8;
        runs(page, [['Commonality of the killer cells', bold, 8.2]], 72, top);
        top = lines(page, regular, [...body('the sequencing', 4), 'and the cells we sorted were compared with the'], 72, top + 11, 8.7, 10.5) + 8;
        // The same look where the text above stops mid-sentence: a label caught in the flow, not a section.
        runs(page, [['Expanded clones of other diseases', bold, 8.2]], 72, top);
        top = lines(page, regular, body('the clones', 4), 72, top + 11, 8.7, 10.5) + 8;
        // A table's header row over its first row: cells side by side, not a subhead.
        runs(page, [['Start date in Semester One', bold, 8.2]], 72, top);
        runs(page, [['Start date in Semester Two', bold, 8.2]], 330, top);
        lines(page, regular, body('the dates', 3), 72, top + 11, 8.7, 10.5);
      },
    ]);
    const m = await parsePdf(pdf, 'science-subheads.pdf');
    expect(m.units.filter((u) => u.kind === 'heading').map((u) => u.text)).toEqual(['Increased killer cells in infected patients', 'Commonality of the killer cells']);
    expect(m.units.find((u) => u.text.startsWith('Line 1 about the infection'))?.section).toEqual(['Increased killer cells in infected patients']);
    expect(m.units.find((u) => u.text.startsWith('Line 1 about the sequencing'))?.section).toEqual(['Commonality of the killer cells']);
    expect(m.units.find((u) => u.text.includes('Expanded clones'))?.kind).toBe('paragraph');
    expect(m.units.find((u) => u.text.includes('Semester One'))?.kind).not.toBe('heading');
  });
});

describe('publisher notes on the first page', () => {
  it('are kept out of the prose: dates, editor, licence set small beside the text', async () => {
    const pdf = await makePdf([
      (page, { regular }) => {
        let top = lines(page, regular, body('the abstract', 12), 72, 80, 10, 12) + 14;
        top = lines(page, regular, ['Edited by Jane Doe, University of Somewhere; received March 13, 2023;'], 72, top, 7.5, 9) + 8;
        top = lines(page, regular, ['Copyright © 2024 the Author(s). This open access article is distributed under', 'Creative Commons Attribution License 4.0 (CC BY).'], 72, top, 7.5, 9) + 8;
        top = lines(page, regular, ['Published April 24, 2024.'], 72, top, 7.5, 9) + 14;
        lines(page, regular, ['Published data show that the effect is small.', ...body('the results', 6)], 72, top, 10, 12);
      },
    ]);
    const m = await parsePdf(pdf, 'notes.pdf');
    const kinds = (re: RegExp) => m.units.filter((u) => re.test(u.text)).map((u) => u.kind);
    expect(kinds(/^Edited by/)).toEqual(['footnote']);
    expect(kinds(/^Copyright ©/)).toEqual(['footnote']);
    expect(kinds(/^Published April/)).toEqual(['footnote']);
    // Body text that merely starts with one of the words stays prose.
    expect(kinds(/^Published data/)).toEqual(['paragraph']);
  });
});
