import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePdf } from '../../core/pdf/index.js';
import { lines, makePdf, rule } from './make-pdf.js';

const paper = join(import.meta.dirname, '..', '..', '..', 'shared', 'eval', 'qasper-mini', 'docs', '1810.08699.pdf');

describe('a table ends at its last rule', () => {
  it('leaves a heading and a paragraph set right below the bottom rule out of the table', async () => {
    const data = await makePdf([
      (page, f) => {
        const left = ['The left column opens the page with a paragraph', 'of ordinary running prose that fills the column', 'from its left edge to its right edge on each line', 'and continues for several lines in the same way', 'until it reaches the end of its first paragraph.'];
        const right = ['The right column carries a second paragraph set', 'in the same font and size as the one on the left', 'so that the page reads as a two column layout', 'with a clear gutter between the two columns of', 'text, the way a conference paper is usually set.'];
        lines(page, f.regular, left, 72, 60);
        lines(page, f.regular, right, 312, 60);
        lines(page, f.regular, ['Table 2: Results of the three systems on the test set.'], 200, 130);
        rule(page, 150, 450, 140);
        // Header row between the top and middle rules, three body rows, then the bottom rule.
        const rows: [string, string, number][] = [['System', 'F1', 154], ['Baseline', '60', 174], ['Ours', '65', 188], ['Oracle', '70', 202]];
        for (const [name, score, top] of rows) {
          lines(page, f.regular, [name], 160, top);
          lines(page, f.regular, [score], 400, top);
          if (top === 154) rule(page, 150, 450, 160);
        }
        rule(page, 150, 450, 210);
        // Two columns resume below the table: a centred numbered heading on the left, prose on the right
        // (the tail of a paragraph from the previous column) on the heading's baseline.
        page.drawText('IV. DISCUSSION', { x: 150, y: 792 - 232, size: 10, font: f.bold });
        lines(page, f.regular, ['The discussion opens below its heading with a', 'line of prose that fills the left column, and', 'it goes on for a further line of the paragraph', 'to the end of the column on this page here.'], 72, 248);
        lines(page, f.regular, ['results that the previous column had begun to', 'describe in detail, and they carry on further', 'down the right column to the end of the page', 'in a paragraph of several lines of plain text.', 'It ends with a full stop on its last line here.'], 312, 232);
      },
    ]);
    const m = await parsePdf(data, 'table-extent.pdf');
    const table = m.units.find((u) => u.kind === 'table');
    expect(table?.label).toBe('Table 2');
    expect(table!.text.split('\n')).toEqual(['System | F1', 'Baseline | 60', 'Ours | 65', 'Oracle | 70']);
    expect(table!.bbox[3]).toBeCloseTo(210, -1);
    expect(m.units.find((u) => u.text === 'IV. DISCUSSION')?.kind).toBe('heading');
    expect(m.units.find((u) => u.text.startsWith('The discussion opens below its heading'))?.kind).toBe('paragraph');
    expect(m.units.find((u) => u.text.startsWith('results that the previous column'))?.kind).toBe('paragraph');
  });

  it.skipIf(!existsSync(paper))('keeps the section headings and body text of 1810.08699 page 5 out of its tables', async () => {
    const m = await parsePdf(new Uint8Array(readFileSync(paper)), '1810.08699.pdf');
    const on5 = m.units.filter((u) => u.page === 5);
    const tables = on5.filter((u) => u.kind === 'table');
    expect(tables.map((t) => t.label)).toEqual(['Table III', 'Table IV', 'Table V', 'Table VI']);
    for (const t of tables) expect(t.text).not.toMatch(/DISCUSSION|CONCLUSION|cision of recognizing/);
    // Table V keeps all its rows, Table VI its last one.
    expect(tables[2].text).toContain('GloVe (dim=300) | 70.08');
    expect(tables[3].text.split('\n').at(-1)).toMatch(/^Precision \(%\)/);
    for (const h of ['VI. DISCUSSION', 'VII. CONCLUSION']) expect(on5.find((u) => u.text === h)?.kind).toBe('heading');
    expect(on5.find((u) => u.text.startsWith('cision of recognizing tokens'))?.kind).toBe('paragraph');
  });
});
