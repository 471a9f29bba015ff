/**
 * pdf.js, configured once for the app: the worker, fonts, cmaps and wasm decoders are files
 * copied next to index.html by scripts/build-renderer.mjs, so nothing is fetched from elsewhere
 * (the CSP would refuse it anyway).
 */
import { GlobalWorkerOptions, getDocument } from 'pdfjs-dist';
import type { PDFDocumentProxy } from 'pdfjs-dist';

export type { PDFDocumentProxy, PDFPageProxy, PageViewport } from 'pdfjs-dist';
export { TextLayer } from 'pdfjs-dist';

const base = new URL('./', location.href);
GlobalWorkerOptions.workerSrc = new URL('pdf.worker.mjs', base).href;

export async function loadPdf(data: Uint8Array, password?: string): Promise<PDFDocumentProxy> {
  const task = getDocument({
    data,
    password,
    cMapUrl: new URL('pdfjs/cmaps/', base).href,
    cMapPacked: true,
    standardFontDataUrl: new URL('pdfjs/standard_fonts/', base).href,
    wasmUrl: new URL('pdfjs/wasm/', base).href,
    // No eval under our CSP; pdf.js falls back to its interpreter for font paths.
    isEvalSupported: false,
    enableXfa: false,
  });
  return task.promise;
}

/** CSS pixels per PDF point at "100%", as in pdf.js's viewer (96 dpi screen, 72 pt per inch). */
export const CSS_UNITS = 96 / 72;
