import { describe, expect, it } from 'vitest';
import { parsePdf } from '../../core/pdf/index.js';
import { joinLines, normalizeText } from '../../core/pdf/normalize.js';
import { mentionedLabels } from '../../core/pdf/crossrefs.js';
import type { DocumentModel, Unit } from '../../core/model/document.js';
import { drawPlot, lines, makePdf, rule, writePdf } from './make-pdf.js';

const find = (m: DocumentModel, needle: string): Unit => {
  const u = m.units.find((x) => x.text.includes(needle));
  if (!u) throw new Error(`no unit contains "${needle}"`);
  return u;
};
const pad = (i: number): string => String(i).padStart(2, '0');

describe('text normalisation', () => {
  it('expands ligatures and compatibility forms and drops invisible marks', () => {
    expect(normalizeText('\ufb01nd the \ufb02ow, e\ufb00ect\u00ad and \ufb03ce')).toBe('find the flow, effect and ffice');
    expect(normalizeText('a\u00a0b\u200bc')).toBe('a bc');
  });

  it('joins lines: broken words lose the hyphen, names and compounds keep it', () => {
    expect(joinLines(['the remark-', 'able result'])).toBe('the remarkable result');
    expect(joinLines(['binds COSA-', '1 and HIM-6-RMH-', '1 proteins'])).toBe('binds COSA-1 and HIM-6-RMH-1 proteins');
    expect(joinLines(['state-of-the-', 'art methods', 'here'])).toBe('state-of-the-art methods here');
  });

  it('finds mentions of figures, tables, sections and equations', () => {
    expect(mentionedLabels('See Figures 2 and 3, Fig. 5, Tables 1–3, Section 4.1, § 2 and Eq. (7).')).toEqual([
      'Figure 2', 'Figure 3', 'Figure 5', 'Table 1', 'Table 2', 'Table 3', 'Section 4.1', 'Section 2', 'Eq. (7)',
    ]);
  });
});

const line = (y: number, t: string): string => `BT /F1 11 Tf 72 ${y} Td (${t}) Tj ET`;
/** Two sections whose headings are plain body-font lines; only the PDF outline names them. */
const SECTIONS = [
  line(700, 'Introduction'),
  line(680, 'We begin with the introduction text, written in the same plain font.'),
  line(666, 'It has a second line that ends with a full stop.'),
  line(630, 'Methods'),
  line(610, 'The methods are also written in the plain body font as usual.'),
  line(596, 'This line finishes the methods paragraph.'),
].join('\n');

/**
 * Pages of body-font text (content streams) with an outline of "Introduction" and "Methods", both pointing
 * at the last page. Objects: 1 catalog, 2 pages, 3 outlines, 4-5 entries, 6 font, then a page and its
 * contents for each page.
 */
function outlinedPdf(pages: string[]): Uint8Array {
  const pageObj = (i: number): number => 7 + 2 * i;
  const target = pageObj(pages.length - 1);
  return writePdf([
    Buffer.from('<< /Type /Catalog /Pages 2 0 R /Outlines 3 0 R >>'),
    Buffer.from(`<< /Type /Pages /Kids [${pages.map((_, i) => `${pageObj(i)} 0 R`).join(' ')}] /Count ${pages.length} >>`),
    Buffer.from('<< /Type /Outlines /First 4 0 R /Last 5 0 R /Count 2 >>'),
    Buffer.from(`<< /Title (Introduction) /Parent 3 0 R /Next 5 0 R /Dest [${target} 0 R /XYZ 0 720 0] >>`),
    Buffer.from(`<< /Title (Methods) /Parent 3 0 R /Prev 4 0 R /Dest [${target} 0 R /XYZ 0 650 0] >>`),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
    ...pages.flatMap((ops, i) => [
      Buffer.from(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${pageObj(i) + 1} 0 R /Resources << /Font << /F1 6 0 R >> >> >>`),
      Buffer.from(`<< /Length ${ops.length} >>\nstream\n${ops}\nendstream`),
    ]),
  ]);
}

/** A list of contents in the body font on page 1 ("Introduction", "Methods"); the sections on page 2. */
const CONTENTS = [line(700, 'Contents'), line(680, 'Introduction'), line(666, 'Methods'), line(630, 'The report begins on the next page, after this list of its sections.')].join('\n');

describe('page details', () => {
  it('takes headings from the PDF outline when their font does not set them apart', async () => {
    const m = await parsePdf(outlinedPdf([SECTIONS]), 'outline.pdf');
    expect(m.units.filter((u) => u.kind === 'heading').map((u) => u.text)).toEqual(['Introduction', 'Methods']);
    expect(m.sections.map((s) => [s.title, s.page, s.unitId !== undefined])).toEqual([
      ['Introduction', 1, true],
      ['Methods', 1, true],
    ]);
    expect(find(m, 'The methods are also written').section).toEqual(['Methods']);
  });


  it("takes an outline title as a heading only on the page its entry points to, not in a list of contents", async () => {
    const m = await parsePdf(outlinedPdf([CONTENTS, SECTIONS]), 'contents.pdf');
    expect(m.units.filter((u) => u.kind === 'heading').map((u) => [u.page, u.text])).toEqual([
      [2, 'Introduction'],
      [2, 'Methods'],
    ]);
  });

  it('drops manuscript line numbers in the margin', async () => {
    const data = await makePdf([
      (page, f) => {
        const texts = Array.from({ length: 20 }, (_, i) => `Manuscript sentence number ${pad(i)} is written here.`);
        lines(page, f.regular, texts, 90, 100, 10, 24);
        texts.forEach((_, i) => page.drawText(String(101 + i), { x: 40, y: 792 - 100 - i * 24, size: 8, font: f.regular }));
      },
    ]);
    const m = await parsePdf(data, 'lineno.pdf');
    const all = m.units.map((u) => u.text).join(' ');
    expect(all).toContain('Manuscript sentence number 00 is written here. Manuscript sentence number 01');
    expect(all).not.toMatch(/\b1[01]\d\b/);
    // Double-spaced lines still make one paragraph.
    expect(m.units).toHaveLength(1);
  });

  it('keeps two columns apart across a gutter narrower than the split gap', async () => {
    const data = await makePdf([
      (page, f) => {
        // Left lines end near x 290, right ones start at 300: a 10 pt gutter at 10 pt type.
        const left = Array.from({ length: 25 }, (_, i) => `Left side words in the line ${pad(i)} and more words`);
        const right = Array.from({ length: 25 }, (_, i) => `Right side words in the line ${pad(i)} and more`);
        lines(page, f.regular, left, 72, 80);
        const w = f.regular.widthOfTextAtSize(left[0], 10);
        lines(page, f.regular, right, 72 + w + 10, 80);
      },
    ]);
    const m = await parsePdf(data, 'narrow.pdf');
    expect(m.pages[0].columns).toBe(2);
    expect(m.units.map((u) => u.text.slice(0, 14))).toEqual(['Left side word', 'Right side wor']);
  });

  it('reads three columns left to right and keeps superscripts in their line', async () => {
    const data = await makePdf([
      (page, f) => {
        for (const [c, x] of [['First', 40], ['Second', 225], ['Third', 410]] as const) {
          lines(page, f.regular, Array.from({ length: 30 }, (_, i) => `${c} column row ${pad(i)} text`), x, 80);
        }
        // A superscript exponent on the second row of the first column, in a smaller size.
        page.drawText('2', { x: 150, y: 792 - 92 + 4, size: 6, font: f.regular });
      },
    ]);
    const m = await parsePdf(data, 'three.pdf');
    expect(m.pages[0].columns).toBe('mixed');
    expect(m.units.map((u) => u.text.split(' ')[0])).toEqual(['First', 'Second', 'Third']);
    expect(m.units[0].text).toContain('First column row 01 text 2 First column row 02');
    expect(m.units[0].lineRects).toHaveLength(30);
  });

  it('keeps a figure captioned in one column inside that column', async () => {
    const data = await makePdf([
      (page, f) => {
        // Centred over the gutter but mostly above the right column, close enough to look like plot labels.
        page.drawText('Ann Author, Bob Writer, Cy Scribe, Dee Editor and Eve Reviewer', { x: 170, y: 792 - 80, size: 11, font: f.regular });
        page.drawText('Institute of Examples and Counter-Examples, Sample City', { x: 190, y: 792 - 94, size: 10, font: f.regular });
        lines(page, f.regular, Array.from({ length: 40 }, (_, i) => `Left body column line ${pad(i)} of prose text.`), 72, 110);
        drawPlot(page, 330, 110, 200, 120);
        lines(page, f.regular, ['Figure 1: A plot in the right column.'], 320, 245);
        lines(page, f.regular, Array.from({ length: 28 }, (_, i) => `Right body column line ${pad(i)} of prose text.`), 320, 275);
      },
    ]);
    const m = await parsePdf(data, 'colfig.pdf');
    const fig = m.units.find((u) => u.kind === 'figure');
    expect(fig?.label).toBe('Figure 1');
    expect(fig!.bbox[0]).toBeGreaterThan(300);
    expect(fig!.bbox[1]).toBeGreaterThan(100);
    expect(fig!.text).toBe('');
    expect(find(m, 'Ann Author').kind).not.toBe('figure');
  });

  it('recognises bold-label captions without punctuation but not mentions that open a line', async () => {
    const data = await makePdf([
      (page, f) => {
        lines(page, f.regular, ['Opening paragraph of the page with enough words to be plain prose here.', 'It has a second line too.'], 72, 72);
        drawPlot(page, 150, 110, 300, 160);
        page.drawText('Fig. 2', { x: 72, y: 792 - 300, size: 10, font: f.bold });
        page.drawText('Growth of the colonies over ten days.', { x: 102, y: 792 - 300, size: 10, font: f.regular });
        lines(page, f.regular, ['The colonies grew, as the plot shows in', 'Fig. 2, left, and they kept growing for all of the ten days of the trial.'], 72, 340);
      },
    ]);
    const m = await parsePdf(data, 'boldcap.pdf');
    const caps = m.units.filter((u) => u.kind === 'caption');
    expect(caps.map((c) => c.label)).toEqual(['Figure 2']);
    expect(caps[0].text).toBe('Fig. 2 Growth of the colonies over ten days.');
    const fig = m.units.find((u) => u.id === caps[0].targetId);
    expect(fig?.kind).toBe('figure');
    expect(find(m, 'The colonies grew').kind).toBe('paragraph');
    expect(find(m, 'The colonies grew').text).toContain('Fig. 2, left, and they kept growing');
    expect(find(m, 'The colonies grew').refs).toEqual([fig!.id]);
  });

  it('gives each of two stacked tables its own caption when one caption sits below and one above', async () => {
    const table = (page: Parameters<Parameters<typeof makePdf>[0][0]>[0], f: Parameters<Parameters<typeof makePdf>[0][0]>[1], top: number, word: string): void => {
      rule(page, 150, 450, top);
      rule(page, 150, 450, top + 16);
      for (let i = 0; i < 4; i++) {
        page.drawText(`${word} ${i}`, { x: 160, y: 792 - top - 30 - i * 14, size: 10, font: f.regular });
        page.drawText(String(i * 7), { x: 400, y: 792 - top - 30 - i * 14, size: 10, font: f.regular });
      }
      rule(page, 150, 450, top + 90);
    };
    const data = await makePdf([
      (page, f) => {
        table(page, f, 100, 'Alpha');
        lines(page, f.regular, ['Table 1: The first table, captioned below it.'], 150, 205);
        lines(page, f.regular, ['Table 2: The second table, captioned above it.'], 150, 240);
        table(page, f, 250, 'Beta');
        lines(page, f.regular, ['A closing paragraph of ordinary prose follows the two tables here.', 'And it ends.'], 72, 380);
      },
    ]);
    const m = await parsePdf(data, 'tables.pdf');
    const t1 = m.units.find((u) => u.kind === 'table' && u.label === 'Table 1');
    const t2 = m.units.find((u) => u.kind === 'table' && u.label === 'Table 2');
    expect(t1?.text).toContain('Alpha 0');
    expect(t1?.text).not.toContain('Beta');
    expect(t2?.text).toContain('Beta 3');
    expect(t2?.text).not.toContain('Alpha');
    expect(t1!.bbox[3]).toBeLessThan(200);
    expect(t2!.bbox[1]).toBeGreaterThan(245);
  });

  it('finds footnotes and numbered display equations, and links "Eq. (1)" to the equation', async () => {
    const data = await makePdf([
      (page, f) => {
        lines(page, f.regular, ['The model is stated below and used throughout the paper, see Eq. (1) for it.', 'We now write it down in full.'], 72, 100);
        page.drawText('y = a + b x + e', { x: 260, y: 792 - 150, size: 10, font: f.regular });
        page.drawText('(1)', { x: 525, y: 792 - 150, size: 10, font: f.regular });
        lines(page, f.regular, ['where e is the error term of the model, and the rest is as usual here.', 'The text goes on after the equation.'], 72, 180);
        rule(page, 72, 200, 700);
        page.drawText('1 A footnote with a remark about the model.', { x: 72, y: 792 - 715, size: 8, font: f.regular });
      },
    ]);
    const m = await parsePdf(data, 'eq.pdf');
    const eq = m.units.find((u) => u.kind === 'equation');
    expect(eq?.text).toBe('y = a + b x + e (1)');
    expect(eq?.label).toBe('Eq. (1)');
    expect(find(m, 'The model is stated below').refs).toEqual([eq!.id]);
    expect(find(m, 'A footnote with a remark').kind).toBe('footnote');
    expect(find(m, 'where e is the error term').kind).toBe('paragraph');
  });
});
