/**
 * A Nature-style first page: a byline and a full-width abstract in their own size, a narrow sidebar
 * ("Received", "Check for updates") in the left margin beside them, and two body columns below with a
 * narrow gutter. The abstract crosses the middle on every line, which used to hide the body's gutter.
 */
import { describe, expect, it } from 'vitest';
import { parsePdf } from '../../core/pdf/index.js';
import { body, lines, makePdf, runs } from './make-pdf.js';

const left = Array.from({ length: 14 }, (_, i) => `Left column line ${i + 1} tells how tumours evade the immune cells.`);
const right = Array.from({ length: 14 }, (_, i) => `Right column line ${i + 1} says how lectins bind sialic acids.`);
const abstract = Array.from({ length: 16 }, (_, i) => `Abstract line ${i + 1} sums up the structure of the protein and what binds to it in cells.`);

describe('a first page with a sidebar, an abstract and narrow body columns', () => {
  it('reads each body column whole and keeps the sidebar out of the byline and abstract', async () => {
    const pdf = await makePdf([
      (page, { regular, bold }) => {
        runs(page, [['Structural insights into a lectin that binds T cells', bold, 22]], 40, 110);
        runs(page, [['Received: 12 August 2022', regular, 8.5]], 40, 160);
        for (let i = 0; i < 5; i++) runs(page, [[`Ada Lovelace${i} 1,2, Alan Turing${i} 2, Grace Hopper${i} 1,3, Edsger Dijkstra${i} 4,`, regular, 9.2]], 217, 160 + i * 12);
        runs(page, [['Accepted: 26 May 2023', regular, 8.5]], 40, 184);
        abstract.forEach((t, i) => runs(page, [[t, regular, 10]], 217, 230 + i * 14));
        runs(page, [['Check for updates', regular, 8]], 52, 236);
        // Each column line filled to about 250 pt, the gutter about one em wide (as set in the journal).
        const fill = (t: string): string => {
          let out = t;
          while (regular.widthOfTextAtSize(`${out} more`, 8.2) < 252) out += ' more';
          return out;
        };
        for (let i = 0; i < left.length; i++) {
          runs(page, [[fill(left[i]), regular, 8.2]], 40, 470 + i * 11);
          runs(page, [[fill(right[i]), regular, 8.2]], 306, 470 + i * 11);
        }
      },
    ]);
    const m = await parsePdf(pdf, 'nature.pdf');
    const texts = m.units.map((u) => u.text);
    const leftUnit = texts.find((t) => t.startsWith('Left column line 1 '));
    const rightUnit = texts.find((t) => t.startsWith('Right column line 1 '));
    expect(leftUnit).toBeDefined();
    expect(leftUnit).toContain('Left column line 14 ');
    expect(leftUnit).not.toContain('Right column');
    expect(rightUnit).toContain('Right column line 14 ');
    const abs = texts.find((t) => t.startsWith('Abstract line 1 '));
    expect(abs).toContain('Abstract line 16 ');
    expect(abs).not.toMatch(/Check for updates|Accepted/);
    expect(texts.find((t) => t.includes('Ada Lovelace'))).not.toContain('Received');
    expect(m.units.filter((u) => u.kind === 'heading').map((u) => u.text)).toEqual(['Structural insights into a lectin that binds T cells']);
  });
});

describe('a summary page with ragged bulleted highlights beside the authors', () => {
  it('reads the two columns apart, so their heads on one baseline stay two headings', async () => {
    const pdf = await makePdf([
      (page, { regular, bold }) => {
        runs(page, [['An endogenous DNA virus in an amphibian-killing fungus', bold, 19]], 53, 100);
        runs(page, [['Highlights', bold, 12]], 53, 180);
        runs(page, [['Authors', bold, 12]], 355, 180);
        const highlights = [
          ['The virus is a novel DNA virus of the amphibian pathogen', 'Batrachochytrium dendrobatidis'],
          ['The virus is endogenous in the genome but absent from', 'panzootic lineage strains'],
          ['Strains with the virus have reduced growth in culture', 'but increased virulence in frogs'],
          ['It is the first full-length CRESS virus of its family', 'known to infect fungi'],
          ['Frogs infected with the virus-bearing strains die sooner', 'than frogs given the other strains'],
        ];
        highlights.forEach(([a, b], i) => {
          runs(page, [['•', regular, 6]], 53, 200 + i * 38);
          runs(page, [[a, regular, 10]], 66, 200 + i * 38);
          runs(page, [[b, regular, 10]], 66, 214 + i * 38);
        });
        const right = ['Rebecca Clemons, Mark Yacoub,', 'Evelyn Faust, Lillian Fritz-Laylin,', 'Timothy James, Jason Stajich'];
        right.forEach((t, i) => runs(page, [[t, regular, 10]], 355, 198 + i * 14));
        runs(page, [['In brief', bold, 12]], 355, 260);
        const brief = ['Clemons and Yacoub et al. describe a', 'novel DNA virus of the amphibian', 'pathogen. The virus is endogenized in', 'the fungal genome and found mostly', 'within less virulent lineages of the', 'fungus and is associated with reduced', 'growth in culture and more virulence', 'in an amphibian model that the', 'authors compare across lineages.'];
        brief.forEach((t, i) => runs(page, [[t, regular, 10]], 355, 278 + i * 14));
      },
    ]);
    const m = await parsePdf(pdf, 'summary.pdf');
    const heads = m.units.filter((u) => u.kind === 'heading').map((u) => u.text);
    expect(heads).toEqual(['An endogenous DNA virus in an amphibian-killing fungus', 'Highlights', 'Authors', 'In brief']);
    const brief = m.units.find((u) => u.text.startsWith('Clemons and Yacoub'));
    expect(brief?.text).toMatch(/across lineages\.$/);
    expect(brief?.section).toEqual(['An endogenous DNA virus in an amphibian-killing fungus', 'In brief']);
  });
});

describe('a copyright box in small print right of the title', () => {
  it('is neither part of the title nor read between its lines', async () => {
    const pdf = await makePdf([
      (page, { regular, bold }) => {
        runs(page, [['Peptide-guided lipid nanoparticles deliver mRNA to the', bold, 18]], 36, 96);
        runs(page, [['neural retina of rodents and nonhuman primates', bold, 18]], 36, 116);
        const box = ['Copyright 2023 The', 'Authors, some', 'rights reserved; exclusive', 'licensee American', 'Association for the', 'Advancement of Science.'];
        box.forEach((t, i) => runs(page, [[t, regular, 7]], 486, 76 + i * 10));
        runs(page, [['Ada Lovelace1, Alan Turing2, Grace Hopper1', regular, 10]], 36, 140);
        for (let i = 0; i < 14; i++) {
          runs(page, [[`Left column line ${i + 1} of the introduction about lipid particles.`, regular, 9.5]], 36, 200 + i * 11);
          runs(page, [[`Right column line ${i + 1} on how peptides reach the retina.`, regular, 9.5]], 303, 200 + i * 11);
        }
      },
    ]);
    const m = await parsePdf(pdf, 'science-advances.pdf');
    expect(m.units[0]).toMatchObject({ kind: 'heading', text: 'Peptide-guided lipid nanoparticles deliver mRNA to the neural retina of rodents and nonhuman primates' });
    expect(m.units.find((u) => u.text.includes('rights reserved'))?.text).not.toMatch(/Peptide|neural retina/);
  });
});

describe("a sidebar's small print ending beside a title's line (Chemical Science)", () => {
  it('stays out of the title even when its last run holds no words', async () => {
    const pdf = await makePdf([
      (page, { regular, bold }) => {
        runs(page, [['Generation of bright monomeric red fluorescent', bold, 16]], 173, 150);
        runs(page, [['proteins via computational design', bold, 16]], 173, 168);
        // "Cite this:" and the citation as separate runs, the last one only ", 1408", a little below the title's baseline.
        runs(page, [['Cite this:', bold, 7.2], ['Chem. Sci.', regular, 7.2], [', 2022, 13', regular, 7.2], [', 1408', regular, 7.2]], 43, 173);
        lines(page, regular, body('red fluorescent proteins', 20), 173, 220, 9, 11);
      },
    ]);
    const m = await parsePdf(pdf, 'chemsci.pdf');
    const title = m.units.find((u) => u.text.startsWith('Generation of bright'));
    expect(title?.text).toBe('Generation of bright monomeric red fluorescent proteins via computational design');
    expect(m.units.some((u) => u.text.includes('Cite this: Chem. Sci., 2022, 13, 1408') || u.text.includes('Cite this: Chem. Sci. , 2022, 13 , 1408'))).toBe(true);
  });
});
