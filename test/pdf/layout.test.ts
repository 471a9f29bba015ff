import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { PDFDocument, StandardFonts, degrees } from 'pdf-lib';
import { parsePdf } from '../../core/pdf/index.js';
import type { DocumentModel, Unit } from '../../core/model/document.js';
import { drawPlot, lines, makePdf, rule } from './make-pdf.js';

const dump = (m: DocumentModel): void => {
  if (process.env.DBG) for (const u of m.units) console.log(u.id, u.kind, u.page, JSON.stringify(u.bbox), u.label ?? '', u.captionId ?? u.targetId ?? '', JSON.stringify(u.section), u.level ?? '', '|', u.text.slice(0, 90));
  if (process.env.DBG) console.log(m.pages.map((p) => p.columns));
};
const textOf = (m: DocumentModel): string[] => m.units.map((u) => u.text);
const find = (m: DocumentModel, needle: string): Unit => {
  const u = m.units.find((x) => x.text.includes(needle));
  if (!u) throw new Error(`no unit contains "${needle}"`);
  return u;
};
const pad = (i: number): string => String(i).padStart(2, '0');

describe('reading order and columns', () => {
  it('reads a full-width title and abstract, then the left column, then the right one', async () => {
    const data = await makePdf([
      (page, f) => {
        page.drawText('Reading Order in Two Column Pages', { x: 150, y: 792 - 80, size: 16, font: f.bold });
        lines(page, f.regular, ['Abstract text that runs across the whole width of the page, above both of the columns below it.', 'It is the second line of the abstract and it also spans the full measure of the page.'], 72, 120);
        const y = lines(page, f.regular, Array.from({ length: 12 }, (_, i) => `Left column text, line ${pad(i)}, continues here.`), 72, 180);
        lines(page, f.regular, Array.from({ length: 10 }, (_, i) => `Left second paragraph line ${pad(i)} goes on.`), 72, y + 14);
        lines(page, f.regular, Array.from({ length: 22 }, (_, i) => `Right column text, line ${pad(i)}, continues here.`), 320, 180);
      },
      (page, f) => {
        lines(page, f.regular, Array.from({ length: 30 }, (_, i) => `Left only column text, line ${pad(i)}, goes on.`), 72, 80);
        lines(page, f.regular, Array.from({ length: 30 }, (_, i) => `Right only column text, line ${pad(i)}, goes on.`), 320, 80);
      },
    ]);
    const m = await parsePdf(data, 'two-col.pdf');
    dump(m);
    expect(m.pages[0].columns).toBe('mixed');
    expect(m.pages[1].columns).toBe(2);
    const texts = textOf(m);
    const at = (s: string): number => texts.findIndex((t) => t.includes(s));
    expect(at('Reading Order in Two Column Pages')).toBe(0);
    expect(at('Abstract text')).toBe(1);
    expect(at('Left column text, line 00')).toBeLessThan(at('Left second paragraph line 00'));
    expect(at('Left second paragraph line 09')).toBeLessThan(at('Right column text, line 00'));
    // Column lines never merge across the gutter.
    expect(texts.some((t) => t.includes('Left column') && t.includes('Right column'))).toBe(false);
    expect(find(m, 'Left column text, line 00').text).toContain('line 11, continues here.');
    expect(at('Left only column text, line 29')).toBeLessThan(at('Right only column text, line 00'));
    const leftUnit = find(m, 'Left only column text, line 00');
    expect(leftUnit.lineRects).toHaveLength(30);
    for (const r of leftUnit.lineRects) expect(r[2]).toBeLessThan(306);
  });
});

describe('paragraph text', () => {
  it('joins words hyphenated across lines but keeps real compound hyphens', async () => {
    const data = await makePdf([
      (page, f) =>
        lines(page, f.regular, ['The experiment shows a remark-', 'able improvement over the state-of-the-', 'art methods we tried before.'], 72, 100),
    ]);
    const m = await parsePdf(data, 'hyphen.pdf');
    dump(m);
    expect(m.units).toHaveLength(1);
    expect(m.units[0].text).toBe('The experiment shows a remarkable improvement over the state-of-the-art methods we tried before.');
    // pdf-lib stamps a creation date; the model carries it as ISO 8601, and the id is the file's sha256.
    expect(m.meta.creationDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    expect(m.id).toBe(createHash('sha256').update(data).digest('hex'));
    expect(m.bytes).toBe(data.byteLength);
    expect(m.units[0].lineRects).toHaveLength(3);
    const [x0, y0, x1, y1] = m.units[0].bbox;
    // Top-left origin: the first baseline sits 100 pt below the top edge.
    expect(y0).toBeGreaterThan(88);
    expect(y0).toBeLessThan(100);
    expect(y1).toBeGreaterThan(124);
    expect(x0).toBeCloseTo(72, 0);
    expect(x1).toBeGreaterThan(200);
  });

  it('drops running headers, footers and page numbers repeated across pages', async () => {
    const data = await makePdf(
      Array.from({ length: 5 }, () => (page, f, i) => {
        page.drawText('Journal of Synthetic Tests, Volume 7', { x: 72, y: 792 - 40, size: 9, font: f.regular });
        page.drawText(String(i + 1), { x: 300, y: 40, size: 9, font: f.regular });
        lines(page, f.regular, [`Body text of page ${i + 1} that says something useful.`, 'And a second line so it is a paragraph.'], 72, 120);
      }),
    );
    const m = await parsePdf(data, 'furniture.pdf');
    dump(m);
    const texts = textOf(m);
    expect(texts.filter((t) => t.includes('Body text of page'))).toHaveLength(5);
    expect(texts.some((t) => t.includes('Journal of Synthetic Tests'))).toBe(false);
    expect(texts.some((t) => /^\d+$/.test(t))).toBe(false);
  });
});

describe('structure', () => {
  it('builds the section tree from numbered headings and font sizes, and sets each unit section path', async () => {
    const data = await makePdf([
      (page, f) => {
        page.drawText('1 Introduction', { x: 72, y: 792 - 80, size: 14, font: f.bold });
        lines(page, f.regular, ['We study things in this introduction and explain them at length.', 'A second line of the introduction follows right here.'], 72, 100);
        page.drawText('1.1 Background', { x: 72, y: 792 - 150, size: 12, font: f.bold });
        lines(page, f.regular, ['Background material is given here, as Section 2 explains further.', 'It goes on for another line.'], 72, 170);
        page.drawText('2 Methods', { x: 72, y: 792 - 220, size: 14, font: f.bold });
        lines(page, f.regular, ['The methods are described here; see Section 1.1 for background.', 'They are simple enough.'], 72, 240);
        page.drawText('References', { x: 72, y: 792 - 300, size: 14, font: f.bold });
        const refs = [
          ['Adams D (1979). The Hitchhiker Guide to the Galaxy. Pan Books,', 'London.'],
          ['Bates D, Maechler M (2015). Fitting linear mixed-effects models. Journal', 'of Statistical Software, 67(1), 1-48.'],
          ['Cox DR (1972). Regression models and life tables. Journal of the Royal', 'Statistical Society B, 34, 187-220.'],
        ];
        let top = 320;
        for (const [a, b] of refs) {
          lines(page, f.regular, [a], 72, top);
          lines(page, f.regular, [b], 84, top + 12);
          top += 26;
        }
      },
    ]);
    const m = await parsePdf(data, 'sections.pdf');
    dump(m);
    const headings = m.units.filter((u) => u.kind === 'heading');
    expect(headings.map((h) => [h.text, h.level])).toEqual([
      ['1 Introduction', 1],
      ['1.1 Background', 2],
      ['2 Methods', 1],
      ['References', 1],
    ]);
    expect(m.sections.map((s) => s.title)).toEqual(['1 Introduction', '2 Methods', 'References']);
    expect(m.sections[0].children.map((s) => [s.title, s.number])).toEqual([['1.1 Background', '1.1']]);
    expect(find(m, 'Background material').section).toEqual(['1 Introduction', '1.1 Background']);
    expect(find(m, 'The methods are described').section).toEqual(['2 Methods']);
    const background = headings[1];
    expect(find(m, 'The methods are described').refs).toEqual([background.id]);
    const refs = m.units.filter((u) => u.kind === 'reference');
    expect(refs.map((r) => r.text.slice(0, 5))).toEqual(['Adams', 'Bates', 'Cox D']);
    expect(refs[1].text).toBe('Bates D, Maechler M (2015). Fitting linear mixed-effects models. Journal of Statistical Software, 67(1), 1-48.');
    expect(refs[0].section).toEqual(['References']);
  });
});

describe('figures, tables and captions', () => {
  it('links a caption below a vector figure and a caption above a ruled table, and resolves mentions', async () => {
    const data = await makePdf([
      (page, f) => {
        lines(page, f.regular, ['As Figure 1 and Table 1 show, the results are clear and we say so here.', 'This is the second line of the opening paragraph.'], 72, 72);
        drawPlot(page, 150, 110, 300, 180);
        page.drawText('40', { x: 132, y: 792 - 200, size: 8, font: f.regular });
        lines(page, f.regular, ['Figure 1: Bars of the results for five groups.'], 72, 310);
        lines(page, f.regular, ['A paragraph between the figure and the table, long enough to be prose text.', 'It continues on a second line before the table starts.'], 72, 350);
        lines(page, f.regular, ['Table 1: Fruit counted in the orchard.'], 72, 400);
        rule(page, 150, 450, 410);
        page.drawText('Fruit', { x: 160, y: 792 - 424, size: 10, font: f.regular });
        page.drawText('Count', { x: 380, y: 792 - 424, size: 10, font: f.regular });
        rule(page, 150, 450, 430);
        ['Apples', 'Pears', 'Plums'].forEach((name, i) => {
          page.drawText(name, { x: 160, y: 792 - 444 - i * 14, size: 10, font: f.regular });
          page.drawText(String(10 + i), { x: 380, y: 792 - 444 - i * 14, size: 10, font: f.regular });
        });
        rule(page, 150, 450, 480);
        lines(page, f.regular, ['The closing paragraph after the table is also prose, with enough words in it.', 'It ends the page.'], 72, 510);
      },
    ]);
    const m = await parsePdf(data, 'floats.pdf');
    dump(m);
    const fig = m.units.find((u) => u.kind === 'figure');
    const table = m.units.find((u) => u.kind === 'table');
    expect(fig?.label).toBe('Figure 1');
    expect(table?.label).toBe('Table 1');
    const figCap = m.units.find((u) => u.id === fig?.captionId);
    const tabCap = m.units.find((u) => u.id === table?.captionId);
    expect(figCap?.kind).toBe('caption');
    expect(figCap?.targetId).toBe(fig?.id);
    expect(figCap?.text).toBe('Figure 1: Bars of the results for five groups.');
    expect(tabCap?.targetId).toBe(table?.id);
    // The plot frame is x 150..450, 110..290 pt from the top; the tick label at x 132 belongs to it too.
    const [fx0, fy0, fx1, fy1] = fig!.bbox;
    expect(fx0).toBeLessThanOrEqual(133);
    expect(fy0).toBeCloseTo(110, -1);
    expect(fx1).toBeCloseTo(450, -1);
    expect(fy1).toBeCloseTo(290, -1);
    expect(fig!.text).toContain('40');
    expect(fig!.lineRects).toEqual([fig!.bbox]);
    // The table sits below its caption and owns its cells.
    expect(table!.bbox[1]).toBeGreaterThan(tabCap!.bbox[3] - 1);
    expect(table!.bbox[3]).toBeCloseTo(480, -1);
    expect(table!.text).toContain('Apples');
    expect(m.units.filter((u) => u.kind === 'paragraph').some((u) => /Apples|Pears/.test(u.text))).toBe(false);
    expect(find(m, 'As Figure 1 and Table 1 show').refs).toEqual([fig!.id, table!.id]);
    expect(find(m, 'The closing paragraph').kind).toBe('paragraph');
  });
});

describe('a caption beside its figure', () => {
  it('keeps all its lines when a rotated axis title starts level with one of them', async () => {
    const capText = [
      'Fig. 4. Cells in the blood of the',
      'patients. (A) Clusters of the cells',
      'found by the analysis. (B) Share',
      'of the expanded cells in each of',
      'the donors. (C) Expression of the',
      'top genes in each of the clusters,',
      'with categories on the left side.',
    ];
    const data = await makePdf([
      (page, f) => {
        lines(page, f.regular, capText, 40, 72, 8, 10);
        drawPlot(page, 230, 60, 300, 200);
        // The axis title runs up the figure's left edge from 148 pt to about 103 pt, its top between the tops of lines 4 and 5.
        page.drawText('share of each donor', { x: 215, y: 792 - 148, size: 6, font: f.regular, rotate: degrees(90) });
        lines(page, f.regular, ['A paragraph under the figure is prose, long enough to read as the text of the page.', 'It continues on a second line of ordinary words.'], 40, 300);
      },
    ]);
    const m = await parsePdf(data, 'side-caption.pdf');
    dump(m);
    const caption = m.units.filter((u) => u.kind === 'caption');
    expect(caption.map((u) => u.text)).toEqual([capText.join(' ')]);
    expect(m.units.filter((u) => u.kind !== 'caption' && /categories on the left/.test(u.text))).toEqual([]);
  });
});

describe('pages without text', () => {
  it('flags a page with no text layer and still parses a document with no text at all', async () => {
    const mixed = await makePdf([
      (page, f) => lines(page, f.regular, ['A page with real text on it.'], 72, 100),
      (page) => drawPlot(page, 100, 100, 300, 300),
    ]);
    const m = await parsePdf(mixed, 'mixed.pdf');
    dump(m);
    expect(m.pages.map((p) => p.hasText)).toEqual([true, false]);
    // A scan with a court stamp in real text still needs OCR for its body.
    const { createCanvas } = await import('@napi-rs/canvas');
    const canvas = createCanvas(20, 20);
    canvas.getContext('2d').fillRect(2, 2, 10, 10);
    const png = await canvas.encode('png');
    const doc = await PDFDocument.create();
    const scan = doc.addPage([612, 792]);
    scan.drawImage(await doc.embedPng(png), { x: 0, y: 0, width: 612, height: 792 });
    scan.drawText('Case 2:18-cv-128 filed 09/13/18 Page 3 of 9', { x: 72, y: 770, size: 9, font: await doc.embedFont(StandardFonts.Helvetica) });
    const scanned = await parsePdf(await doc.save(), 'scan-with-stamp.pdf');
    expect(scanned.pages[0].hasText).toBe(false);
    const none = await makePdf([(page) => drawPlot(page, 100, 100, 300, 300), (page) => drawPlot(page, 50, 50, 100, 100)]);
    const n = await parsePdf(none, 'scan.pdf');
    expect(n.pageCount).toBe(2);
    expect(n.pages.every((p) => !p.hasText)).toBe(true);
    expect(n.units.every((u) => u.text === '')).toBe(true);
  });
});
