import { beforeAll, describe, expect, it } from 'vitest';
import type { PDFFont, PDFPage } from 'pdf-lib';
import { parsePdf } from '../../core/pdf/index.js';
import { assignLevels } from '../../core/pdf/sections.js';
import type { Block } from '../../core/pdf/types.js';
import type { DocumentModel } from '../../core/model/document.js';
import { makePdf, unitStarting, type Fonts } from './make-pdf.js';

const SIZE = 11;
/** Double spacing, as manuscripts typed in a word processor are set. */
const LEADING = 25;
const LEFT = 72;
const WIDTH = 460;

const WORDS =
  'the larvae were treated with the agent for five hours and the number of foci was counted in every disc so that the two genotypes could be compared at each dose';

/** Left-aligned lines of `text` from baseline `top` down; returns the baseline after the last line. */
function text(page: PDFPage, font: PDFFont, words: string, top: number, size = SIZE): number {
  let line = '';
  let y = top;
  const draw = (s: string): void => {
    page.drawText(s, { x: LEFT, y: page.getHeight() - y, size, font });
    y += LEADING;
  };
  for (const word of words.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > WIDTH) {
      draw(line);
      line = word;
    } else line = next;
  }
  if (line) draw(line);
  return y;
}

const para = (page: PDFPage, fonts: Fonts, opening: string, top: number): number => text(page, fonts.regular, `${opening} ${WORDS} ${WORDS}.`, top) + LEADING;
const head = (page: PDFPage, fonts: Fonts, title: string, top: number): number => text(page, fonts.bold, title, top) + LEADING;

const find = unitStarting;

describe('a manuscript with every heading in bold at body size (bioRxiv)', () => {
  let m: DocumentModel;
  beforeAll(async () => {
    const data = await makePdf([
      (page, fonts) => {
        page.drawText('Tolerance of Alkylation Damage in Fly Larvae', { x: LEFT, y: page.getHeight() - 80, size: 18, font: fonts.bold });
        text(page, fonts.regular, 'Ada Lovelace, Alan Turing and Grace Hopper', 120);
        // A keyword list set a little larger in bold: front matter, not a section.
        text(page, fonts.bold, 'Keywords: replication; damage tolerance; mutagenesis', 170, 11.6);
        let y = head(page, fonts, 'Abstract', 220);
        y = para(page, fonts, 'When forks meet damaged templates', y);
        y = head(page, fonts, 'Introduction', y);
        para(page, fonts, 'Cellular DNA is exposed to insults', y);
      },
      (page, fonts) => {
        // The section's name over its first subhead, with no more space between them than between lines.
        let y = text(page, fonts.bold, 'Results', 80);
        y = head(page, fonts, 'Mutant larvae are hypersensitive to agents that stall replication forks', y);
        y = para(page, fonts, 'We previously showed that mutant larvae', y);
        y = head(page, fonts, 'Loss of the protein induces breaks in treated tissues', y);
        para(page, fonts, 'Larvae treated with lethal doses', y);
      },
      (page, fonts) => {
        let y = head(page, fonts, 'Materials and Methods', 80);
        y = head(page, fonts, 'Fly husbandry and stocks', y);
        y = para(page, fonts, 'Flies were raised on standard food', y);
        // Right over its text after a finished paragraph, where classify.ts already takes it for a subhead.
        y = text(page, fonts.bold, 'Mutagen sensitivity assays', y);
        para(page, fonts, 'Heterozygous males and females were mated', y);
      },
    ]);
    m = await parsePdf(data, 'manuscript.pdf');
  });

  it('finds the subheads set in the style of the named sections, and splits a section name from its first subhead', () => {
    expect(m.units.filter((u) => u.kind === 'heading').map((u) => [u.text, u.level])).toEqual([
      ['Tolerance of Alkylation Damage in Fly Larvae', 1],
      ['Abstract', 2],
      ['Introduction', 2],
      ['Results', 2],
      ['Mutant larvae are hypersensitive to agents that stall replication forks', 3],
      ['Loss of the protein induces breaks in treated tissues', 3],
      ['Materials and Methods', 2],
      ['Fly husbandry and stocks', 3],
      ['Mutagen sensitivity assays', 3],
    ]);
    expect(find(m, 'Larvae treated').section.slice(1)).toEqual(['Results', 'Loss of the protein induces breaks in treated tissues']);
    expect(find(m, 'Heterozygous males').section.slice(1)).toEqual(['Materials and Methods', 'Mutagen sensitivity assays']);
  });

  it('keeps a labelled keyword list a paragraph', () => {
    const keywords = find(m, 'Keywords:');
    expect(keywords.kind).toBe('paragraph');
    expect(keywords.section).toEqual(['Tolerance of Alkylation Damage in Fly Larvae']);
  });
});

describe('levels of unnumbered headings', () => {
  const h = (text: string, size: number, font = 'b'): Block => ({ kind: 'heading', page: 1, lines: [], text, size, font, column: 0 });
  const levels = (heads: Block[]): [string, number | undefined][] => {
    assignLevels(heads, []);
    return heads.map((x) => [x.text, x.level]);
  };

  it('keeps a chapter\'s closing summary in its chapter, and a subhead inside a numbered section under it', () => {
    const n = (text: string, size: number, number: string): Block => ({ ...h(text, size), number });
    expect(levels([n('2 Methods', 14, '2'), n('2.1 Data', 12, '2.1'), h('Summary', 12), n('3 Results', 14, '3')]).map(([, level]) => level)).toEqual([1, 2, 2, 1]);
    // Set near the size of the numbered sections, yet inside "5 Fair Value": a level under it.
    const nonrecurring = { ...h('Nonrecurring measurements', 10, 'r'), subhead: true };
    expect(levels([n('5 Fair Value', 10, '5'), nonrecurring, n('6 Leases', 10, '6')]).map(([, level]) => level)).toEqual([1, 2, 1]);
  });

  it('puts an abstract set smaller than the sections beside them, not under the title or a subsection (AAAI)', () => {
    expect(levels([h('Reading Long Papers Offline', 14.3), h('Abstract', 10), h('Introduction', 12), h('Setup', 10.9), h('Conclusion', 12)])).toEqual([
      ['Reading Long Papers Offline', 1],
      ['Abstract', 2],
      ['Introduction', 2],
      ['Setup', 3],
      ['Conclusion', 2],
    ]);
  });

  it('ranks named sections in one style alike though one is in capitals', () => {
    // The subhead as heading-style.ts marks it: in the named sections' style, not itself a section name.
    const mutant = { ...h('Mutant larvae are sensitive', 11), subhead: true };
    expect(levels([h('Introduction', 11), mutant, h('DISCUSSION', 11), h('Acknowledgments', 11), h('Materials and Methods', 11)])).toEqual([
      ['Introduction', 1],
      ['Mutant larvae are sensitive', 2],
      ['DISCUSSION', 1],
      ['Acknowledgments', 1],
      ['Materials and Methods', 1],
    ]);
    // One named section in capitals lifts neither the others nor the unnamed sections of its style.
    expect(levels([h('ABSTRACT', 11), h('Introduction', 11), h('Our Approach', 11), h('Experiments', 11), h('Conclusion', 11)]).map(([, level]) => level)).toEqual([1, 1, 1, 1, 1]);
    // A subhead found by its place, in a font of its own as large as the sections (JCS), sits under them.
    const cloning = { ...h('Cloning of the gene', 10, 'r'), subhead: true };
    expect(levels([h('Results', 10), cloning, h('Discussion', 10), h('Localization in the Golgi', 10, 'r')]).map(([, level]) => level)).toEqual([1, 2, 1, 1]);
    // Capitals still rank a section over subheads of its size when they alone name sections (NAR: "RESULTS").
    expect(levels([h('RESULTS', 9), h('Phage biopanning in vivo', 9.5), h('DISCUSSION', 9)]).map(([, level]) => level)).toEqual([1, 2, 1]);
  });
});
