/** Journal layouts: reference lists in a font of their own or without a heading, long subheads, run-in heads. */
import { describe, expect, it } from 'vitest';
import { parsePdf } from '../../core/pdf/index.js';
import { body, lines, makePdf, runs } from './make-pdf.js';

describe('reference entries', () => {
  it('set in a font of their own at about body size are entries, not numbered headings', async () => {
    const pdf = await makePdf([
      (page, { regular, bold }) => {
        let top = lines(page, regular, body('the discussion', 10), 72, 80, 10, 12) + 14;
        runs(page, [['References', bold, 12]], 72, top);
        top += 18;
        const entries = [
          ['1. Borcoman, E. et al. Novel patterns of response under', 'immunotherapy. Ann. Oncol. 30, 385–396 (2019).'],
          ['2. Spranger, S. & Gajewski, T. F. Impact of oncogenic pathways on', 'evasion of antitumour immune responses. Nat. Rev. Cancer 18, 139–147 (2018).'],
          ['3. Vinay, D. S. et al. Immune evasion in cancer: Mechanistic basis and', 'therapeutic strategies. Semin. Cancer Biol. 35, 185–198 (2015).'],
        ];
        for (const [first, rest] of entries) {
          runs(page, [[first, bold, 9.6]], 72, top);
          runs(page, [[rest, bold, 9.6]], 84, top + 11);
          top += 25;
        }
      },
    ]);
    const m = await parsePdf(pdf, 'refs.pdf');
    expect(m.units.filter((u) => u.kind === 'heading').map((u) => u.text)).toEqual(['References']);
    const refs = m.units.filter((u) => u.kind === 'reference').map((u) => u.text);
    expect(refs).toHaveLength(3);
    expect(refs[1]).toMatch(/^2\. Spranger, S\. & Gajewski.*\(2018\)\.$/);
  });

  it('in small print at the foot of the page without a heading are a reference list, not footnotes', async () => {
    const pdf = await makePdf([
      (page, { regular }) => {
        let top = lines(page, regular, body('the model', 30), 72, 60, 10, 12) + 20;
        const entries = [
          ['1. R. T. Abraham, Cell cycle checkpoint signaling through the ATM and ATR kinases. Genes Dev. 15,', '2177–2196 (2001).'],
          ['2. S. Ahmed et al., Natural products targeting the ATR-CHK1 signaling pathway in cancer therapy.', 'Biomed. Pharmacother. 155, 113797 (2022).'],
          ['3. I. Magdalou, B. S. Lopez, P. Pasero, S. A. Lambert, The causes of replication stress and their', 'consequences on genome stability. Semin. Cell Dev. Biol. 30, 154–164 (2014).'],
          ['4. D. Huang, W. L. Kraus, The expanding universe of PARP1-mediated molecular and therapeutic', 'mechanisms. Mol. Cell 82, 2315–2334 (2022).'],
        ];
        for (const [first, rest] of entries) {
          lines(page, regular, [first], 72, top, 6.8, 8);
          lines(page, regular, [rest], 82, top + 8, 6.8, 8);
          top += 17;
        }
      },
    ]);
    const m = await parsePdf(pdf, 'unheaded-refs.pdf');
    expect(m.units.filter((u) => u.kind === 'footnote')).toEqual([]);
    const refs = m.units.filter((u) => u.kind === 'reference').map((u) => u.text);
    expect(refs).toHaveLength(4);
    expect(refs[0]).toBe('1. R. T. Abraham, Cell cycle checkpoint signaling through the ATM and ATR kinases. Genes Dev. 15, 2177–2196 (2001).');
  });
});

describe('a subhead a little above body size that fills its lines (NAR)', () => {
  it('is a heading of up to three lines that ends where the body text starts, with no extra space between them', async () => {
    const pdf = await makePdf([
      (page, { regular, bold }) => {
        const head = ['Steady-state kinetics of single nucleotide', 'incorporation of modified nucleotides opposite', 'templating bases by polymerase eta'];
        // The column is as wide as the head's longest line: each line of the head runs to within an em of its edge.
        const width = Math.max(...head.map((t) => bold.widthOfTextAtSize(t, 10))) + 4;
        const wrap = (text: string): string[] => {
          const rows: string[] = [];
          let row = '';
          for (const w of text.split(' ')) {
            if (row && regular.widthOfTextAtSize(`${row} ${w}`, 9.3) > width) {
              rows.push(row);
              row = w;
            } else row = row ? `${row} ${w}` : w;
          }
          return [...rows, row];
        };
        let top = lines(page, regular, wrap(body('the purification', 6).join(' ')), 72, 80, 9.3, 11) + 14;
        top = lines(page, bold, head, 72, top, 10, 11) + 2;
        lines(page, regular, wrap(['Steady-state kinetic parameters for insertion of the nucleotide were measured.', ...body('the kinetics', 5)].join(' ')), 72, top, 9.3, 11);
      },
    ]);
    const m = await parsePdf(pdf, 'long-subhead.pdf');
    const head = m.units.find((u) => u.text.startsWith('Steady-state kinetics'))!;
    expect(head.kind).toBe('heading');
    expect(head.text).toBe('Steady-state kinetics of single nucleotide incorporation of modified nucleotides opposite templating bases by polymerase eta');
    const text = m.units.find((u) => u.text.includes('about the kinetics'))!;
    expect(text.text).toMatch(/^Steady-state kinetic parameters/);
    expect(text.section.at(-1)).toBe(head.text);
  });
});

describe('a run-in head filling its line but for the first word of the text (PNAS)', () => {
  it('stays one paragraph with the lines after it', async () => {
    const pdf = await makePdf([
      (page, { regular, bold }) => {
        const top = lines(page, regular, body('the assay', 8), 72, 80, 10, 12) + 10;
        runs(page, [['The Modified Enzyme Promotes Its Own Catalytic Activity on Damaged Templates.', bold, 8], ['The', regular, 10]], 72, top);
        lines(page, regular, ['residue that we identified as essential for the modification localizes in one domain.', ...body('the domain', 4)], 72, top + 12, 10, 12);
      },
    ]);
    const m = await parsePdf(pdf, 'run-in-one-word.pdf');
    const units = m.units.filter((u) => /Catalytic Activity|about the domain/.test(u.text));
    expect(units).toHaveLength(1);
    expect(units[0].text).toMatch(/Damaged Templates\. ?The residue that we identified/);
  });
});

describe('bulleted highlights', () => {
  it('make one paragraph per item, lines hanging under the text continuing it in any font', async () => {
    const pdf = await makePdf([
      (page, { regular, bold }) => {
        let top = lines(page, regular, body('the summary', 6), 72, 80, 10, 12) + 20;
        const items = [
          ['The virus is a novel DNA virus of the amphibian pathogen', 'Batrachochytrium dendrobatidis'],
          ['The virus is endogenous in the genome but absent from global', 'panzootic lineage strains'],
          ['Strains with the virus have reduced growth in culture', 'but increased virulence'],
        ];
        for (const [first, rest] of items) {
          runs(page, [['•', regular, 6]], 72, top);
          runs(page, [[first, regular, 10]], 84, top);
          runs(page, [[rest, bold, 10]], 84, top + 14);
          top += 38;
        }
      },
    ]);
    const m = await parsePdf(pdf, 'highlights.pdf');
    const texts = m.units.map((u) => u.text);
    expect(texts.filter((t) => /^• The virus|^• Strains/.test(t))).toEqual([
      '• The virus is a novel DNA virus of the amphibian pathogen Batrachochytrium dendrobatidis',
      '• The virus is endogenous in the genome but absent from global panzootic lineage strains',
      '• Strains with the virus have reduced growth in culture but increased virulence',
    ]);
    expect(m.units.filter((u) => u.kind === 'heading')).toEqual([]);
  });
});

describe('a section name in capitals over its first subhead', () => {
  it('are two headings, the subhead inside the section', async () => {
    const pdf = await makePdf([
      (page, { regular, bold }) => {
        let top = lines(page, regular, body('the introduction', 12), 72, 80, 9.5, 11.5) + 20;
        runs(page, [['RESULTS', bold, 10.5]], 72, top);
        runs(page, [['In vivo bacteriophage biopanning', bold, 10.5]], 72, top + 12);
        top = lines(page, regular, body('the biopanning', 10), 72, top + 26, 9.5, 11.5) + 8;
        runs(page, [['Differential binding of isolated peptides', bold, 10.5]], 72, top);
        lines(page, regular, body('the binding', 10), 72, top + 14, 9.5, 11.5);
      },
    ]);
    const m = await parsePdf(pdf, 'caps.pdf');
    expect(m.units.filter((u) => u.kind === 'heading').map((u) => u.text)).toEqual(['RESULTS', 'In vivo bacteriophage biopanning', 'Differential binding of isolated peptides']);
    expect(m.units.find((u) => u.text.startsWith('Line 1 about the binding'))?.section).toEqual(['RESULTS', 'Differential binding of isolated peptides']);
  });
});

describe("a licence in the page's foot line (Cell Press)", () => {
  it('is a footnote, not prose, even when its © comes out as another letter', async () => {
    const foot = 'Current Biology 34, 1469–1478, April 8, 2024 ª 2024 The Authors. Published by Elsevier Inc.';
    const pdf = await makePdf([
      (page, { regular }) => {
        lines(page, regular, body('the amphibian pathogen', 40), 72, 80, 10, 12);
        runs(page, [[foot.replace('ª', 'a'), regular, 8]], 200, 760);
      },
    ]);
    const m = await parsePdf(pdf, 'cell.pdf');
    const unit = m.units.find((u) => u.text.includes('Published by Elsevier'));
    expect(unit?.kind).toBe('footnote');
    expect(m.units.filter((u) => u.kind === 'paragraph').map((u) => u.text).join(' ')).not.toContain('Elsevier');
  });
});

describe('a date alone over the text', () => {
  it('is not a heading, however large', async () => {
    const pdf = await makePdf([
      (page, { regular, bold }) => {
        runs(page, [['Tuesday, February 22, 2022', bold, 12]], 250, 44);
        lines(page, regular, body('capsid assembly', 30), 72, 80, 10, 12);
      },
    ]);
    const m = await parsePdf(pdf, 'abstracts.pdf');
    expect(m.units.filter((u) => u.kind === 'heading')).toEqual([]);
    expect(m.units.some((u) => u.text.includes('February 22, 2022'))).toBe(true);
  });
});
