/**
 * Column layout on pages built to the point: text runs that break at one x inside a column, lines cut into
 * runs across a gutter, publisher banners set sideways in the margin, sidebars, a title and abstract over
 * two of three columns, and floats that must leave the paragraph text next to them alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { degrees, type PDFFont, type PDFPage } from 'pdf-lib';
import { parsePdf } from '../../core/pdf/index.js';
import type { DocumentModel, Unit } from '../../core/model/document.js';
import { drawPlot, lines, makePdf, rule } from './make-pdf.js';

const dump = (m: DocumentModel): void => {
  if (process.env.DBG) for (const u of m.units) console.log(u.id, u.kind, u.page, JSON.stringify(u.bbox), '|', u.text.slice(0, 110));
};
const pad = (i: number): string => String(i).padStart(2, '0');
const unitWith = (m: DocumentModel, needle: string): Unit | undefined => m.units.find((u) => u.text.includes(needle));
const words = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'theta', 'lambda', 'zeta'];

/** Words for line `i` that fill at most `width` points: a deterministic, distinct text per line. */
function fill(font: PDFFont, size: number, width: number, i: number, tag: string): string {
  let text = `${tag}${pad(i)}`;
  for (let k = 0; ; k++) {
    const next = `${text} ${words[(i + k) % words.length]}`;
    if (font.widthOfTextAtSize(next, size) > width) return text;
    text = next;
  }
}

/** `text` with trailing i's up to (not past) `width` points at 10 pt: runs that end at a known x. */
function padTo(font: PDFFont, text: string, width: number): string {
  while (font.widthOfTextAtSize(text + 'i', 10) <= width) text += 'i';
  return text;
}

/** Draws `text` top-left at (x, top) as one run. */
function run(page: PDFPage, font: PDFFont, text: string, x: number, top: number, size = 10): void {
  page.drawText(text, { x, y: page.getHeight() - top, size, font });
}

describe('column gutters', () => {
  it('keeps a column whole when many of its lines happen to be cut into runs at one x', async () => {
    // Left column 72..250, right column 290..540, every line set as several runs (pdf.js merges runs of one
    // font, so neighbours alternate fonts, like italics and symbols in a real paper). A third of the
    // right-column lines break between two runs at x = 428: few runs cross that x, but it is a dip inside
    // the column, not a gutter.
    const right: string[] = [];
    const data = await makePdf([
      (page, f) => {
        const runs = (texts: string[], x: number, top: number, odd = 0): number => {
          texts.forEach((t, k) => {
            const font = (k + odd) % 2 ? f.bold : f.regular;
            run(page, font, t, x, top);
            x += font.widthOfTextAtSize(t + ' ', 10);
          });
          return x;
        };
        for (let i = 0; i < 40; i++) {
          const top = 80 + i * 12;
          // Justified: every left line ends at x = 250.
          const head = [`LA${pad(i)}`, words[i % 10], `${words[(i + 1) % 10]} ${words[(i + 2) % 10]}`];
          const x = runs(head, 72, top);
          run(page, f.bold, padTo(f.bold, `LZ${pad(i)} `, 250 - x), x, top);
          if (i % 3) {
            const t = fill(f.regular, 10, 250, i, 'RW');
            run(page, f.regular, t, 290, top);
            right.push(t);
          } else {
            const a = padTo(f.regular, fill(f.regular, 10, 120, i, 'RA') + ' ', 136);
            run(page, f.regular, a, 290, top);
            const b = [`RB${pad(i)}`, words[(i + 4) % 10], words[(i + 5) % 10]];
            // The break sits 3 pt right of the first run's end: a word space, no wider.
            const x = runs(b, 430, top, 1);
            expect(x).toBeLessThan(545);
            right.push(`${a.trim()} ${b.join(' ')}`);
          }
        }
      },
    ]);
    const m = await parsePdf(data, 'dip.pdf');
    dump(m);
    const flow = m.units.filter((u) => u.text.includes('RA') || u.text.includes('RW'));
    // The right column reads as one paragraph, its lines in order, each line's two runs side by side.
    expect(flow).toHaveLength(1);
    expect(flow[0].text).toBe(right.join(' '));
    expect(m.pages[0].columns).toBe(2);
  });

  it('keeps the runs of a full-width line together when one of them crosses the gutter', async () => {
    const data = await makePdf([
      (page, f) => {
        // Title and abstract lines drawn as pieces: one run left of the gutter, one across it, one right of it.
        // Each piece in the other font than its neighbour, so pdf.js keeps them apart as it would a word in
        // italics or a symbol.
        const pieces = (texts: string[], x: number, top: number, size: number): void => {
          texts.forEach((t, k) => {
            const font = k % 2 ? f.bold : f.regular;
            run(page, font, t, x, top, size);
            x += font.widthOfTextAtSize(t + ' ', size);
          });
        };
        pieces(['Pieces', 'of a Title Crossing', 'the Gutter'], 170, 70, 16);
        for (let i = 0; i < 4; i++) pieces([`Abstract ${pad(i)} starts here`, 'and runs straight across the middle of the page where the gutter', `is and ends ${pad(i)}.`], 72, 110 + i * 12, 10);
        for (let i = 0; i < 24; i++) {
          run(page, f.regular, `Left column text, line ${pad(i)}, continues here.`, 72, 180 + i * 12);
          run(page, f.regular, `Right column text, line ${pad(i)}, continues here.`, 320, 180 + i * 12);
        }
      },
    ]);
    const m = await parsePdf(data, 'pieces.pdf');
    dump(m);
    expect(m.units[0].text).toBe('Pieces of a Title Crossing the Gutter');
    const abstract = unitWith(m, 'Abstract 00') as Unit;
    expect(abstract.text).toBe(
      [0, 1, 2, 3].map((i) => `Abstract ${pad(i)} starts here and runs straight across the middle of the page where the gutter is and ends ${pad(i)}.`).join(' '),
    );
    expect(unitWith(m, 'Left column text, line 00')?.text).toContain('line 23, continues here.');
    expect(unitWith(m, 'Right column text, line 00')?.text).toContain('line 23, continues here.');
  });
});

describe('sideways margin text', () => {
  const banner = (page: PDFPage, font: PDFFont, text: string, x: number): void => {
    page.drawText(text, { x, y: 150, size: 8, font, rotate: degrees(90) });
  };

  it("drops a printer's sideways mark without letters and a lettered page number on one page only", async () => {
    const data = await makePdf([
      (p, f) => {
        banner(p, f.regular, '1234567890():,;', 10);
        // A supplement's page number with a letter, alone at the top of its only page.
        lines(p, f.regular, ['333a'], 540, 40);
        lines(p, f.regular, Array.from({ length: 30 }, (_, i) => `Only column line ${pad(i)} goes on here.`), 72, 110);
      },
    ]);
    const m = await parsePdf(data, 'mark.pdf');
    expect(m.units.map((u) => u.text).join(' ')).not.toMatch(/1234567890|333a/);
    expect(unitWith(m, 'Only column line 00')?.text).toContain('line 29 goes on here.');
  });

  it('drops a publisher banner set sideways in the margin of every page and keeps columns whole', async () => {
    const page = (n: number) => (p: PDFPage, f: { regular: PDFFont; bold: PDFFont }) => {
      banner(p, f.regular, `Downloaded from https://journal.example.org on June ${n + 3}, 2024 by guest`, 20);
      banner(p, f.regular, 'This article is licensed under a Creative Commons Attribution 4.0 Licence.', 590);
      // Below the running-head zone: the same first line on every page would be a running head.
      lines(p, f.regular, Array.from({ length: 40 }, (_, i) => `Left column p${n} line ${pad(i)} goes on here.`), 72, 110);
      lines(p, f.regular, Array.from({ length: 40 }, (_, i) => `Right column p${n} line ${pad(i)} goes on here.`), 320, 110);
    };
    const data = await makePdf([page(1), page(2), page(3)]);
    const m = await parsePdf(data, 'banner.pdf');
    dump(m);
    expect(m.units.some((u) => /Downloaded|licensed/.test(u.text))).toBe(false);
    for (const n of [1, 2, 3]) {
      expect(unitWith(m, `Left column p${n} line 00`)?.text).toContain('line 39 goes on here.');
      expect(unitWith(m, `Right column p${n} line 00`)?.text).toContain('line 39 goes on here.');
    }
  });

  it('reads sideways text in the margin of a single page after the columns, not inside them', async () => {
    const data = await makePdf([
      (p, f) => {
        banner(p, f.regular, 'arXiv:2001.03131v1 [cs.CL] 9 Jan 2020', 24);
        lines(p, f.regular, Array.from({ length: 40 }, (_, i) => `Left column line ${pad(i)} goes on here.`), 72, 80);
        lines(p, f.regular, Array.from({ length: 40 }, (_, i) => `Right column line ${pad(i)} goes on here.`), 320, 80);
      },
    ]);
    const m = await parsePdf(data, 'stamp.pdf');
    dump(m);
    expect(unitWith(m, 'Left column line 00')?.text).toContain('line 39 goes on here.');
    const stamp = m.units.findIndex((u) => u.text.includes('arXiv'));
    expect(stamp).toBe(m.units.length - 1);
  });
});

describe('floats beside and under column text', () => {
  it('keeps a table cell that runs across the gutter in its table', async () => {
    const data = await makePdf([
      (page, f) => {
        lines(page, f.regular, Array.from({ length: 44 }, (_, i) => `Right column body text line ${pad(i)} runs on.`), 330, 80);
        run(page, f.bold, 'Table 1.', 72, 88, 8);
        run(page, f.regular, 'Crystallization and refinement statistics', 102, 88, 8);
        rule(page, 72, 290, 94);
        const rows: [string, string][] = [
          ['PDB ID', '7RY2'],
          ['Crystallization', '100 mM Tris buffer (pH 8.5)'],
          ['Salt', '100 mM NaCl'],
          ['Precipitant', '20% PEG-3350'],
          ['Resolution', '80.31-2.05'],
          ['Space group', 'P212121'],
          ['Molecules', '8'],
          ['Completeness', '99.9 (97.3)'],
        ];
        rows.forEach(([k, v], i) => {
          run(page, f.regular, k, 72, 106 + i * 10, 8);
          // The long cell starts inside the column and ends past its gutter, as set in the journal.
          run(page, f.regular, v, i === 1 ? 210 : 200, 106 + i * 10, 8);
        });
        rule(page, 72, 290, 106 + rows.length * 10);
        lines(page, f.regular, Array.from({ length: 28 }, (_, i) => `Left column body text line ${pad(i)} runs on.`), 72, 200);
      },
    ]);
    const m = await parsePdf(data, 'spill.pdf');
    dump(m);
    const table = m.units.find((u) => u.kind === 'table');
    expect(table?.text).toContain('100 mM Tris buffer (pH 8.5)');
    expect(m.units.filter((u) => u.kind !== 'table' && u.text.includes('pH 8.5'))).toHaveLength(0);
    expect(unitWith(m, 'Right column body text line 00')?.text).toContain('line 43 runs on.');
  });

  it('leaves the last line of a paragraph above a figure in the paragraph, and the figure its labels', async () => {
    const data = await makePdf([
      (page, f) => {
        lines(page, f.regular, Array.from({ length: 50 }, (_, i) => `Left column body text line ${pad(i)} runs on.`), 72, 80);
        const body = [
          'The right column starts with a paragraph that has',
          ...Array.from({ length: 16 }, (_, i) => `several lines, here line ${pad(i)}, of ordinary text`),
          'before the figure, and it ends with a hyphenated',
          'word: this is the block diagram of the proposed ap-',
        ];
        const y = lines(page, f.regular, body, 320, 80);
        lines(page, f.regular, ['proach.'], 320, y);
        // A narrow drawing centred under the column, 12 pt below that last short line; its labels hug it.
        drawPlot(page, 390, y + 14, 90, 150);
        run(page, f.regular, 'Input', 420, y + 40, 7);
        run(page, f.regular, 'Output layer', 410, y + 174, 7);
        run(page, f.bold, 'Figure 1:', 330, y + 196, 9);
        run(page, f.regular, 'The block diagram of the approach', 372, y + 196, 9);
        lines(page, f.regular, ['After the figure the column goes on with text.', 'It has a second line as well, and it ends.'], 320, y + 222);
      },
    ]);
    const m = await parsePdf(data, 'tail.pdf');
    dump(m);
    expect(unitWith(m, 'The right column starts')?.text).toMatch(/block diagram of the proposed approach\.$/);
    const fig = m.units.find((u) => u.kind === 'figure') as Unit;
    expect(fig.text).not.toContain('proach');
    expect(fig.text).toContain('Input');
    expect(fig.text).toContain('Output layer');
    expect(fig.captionId).toBeDefined();
  });

  it('keeps a wide panel title between two rows of plots inside the figure', async () => {
    const data = await makePdf([
      (page, f) => {
        lines(page, f.regular, Array.from({ length: 8 }, (_, i) => `Body text above the figure, line ${pad(i)}, set across the whole page width here.`), 72, 60);
        drawPlot(page, 90, 170, 200, 110);
        drawPlot(page, 320, 170, 200, 110);
        run(page, f.bold, '(b)', 80, 300, 12);
        run(page, f.regular, 'Differential protein expression across consecutive time points in batch one', 100, 300, 10);
        drawPlot(page, 90, 312, 130, 100);
        drawPlot(page, 240, 312, 130, 100);
        drawPlot(page, 390, 312, 130, 100);
        run(page, f.bold, 'Fig. 3.', 72, 432, 9);
        run(page, f.regular, 'Protein expression dynamics across brewing cycles in all batches.', 104, 432, 9);
        lines(page, f.regular, Array.from({ length: 8 }, (_, i) => `Body text below the figure, line ${pad(i)}, set across the whole page width here.`), 72, 470);
      },
    ]);
    const m = await parsePdf(data, 'panels.pdf');
    dump(m);
    expect(m.units.filter((u) => u.kind === 'paragraph' && u.text.includes('Differential'))).toHaveLength(0);
    const fig = m.units.find((u) => u.kind === 'figure' && u.captionId) as Unit;
    expect(fig.text).toContain('Differential protein expression');
    expect(fig.bbox[1]).toBeLessThan(175);
  });
});

describe('columns under full-width text', () => {
  it('reads a small-print sidebar beside the body column under a full-width abstract as its own column', async () => {
    const data = await makePdf([
      (page, f) => {
        run(page, f.bold, 'A Paper Whose First Page Has a Sidebar', 72, 70, 16);
        // The abstract's last line is about as long as a sidebar line: it still ends the abstract.
        const abstract = Array.from({ length: 11 }, (_, i) => `Abstract line ${pad(i)} runs across the whole page above both of the columns, and on`);
        lines(page, f.regular, [...abstract, 'and the abstract ends on this short line.'], 72, 100);
        lines(page, f.regular, ['Keywords: sidebars, columns, reading order, first pages'], 72, 248);
        const side = ['*Correspondence:', 'first.author@example.org', 'Second Author', 'second.author@example.org', '1 Institute of Clinical Chemistry,', 'University Hospital Bonn,', 'Venusberg-Campus 1, 53127 Bonn,', 'Germany', '2 Department of Oncology,', 'University Hospital Bonn,', 'Bonn, Germany', '3 Institute of Human Genetics,', 'University Hospital Bonn,', 'Germany', '4 German Centre for Infection', 'Research (DZIF), Bonn, Germany'];
        lines(page, f.regular, side, 72, 280, 7, 10);
        const body = Array.from({ length: 14 }, (_, i) => padTo(f.regular, `Body column line ${pad(i)} of the background, `, 236));
        lines(page, f.regular, body, 304, 272);
        lines(page, f.regular, ['The licence notice runs across the foot of the page, below both of the columns.'], 150, 460, 8, 10);
      },
    ]);
    const m = await parsePdf(data, 'sidebar.pdf');
    dump(m);
    const bodyUnits = m.units.filter((u) => u.text.includes('Body column line'));
    expect(bodyUnits).toHaveLength(1);
    expect(bodyUnits[0].text).toMatch(/^Body column line 00 .*Body column line 13 /);
    expect(bodyUnits[0].text).not.toMatch(/Institute|Germany|example\.org/);
    expect(unitWith(m, 'Abstract line 00')?.text).toMatch(/line 10 runs .* and on and the abstract ends on this short line\.$/);
    expect(m.pages[0].columns).toBe('mixed');
  });

  it('keeps two columns apart when one of them ends in a list of short entries', async () => {
    const data = await makePdf([
      (page, f) => {
        const left = Array.from({ length: 40 }, (_, i) => padTo(f.regular, `Left methods text line ${pad(i)} goes on, `, 226));
        lines(page, f.regular, left, 72, 80);
        lines(page, f.regular, Array.from({ length: 12 }, (_, i) => padTo(f.regular, `Right column text line ${pad(i)} goes on, `, 236)), 320, 80);
        run(page, f.bold, 'Abbreviations', 320, 240);
        const abbr = ['CM Cardiomyocyte', 'DMD Duchenne muscular dystrophy', 'HDR Homology-directed repair', 'HTS High-throughput sequencing', 'Indels Insertions or deletions', 'ORF Open reading frame', 'PCR Polymerase chain reaction', 'SD Standard deviation', 'WT Wild type'];
        lines(page, f.regular, [...abbr, ...abbr.map((a) => a.toLowerCase())], 320, 256);
      },
    ]);
    const m = await parsePdf(data, 'abbreviations.pdf');
    dump(m);
    expect(m.pages[0].columns).toBe(2);
    const right = unitWith(m, 'Right column text line 00') as Unit;
    expect(right.text).toMatch(/Right column text line 11 goes on,/);
    expect(right.text).not.toContain('Left');
    expect(unitWith(m, 'Left methods text line 00')?.text).toMatch(/Left methods text line 39 goes on,/);
  });

  it('reads a title and abstract over two of three columns before those columns, and the third after them', async () => {
    const data = await makePdf([
      (page, f) => {
        run(page, f.bold, 'A Title Over Two of Three Columns', 40, 70, 16);
        lines(page, f.regular, Array.from({ length: 10 }, (_, i) => `Abstract ${pad(i)} spans the two left columns of this page, then more.`), 40, 100);
        lines(page, f.regular, Array.from({ length: 24 }, (_, i) => `First column ${pad(i)} text goes on.`), 40, 250);
        lines(page, f.regular, Array.from({ length: 24 }, (_, i) => `Second column ${pad(i)} text goes on.`), 215, 250);
        lines(page, f.regular, Array.from({ length: 46 }, (_, i) => `Third column ${pad(i)} text goes on.`), 390, 70);
      },
    ]);
    const m = await parsePdf(data, 'three.pdf');
    dump(m);
    const texts = m.units.map((u) => u.text);
    const at = (s: string): number => texts.findIndex((t) => t.includes(s));
    expect(unitWith(m, 'Abstract 00')?.text).toContain('Abstract 09 spans');
    expect(unitWith(m, 'Abstract 00')?.text).not.toContain('Third');
    expect(unitWith(m, 'Third column 00')?.text).toContain('Third column 45 text goes on.');
    expect(unitWith(m, 'First column 00')?.text).toContain('First column 23 text goes on.');
    expect(at('Abstract 00')).toBeLessThan(at('First column 00'));
    expect(at('First column 00')).toBeLessThan(at('Second column 00'));
    expect(at('Second column 00')).toBeLessThan(at('Third column 00'));
  });
});

const evalDocs = join(import.meta.dirname, '..', '..', '..', 'shared', 'eval');
const load = async (set: string, file: string): Promise<DocumentModel> => parsePdf(new Uint8Array(readFileSync(join(evalDocs, set, 'docs', file))), file);
const onPage = (m: DocumentModel, page: number): Unit[] => m.units.filter((u) => u.page === page);

describe('columns found within a side of the page', () => {
  it('finds the gutter between two columns that a long title and abstract over both hide from the page-wide search', async () => {
    const data = await makePdf([
      (page, f) => {
        run(page, f.bold, 'A Title Over Two of Three Columns', 40, 70, 16);
        lines(page, f.regular, Array.from({ length: 22 }, (_, i) => `Abstract ${pad(i)} spans the two left columns of this page, then more`), 40, 100);
        lines(page, f.regular, Array.from({ length: 14 }, (_, i) => padTo(f.regular, `First column ${pad(i)} text goes on `, 160)), 40, 390);
        lines(page, f.regular, Array.from({ length: 14 }, (_, i) => padTo(f.regular, `Second column ${pad(i)} text goes on `, 160)), 215, 390);
        lines(page, f.regular, Array.from({ length: 46 }, (_, i) => `Third column ${pad(i)} text goes on.`), 390, 70);
      },
    ]);
    const m = await parsePdf(data, 'three-hidden.pdf');
    dump(m);
    const first = unitWith(m, 'First column 00') as Unit;
    expect(first.text).toMatch(/First column 13 text goes on/);
    expect(first.text).not.toContain('Second');
    expect(unitWith(m, 'Second column 00')?.text).toMatch(/Second column 13 text goes on/);
    expect(unitWith(m, 'Third column 00')?.text).toContain('Third column 45 text goes on.');
  });
});

describe.skipIf(!existsSync(evalDocs))('column layout on real papers in ../shared/eval', () => {
  it('RSC two-column article: whole right-column paragraphs, no sidebar banner, the overrunning cell in its table', async () => {
    const m = await load('litqa2-dev', '10.1039_d1sc05088e.pdf');
    // The "Open Access Article ... Downloaded on" and licence banners run down the left margin of every page.
    expect(m.units.some((u) => /Open Access Article\. Published on|Creative Commons Attribution-NonCommercial/.test(u.text))).toBe(false);
    const p5 = onPage(m, 5);
    const first = p5.find((u) => u.text.includes('against it. In contrast')) as Unit;
    // One paragraph from the column's first line to "quantum yield.", its words in order.
    expect(first.text.indexOf('against it.')).toBe(0);
    expect(first.text).toMatch(/alternate pt rotamer \(.*gauche\(\+\),.*trans\), does not \(ESI Fig\. 1†\)\. Interestingly, the mp rotamer of Leu63/);
    expect(first.text).toMatch(/leading to enhanced quantum yield\.$/);
    const next = p5.find((u) => u.text.startsWith('To verify whether aliphatic packing')) as Unit;
    expect(next.text).toMatch(/hydroxybenzylidene rigidi\S* leading to quantum yield increases\.$/);
    const table = p5.find((u) => u.kind === 'table' && u.label === 'Table 2') as Unit;
    expect(table.text).toMatch(/Tris buff\s?er \(pH 8\.5\)/);
    expect(p5.filter((u) => u.kind !== 'table' && u.text.includes('(pH 8.5)'))).toHaveLength(0);
    // Other pages of the paper read whole too: no paragraph of a line or two in the middle of a column.
    for (const page of [2, 3, 4, 6]) {
      const chopped = onPage(m, page).filter((u) => u.kind === 'paragraph' && u.lineRects.length <= 2 && /^[a-z]/.test(u.text));
      expect(chopped.map((u) => u.text)).toEqual([]);
    }
  });

  it('OUP, Science and PNAS banners down the margin are dropped and columns stay whole', async () => {
    const nar = await load('litqa2-dev', '10.1093_nar_gkae069.pdf');
    expect(nar.units.some((u) => u.text.includes('Downloaded from https://academic.oup.com'))).toBe(false);
    const p2 = onPage(nar, 2);
    expect(p2.find((u) => u.text.startsWith('absence of DNA damage.'))?.text).toMatch(/Chromatin damage can result from various insults such as exposure to DNA intercalating agents/);
    expect(p2.length).toBeLessThan(30);
    const pnas = await load('litqa2-dev', '10.1073_pnas.2322520121.pdf');
    expect(pnas.units.some((u) => u.text.includes('Downloaded from https://www.pnas.org'))).toBe(false);
  });

  it('Science first page: the abstract over two of three columns does not interleave with the third', async () => {
    const m = await load('litqa2-dev', '10.1126_science.abb3634.pdf');
    const abstract = m.units.find((u) => u.text.startsWith('Cells of most bacterial species')) as Unit;
    expect(abstract.text).toMatch(/traditional concepts of bacterial cells\.$/);
    const third = m.units.find((u) => u.text.startsWith('ically diverse and to display polyphenism')) as Unit;
    expect(third.text).toContain('sea methane seeps (12). They had a stalk-like shape');
    expect(third.text).toMatch(/larger than any previously described single-?celled prokaryote\.$/);
    // A research article's first page: the two left columns under the abstract are read apart, left first.
    const kir = await load('litqa2-dev', '10.1126_science.abi9591.pdf');
    const p2 = onPage(kir, 2);
    // The left column opens with a drop cap ("A" + "lthough") and reads on to the foot of the column.
    const left = p2.find((u) => u.text.startsWith('Although most CD8')) as Unit;
    expect(left.text).toMatch(/autoimmune encephalomyelitis \(EAE\), a mouse model of human multiple sclerosis \(MS\) \(2, 3\)\. In particular, disruption of Qa-1-CD8/);
    expect(left.text).not.toContain('immunoglobulin');
    const right = p2.find((u) => u.text.startsWith('EAE recognized peptides bound to H2-Db')) as Unit;
    expect(p2.indexOf(left)).toBeLessThan(p2.indexOf(right));
  });

  it('BMC first page: the body column beside the affiliations sidebar reads as its own paragraph', async () => {
    const m = await load('litqa2-dev', '10.1186_s12915-023-01805-w.pdf');
    const body = onPage(m, 1).find((u) => u.text.startsWith('Secondary DNA and RNA structures')) as Unit;
    expect(body.text).toMatch(/G-quadruplexes \(G4s\) increased in the last years\. G4s are non-canonical DNA and RNA secondary structures/);
    expect(body.text).not.toMatch(/Bonn|@/);
    // Page 14: methods in two columns, the right one ending in a list of abbreviations.
    const p14 = onPage(m, 14);
    const plaque = p14.find((u) => u.text.startsWith('CaCo2 cells transfected with siRNA')) as Unit;
    expect(plaque.text).not.toMatch(/Pulser|electroporat/);
    expect(p14.find((u) => u.text.startsWith('One million cells were electroporated'))?.text).toContain('Gene Pulser Xcell Electroporation System');
  });

  it('qasper 2001.03131: the last line of the paragraph above Figure 1 stays in the paragraph', async () => {
    const m = await load('qasper-mini', '2001.03131.pdf');
    const p3 = onPage(m, 3);
    expect(p3.find((u) => u.text.startsWith('Figure 1 show the block diagram'))?.text).toBe('Figure 1 show the block diagram of the proposed approach.');
    const fig = p3.find((u) => u.kind === 'figure' && u.label === 'Figure 1') as Unit;
    expect(fig.text).not.toContain('proach');
    expect(fig.captionId).toBeDefined();
  });
});
