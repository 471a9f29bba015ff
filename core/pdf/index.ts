/**
 * PDF understanding: bytes in, a DocumentModel out (units with coordinates, in reading order).
 *
 * Pipeline (one page at a time through pdf.js, then document-wide steps):
 *   load.ts        open with pdf.js (fonts/CMaps from the package), typed errors
 *   extract.ts     text runs and painted shapes mapped to the displayed page (top-left, y down)
 *   lines.ts       runs -> lines; column gutters; manuscript line numbers dropped
 *   furniture.ts   running heads/feet and page numbers repeated across pages dropped
 *   figures.ts     captions anchor figure/table regions grown over paint and labels
 *   columns.ts     1/2/3 columns, reading order by bands
 *   paragraphs.ts  lines -> paragraphs (spacing, indentation, font), classify.ts headings/footnotes/equations
 *   references.ts  bibliography entries; sections.ts section tree (outline, numbering, size)
 *   crossrefs.ts   "Figure 3", "Table 2", "Section 4.1", "Eq. (5)" -> Unit.refs
 *   render.ts      PNG crops; worker.ts / worker-client.ts the same parse in a worker thread
 *
 * parsePdf runs in the calling thread; parsePdfInWorker runs the compiled copy in a worker thread.
 */
export { parsePdf, PARSER_NAME, PARSER_VERSION, type ParseOptions, type ParseProgress } from './parse.js';
export { openRegionRenderer, renderRegionPng, type RegionRenderer } from './render.js';
export { parsePdfInWorker } from './worker-client.js';
