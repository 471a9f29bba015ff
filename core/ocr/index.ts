/**
 * OCR for pages without a text layer (scanned). The service and the retrieval benchmark both go
 * through `addOcrUnits` (or `parsePdfWithOcr`), so the documents they see are built the same way.
 */
import type { DocumentModel } from '../model/document.js';
import type { ParseOptions } from '../pdf/parse.js';
import { ocrPages, type OcrOptions } from './ocr.js';
import { mergeOcrUnits } from './units.js';

export { createOcrEngine, engLangPath, type OcrEngine } from './engine.js';
export { DEFAULT_OCR_SCALE, ocrPages, type OcrLine, type OcrOptions, type OcrPage, type OcrParagraph } from './ocr.js';
export { keepLine, mergeOcrUnits, ocrUnits } from './units.js';

/** About 20 minutes at a second or two a page: beyond that a document waits too long to open. */
export const DEFAULT_MAX_OCR_PAGES = 300;

export interface AddOcrOptions extends Omit<OcrOptions, 'onProgress' | 'consume'> {
  /** Pages to read at most; later pages without text get a warning instead. */
  maxPages?: number;
  /** Before each page and after the last: `done` of `total`, `page` being the one read now (or last). */
  onProgress?(done: number, total: number, page: number): void;
}

/**
 * Reads every page of `doc` that has no text layer and returns the document with their units merged in.
 * `data` may be a reader of the file instead: it is called only when some page needs reading, and the bytes it
 * gives are handed to pdf.js without a copy (the service re-reads its stored copy rather than hold a second one).
 */
export async function addOcrUnits(doc: DocumentModel, data: Uint8Array | (() => Promise<Uint8Array>), options: AddOcrOptions = {}): Promise<DocumentModel> {
  // A page pdf.js could not read (damaged, too slow) cannot be drawn for recognition either.
  const missing = doc.pages.filter((p) => !p.hasText && !p.ocr && !p.warning).map((p) => p.number);
  if (missing.length === 0) return doc;
  const max = options.maxPages ?? DEFAULT_MAX_OCR_PAGES;
  const todo = missing.slice(0, max);
  const skipped = new Set(missing.slice(max));
  const fresh = typeof data === 'function';
  const read = await ocrPages(fresh ? await data() : data, todo, {
    ...options,
    consume: fresh,
    onProgress: (done, total) => options.onProgress?.(done, total, todo[Math.min(done, total - 1)]),
  });
  const merged = mergeOcrUnits(doc, read);
  if (skipped.size === 0) return merged;
  const warning = {
    code: 'OCR_SKIPPED',
    message: `Text recognition reads at most ${max} scanned pages per document; this page was not read.`,
  };
  return { ...merged, pages: merged.pages.map((p) => (skipped.has(p.number) ? { ...p, warning: p.warning ?? warning } : p)) };
}

/** `parsePdf`, then OCR for the pages it found without text. */
export async function parsePdfWithOcr(
  data: Uint8Array,
  fileName: string,
  options: ParseOptions & { ocr?: AddOcrOptions } = {},
): Promise<DocumentModel> {
  const { parsePdf } = await import('../pdf/parse.js');
  const doc = await parsePdf(data, fileName, options);
  return addOcrUnits(doc, data, { password: options.password, signal: options.signal, ...options.ocr });
}
