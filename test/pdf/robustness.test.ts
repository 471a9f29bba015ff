import { describe, expect, it } from 'vitest';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { parsePdf, type ParseProgress } from '../../core/pdf/index.js';
import { WukongError } from '../../core/errors.js';
import { writePdf } from './make-pdf.js';

/** Pages of text with one page whose content stream holds `heavyOps` tiny filled rectangles. */
function slowPagePdf(heavyOps: number): Uint8Array {
  const text = (s: string): Buffer => {
    const c = `BT /F1 11 Tf 72 700 Td (${s}) Tj ET`;
    return Buffer.from(`<< /Length ${c.length} >>\nstream\n${c}\nendstream`);
  };
  const heavy = Array.from({ length: heavyOps }, (_, i) => `${(i % 500) + 20} ${Math.floor(i / 500) % 700 + 20} 0.5 0.5 re f`).join('\n');
  const page = (contents: number): Buffer => Buffer.from(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contents} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`);
  return writePdf([
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [4 0 R 5 0 R 6 0 R] /Count 3 >>'),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
    page(7),
    page(8),
    page(9),
    text('First page text.'),
    Buffer.from(`<< /Length ${heavy.length} >>\nstream\n${heavy}\nendstream`),
    text('Third page text.'),
  ]);
}

async function manyPages(n: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= n; i++) {
    const page = doc.addPage([300, 400]);
    page.drawText(`Page ${i} holds this one sentence of text.`, { x: 30, y: 300, size: 10, font });
  }
  return doc.save();
}

describe('long and slow documents', () => {
  it('skips a page that takes longer than pageTimeoutMs with a PAGE_TIMEOUT warning and parses the rest', async () => {
    // Warm first: pdf.js and its standard fonts load on the first parse, which on a loaded machine can take
    // more than the short limit used here and would time out the first page.
    await parsePdf(slowPagePdf(1), 'warm.pdf');
    const m = await parsePdf(slowPagePdf(300_000), 'slow.pdf', { pageTimeoutMs: 400 });
    expect(m.pageCount).toBe(3);
    expect(m.pages[1].warning?.code).toBe('PAGE_TIMEOUT');
    expect(m.pages[0].warning).toBeUndefined();
    expect(m.pages[2].warning).toBeUndefined();
    expect(m.units.map((u) => u.text)).toEqual(['First page text.', 'Third page text.']);
  });

  it('parses 2,000 pages with progress for every page and bounded memory, and cancels mid-way', async () => {
    const data = await manyPages(2000);
    const seen: ParseProgress[] = [];
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const m = await parsePdf(data, 'long.pdf', {
      onProgress: (p) => {
        seen.push(p);
        if (p.page % 200 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      },
    });
    expect(m.pageCount).toBe(2000);
    expect(seen).toHaveLength(2000);
    expect(seen[1999]).toEqual({ page: 2000, pageCount: 2000 });
    expect(m.units).toHaveLength(2000);
    expect(m.units[1999].text).toBe('Page 2000 holds this one sentence of text.');
    // Pages are released as they are read: the heap grows by far less than the pages' own data.
    expect(peak - before).toBeLessThan(300 * 2 ** 20);

    const controller = new AbortController();
    let last = 0;
    const err = await parsePdf(data, 'long.pdf', {
      signal: controller.signal,
      onProgress: (p) => {
        last = p.page;
        if (p.page === 100) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WukongError);
    expect((err as WukongError).code).toBe('CANCELLED');
    expect(last).toBeLessThan(110);
  });
});
