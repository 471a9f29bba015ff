import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentModel } from '../../core/model/document.js';
import { addOcrUnits, createOcrEngine, mergeOcrUnits, ocrPages, ocrUnits, type OcrEngine, type OcrPage } from '../../core/ocr/index.js';
import { parsePdf } from '../../core/pdf/index.js';
import { LINES, makeScannedPdf } from './scanned-pdf.js';

let engine: OcrEngine;
let scanned: Uint8Array;
let read: OcrPage[];

beforeAll(async () => {
  engine = await createOcrEngine();
  scanned = await makeScannedPdf();
  read = await ocrPages(scanned, [1], { engine });
});

afterAll(async () => {
  await engine.terminate();
});

describe('OCR of a page without a text layer', () => {
  it('has no text for the parser, and OCR reads its lines where they were drawn, in points', async () => {
    const parsed = await parsePdf(scanned, 'scan.pdf');
    expect(parsed.pages[0].hasText).toBe(false);
    const lines = read[0].paragraphs.flatMap((p) => p.lines);
    for (const drawn of LINES) {
      const line = lines.find((l) => l.text.includes(drawn.text.split(' ')[1]));
      expect(line, drawn.text).toBeDefined();
      expect(line!.text.toLowerCase()).toBe(drawn.text.toLowerCase());
      // Tesseract boxes hug the ink: within a few points of the origin the text was drawn at.
      expect(Math.abs(line!.bbox[0] - drawn.x)).toBeLessThan(4);
      expect(Math.abs(line!.bbox[1] - drawn.top)).toBeLessThan(drawn.size * 0.4);
      expect(line!.bbox[3] - line!.bbox[1]).toBeGreaterThan(drawn.size * 0.5);
      expect(line!.bbox[3] - line!.bbox[1]).toBeLessThan(drawn.size * 1.5);
    }
  });

  it('turns the lines into paragraph and heading units merged by page with ids apart from the parser', async () => {
    const units = ocrUnits(read);
    expect(units.map((u) => u.text).join(' ')).toContain('tamarind fruit');
    expect(units.every((u) => u.id.startsWith('o') && u.ocr === true && u.page === 1)).toBe(true);
    expect(units.find((u) => u.text.startsWith('Lemurs of'))?.kind).toBe('heading');
    const body = units.find((u) => u.text.includes('tamarind'))!;
    expect(body.kind).toBe('paragraph');
    expect(body.lineRects.length).toBe(2);

    const page = (number: number) => ({ number, width: 400, height: 220, rotation: 0, columns: 1 as const, hasText: number !== 2 });
    const unit = (id: string, p: number) => ({ id, kind: 'paragraph' as const, page: p, bbox: [0, 0, 1, 1] as [number, number, number, number], lineRects: [], text: id, section: [] });
    const doc: DocumentModel = {
      id: 'x', fileName: 'x.pdf', bytes: 1, pageCount: 3, meta: {}, sections: [], parser: { name: 'p', version: '1', ms: 0 },
      pages: [page(1), page(2), page(3)],
      units: [unit('u0', 1), unit('u1', 3)],
    };
    const merged = mergeOcrUnits(doc, [{ ...read[0], page: 2 }]);
    expect(merged.units.map((u) => u.page)).toEqual([1, ...units.map(() => 2), 3]);
    expect(merged.pages.map((p) => p.ocr)).toEqual([undefined, true, undefined]);
    expect(new Set(merged.units.map((u) => u.id)).size).toBe(merged.units.length);
  });

  it('drops low-confidence and symbol-only lines', () => {
    const units = ocrUnits([{ page: 1, ms: 0, paragraphs: [{ bbox: [0, 0, 9, 9], confidence: 90, lines: [
      { text: '| = — ~', bbox: [0, 0, 9, 9], confidence: 90 },
      { text: 'OO0000 [oe]', bbox: [0, 0, 9, 9], confidence: 30 },
      { text: 'ok', bbox: [0, 0, 9, 9], confidence: 95 },
    ] }] }]);
    expect(units).toEqual([]);
  });

  it('warns on scanned pages beyond the per-document cap instead of reading them', async () => {
    const parsed = await parsePdf(scanned, 'scan.pdf');
    const capped = await addOcrUnits(parsed, scanned, { engine, maxPages: 0 });
    expect(capped.units.some((u) => u.ocr)).toBe(false);
    expect(capped.pages[0].warning?.code).toBe('OCR_SKIPPED');
    const read = await addOcrUnits(parsed, scanned, { engine });
    expect(read.pages[0].ocr).toBe(true);
    expect(await addOcrUnits(read, scanned, { engine })).toBe(read);
  });

  it('stops when cancelled, before or during a page', async () => {
    const before = new AbortController();
    before.abort();
    await expect(ocrPages(scanned, [1], { engine, signal: before.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    const during = new AbortController();
    const pending = ocrPages(scanned, [1, 1, 1], { signal: during.signal, onProgress: (done) => {
      if (done === 0) setTimeout(() => during.abort(), 100);
    } });
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
