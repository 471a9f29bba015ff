/** Renders a rectangle of a page to an image, client-side: figure thumbnails in the evidence list. */
import type { Rect } from '../../../core/api.js';
import type { PDFDocumentProxy } from '../pdf/pdfjs.js';

const cache = new WeakMap<PDFDocumentProxy, Map<string, Promise<string>>>();

export function renderRegion(pdf: PDFDocumentProxy, pageNumber: number, rect: Rect, maxWidth = 320): Promise<string> {
  let perDoc = cache.get(pdf);
  if (!perDoc) cache.set(pdf, (perDoc = new Map()));
  const key = `${pageNumber}:${rect.join(',')}:${maxWidth}`;
  let url = perDoc.get(key);
  if (!url) {
    url = draw(pdf, pageNumber, rect, maxWidth);
    perDoc.set(key, url);
  }
  return url;
}

async function draw(pdf: PDFDocumentProxy, pageNumber: number, rect: Rect, maxWidth: number): Promise<string> {
  const page = await pdf.getPage(pageNumber);
  const w = Math.max(1, rect[2] - rect[0]);
  const h = Math.max(1, rect[3] - rect[1]);
  const scale = Math.min(4, maxWidth / w) * Math.min(window.devicePixelRatio || 1, 2);
  const viewport = page.getViewport({ scale });
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(w * scale);
  canvas.height = Math.ceil(h * scale);
  // Shift the page so the region's top-left lands on the canvas origin.
  await page.render({ canvas, viewport, transform: [1, 0, 0, 1, -rect[0] * scale, -rect[1] * scale] }).promise;
  return canvas.toDataURL('image/png');
}
