/** The one place pdf.js is imported from: the legacy build, which runs in plain Node. */
export { getDocument, OPS, version } from 'pdfjs-dist/legacy/build/pdf.mjs';
export type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
export type { TextItem, TextStyle } from 'pdfjs-dist/types/src/display/api.js';
