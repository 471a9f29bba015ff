/**
 * Opening a PDF with pdf.js: resource locations inside the installed package, and the translation of
 * pdf.js failures into the typed errors every front end understands.
 */
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { getDocument, type PDFDocumentProxy } from './pdfjs.js';
import { looksLikePdf } from './signature.js';
import { WukongError } from '../errors.js';
import { appendBytes } from '../util/growable-bytes.js';
import { REPAIR_MIN_BYTES, xrefRepairFor } from './xref-repair.js';

const require = createRequire(import.meta.url);
// pdf.js in Node reads these with fs.readFile, so they are plain directory paths with a trailing separator.
const pdfjsRoot = dirname(require.resolve('pdfjs-dist/package.json'));
const resourceDir = (name: string): string => join(pdfjsRoot, name) + sep;

export const PDFJS_RESOURCES = {
  standardFontDataUrl: resourceDir('standard_fonts'),
  cMapUrl: resourceDir('cmaps'),
  cMapPacked: true,
  wasmUrl: resourceDir('wasm'),
  iccUrl: resourceDir('iccs'),
};

/** pdf.js's own verbosity levels: 0 = errors only, so malformed-but-readable files do not spam stderr. */
const PDFJS_ERRORS_ONLY = 0;

export { looksLikePdf };

export interface OpenPdfOptions {
  /**
   * The caller gives `data` up: pdf.js takes its buffer without a copy and leaves `data` detached (empty).
   * Otherwise pdf.js gets a copy, as it detaches whatever buffer it is handed; for a 300 MB file that copy
   * is 300 MB more at the peak.
   */
  consume?: boolean;
  /** Files from this many bytes on get a broken cross-reference chain mended here (see xref-repair.ts). */
  repairFromBytes?: number;
}

export async function openPdf(data: Uint8Array, password?: string, options: OpenPdfOptions = {}): Promise<PDFDocumentProxy> {
  if (!looksLikePdf(data)) throw new WukongError('NOT_PDF');
  const tail = data.byteLength >= (options.repairFromBytes ?? REPAIR_MIN_BYTES) ? xrefRepairFor(data) : null;
  // A tail is appended in the file's own buffer where the caller gives it up and left room; else in one copy.
  const bytes = tail ? appendBytes(data, tail, options.consume === true) : undefined;
  const task = getDocument({
    data: bytes ?? (options.consume ? data : new Uint8Array(data)),
    password,
    ...PDFJS_RESOURCES,
    verbosity: PDFJS_ERRORS_ONLY,
    isEvalSupported: false,
    stopAtErrors: false,
    // Glyph names (/Differences) of each font, so TeX math glyphs pdf.js misreads can be put right.
    fontExtraProperties: true,
  });
  try {
    return await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    throw pdfjsError(err, password);
  }
}

function pdfjsError(err: unknown, password: string | undefined): WukongError {
  const e = err as { name?: string; code?: number; message?: string } | null;
  const detail = e?.message ?? String(err);
  if (e?.name === 'PasswordException') {
    // pdf.js: code 1 = a password is needed, 2 = the one given is wrong.
    if (e.code === 2 || password !== undefined) return new WukongError('BAD_PASSWORD', undefined, detail);
    return new WukongError('ENCRYPTED', undefined, detail);
  }
  if (e?.name === 'InvalidPDFException') return new WukongError('CORRUPT_PDF', undefined, detail);
  return new WukongError('CORRUPT_PDF', undefined, detail);
}
