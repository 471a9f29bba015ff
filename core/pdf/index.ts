/**
 * PDF understanding: bytes in, a DocumentModel out (units with coordinates, in reading order).
 * parsePdf runs in the calling thread; parsePdfInWorker runs the same code in a worker thread.
 */
export { parsePdf, PARSER_NAME, PARSER_VERSION, type ParseOptions, type ParseProgress } from './parse.js';
export { openRegionRenderer, renderRegionPng, type RegionRenderer } from './render.js';
export { parsePdfInWorker } from './worker-client.js';
