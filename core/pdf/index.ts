/**
 * PDF understanding: bytes in, a DocumentModel out (units with coordinates, in reading order).
 * Implemented by issue 3; until then parsing reports NOT_IMPLEMENTED.
 */
import { WukongError } from '../errors.js';
import type { DocumentModel, Rect } from '../model/document.js';

export interface ParseProgress {
  page: number;
  pageCount: number;
}

export interface ParseOptions {
  password?: string;
  signal?: AbortSignal;
  onProgress?: (progress: ParseProgress) => void;
  /** A page that takes longer is skipped with a PAGE_TIMEOUT warning (default 10 s). */
  pageTimeoutMs?: number;
  /** Files larger than this are refused with TOO_LARGE (default 1 GiB). */
  maxBytes?: number;
}

export async function parsePdf(data: Uint8Array, fileName: string, options: ParseOptions = {}): Promise<DocumentModel> {
  void data;
  void fileName;
  void options;
  throw new WukongError('NOT_IMPLEMENTED', 'PDF parsing is not available in this version yet.');
}

/** Renders a region of a page to PNG bytes (for thumbnails and vision models). */
export async function renderRegionPng(data: Uint8Array, page: number, rect: Rect, scale: number): Promise<Uint8Array> {
  void data;
  void page;
  void rect;
  void scale;
  throw new WukongError('NOT_IMPLEMENTED', 'Rendering figure crops is not available in this version yet.');
}
