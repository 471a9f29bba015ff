/**
 * The one place pdf.js is imported from: the legacy build, which runs in plain Node.
 *
 * The worker half is loaded here too and handed to pdf.js as `globalThis.pdfjsWorker` (its documented way
 * to run the worker in this thread), so both halves are evaluated before the line below undoes their
 * process-wide Array#push replacement (see native-push.ts). pdf.js parses about a quarter faster with the
 * engine's own push, and so does everything else in the process.
 */
import { nativePush } from './native-push.js';
import { guardPdfjsRejections } from './stray-rejections.js';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import * as pdfjsWorker from 'pdfjs-dist/legacy/build/pdf.worker.mjs';

(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker ??= pdfjsWorker;
if (Array.prototype.push !== nativePush) {
  Object.defineProperty(Array.prototype, 'push', { value: nativePush, writable: true, configurable: true, enumerable: false });
}

guardPdfjsRejections();

export const { getDocument, OPS, AnnotationMode, PDFDateString, version } = pdfjs;
export type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
export type { TextContent, TextItem, TextStyle } from 'pdfjs-dist/types/src/display/api.js';
